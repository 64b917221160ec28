"""HTML fragments for the report, with every text from data escaped.

Section notebooks display what these functions return. Nothing here builds
markup by hand from data without :func:`html.escape`, so a unit or category
called ``<script>`` prints as text.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

Formatter = Callable[[Any], str]
# Shown on the cover of a report built from the bundled sample (see crmlib.pipeline.context.city.is_synthetic).
SYNTHETIC_NOTICE = ("DATA SINTETIS: semua angka dalam laporan ini dihitung dari data contoh buatan, "
                    "bukan dari ekspor CRM yang sebenarnya.")


def text(value: Any) -> str:
    """Escape one value for HTML; NA prints as a dash.

    >>> text('<b>"Setu"</b>')
    '&lt;b&gt;&quot;Setu&quot;&lt;/b&gt;'
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "–"
    return escape(str(value), quote=True)


# Each table also carries its values for the report's workbook (crmlib.pipeline.deliverables.workbook); HTML ignores it.
TABLE_MIME = "application/vnd.crm-reports.table+json"


class Table(HTML):
    """An HTML table that also carries its headers and raw values, so the build can write it to a spreadsheet."""

    def __init__(self, markup: str, values: dict[str, Any]):
        super().__init__(markup)
        self.values = values

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.data, TABLE_MIME: self.values}


def _plain(value: Any) -> Any:
    """A cell as JSON: numbers stay numbers, times become ISO text, NA becomes null."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


_KINDS = {"integer": "integer", "floating": "number", "mixed-integer-float": "number", "decimal": "number",
          "boolean": "bool", "datetime64": "datetime", "datetime": "datetime", "date": "datetime"}


def column_kind(column: pd.Series) -> str:
    """How a spreadsheet should hold a column: integer, number, datetime, bool or text.

    >>> [column_kind(pd.Series(v)) for v in (pd.array([1, None]), [0.5], [pd.Timestamp("2022-06-01")], ["Setu"], [])]
    ['integer', 'number', 'datetime', 'text', 'text']
    """
    if pd.api.types.is_integer_dtype(column.dtype):
        return "integer"
    return _KINDS.get(pd.api.types.infer_dtype(column, skipna=True), "text")


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Formatter] | None = None,
    *,
    caption: str | None = None,
    row_class: str | None = None,
    figure: str | None = None,
    sources: Mapping[str, tuple[str | None, float | None]] | None = None,
    figure_rows: Sequence[int | str] | None = None,
    file: str | None = None,
) -> Table:
    """Render the named columns of a frame as an HTML table with Indonesian headers.

    ``columns`` maps a frame column to its printed header, in print order;
    ``formats`` maps a column to a function that turns a value into text.
    ``row_class`` names a column whose value becomes the row's CSS class.
    ``figure`` names the figure in figures.json that the table shows: each cell with a number is marked with its
    place in it (row, column; see :func:`bound`), and the workbook names the figure. A printed column that is
    another of the figure's columns scaled is given in ``sources`` (``{"minutes": ("mean_hours", 60)}``; a source
    of None: the row's place is the value itself, as in a figure of counts by name); ``figure_rows`` gives each
    printed row's place in the figure (a row number, or a key) when the table shows some of its rows or a mapping.
    The row number column ``no`` counts the printed rows and is marked as such. ``file`` names the list file that
    holds every row when the table prints some (:meth:`crmlib.pipeline.context.figure_book.FigureBook.record_list`):
    the workbook's sheet is written from it.
    """
    formats, sources = formats or {}, sources or {}
    places = list(figure_rows) if figure_rows is not None else list(range(len(frame)))
    head = "".join(f"<th>{text(label)}</th>" for label in columns.values())
    body = []
    rows = []
    for place, record in zip(places, frame.to_dict(orient="records")):
        cells = []
        for column in columns:
            value = record[column]
            shown = text(formats[column](value) if column in formats else value)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            attributes = ' class="num"' if numeric else ""
            if column == "no":
                attributes += ' data-row-number=""'
            elif figure and any(c.isdigit() for c in shown):
                source, scale = sources.get(column, (column, None))
                path = f"{figure}.{place}" if source is None else f"{figure}.{place}.{source}"
                attributes += figure_attributes(path, scale)
            cells.append(f"<td{attributes}>{shown}</td>")
        css = f' class="{text(record[row_class])}"' if row_class else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
        rows.append([_plain(record[column]) for column in columns])
    cap = f"<caption>{text(caption)}</caption>" if caption else ""
    markup = f'<table class="report">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    values = {"figure": figure, "caption": caption, "headers": list(columns.values()),
              "kinds": [column_kind(frame[column]) for column in columns], "rows": rows}
    if file:
        values |= {"file": file, "columns": list(columns)}
    return Table(markup, values)


def bound(shown: Any, figure: str | None = None, *, scale: float | None = None, tag: str = "strong") -> str:
    """Printed text in bold, escaped, and marked with the figure of figures.json it prints, when it prints one.

    ``figure`` is a path into figures.json: a name, then keys or row numbers ('response_split.within',
    'top_units.0.count'), or '#' for a list's length ('top_units.#'); ``scale`` says the text shows the figure
    times this (minutes of a figure in hours: 60). ``make verify`` reads these marks back
    (:mod:`crmlib.pipeline.audit.printed`).

    >>> bound("508", "total_complaints"), bound("<b>")
    ('<strong data-figure="total_complaints">508</strong>', '<strong>&lt;b&gt;</strong>')
    """
    return f"<{tag}{figure_attributes(figure, scale)}>{text(shown)}</{tag}>"


def figure_attributes(figure: str | None, scale: float | None = None) -> str:
    """The HTML attributes that tie printed text to its figure; '' for text that prints none."""
    if not figure:
        return ""
    return f' data-figure="{text(figure)}"' + (f' data-scale="{scale:g}"' if scale else "")


def paragraph(template: str, *, figures: Mapping[str, str] | None = None, plain: Mapping[str, str] | None = None,
              **values: Any) -> HTML:
    """A paragraph whose ``{name}`` slots are filled with escaped, bold values; ``figures`` names the figure
    each slot prints (see :func:`bound`), ``plain`` fills slots with fragments already escaped.

    >>> paragraph("Ada {n} aduan.", n="508", figures={"n": "total_complaints"}).data
    '<p>Ada <strong data-figure="total_complaints">508</strong> aduan.</p>'
    """
    figures = figures or {}
    filled = {name: bound(v, figures.get(name)) for name, v in values.items()}
    return HTML(f"<p>{escape(template).format(**filled, **(plain or {}))}</p>")


# The class of text written in the settings files (foreword, legal basis, advice): wording, not figures.
SETTINGS_TEXT = "settings-text"


def plain_paragraphs(paragraphs: list[str]) -> HTML:
    """Paragraphs of settings text, escaped."""
    return HTML("".join(f'<p class="{SETTINGS_TEXT}">{text(p)}</p>' for p in paragraphs))


def numbered_list(items: list[str]) -> HTML:
    """An ordered list of settings text, escaped."""
    return HTML(f'<ol class="{SETTINGS_TEXT}">' + "".join(f"<li>{text(i)}</li>" for i in items) + "</ol>")


def caption(template: str, *, figures: Mapping[str, str] | None = None, **values: Any) -> HTML:
    """A table or chart title line; ``{name}`` slots are filled with escaped values, marked with the figure
    each prints (``figures``, see :func:`bound`).

    >>> caption("{n} kategori", n="5 (lima)", figures={"n": "top_categories.#"}).data
    '<p class="caption"><span data-figure="top_categories.#">5 (lima)</span> kategori</p>'
    """
    if not values:
        return HTML(f'<p class="caption">{text(template)}</p>')
    figures = figures or {}
    filled = {name: bound(v, figures[name], tag="span") if figures.get(name) else text(v) for name, v in values.items()}
    return HTML(f'<p class="caption">{escape(template).format(**filled)}</p>')


def nihil() -> HTML:
    """The word the reports print for an empty table."""
    return HTML('<p class="nihil">NIHIL</p>')


def placeholder(what: str) -> str:
    """A marked gap for staff to fill in before the report is signed.

    >>> placeholder("Nomor DPA-SKPD")
    '<span class="placeholder">[ISI: Nomor DPA-SKPD]</span>'
    """
    return f'<span class="placeholder">[ISI: {text(what)}]</span>'


def cover(title: str, subtitle: str, rows: list[tuple[str, str | None]], notice: str | None = None) -> HTML:
    """The cover page: title block and the budget metadata as label/value rows; an unset value is a placeholder."""
    meta = "".join(f"<tr><th>{text(label)}</th><td>{text(value) if value else placeholder(label)}</td></tr>"
                   for label, value in rows)
    banner = f'<p class="banner">{text(notice)}</p>' if notice else ""
    return HTML(
        f'<div class="cover"><p class="cover-title">{text(title)}</p>'
        f'<p class="cover-subtitle">{text(subtitle)}</p>{banner}'
        f'<table class="meta">{meta}</table></div>'
    )


def synthetic_notice(synthetic: bool) -> HTML:
    """A notice that the report runs on the synthetic sample; nothing for real data.

    >>> synthetic_notice(False).data
    ''
    """
    return HTML(f'<p class="banner synthetic-notice">{text(SYNTHETIC_NOTICE)}</p>' if synthetic else "")


def html(fragment: str) -> HTML:
    """Wrap an already-escaped fragment (from :mod:`crmlib.report.narrative`) as a paragraph."""
    return HTML(f"<p>{fragment}</p>")


def signature(place_date: str, title: str | None) -> HTML:
    """The closing block of the foreword: place and month, then the signatory's title (a placeholder when unset)."""
    lines = ("<br/>".join(text(line) for line in str(title).splitlines() if line.strip()) if title
             else placeholder("jabatan penandatangan"))
    return HTML(f'<div class="signature"><p>{text(place_date)}</p><p>{lines}</p></div>')
