"""Indonesian display formatting of numbers, percents, dates and counts.

Rounding is half-up (as in the spreadsheets the seed reports were made with):
10.625 -> '10,63'. For a negative number a half rounds away from zero too, as a
spreadsheet's ROUND does: -2.25 -> '-2,3' (see
:func:`crmlib.metrics.rounding.round_half_up`). Every number the package prints,
in the report and in the anomaly flags' evidence alike, goes through
:func:`number`. Missing values (None, NaN, NA, NaT) display as an en dash.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from lokal.terbilang import terbilang

from crmlib.metrics.rounding import round_half_up
from crmlib.schema import TZ

LOCALE = "id"
MISSING = "\u2013"


def _missing(x: object) -> bool:
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def number(x: float | None, decimals: int = 2) -> str:
    """A number with `decimals` places, Indonesian separators.

    >>> number(10.625), number(1234.5), number(3.44, 1), number(float("nan"))
    ('10,63', '1.234,50', '3,4', '–')
    """
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round_half_up(x, decimals), format=pattern, locale=LOCALE)


def number_with(decimals: int) -> Callable[[float | None], str]:
    """A one-argument :func:`number` with fixed decimals, for a table column's formatter.

    >>> number_with(0)(67.4), number_with(3)(9.7775), number_with(1)(None)
    ('67', '9,778', '–')
    """
    return partial(number, decimals=decimals)


def compact(x: float | None, max_decimals: int = 3) -> str:
    """A number with only the decimals it needs (half-up to at most `max_decimals`), for a threshold quoted
    from the settings.

    >>> compact(50.0), compact(1.5), compact(2500), compact(0.0125)
    ('50', '1,5', '2.500', '0,013')
    """
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals > 0 else "")
    return format_decimal(round_half_up(x, max_decimals), format=pattern, locale=LOCALE)


def optional_integer(n: int | None) -> str:
    """A whole number, or nothing when missing (a row number that only some rows have).

    >>> optional_integer(3), optional_integer(1234), optional_integer(None), optional_integer(float("nan"))
    ('3', '1.234', '', '')
    """
    return "" if _missing(n) else integer(n)


def optional_text(value: str | None) -> str:
    """Text, or a dash when there is none (a grade without a capaian).

    >>> optional_text("A"), optional_text(None), optional_text("")
    ('A', '–', '–')
    """
    return MISSING if _missing(value) or not value else str(value)


def integer(n: int | None) -> str:
    """A whole number with thousands dots: integer(1234) -> '1.234'."""
    if _missing(n):
        return MISSING
    return number(n, 0)


def percent(x: float | None, decimals: int = 2) -> str:
    """A percent given as 0-100: percent(100 * 388 / 508) -> '76,38%'."""
    if _missing(x):
        return MISSING
    return number(x, decimals) + "%"


def hour_range(start: int, end: int) -> str:
    """Whole hours of the day as a span of clock times, Indonesian style (a dot between hours and minutes), joined
    by a hyphen as the report's other ranges are ('0-10'): a line does not break inside it.

    >>> hour_range(0, 6), hour_range(18, 24)
    ('00.00-06.00', '18.00-24.00')
    """
    return f"{start:02d}.00-{end:02d}.00"


def _jakarta_wall_time(ts: pd.Timestamp | dt.datetime) -> dt.datetime:
    # A naive time is taken as already being Jakarta wall time.
    stamp = pd.Timestamp(ts)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(TZ).tz_localize(None)
    return stamp.to_pydatetime()


def datetime_long(ts: pd.Timestamp | dt.datetime | None) -> str:
    """Date and time in Jakarta: '3 Juni 2022 16:15' (a colon, not Babel's default dot)."""
    if _missing(ts):
        return MISSING
    return format_datetime(_jakarta_wall_time(ts), "d MMMM yyyy HH:mm", locale=LOCALE)


def date_long(ts: pd.Timestamp | dt.date | None) -> str:
    """Date in Jakarta: '11 Juli 2022'."""
    if _missing(ts):
        return MISSING
    if isinstance(ts, dt.date) and not isinstance(ts, dt.datetime):
        return format_date(ts, "d MMMM yyyy", locale=LOCALE)
    return format_date(_jakarta_wall_time(ts).date(), "d MMMM yyyy", locale=LOCALE)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_label(month: str | pd.Period) -> str:
    """'2022-06' (or a monthly Period) -> 'Juni 2022'."""
    if _missing(month):
        return MISSING
    if isinstance(month, pd.Period):
        year, number_ = month.year, month.month
    else:
        match = _MONTH.match(str(month).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"month_label: expected 'YYYY-MM', got {month!r}.")
        year, number_ = int(match.group(1)), int(match.group(2))
    return format_date(dt.date(year, number_, 1), "MMMM yyyy", locale=LOCALE)


def count_words(n: int | None) -> str:
    """A count with its words: count_words(2) -> '2 (dua)'."""
    if _missing(n):
        return MISSING
    if isinstance(n, float) and not n.is_integer():
        raise ValueError(f"count_words: expected a whole number, got {n!r}.")
    whole = int(n)
    return f"{integer(whole)} ({terbilang(whole)})"


STATUS_LABELS = {"Complete": "Selesai", "In Progres": "Dalam Proses", "Wait": "Menunggu"}


def status_label(status: str | None) -> str:
    """Status as the report's prose names it: status_label('Complete') -> 'Selesai'."""
    if _missing(status):
        return MISSING
    return STATUS_LABELS.get(str(status), str(status))
