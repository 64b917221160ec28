"""Vectorised parsers for export cells: dates, numbers, statuses, channels.

Every parser takes a Series of raw strings and returns ``(values, bad)``:
``bad`` is True where a cell holds something that is not blank yet cannot be
read. Blank cells are missing values, never bad.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlib.schema import TZ

# Tried in order; the first format that reads a cell wins. Day-first formats
# come first because CRM exports write dd/mm/yyyy.
DATETIME_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
)

# Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serials outside this range are not dates anyone meant (100000 is the year 2173).
EXCEL_SERIAL_RANGE = (1.0, 100000.0)

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_SERIAL = r"\d+(?:[.,]\d+)?"


def clean_text(series: pd.Series) -> pd.Series:
    """Trim cells and collapse inner whitespace; blank cells become NA (``string`` dtype).

    >>> clean_text(pd.Series(["  a  b ", "", None])).tolist()
    ['a b', <NA>, <NA>]
    """
    # Exports repeat few distinct values in many rows: clean each distinct value once.
    codes, uniques = pd.factorize(series.astype("string"), use_na_sentinel=True)
    cleaned = np.array([" ".join(str(u).split()) or None for u in uniques] + [None], dtype=object)
    return pd.Series(cleaned[codes], index=series.index, dtype="string")


def spelling_key(text: str) -> str:
    """Comparison key for a spelling: lower case, letters and digits only.

    >>> spelling_key("SP4N-LAPOR!")
    'sp4nlapor'
    """
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def parse_datetimes(series: pd.Series, tz: str = TZ) -> tuple[pd.Series, pd.Series]:
    """Parse export date cells to tz-aware datetimes; return (values, bad).

    Accepts dd/mm/yyyy [HH:MM[:SS]], dd-mm-yyyy [...], ISO yyyy-mm-dd [HH:MM[:SS]]
    and Excel serial days. Naive times are taken as Jakarta time. Values keep
    microsecond resolution so that a year like 3020 survives to be judged
    implausible by the caller instead of overflowing.

    >>> values, bad = parse_datetimes(pd.Series(["03/06/2022 16:15", "44715.5", "31/02/2022", ""]))
    >>> values.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2022-06-03 16:15', '2022-06-03 12:00', nan, nan]
    >>> bad.tolist()
    [False, False, True, False]
    """
    text = clean_text(series).reset_index(drop=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    todo = text.notna().to_numpy(copy=True)

    serial = todo & text.str.fullmatch(_SERIAL).fillna(False).to_numpy(dtype=bool)
    if serial.any():
        days = pd.to_numeric(text[serial].str.replace(",", ".", regex=False)).astype("float64")
        in_range = days.between(*EXCEL_SERIAL_RANGE)
        stamps = (EXCEL_EPOCH + pd.to_timedelta(days[in_range], unit="D")).dt.round("s")
        out.loc[stamps.index] = stamps.astype("datetime64[us]")
        todo[stamps.index] = False
        # Out-of-range serials stay in `todo`: no format below reads them, so they end bad.

    for fmt in DATETIME_FORMATS:
        if not todo.any():
            break
        positions = np.flatnonzero(todo)
        parsed = pd.to_datetime(text.iloc[positions], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.any():
            out.iloc[positions[ok]] = parsed[ok].astype("datetime64[us]").to_numpy()
            todo[positions[ok]] = False

    values = out.dt.tz_localize(tz)
    values.index = series.index
    bad = pd.Series(todo, index=series.index, dtype="bool")
    return values, bad


def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written with a decimal comma or dot; return (Float64 values, bad).

    When both separators appear, the last one is the decimal mark.

    >>> values, bad = parse_numbers(pd.Series(["-6,2145", "106.8", "1.234,5", "48 jam", ""]))
    >>> values.tolist()
    [-6.2145, 106.8, 1234.5, <NA>, <NA>]
    >>> bad.tolist()
    [False, False, False, True, False]
    """
    text = clean_text(series).str.replace(r"\s", "", regex=True)
    has_comma = text.str.contains(",", regex=False).fillna(False)
    has_dot = text.str.contains(".", regex=False).fillna(False)
    comma_is_decimal = has_comma & (~has_dot | (text.str.rfind(",") > text.str.rfind(".")).fillna(False))
    dot_is_decimal = has_comma & has_dot & ~comma_is_decimal
    text = text.mask(comma_is_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    text = text.mask(dot_is_decimal, text.str.replace(",", "", regex=False))
    readable = text.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    values = pd.Series(pd.NA, index=series.index, dtype="Float64")
    if readable.any():
        values = values.mask(readable, pd.to_numeric(text.where(readable), errors="coerce").astype("Float64"))
    bad = text.notna() & ~readable
    return values, bad.astype("bool")


def _lookup(spellings: Mapping[str, Sequence[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, names in spellings.items():
        for name in [canonical, *(names or [])]:
            table[spelling_key(name)] = canonical
    return table


def _normalise(series: pd.Series, spellings: Mapping[str, Sequence[str]], keep_unknown: bool) -> tuple[pd.Series, pd.Series]:
    text = clean_text(series)
    table = _lookup(spellings)
    # Few distinct labels in many rows: look each distinct label up once.
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    mapped = np.array([table.get(spelling_key(u)) for u in uniques] + [None], dtype=object)
    canonical = pd.Series(mapped[codes], index=series.index, dtype="string")
    unknown = text.notna() & canonical.isna()
    if keep_unknown:
        canonical = canonical.fillna(text)
    return canonical, unknown.astype("bool")


def normalise_statuses(series: pd.Series, statuses: Mapping[str, Sequence[str]]) -> tuple[pd.Series, pd.Series]:
    """Map status spellings to canonical statuses; unknown ones become NA; return (values, unknown).

    >>> values, unknown = normalise_statuses(pd.Series(["Selesai", "in progress", "Pending"]),
    ...     {"Complete": ["Selesai"], "In Progres": ["In Progress"]})
    >>> values.tolist(), unknown.tolist()
    (['Complete', 'In Progres', <NA>], [False, False, True])
    """
    return _normalise(series, statuses, keep_unknown=False)


def normalise_channels(series: pd.Series, channels: Mapping[str, Sequence[str]]) -> tuple[pd.Series, pd.Series]:
    """Map channel spellings to canonical labels; unknown ones keep their label; return (values, unknown).

    >>> values, unknown = normalise_channels(pd.Series(["LAPOR!", "Radio"]), {"SP4N Lapor": ["LAPOR!"]})
    >>> values.tolist(), unknown.tolist()
    (['SP4N Lapor', 'Radio'], [False, True])
    """
    return _normalise(series, channels, keep_unknown=True)
