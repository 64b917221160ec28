"""The report's printed numbers, read back from report.html and checked against figures.json.

Every number a section prints is marked with the figure it prints
(``<strong data-figure="response_split.within">388</strong>``, see
:func:`crmlib.report.html_blocks.bound`). An auditor follows the mark to
figures.json; ``make verify`` reads every mark back and checks that the printed
text is the figure, rounded as printed, so a number edited in report.html is
named like a figure that differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from crmlib.formatting import MISSING, date_long, datetime_long
from crmlib.metrics.rounding import round_half_up
from crmlib.pipeline.context.figure_book import FLOAT_DIGITS
from crmlib.report.html_blocks import SETTINGS_TEXT

# An Indonesian number as the report prints it: '1.234', '99,961', '-3,5'.
_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
_MISSING_PATH = object()


@dataclass(frozen=True)
class Printed:
    """One marked piece of printed text: the figure's path, the text, and the scale it is printed at."""

    figure: str
    text: str
    scale: float = 1.0


class _Marks(HTMLParser):
    """Collects the text of every element with a ``data-figure`` attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Printed] = []
        self._open: list[tuple[str, dict[str, str | None], list[str]] | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:  # no end tag follows
            return
        named = dict(attrs)
        self._open.append((tag, named, []) if named.get("data-figure") else None)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or tag in _VOID:
            return
        entry = self._open.pop()
        if entry is not None:
            _, named, parts = entry
            self.found.append(Printed(str(named["data-figure"]), " ".join("".join(parts).split()),
                                      float(named.get("data-scale") or 1)))

    def handle_data(self, data: str) -> None:
        for entry in self._open:
            if entry is not None:
                entry[2].append(data)


def printed_figures(html: str) -> list[Printed]:
    """Every marked piece of printed text in a report, in page order of their ends.

    >>> printed_figures('<p>Ada <strong data-figure="total_complaints">508</strong> aduan.</p>')
    [Printed(figure='total_complaints', text='508', scale=1.0)]
    """
    marks = _Marks()
    marks.feed(html)
    marks.close()
    return marks.found


def resolve(figures: dict[str, Any], path: str) -> Any:
    """The value at a figure path: a name, then dict keys or row numbers; '#' is a list's length.

    >>> resolve({"top_units": [{"count": 25}, {"count": 19}]}, "top_units.1.count"), resolve({"a": [1, 2]}, "a.#")
    (19, 2)
    """
    name, *steps = path.split(".")
    value = figures.get(name, _MISSING_PATH)
    for step in steps:
        if value is _MISSING_PATH:
            break
        if step == "#" and isinstance(value, (list, dict)):
            value = len(value)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            value = _MISSING_PATH
    return value


def _decimal(text: str) -> tuple[Decimal, int] | None:
    """The first number in printed text and its decimals: ('1.234,5 jam') -> (1234.5, 1)."""
    match = _NUMBER.search(text)
    if not match:
        return None
    number = match.group(0).replace(".", "").replace(",", ".")
    return Decimal(number), len(number.split(".")[1]) if "." in number else 0


def agrees(value: Any, printed: Printed) -> bool:
    """True when printed text shows the value (times the scale), rounded half-up to the decimals it prints.

    >>> agrees(99.961, Printed("capaian", "99,961%")), agrees(76.377953, Printed("p", "76,38%"))
    (True, True)
    >>> agrees(0.5, Printed("h", "30", 60)), agrees(508, Printed("n", "509")), agrees(None, Printed("m", "–"))
    (True, False, True)

    A figure kept to six decimals may have printed either way of a half: 10.625 minutes recorded as 0.177083 hours.

    >>> agrees(0.177083, Printed("m", "10,63", 60)), agrees(0.177083, Printed("m", "10,62", 60))
    (True, True)
    >>> agrees(0.177083, Printed("m", "10,64", 60))
    False
    """
    if value is _MISSING_PATH:
        return False
    if value is None:
        return _decimal(printed.text) is None  # a dash, or words such as 'belum tercapai'
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return printed.text in _shown_as(str(value))
    shown = _decimal(printed.text)
    if shown is None:
        return False
    number, decimals = shown
    # figures.json keeps FLOAT_DIGITS decimals: the value printed was any within half a unit of the last one.
    slack = Decimal(5).scaleb(-FLOAT_DIGITS - 1) if isinstance(value, float) else Decimal(0)
    ends = [round_half_up((Decimal(repr(float(value))) + d) * Decimal(repr(printed.scale)), decimals)
            for d in (-slack, slack)]
    return min(ends) <= number <= max(ends)


def _shown_as(value: str) -> set[str]:
    """How a text figure may print: itself, a dash when empty, and a time as a date with or without the time."""
    if not value:
        return {"", MISSING}
    if _ISO_TIME.match(value):
        return {value, datetime_long(value), date_long(value)}
    return {value}


def unmarked_numbers(html: str) -> list[str]:
    """Text with a digit that prints no figure: outside every mark, heading, table header, row number and text
    from the settings files, and neither a date nor one of the :data:`STATIC_PHRASES`.

    >>> unmarked_numbers('<h2>Juni 2022</h2><p>Ada <strong data-figure="n">5</strong> aduan, 3 Juni 2022, 7 lagi.</p>')
    ['aduan, , 7 lagi.']
    """
    scan = _Unmarked()
    scan.feed(html)
    scan.close()
    return scan.found


class _Unmarked(HTMLParser):
    """Collects text with a digit outside marked elements, headings, row numbers, styles and scripts."""

    _SKIP = {"h1", "h2", "h3", "th", "style", "script", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: list[bool] = []  # per open element: whether its text is exempt

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        exempt = (tag in self._SKIP or "data-figure" in named or "data-row-number" in named
                  or SETTINGS_TEXT in (named.get("class") or "").split())
        if tag not in _VOID:
            self._open.append(exempt)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in _VOID:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if any(self._open):
            return
        rest = " ".join(_STATIC.sub(" ", _DATE.sub(" ", data)).split())
        if any(c.isdigit() for c in rest):
            self.found.append(rest)


_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source", "area", "base", "embed", "param",
         "track"}
_MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
# '3 Juni 2022 16:15', 'Juni 2022', '3 Juni 2022': the report's dates, which are no figures.
_DATE = re.compile(rf"(?:\b\d{{1,2}} )?(?:{_MONTHS}) \d{{4}}(?: \d{{2}}:\d{{2}})?")
# Numbers that are wording, not figures: the 90th percentile's name, the score's maximum of 100 in 'below 100',
# one complaint as a unit, and the funnel plot's fixed limits.
STATIC_PHRASES = ("persentil ke-90", "P90", "di bawah 100", "di Bawah 100", "menyelesaikan 1 aduan", "99,8%", "95%")
_STATIC = re.compile("|".join(re.escape(p) for p in STATIC_PHRASES))
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def differing_printed(html: str, figures: dict[str, Any]) -> list[str]:
    """One line per printed number that is not its figure (or whose figure is not in figures.json)."""
    lines = []
    for printed in printed_figures(html):
        value = resolve(figures, printed.figure)
        if agrees(value, printed):
            continue
        recorded = "not in figures.json" if value is _MISSING_PATH else f"figures.json has {value!r}"
        scale = f" (printed at {printed.scale:g} times)" if printed.scale != 1 else ""
        lines.append(f"printed number differs: {printed.figure}: report.html shows {printed.text!r}, {recorded}{scale}")
    return lines
