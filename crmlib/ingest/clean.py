"""Raw export rows -> canonical tickets and coordinations, with exclusions and flags.

Every row read is either used or excluded with a reason. A used row may carry
flags: a field that could not be trusted was emptied, the ticket still counts.
Each reason has a code (:class:`crmlib.schema.ReasonCode`), which code selects
rows by, and one line of Indonesian, which never quotes free text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlib.errors import InputError
from crmlib.ingest import areas
from crmlib.ingest.parse import (
    DATE_ORDERS,
    DAY_FIRST,
    MONTH_FIRST,
    MONTH_NAMES,
    NUMERIC_DATE_START,
    clean_text,
    date_order_votes,
    normalise_channels,
    normalise_statuses,
    parse_datetimes,
    parse_numbers,
    unify_spellings,
)
from crmlib.ingest.rules import Rules
from crmlib.ingest.settings import CATEGORY_ALIASES_FILE
from crmlib.schema import (
    ACCOUNTING_COLUMNS,
    COORDINATION_DTYPES,
    EXCLUSION_COLUMNS,
    FLAG_COLUMNS,
    TICKET_DTYPES,
    TZ,
    ReasonCode,
    row_frame_dtypes,
)

# DKI Jakarta including Kepulauan Seribu (lat -6.38..-5.19, lon 106.39..106.98), with a small margin.
DKI_BBOX = {"lat_min": -6.40, "lat_max": -5.10, "lon_min": 106.35, "lon_max": 107.00}
# Shown for a blank category, sub-category or channel: the ticket still counts.
BLANK_LABEL = "(kosong)"
DATE_COLUMNS = {"tickets": ("created_at", "responded_at", "completed_at"),
                "coordinations": ("coordinated_at", "processed_at")}
# More rejections of one follow-up than this is a typing error, not a count.
MAX_REJECTIONS = 100
ORDER_LABELS = {DAY_FIRST: "hari/bulan/tahun", MONTH_FIRST: "bulan/hari/tahun"}
ORDER_FORMATS = {DAY_FIRST: "dd/mm/yyyy", MONTH_FIRST: "mm/dd/yyyy"}

# Cell values quoted in a reason must look like a date or a number: a shifted
# row could otherwise carry free text into a date column and into the report.
# Their words may only be month names and the few words exports put in such cells.
_QUOTABLE_WORDS = sorted(set(MONTH_NAMES) | {"t", "z", "e", "inf", "infinity", "nan", "null", "none", "na", "n/a",
                                               "st", "nd", "rd", "th", "am", "pm", "wib"},
                         key=len, reverse=True)
_QUOTABLE = re.compile(r"(?i)(?=.{1,30}$)(?:[0-9:/\-.,+ ]|(?<![a-z])(?:" + "|".join(map(re.escape, _QUOTABLE_WORDS))
                       + r")(?![a-z]))+")
# Names (unit, status, channel) are quoted when short and free of contact-like
# content (an '@' or a run of digits), so a misplaced cell cannot leak identity.
_NAME_LIKE = re.compile(r"^(?!.*@)(?!.*\d{5}).{1,60}$")
HIDDEN = "(isi tidak ditampilkan)"
# A spelling merged into a label is that label (or an alias from the settings) up to case, spaces and a short
# bracketed abbreviation: nothing a reader does not see in the report's tables, so a long one may be quoted too.
_LABEL_LIKE = re.compile(r"^(?!.*@)(?!.*\d{5}).{1,100}$")
# How the names of units open in exports: such a name is a unit's, not a person's.
_UNIT_OPENING = re.compile(r"(?i)^(KELURAHAN|KEL\.?|KECAMATAN|KEC\.?|WALI ?KOTA|SUKU DINAS|SUDIN|DINAS|BADAN|UPT)\b")


def quote(values: pd.Series, where: pd.Series | None = None) -> pd.Series:
    """Cell values safe to show in a reason (dates, numbers), else a placeholder.

    >>> quote(pd.Series(["31/02/2022", "rumah Pak X", "2022-06-30T17:30:00Z", "NULL", "3 Juni 2022"])).tolist()
    ["'31/02/2022'", '(isi tidak ditampilkan)', "'2022-06-30T17:30:00Z'", "'NULL'", "'3 Juni 2022'"]
    """
    return _quote_matching(values, _QUOTABLE, where)


def quote_name(values: pd.Series, where: pd.Series | None = None) -> pd.Series:
    """Names safe to show in a reason (short, no e-mail or phone-like digits), else a placeholder.

    >>> quote_name(pd.Series(["KELURAHAN PULO GEBNG", "budi@contoh.id", "0812345678"])).tolist()
    ["'KELURAHAN PULO GEBNG'", '(isi tidak ditampilkan)', '(isi tidak ditampilkan)']
    """
    return _quote_matching(values, _NAME_LIKE, where)


def _quote_matching(values: pd.Series, pattern: re.Pattern[str], where: pd.Series | None = None) -> pd.Series:
    """Quoted values that fully match the pattern, else HIDDEN; only where ``where`` is True (NA elsewhere),
    because reasons are built for whole columns and most rows need none."""
    text = values.astype("string")
    if where is not None:
        out = pd.Series(pd.NA, index=values.index, dtype="string")
        mask = where.fillna(False).astype(bool)
        if mask.any():
            out[mask] = _quote_matching(text[mask], pattern)
        return out
    safe = text.str.fullmatch(pattern.pattern).fillna(False).astype(bool)
    return ("'" + text + "'").where(safe, HIDDEN)


class _Rows:
    """Exclusion reasons and flags for one table, first exclusion reason wins; each with its reason code."""

    def __init__(self, table: str, source_file: str, raw: pd.DataFrame, headers: Mapping[str, str],
                 missing: Sequence[str] = ()):
        self.table, self.source_file, self.raw, self.headers = table, source_file, raw, headers
        # Columns the file does not have; the loader flags each once for the whole file.
        self.missing = frozenset(missing)
        self.reason = pd.Series(pd.NA, index=raw.index, dtype="string")
        self.code = pd.Series(pd.NA, index=raw.index, dtype="string")
        self.column = pd.Series(pd.NA, index=raw.index, dtype="string")
        self.ticket_id = pd.Series(pd.NA, index=raw.index, dtype="string")
        self.flag_frames: list[pd.DataFrame] = []
        self.notes: list[dict[str, Any]] = []  # flags on the whole file, not on a row

    def label(self, column: str) -> str:
        """The column's header as the file writes it."""
        return self.headers.get(column, column)

    def has(self, column: str) -> bool:
        """True when the file carries this column (a blank cell there is a real blank)."""
        return column in self.raw.columns and column not in self.missing

    @property
    def used(self) -> pd.Series:
        return self.reason.isna()

    def exclude(self, mask: pd.Series, column: str | None, code: ReasonCode | pd.Series,
                reason: str | pd.Series) -> None:
        mask = mask.fillna(False).astype(bool) & self.used
        self.code = self.code.mask(mask, _code_text(code))
        self.reason = self.reason.mask(mask, reason)
        if column is not None:
            self.column = self.column.mask(mask, self.label(column))

    def flag(self, mask: pd.Series, column: str | None, code: ReasonCode, reason: str | pd.Series) -> None:
        mask = mask.fillna(False).astype(bool) & self.used
        if not mask.any():
            return
        reasons = reason[mask] if isinstance(reason, pd.Series) else reason
        self.flag_frames.append(pd.DataFrame({
            "table": self.table,
            "source_file": self.source_file,
            "source_row": self.raw.loc[mask, "source_row"],
            "ticket_id": self.ticket_id[mask],
            "column": self.label(column) if column else pd.NA,
            "code": code.value,
            "reason": reasons,
        }))

    def note(self, column: str, code: ReasonCode, reason: str) -> None:
        """Flag the whole file's column (no row number), e.g. the order its dates are read in."""
        self.notes.append({"table": self.table, "source_file": self.source_file, "source_row": pd.NA,
                           "ticket_id": pd.NA, "column": self.label(column), "code": code.value, "reason": reason})

    def exclusions(self) -> pd.DataFrame:
        out = self.reason.notna()
        frame = pd.DataFrame({
            "table": self.table,
            "source_file": self.source_file,
            "source_row": self.raw.loc[out, "source_row"],
            "ticket_id": self.ticket_id[out],
            "column": self.column[out],
            "code": self.code[out],
            "reason": self.reason[out],
        }, columns=EXCLUSION_COLUMNS)
        return frame.astype(row_frame_dtypes(EXCLUSION_COLUMNS)).reset_index(drop=True)

    def flags(self) -> pd.DataFrame:
        """Flags of the rows still used (a row flagged, then excluded, keeps only its exclusion), then file notes."""
        frames = [f for f in self.flag_frames if len(f)]
        frame = pd.concat(frames).sort_index(kind="stable") if frames else pd.DataFrame(columns=FLAG_COLUMNS)
        frame = frame[frame.index.isin(self.used[self.used].index)]
        notes = pd.DataFrame(self.notes, columns=FLAG_COLUMNS)
        frame = pd.concat([f for f in (frame, notes) if len(f)]) if len(notes) else frame
        return frame.astype(row_frame_dtypes(FLAG_COLUMNS)).reset_index(drop=True)


def _code_text(code: ReasonCode | pd.Series) -> str | pd.Series:
    """A code as the frames hold it: its plain text (a Series of codes is already text)."""
    return code.value if isinstance(code, ReasonCode) else code


def _column(raw: pd.DataFrame, name: str) -> pd.Series:
    return raw[name] if name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="string")


def _cleaned(raw: pd.DataFrame) -> pd.DataFrame:
    """Raw rows with every text cell trimmed once (blank -> NA); row order reset."""
    raw = raw.reset_index(drop=True)
    text = {c: clean_text(raw[c]) for c in raw.columns if c not in ("source_row", "load_problem", "load_problem_code")}
    return raw.assign(**text)


def _ticket_ids(rows: _Rows, mapping: Mapping[str, Any]) -> pd.Series:
    ids = _column(rows.raw, "ticket_id").str.replace(" ", "", regex=False).str.upper()
    pattern = mapping.get("ticket_id_pattern") or r"^\S+$"
    valid = ids.str.fullmatch(pattern).fillna(False).astype(bool)
    rows.ticket_id = ids.where(valid)
    rows.exclude(ids.isna(), "ticket_id", ReasonCode.TICKET_ID_BLANK, "No Laporan kosong")
    rows.exclude(~valid, "ticket_id", ReasonCode.TICKET_ID_INVALID, "No Laporan tidak sesuai pola nomor laporan")
    return rows.ticket_id


def outside_plausible_window(values: pd.Series, rules: Rules) -> pd.Series:
    """True where a time is present and outside [plausible_from, plausible_until); NaT is False.

    >>> from crmlib.ingest.settings import load_settings
    >>> r = load_settings().rules
    >>> stamps = pd.Series(pd.to_datetime(["2014-12-31 23:59", "2035-12-31 23:59", "2036-01-01 00:00", None]))
    >>> outside_plausible_window(stamps.dt.tz_localize(TZ), r).tolist()
    [True, False, True, False]
    """
    # plausible_until is exclusive: midnight after the last plausible day is already outside.
    return values.notna() & ((values < rules.plausible_from) | (values >= rules.plausible_until))


def _date_orders(rows: _Rows, columns: Sequence[str], declared: str) -> dict[str, str]:
    """The day/month order of each date column: from its own values, else the file's other date columns,
    else the mapping's ``date_order``; undecidable under ``auto`` is an error naming the column."""
    votes = {c: date_order_votes(_column(rows.raw, c)) for c in columns if rows.has(c)}

    def verdict(day_first: int, month_first: int) -> str | None:
        return DAY_FIRST if day_first > month_first else MONTH_FIRST if month_first > day_first else None

    in_file = verdict(sum(v[0] for v in votes.values()), sum(v[1] for v in votes.values()))
    orders = {}
    for column in columns:
        day_first, month_first = votes.get(column, (0, 0))
        order = verdict(day_first, month_first) or in_file or (declared if declared in DATE_ORDERS else None)
        if order is None:
            text = _column(rows.raw, column)
            parts = text.str.extract(NUMERIC_DATE_START)
            either = text[parts["a"].notna() & (parts["a"] != parts["b"])]
            if either.empty:  # every numeric date reads the same both ways
                order = DAY_FIRST
            else:
                raise InputError(rows.source_file, f"cannot tell day/month from month/day: no date in the file has a "
                                 f"day over 12 (e.g. {quote(either.head(1)).iloc[0]})", column=rows.label(column),
                                 fix="set date_order: day_first or month_first in the column mapping (params/columns/)")
        orders[column] = order
        label = rows.label(column)
        if day_first and month_first:
            rows.note(column, ReasonCode.DATE_ORDER_MIXED,
                      f"{label} memuat tanggal hari/bulan ({day_first}) dan bulan/hari ({month_first}); "
                      f"dibaca {ORDER_LABELS[order]}, tanggal yang tidak cocok tidak terbaca")
        elif order != declared and (day_first or month_first) and declared in DATE_ORDERS:
            rows.note(column, ReasonCode.DATE_ORDER_NOT_AS_MAPPED,
                      f"{label} ditulis {ORDER_LABELS[order]} (bukan {ORDER_LABELS[declared]} sesuai pemetaan kolom); "
                      "dibaca sesuai data")
    return orders


def _days(values: pd.Series, mask: pd.Series) -> pd.Series:
    """'2032-06-05' where mask is True (for a reason), NA elsewhere: formatting every row would cost seconds."""
    days = pd.Series(pd.NA, index=values.index, dtype="string")
    if mask.any():
        days[mask] = values[mask].dt.strftime("%Y-%m-%d").astype("string")
    return days


def _required_datetime(rows: _Rows, column: str, rules: Rules, order: str) -> pd.Series:
    """Parse a date every row needs; exclude rows where it is blank, unreadable or implausible."""
    label = rows.label(column)
    text = _column(rows.raw, column)
    values, bad = parse_datetimes(text, order=order)
    rows.exclude(text.isna(), column, ReasonCode.TIME_BLANK, f"{label} kosong")
    rows.exclude(bad, column, ReasonCode.TIME_UNREADABLE,
                 f"{label} tidak terbaca: " + quote(text, bad) + f"; gunakan {ORDER_FORMATS[order]} HH:MM")
    outside = outside_plausible_window(values, rules)
    rows.exclude(outside, column, ReasonCode.TIME_IMPLAUSIBLE,
                 f"{label} di luar rentang wajar (" + _days(values, outside) + ")")
    return values.where(rows.used)


def _optional_datetime(rows: _Rows, column: str, rules: Rules, order: str,
                       after: pd.Series, after_column: str) -> pd.Series:
    """Parse a date that may be missing; flag and empty it when unreadable, implausible, too early or too late."""
    label, after_label = rows.label(column), rows.label(after_column)
    text = _column(rows.raw, column)
    values, bad = parse_datetimes(text, order=order)
    rows.flag(bad, column, ReasonCode.TIME_UNREADABLE,
              f"{label} tidak terbaca: " + quote(text, bad) + f"; {label} dikosongkan")
    implausible = outside_plausible_window(values, rules)
    rows.flag(implausible, column, ReasonCode.TIME_IMPLAUSIBLE,
              f"{label} di luar rentang wajar (" + _days(values, implausible) + f"); {label} dikosongkan")
    values = values.mask(implausible)
    early = values.notna() & after.notna() & (values < after)
    rows.flag(early, column, ReasonCode.TIME_BEFORE_PREVIOUS, f"{label} sebelum {after_label}; {label} dikosongkan")
    values = values.mask(early)
    days = rules.max_duration.days
    late = ((values - after) > rules.max_duration).fillna(False).astype(bool)
    rows.flag(late, column, ReasonCode.TIME_TOO_LONG_AFTER,
              f"{label} lebih dari {days} hari setelah {after_label} (" + _days(values, late) + f"); {label} dikosongkan")
    return values.mask(late)


def _exclude_isolated_times(rows: _Rows, column: str, values: pd.Series, rules: Rules) -> None:
    """Exclude the latest time of a column while it stands apart from all the others.

    Apart: more than the maximum duration after the next latest time, and more
    than ten times the widest gap among the others (so a sparse file keeps its
    dates). One mistyped future date would otherwise become the export's latest
    time, and the report's cut-off.
    """
    label = rows.label(column)
    while True:
        used = values.where(rows.used).dropna().sort_values()
        if len(used) < 3:
            return
        top_gap, widest_other = used.iloc[-1] - used.iloc[-2], used.iloc[:-1].diff().max()
        if top_gap <= rules.max_duration or top_gap <= 10 * widest_other:
            return
        top = used.index[-1]
        rows.exclude(pd.Series(values.index == top, index=values.index), column, ReasonCode.TIME_ISOLATED,
                     f"{label} jauh setelah semua tanggal lain dalam berkas ({values[top].strftime('%Y-%m-%d')}, "
                     f"lebih dari {rules.max_duration.days} hari setelahnya)")


def _resolve_units(rows: _Rows, resolver: areas.UnitResolver) -> pd.DataFrame:
    """Resolve the unit names (once per distinct name and region) and exclude unknown ones."""
    unit = _column(rows.raw, "unit")
    region = _column(rows.raw, "city")
    region_codes = {r: areas.city_code_of(r) for r in region.dropna().unique()}
    city_hint = region.map(region_codes).astype("string")
    # Few distinct (name, region) pairs in many rows: resolve each pair once, then spread by its code.
    pairs = pd.DataFrame({"unit": unit, "city": city_hint})
    codes = pairs.groupby(["unit", "city"], sort=False, dropna=False).ngroup().to_numpy()
    firsts = pairs.drop_duplicates()
    refs = []
    for u, c in firsts.itertuples(index=False):
        hint = None if pd.isna(c) else c
        # The region only disambiguates; a unit name the region does not hold is still resolved.
        refs.append(None if pd.isna(u) else (resolver.resolve(u, hint) if hint else None) or resolver.resolve(u))
    fields = {name: np.array([getattr(r, name) if r else None for r in refs] + [None], dtype=object)
              for name in ("city_code", "kecamatan", "unit_type", "unit")}
    out = pd.DataFrame({name: values[codes] for name, values in fields.items()},
                       index=rows.raw.index).astype("string")
    rows.exclude(unit.isna(), "unit", ReasonCode.UNIT_BLANK, "Nama SKPD kosong")
    rows.exclude(out["unit"].isna(), "unit", ReasonCode.UNKNOWN_UNIT,
                 _unknown_unit_reasons(unit.where(out["unit"].isna())))
    mismatch = city_hint.notna() & out["city_code"].notna() & (city_hint != out["city_code"])
    rows.flag(mismatch, "city", ReasonCode.CITY_MISMATCH, "Wilayah tidak sesuai dengan wilayah unit; dipakai wilayah unit")
    return out


def _unknown_unit_reasons(names: pd.Series) -> pd.Series:
    """Why each unknown unit name was not resolved; a name is quoted only when it cannot identify anyone:
    it is close to an official name, or opens like a unit (KELURAHAN ..., DINAS ...)."""
    reasons: dict[str, str] = {}
    for name in names.dropna().unique():
        similar = areas.similar_official_name(name)
        safe = similar or _UNIT_OPENING.match(name)
        text = quote_name(pd.Series([name])).iloc[0] if safe else HIDDEN
        if odd := areas.non_latin_letters(name):
            reasons[name] = (f"unit tidak dikenal: {text} memuat huruf bukan Latin yang mirip huruf Latin: "
                             f"{', '.join(odd)}" + (f" (mirip {similar})" if similar else "")
                             + "; perbaiki ejaannya di ekspor")
        else:
            reasons[name] = (f"unit tidak dikenal: {text}" + (f" (mirip {similar})" if similar else "")
                             + "; tambahkan ejaannya di params/areas/aliases.yaml")
    return names.map(reasons).astype("string")


def _exclude_duplicates(rows: _Rows, values: pd.DataFrame) -> None:
    """Exclude copies of an earlier used row, then every row of a ticket id used twice with other content.

    Rows are compared on their canonical values, so two spellings of one time
    ('03/06/2022 16:15' and '2022-06-03T16:15') or of one unit are the same.
    """
    used = rows.used
    keys = values[used]
    groups = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup()
    first_row = rows.raw.loc[used, "source_row"].groupby(groups, sort=False).transform("first")
    copy = groups.duplicated(keep="first")
    rows.exclude(copy.reindex(rows.raw.index, fill_value=False), None, ReasonCode.DUPLICATE_IDENTICAL,
                 "duplikat identik dari baris " + first_row.astype("string"))

    if rows.table != "tickets":
        return
    used = rows.used
    ids = rows.ticket_id[used]
    clash = ids.duplicated(keep=False)
    if not clash.any():
        return
    source = rows.raw.loc[used, "source_row"]
    groups = source[clash].groupby(ids[clash], sort=False).agg(list)
    reasons = pd.Series(pd.NA, index=rows.raw.index, dtype="string")
    for index in clash[clash].index:
        others = [str(r) for r in groups[rows.ticket_id[index]] if r != rows.raw.at[index, "source_row"]]
        reasons[index] = (f"No Laporan ganda dengan isi berbeda (juga di baris {', '.join(others)}); "
                          "semua baris dikeluarkan")
    rows.exclude(reasons.notna(), "ticket_id", ReasonCode.DUPLICATE_CONFLICTING, reasons)


def _unified(rows: _Rows, values: pd.Series, column: str, aliases: Mapping[str, str] | None = None) -> pd.Series:
    """A grouping column with one spelling per label (:func:`crmlib.ingest.parse.unify_spellings`), each merge
    noted once with both spellings."""
    unified, aliased, merged = unify_spellings(values.where(rows.used), aliases)
    label = rows.label(column)
    notes = [(kept, others, f" (params/{CATEGORY_ALIASES_FILE})") for kept, others in aliased.items()]
    notes += [(kept, others, "") for kept, others in merged.items()]
    for kept, others, source in notes:
        shown = ", ".join(_quote_matching(pd.Series(others), _LABEL_LIKE))
        rows.note(column, ReasonCode.SPELLINGS_MERGED, f"{label}: ejaan {shown} digabung dengan "
                  f"{_quote_matching(pd.Series([kept]), _LABEL_LIKE).iloc[0]}{source}")
    return unified.where(rows.used, values)


def _blank_as_label(rows: _Rows, values: pd.Series, column: str) -> pd.Series:
    """Fill blank cells of a grouping column with BLANK_LABEL, flagging them when the column exists."""
    if rows.has(column):
        rows.flag(values.isna(), column, ReasonCode.LABEL_BLANK,
                  f"{rows.label(column)} kosong; dihitung sebagai {BLANK_LABEL}")
    return values.fillna(BLANK_LABEL)


def _to_ns(values: pd.Series) -> pd.Series:
    # Implausible years were excluded or emptied above, so nanoseconds cannot overflow.
    return values.astype(f"datetime64[ns, {TZ}]")


def _max_tl(rows: _Rows, category: pd.Series, rules: Rules) -> pd.Series:
    text = _column(rows.raw, "max_tl_hours")
    values, bad = parse_numbers(text)
    default = rules.max_hours_of(category)
    shown = default.map({h: f"{h:g}" for h in default.unique()}).astype("string")
    rows.flag(bad, "max_tl_hours", ReasonCode.MAX_TL_NOT_NUMBER,
              "Max Waktu TL bukan angka " + quote(text, bad) + "; dipakai batas baku kategori (" + shown + " jam)")
    not_positive = values.notna() & (values <= 0)
    rows.flag(not_positive, "max_tl_hours", ReasonCode.MAX_TL_NOT_POSITIVE,
              "Max Waktu TL tidak positif " + quote(text, not_positive) + "; dipakai batas baku kategori ("
              + shown + " jam)")
    # No follow-up may take longer than the durations rule: a larger maximum is a typing error.
    limit = rules.max_duration / pd.Timedelta(hours=1)
    too_long = values.notna() & (values > limit)
    rows.flag(too_long, "max_tl_hours", ReasonCode.MAX_TL_TOO_LONG,
              f"Max Waktu TL lebih dari {limit:g} jam " + quote(text, too_long)
              + "; dipakai batas baku kategori (" + shown + " jam)")
    return values.mask(not_positive | too_long).fillna(default).astype("Float64")


def _coordinates(rows: _Rows) -> tuple[pd.Series, pd.Series, pd.Series]:
    lat_text, lon_text = _column(rows.raw, "latitude"), _column(rows.raw, "longitude")
    lat, lat_bad = parse_numbers(lat_text)
    lon, lon_bad = parse_numbers(lon_text)
    rows.flag(lat_bad, "latitude", ReasonCode.COORDINATE_UNREADABLE,
              "Latitude tidak terbaca " + quote(lat_text, lat_bad) + "; dikosongkan")
    rows.flag(lon_bad, "longitude", ReasonCode.COORDINATE_UNREADABLE,
              "Longitude tidak terbaca " + quote(lon_text, lon_bad) + "; dikosongkan")
    both = lat.notna() & lon.notna()
    inside = (lat.between(DKI_BBOX["lat_min"], DKI_BBOX["lat_max"])
              & lon.between(DKI_BBOX["lon_min"], DKI_BBOX["lon_max"])).fillna(False)
    rows.flag(both & ~inside, "latitude", ReasonCode.COORDINATES_OUTSIDE,
              "koordinat di luar DKI Jakarta; laporan dihitung tidak bertitik lokasi")
    rows.flag(lat.isna() ^ lon.isna(), "latitude", ReasonCode.ONE_COORDINATE,
              "hanya satu koordinat terisi; laporan dihitung tidak bertitik lokasi")
    return lat, lon, (both & inside).astype("boolean")


def _rejected_count(rows: _Rows) -> pd.Series:
    text = _column(rows.raw, "rejected_count")
    values, bad = parse_numbers(text)
    invalid = bad | (values.notna() & ((values < 0) | (values > MAX_REJECTIONS) | (values % 1 != 0))).fillna(False)
    rows.flag(invalid, "rejected_count", ReasonCode.REJECTED_COUNT_INVALID,
              f"Jumlah TL Ditolak bukan bilangan bulat 0-{MAX_REJECTIONS} " + quote(text, invalid) + "; dikosongkan")
    # A blank cell in a present column means no rejection; an absent column stays unknown.
    if rows.has("rejected_count"):
        values = values.mask(text.isna(), 0)
    return values.mask(invalid).round().astype("Int64")


def _open(table: str, raw: pd.DataFrame, when: str, source_file: str, headers: Mapping[str, str],
          mapping: Mapping[str, Any], missing: Sequence[str], rules: Rules,
          resolver: areas.UnitResolver) -> tuple[_Rows, pd.Series, pd.DataFrame, dict[str, str]]:
    """The steps both tables share: load problems, ticket ids, date orders, the required date, units."""
    rows = _Rows(table, source_file, _cleaned(raw), headers, missing)
    rows.exclude(rows.raw["load_problem"].notna(), None, rows.raw["load_problem_code"], rows.raw["load_problem"])
    _ticket_ids(rows, mapping)
    orders = _date_orders(rows, DATE_COLUMNS[table], mapping.get("date_order", "auto"))
    when_values = _required_datetime(rows, when, rules, orders[when])
    _exclude_isolated_times(rows, when, when_values, rules)
    units = _resolve_units(rows, resolver)
    return rows, when_values.where(rows.used), units, orders


def _close(rows: _Rows, columns: dict[str, pd.Series], dtypes: Mapping[str, str]) -> tuple[pd.DataFrame, ...]:
    """Duplicates out, then the used rows as a canonical frame, with the exclusions and flags; rows in = used + excluded."""
    values = pd.DataFrame(columns)
    _exclude_duplicates(rows, values.drop(columns="source_row"))
    frame = values[rows.used].reset_index(drop=True)
    for column, dtype in dtypes.items():
        if dtype.startswith("datetime64"):
            frame[column] = _to_ns(frame[column])
    frame = frame.astype(dtypes)
    exclusions, flags = rows.exclusions(), rows.flags()
    if len(frame) + len(exclusions) != len(rows.raw):  # our bug, never the input's
        raise RuntimeError(f"{rows.table}: {len(rows.raw)} rows in != {len(frame)} used + {len(exclusions)} excluded")
    return frame, exclusions, flags


def clean_tickets(
    raw: pd.DataFrame,
    *,
    source_file: str,
    headers: Mapping[str, str],
    mapping: Mapping[str, Any],
    channels: Mapping[str, list[str]],
    rules: Rules,
    resolver: areas.UnitResolver,
    missing: Sequence[str] = (),
    category_aliases: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn raw ticket rows into (tickets, exclusions, flags); rows in = used + excluded. ``category_aliases``
    maps export spellings of a category to its label (params/categories/aliases.yaml)."""
    rows, created, units, orders = _open("tickets", raw, "created_at", source_file, headers, mapping, missing,
                                         rules, resolver)
    raw = rows.raw
    # A complaint without a known status has no place in the status recap.
    status_text = _column(raw, "status")
    status, status_unknown = normalise_statuses(status_text, mapping["statuses"])
    rows.exclude(status_text.isna(), "status", ReasonCode.STATUS_BLANK,
                 "Status kosong; lengkapi status laporan di ekspor")
    rows.exclude(status_unknown, "status", ReasonCode.UNKNOWN_STATUS,
                 "status tidak dikenal: " + quote_name(status_text, status_unknown)
                 + "; tambahkan ejaannya di bagian statuses pada pemetaan kolom (params/columns/)")

    channel, channel_unknown = normalise_channels(_column(raw, "channel"), channels)
    rows.flag(channel_unknown, "channel", ReasonCode.UNKNOWN_CHANNEL,
              "kanal tidak dikenal: " + quote_name(channel, channel_unknown) + "; label dipakai apa adanya")
    channel = _blank_as_label(rows, _unified(rows, channel, "channel"), "channel")
    category = _blank_as_label(rows, _unified(rows, _column(raw, "category"), "category", category_aliases), "category")
    subcategory = _blank_as_label(rows, _unified(rows, _column(raw, "subcategory"), "subcategory"), "subcategory")

    responded = _optional_datetime(rows, "responded_at", rules, orders["responded_at"], created, "created_at")
    completed = _optional_datetime(rows, "completed_at", rules, orders["completed_at"], created, "created_at")
    rows.flag((status == "Complete") & completed.isna(), "completed_at", ReasonCode.COMPLETE_WITHOUT_COMPLETION,
              f"status Complete tanpa {rows.label('completed_at')}")
    lat, lon, geotagged = _coordinates(rows)
    return _close(rows, {
        "ticket_id": rows.ticket_id,
        "created_at": created,
        "channel": channel,
        "category": category,
        "subcategory": subcategory,
        **units,
        "status": status,
        "latitude": lat,
        "longitude": lon,
        "geotagged": geotagged,
        "responded_at": responded,
        "completed_at": completed,
        "max_tl_hours": _max_tl(rows, category, rules),
        "rejected_count": _rejected_count(rows),
        "source_row": raw["source_row"],
    }, TICKET_DTYPES)


def clean_coordinations(
    raw: pd.DataFrame,
    *,
    source_file: str,
    headers: Mapping[str, str],
    mapping: Mapping[str, Any],
    rules: Rules,
    resolver: areas.UnitResolver,
    missing: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn raw coordination rows into (coordinations, exclusions, flags); rows in = used + excluded."""
    rows, coordinated, units, orders = _open("coordinations", raw, "coordinated_at", source_file, headers, mapping,
                                             missing, rules, resolver)
    processed = _optional_datetime(rows, "processed_at", rules, orders["processed_at"], coordinated, "coordinated_at")
    return _close(rows, {
        "ticket_id": rows.ticket_id,
        **units,
        "coordinated_at": coordinated,
        "processed_at": processed,
        "source_row": rows.raw["source_row"],
    }, COORDINATION_DTYPES)


def accounting_frame(table: str, source_file: str, rows_read: int, used: pd.DataFrame,
                     exclusions: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """One accounting row: rows read = rows used + rows excluded (checked)."""
    if rows_read != len(used) + len(exclusions):  # our bug, never the input's
        raise RuntimeError(f"{table}: {rows_read} rows read != {len(used)} used + {len(exclusions)} excluded")
    flagged = flags["source_row"].dropna().nunique()
    return pd.DataFrame(
        [[table, source_file, rows_read, len(used), len(exclusions), flagged]], columns=ACCOUNTING_COLUMNS
    ).astype({"table": "string", "source_file": "string", "rows_read": "Int64", "rows_used": "Int64",
              "rows_excluded": "Int64", "rows_flagged": "Int64"})
