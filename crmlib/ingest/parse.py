"""Vectorised parsers for export cells: dates, numbers, statuses, channels.

Every parser takes a Series of raw strings and returns ``(values, bad)``:
``bad`` is True where a cell holds something that is not blank yet cannot be
read. Blank cells are missing values, never bad.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmlib.schema import TZ

# Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serials outside this range are not dates anyone meant (100000 is the year 2173).
EXCEL_SERIAL_RANGE = (1.0, 100000.0)
DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)
_ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_FAST_FORMATS = {
    DAY_FIRST: ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", *_ISO_FORMATS),
    MONTH_FIRST: ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", *_ISO_FORMATS),
}

_CLEAN_CELL = r"[\x21-\x7e]+(?: [\x21-\x7e]+)*"
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_SERIAL = r"[0-9]+(?:[.,][0-9]+)?"
# A time of day after a date: 16:15, 16.15, 16:15:30, 16:15:30.123456.
_TIME = r"(?:[ T](?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})(?:[:.](?P<S>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?)?"
# 03/06/2022, 3-6-2022, 03.06.2022: day and month in an order the column decides.
NUMERIC_DATE_START = r"^(?P<a>[0-9]{1,2})[/.-](?P<b>[0-9]{1,2})[/.-](?P<y>[0-9]{4})"
_NUMERIC_DATE = re.compile(NUMERIC_DATE_START + _TIME + "$")
# ISO 8601, with an optional offset or Z.
_ISO_DATE = re.compile(r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})" + _TIME
                       + r"\s*(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?$", re.IGNORECASE)
# 3 Juni 2022 16:15, as the reports print dates, or 03 Jun 2022.
_NAMED_DATE = re.compile(r"^(?P<d>[0-9]{1,2})\s+(?P<name>[^\W\d_]+)\.?\s+(?P<y>[0-9]{4})" + _TIME + "$")


def _month_numbers() -> dict[str, int]:
    """Indonesian and English month names and abbreviations, case-folded -> month number."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[str(name).casefold().rstrip(".")] = number
    # Spellings Babel does not give that exports use.
    names.update({"agt": 8, "ags": 8, "sept": 9, "okt": 10, "des": 12, "nop": 11, "pebruari": 2})
    return names


MONTH_NAMES = _month_numbers()
# Every Unicode decimal digit (Arabic-Indic, Devanagari, full-width ...) to its ASCII digit.
_DIGITS = str.maketrans({chr(c): str(unicodedata.digit(chr(c))) for c in range(0x110000)
                         if unicodedata.category(chr(c)) == "Nd" and not chr(c).isascii()})


def normalise_cell(text: str) -> str | None:
    r"""One cell as the package reads it: NFKC, every digit ASCII, control and format characters gone,
    whitespace collapsed; None when nothing is left.

    >>> normalise_cell("  Ｓａｍｐａｈ\u202e  ٣\x00 ")
    'Sampah 3'
    """
    if text.isascii() and text.isprintable():  # nearly every cell: nothing to normalise but spaces
        return " ".join(text.split()) or None
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    # Cc (NUL, escapes) and Cf (bidi overrides, zero-width marks) can hide or reorder what a reader sees.
    text = "".join(ch if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf") else "" for ch in text)
    return " ".join(text.split()) or None


def clean_text(series: pd.Series) -> pd.Series:
    """Each cell through :func:`normalise_cell`; blank cells become NA (``string`` dtype).

    >>> clean_text(pd.Series(["  a  b ", "", None, "\u200b"])).tolist()
    ['a b', <NA>, <NA>, <NA>]
    """
    text = series.astype("string")
    # Most cells are already clean (printable ASCII, single spaces): only the others go through Python,
    # and each distinct one once.
    dirty = ~text.str.fullmatch(_CLEAN_CELL).fillna(False).astype(bool) & text.notna()
    if dirty.any():
        codes, uniques = pd.factorize(text[dirty], use_na_sentinel=True)
        cleaned = np.array([normalise_cell(str(u)) for u in uniques] + [None], dtype=object)
        text = text.copy()
        text[dirty] = pd.array(cleaned[codes], dtype="string")
    return text


def date_order_votes(series: pd.Series) -> tuple[int, int]:
    """Cells of a date column that only read day-first, and that only read month-first.

    A numeric date is decided when one of its first two numbers is over 12.

    >>> date_order_votes(pd.Series(["13/06/2022", "06/13/2022", "06/07/2022 08:00", "2022-06-13"]))
    (1, 1)
    """
    # Dates repeat where times do not: look at each distinct date part once.
    text = clean_text(series)
    dates = text.str.slice(0, 10).value_counts()
    parts = dates.index.to_series().str.extract(NUMERIC_DATE_START)[["a", "b"]].astype("Float64")
    first_over = (parts["a"] > 12).to_numpy(dtype=bool, na_value=False)
    second_over = (parts["b"] > 12).to_numpy(dtype=bool, na_value=False)
    counts = dates.to_numpy()
    return int(counts[first_over & ~second_over].sum()), int(counts[second_over & ~first_over].sum())


def _stamps(parts: pd.DataFrame) -> pd.Series:
    """Naive datetimes (microseconds) from year/month/day/H/M/S/f text columns; NaT where not a real date."""
    fraction = parts["f"].fillna("").str.ljust(6, "0").replace("", "000000")
    text = (parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2) + "T"
            + parts["H"].fillna("0").str.zfill(2) + ":" + parts["M"].fillna("00") + ":" + parts["S"].fillna("00")
            + "." + fraction)
    stamps = pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%S.%f", errors="coerce")
    return stamps.astype("datetime64[us]")


def parse_datetimes(series: pd.Series, tz: str = TZ, order: str = DAY_FIRST) -> tuple[pd.Series, pd.Series]:
    """Parse export date cells to tz-aware datetimes; return (values, bad).

    Reads dd/mm/yyyy (or mm/dd/yyyy with ``order="month_first"``) with ``/``,
    ``-`` or ``.``; ISO yyyy-mm-dd with ``T`` or a space and an optional offset
    or ``Z``; '3 Juni 2022 16:15' with a month name; Excel serial days. A time
    of day may follow, with ``:`` or ``.``. Times without an offset are Jakarta
    wall time; times with one are converted to Jakarta. Values keep microsecond
    resolution so that a year like 3020 survives to be judged implausible by
    the caller instead of overflowing.

    >>> values, bad = parse_datetimes(pd.Series(["03/06/2022 16:15", "44715.5", "2022-06-03T09:15:00Z",
    ...                                          "3 Juni 2022 16.15", "31/02/2022", ""]))
    >>> values.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2022-06-03 16:15', '2022-06-03 12:00', '2022-06-03 16:15', '2022-06-03 16:15', nan, nan]
    >>> bad.tolist()
    [False, False, False, False, True, False]
    """
    if order not in DATE_ORDERS:
        raise ValueError(f"parse_datetimes: order must be one of {DATE_ORDERS}, got {order!r}")
    text = cleaned = clean_text(series).reset_index(drop=True)
    wall = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")  # Jakarta wall time
    utc = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")  # cells with an offset

    # Fastest path: 'dd/mm/yyyy HH:MM', what the CRM writes, cut into its numbers by position.
    todo = text.notna().to_numpy(copy=True)
    fixed = text.str.fullmatch(r"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}").fillna(False).to_numpy(dtype=bool)
    if fixed.any():
        cells = text[fixed]
        # Arrow's strptime reads these several times faster than pandas, but rolls 31/02 over into
        # March: a date is kept only when its day of the month is the one written.
        written = pa.array(cells, type=pa.string())
        stamps = pc.strptime(written, format=_FAST_FORMATS[order][0], unit="us", error_is_null=True)
        day_at = 0 if order == DAY_FIRST else 3
        day = pc.cast(pc.utf8_slice_codeunits(written, day_at, day_at + 2), pa.int64())
        wall[cells.index] = pc.if_else(pc.equal(pc.day(stamps), day), stamps, None).to_numpy(zero_copy_only=False)
        todo &= ~(fixed & wall.notna().to_numpy())
    # Fast path: the other layouts exports write, through pandas' own parser; the patterns below read the rest.
    for fmt in _FAST_FORMATS[order]:
        positions = np.flatnonzero(todo)
        if not len(positions):
            return _finish(wall, utc, text, series, tz)
        parsed = pd.to_datetime(text.iloc[positions], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        wall.iloc[positions[ok]] = parsed[ok].astype("datetime64[us]").to_numpy()
        todo[positions[ok]] = False
    text = text.where(todo)

    serial = text.str.fullmatch(_SERIAL).fillna(False).astype(bool)
    if serial.any():
        days = pd.to_numeric(text[serial].str.replace(",", ".", regex=False)).astype("float64")
        days = days[days.between(*EXCEL_SERIAL_RANGE)]
        wall[days.index] = (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("s").astype("datetime64[us]")

    numeric = text.str.extract(_NUMERIC_DATE.pattern).dropna(subset=["y"])
    if len(numeric):
        day, month = ("a", "b") if order == DAY_FIRST else ("b", "a")
        wall[numeric.index] = _stamps(numeric.rename(columns={day: "d", month: "m"}))

    iso = text.str.extract(_ISO_DATE.pattern, flags=re.IGNORECASE).dropna(subset=["y"])
    if len(iso):
        stamps = _stamps(iso)
        naive = iso["tz"].isna()
        wall[naive[naive].index] = stamps[naive]
        if (~naive).any():
            offset = iso.loc[~naive, "tz"].str.upper().replace("Z", "+00:00").str.replace(
                r"^([+-][0-9]{2}):?([0-9]{2})$", r"\1:\2", regex=True)
            minutes = (offset.str[0].map({"+": 1, "-": -1}) * (offset.str[1:3].astype(int) * 60
                                                               + offset.str[4:6].astype(int)))
            shifted = stamps[~naive] - pd.to_timedelta(minutes, unit="min")
            utc[shifted.index] = shifted.dt.tz_localize("UTC")

    named = text.str.extract(_NAMED_DATE.pattern).dropna(subset=["y"])
    if len(named):
        named["m"] = named["name"].str.casefold().map(MONTH_NAMES).astype("Int64").astype("string")
        named = named.dropna(subset=["m"])
        wall[named.index] = _stamps(named)

    return _finish(wall, utc, cleaned, series, tz)


def _finish(wall: pd.Series, utc: pd.Series, text: pd.Series, series: pd.Series, tz: str) -> tuple[pd.Series, pd.Series]:
    """Jakarta times from wall times and offset times; bad where a non-blank cell gave neither."""
    values = wall.dt.tz_localize(tz)
    has_offset = utc.notna()
    if has_offset.any():
        values[has_offset] = utc[has_offset].dt.tz_convert(tz)
    bad = text.notna() & values.isna()
    values.index = series.index
    return values, pd.Series(bad.to_numpy(), index=series.index, dtype="bool")


def spelling_key(text: str) -> str:
    """Comparison key for a spelling: lower case, letters and digits only.

    >>> spelling_key("SP4N-LAPOR!")
    'sp4nlapor'
    """
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written with a decimal comma or dot; return (Float64 values, bad).

    When both separators appear, the last one is the decimal mark. Digits of
    any script are read; 'inf', 'NaN' and numbers too large for a float are bad.

    >>> values, bad = parse_numbers(pd.Series(["-6,2145", "106.8", "1.234,5", "48 jam", "", "٤٨", "inf", "1e999"]))
    >>> values.tolist()
    [-6.2145, 106.8, 1234.5, <NA>, <NA>, 48.0, <NA>, <NA>]
    >>> bad.tolist()
    [False, False, False, True, False, False, True, True]
    """
    text = clean_text(series).str.replace(" ", "", regex=False)
    values = pd.Series(np.nan, index=series.index, dtype="float64")
    # Fast path: plain numbers with a dot or none, through pandas' own parser.
    plain = text.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    if plain.any():
        values[plain] = pd.to_numeric(text[plain], errors="coerce").astype("float64")
    # With a comma: the last separator is the decimal mark, the other groups thousands.
    comma = text.str.contains(",", regex=False).fillna(False).astype(bool) & ~plain
    if comma.any():
        part = text[comma]
        has_dot = part.str.contains(".", regex=False)
        comma_is_decimal = ~has_dot | (part.str.rfind(",") > part.str.rfind("."))
        part = part.mask(comma_is_decimal, part.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        part = part.mask(~comma_is_decimal, part.str.replace(",", "", regex=False))
        readable = part.str.fullmatch(_NUMBER).fillna(False).astype(bool)
        values[part.index[readable]] = pd.to_numeric(part[readable], errors="coerce").astype("float64")
    readable = np.isfinite(values)
    bad = text.notna() & ~readable
    values = values.where(readable).astype("Float64")
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


def label_key(text: str) -> str:
    """Comparison key for a label such as a category: case folded, spaces collapsed, and a trailing abbreviation
    in brackets dropped, as exports append one to some rows of a category and not to others.

    >>> label_key("Pekerja Penanganan Prasarana dan Sarana Umum Kelurahan (PPSU) "), label_key("Parkir  LIAR")
    ('pekerja penanganan prasarana dan sarana umum kelurahan', 'parkir liar')
    """
    return " ".join(_ABBREVIATION.sub("", str(text)).split()).casefold()


# '(PPSU)', '(P3S)', '(Satpol PP)': a short bracketed abbreviation at the end of a label.
_ABBREVIATION = re.compile(r"\s*\((?=[^)]*[A-Z])[A-Za-z0-9 .&/-]{1,12}\)\s*$")


def unify_spellings(series: pd.Series, aliases: Mapping[str, str] | None = None
                    ) -> tuple[pd.Series, dict[str, list[str]], dict[str, list[str]]]:
    """One spelling per label: first each alias replaced by its label (keys compared by :func:`label_key`), then
    spellings with one :func:`label_key` (case, spaces, a trailing abbreviation) merged into the most frequent
    one (ties: the first in sort order).

    Returns the values and, per kept spelling, the spellings an alias replaced and the others merged into it.

    >>> values, aliased, merged = unify_spellings(
    ...     pd.Series(["Sampah", "SAMPAH", "Sampah (DKI)", "Sampah", "Jalan", "Jln", None]), {"Jln": "Jalan"})
    >>> values.tolist()
    ['Sampah', 'Sampah', 'Sampah', 'Sampah', 'Jalan', 'Jalan', <NA>]
    >>> aliased, merged
    ({'Jalan': ['Jln']}, {'Sampah': ['SAMPAH', 'Sampah (DKI)']})
    """
    text = series.astype("string")
    targets = {label_key(k): str(v) for k, v in (aliases or {}).items()}
    aliased: dict[str, list[str]] = {}
    if targets:
        found = {v: targets[label_key(v)] for v in text.dropna().unique() if label_key(v) in targets}
        found = {v: t for v, t in found.items() if v != t}
        for spelling, target in sorted(found.items()):
            aliased.setdefault(target, []).append(spelling)
        text = text.replace(found) if found else text
    counts = text.value_counts()
    if counts.empty:
        return text, aliased, {}
    spellings = pd.DataFrame({"spelling": counts.index.astype(str), "count": counts.to_numpy()})
    spellings["key"] = spellings["spelling"].map(label_key)
    spellings = spellings.sort_values(["key", "count", "spelling"], ascending=[True, False, True], kind="stable")
    kept = spellings.groupby("key", sort=False)["spelling"].transform("first")
    replace = dict(zip(spellings["spelling"], kept))
    merged = {k: sorted(spellings.loc[(kept == k) & (spellings["spelling"] != k), "spelling"])
              for k in sorted(set(kept[kept != spellings["spelling"]]))}
    if not merged:
        return text, aliased, {}
    return text.map(replace).astype("string"), aliased, merged
