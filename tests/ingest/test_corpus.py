"""Bad and messy inputs: each case and its expected behaviour, in one table.

Files live in tests/corpus/; a few cases are built in the test (xlsx, big files).
Every case that loads asserts rows read = rows used + rows excluded, that the
exclusion and flag reasons are exactly the declared ones (by substring and
count), and that the planted marker 'ZZSECRETZZ' (in Isi Laporan, Nama
Pelapor, No HP, Email Pelapor) is in no canonical frame.
"""

from __future__ import annotations

import datetime as dt
import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from crmlib.errors import InputError
from crmlib.ingest.cache import load_cached
from crmlib.ingest.load import load_export
from crmlib.schema import Export, ReasonCode

from conftest import CORPUS

MARKER = "zzsecretzz"
MISSING_COLUMN = "kolom tidak ada di file"
JKT = "Asia/Jakarta"


def xlsx_junk_rows(tmp: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.append(["LAPORAN PENGADUAN CRM"])
    ws.append(["Kota Administrasi Jakarta Timur"])
    ws.append(["Per tanggal 11 Juli 2022 08:34"])
    ws.append(["No Laporan", "Tanggal Laporan Masuk", "Kanal", "Kategori", "Nama SKPD", "Status", "Tanggal TL",
               "Isi Laporan", "Nama Pelapor", "No HP", "Email"])
    ws.append(["JK2206010001", dt.datetime(2022, 6, 1, 8, 0), "JAKI", "Sampah", "KELURAHAN PULO GEBANG", "Complete",
               dt.datetime(2022, 6, 1, 12, 0), "ZZSECRETZZ", "ZZSECRETZZ", "ZZSECRETZZ", "ZZSECRETZZ"])
    ws.append(["JK2206010002", 44713.5, "Qlue", "Jalan", "Kecamatan Cakung", "Wait", None,
               "ZZSECRETZZ", "ZZSECRETZZ", "ZZSECRETZZ", "ZZSECRETZZ"])
    path = tmp / "laporan.xlsx"
    book.save(path)
    return path


def big_csv(tmp: Path, n: int = 200_000) -> Path:
    """n valid tickets plus one identical copy of the first row at the end."""
    rng = np.random.default_rng(0)
    created = pd.Timestamp("2022-06-01") + pd.to_timedelta(rng.integers(0, 30 * 24 * 60, n), unit="min")
    frame = pd.DataFrame({
        "No Laporan": [f"JK2206{i:08d}" for i in range(n)],
        "Tanggal Laporan Masuk": created.strftime("%d/%m/%Y %H:%M"),
        "Kanal": rng.choice(["JAKI", "Twitter", "LAPOR!"], n),
        "Kategori": rng.choice(["Sampah", "Jalan"], n),
        "Nama SKPD": rng.choice(["KELURAHAN PULO GEBANG", "KELURAHAN GAMBIR", "KECAMATAN CAKUNG"], n),
        "Status": "Complete",
        "Latitude": "-6,2", "Longitude": "106,85",
        "Tanggal TL": (created + pd.Timedelta(hours=5)).strftime("%d/%m/%Y %H:%M"),
        "Isi Laporan": "ZZSECRETZZ",
    })
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    path = tmp / "besar.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


def _sample_rows(n: int) -> list[list[str]]:
    header = ["No Laporan", "Tanggal Laporan Masuk", "Kanal", "Kategori", "Nama SKPD", "Status", "Isi Laporan"]
    rows = [[f"JK22060100{i:02d}", "01/06/2022 08:00", "JAKI", "Sampah", "KELURAHAN PULO GEBANG", "Wait",
             "ZZSECRETZZ"] for i in range(1, n + 1)]
    return [header, *rows]


def oversized_cell(tmp: Path) -> Path:
    rows = _sample_rows(3)
    rows[2][-1] = "x" * 200_000  # data row 2 is row 3 of the file
    path = tmp / "sel_besar.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def damaged_gzip(tmp: Path) -> Path:
    data = gzip.compress(("\n".join(";".join(r) for r in _sample_rows(200)) + "\n").encode())
    path = tmp / "laporan.csv.gz"
    path.write_bytes(data[:40] + bytes(b ^ 0x5A for b in data[40:80]) + data[80:])  # the header survives, the body not
    return path


def xlsx_named_csv(tmp: Path) -> Path:
    book = Workbook()
    for row in _sample_rows(2):
        book.active.append(row)
    path = tmp / "laporan.csv"  # a workbook saved under a csv name
    book.save(path)
    return path


def table_on_second_sheet(tmp: Path) -> Path:
    book = Workbook()
    book.active.title = "Ringkasan"
    book.active.append(["Rekap bulan Juni", 508])
    sheet = book.create_sheet("Data")
    for row in _sample_rows(2):
        sheet.append(row)
    path = tmp / "laporan.xlsx"
    book.save(path)
    return path


def check_xlsx(e: Export) -> None:
    assert e.tickets["source_row"].tolist() == [5, 6]
    assert e.tickets["created_at"].tolist() == [pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta"),
                                                pd.Timestamp("2022-06-01 12:00", tz="Asia/Jakarta")]


def check_first(column: str, expected) -> Callable[[Export], None]:
    def check(e: Export) -> None:
        assert e.tickets[column].iloc[0] == expected
    return check


def check_column(column: str, expected: list) -> Callable[[Export], None]:
    def check(e: Export) -> None:
        assert e.tickets[column].tolist() == expected
    return check


def check_decimal_commas(e: Export) -> None:
    t = e.tickets.iloc[0]
    assert (t["latitude"], t["longitude"], t["max_tl_hours"]) == (-6.21456, 106.90123, 48.5)


def check_serials(e: Export) -> None:
    # 44713 = 2022-06-01 (see test_parse); .3333333333 = 08:00, .3541666667 = 08:30, .5 = 12:00
    t = e.tickets.iloc[0]
    assert (t["created_at"], t["responded_at"], t["completed_at"]) == (
        pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta"), pd.Timestamp("2022-06-01 08:30", tz="Asia/Jakarta"),
        pd.Timestamp("2022-06-01 12:00", tz="Asia/Jakarta"))


def check_verbatim(e: Export) -> None:
    assert e.tickets["category"].tolist() == ["<script>alert(1)</script>", 'Jalan "Rusak" \U0001F6A7', "Sampah"]
    assert e.tickets["subcategory"].iloc[1] == "Lubang 'besar'"
    assert e.tickets["unit"].iloc[2] == "DINAS \U0001F6A7 <b>AIR</b>"


@dataclass
class Case:
    name: str
    tickets: str | Callable[[Path], Path]
    coordinations: str | None = None
    error: tuple[str, ...] = ()                     # substrings of the InputError message
    read: int | None = None                         # ticket rows read
    used: int | None = None                         # ticket rows used
    excluded: dict[str, int] = field(default_factory=dict)  # reason substring -> rows (all tables)
    flagged: dict[str, int] = field(default_factory=dict)   # reason substring -> flags (all tables)
    check: Callable[[Export], None] | None = None
    slow: bool = False


CASES = [
    Case("missing required column", "missing_required_column.csv",
         error=("missing_required_column.csv", "row 1", "column 'Kategori'", "found columns: 'No Laporan'")),
    Case("empty file", "empty.csv", error=("empty.csv", "the file is empty")),
    Case("header only", "header_only.csv", error=("header_only.csv", "row 1", "no data rows")),
    Case("header then blank lines", "header_then_blank_lines.csv", error=("header_then_blank_lines.csv", "no data rows")),
    Case("other layout, no header row", "other_layout.csv", error=("other_layout.csv", "no header row", "'No Laporan'")),
    Case("duplicate header", "duplicate_header.csv", error=("duplicate_header.csv", "row 1", "column 'Status'", "2 times")),
    Case("coordinations missing column", "coordinations_tickets.csv", "coordinations_missing_column.csv",
         error=("coordinations_missing_column.csv", "row 1", "column 'Tanggal Koordinasi'")),
    Case("identical duplicate", "identical_duplicate.csv", read=3, used=2,
         excluded={"duplikat identik dari baris 2": 1}),
    Case("conflicting duplicate", "conflicting_duplicate.csv", read=3, used=1,
         excluded={"ganda dengan isi berbeda (juga di baris 4)": 1, "ganda dengan isi berbeda (juga di baris 2)": 1}),
    Case("completion before creation", "completion_before_creation.csv", read=2, used=2,
         flagged={"Tanggal TL sebelum Tanggal Laporan Masuk": 1, "status Complete tanpa Tanggal TL": 1},
         check=lambda e: pd.isna(e.tickets["completed_at"].iloc[0]) or pytest.fail("completed_at kept")),
    Case("year 3020", "year_3020.csv", read=2, used=1, excluded={"di luar rentang wajar (3020-06-01)": 1}),
    Case("unparseable date", "unparseable_date.csv", read=2, used=0,
         excluded={"tidak terbaca: '31/02/2022 10:00'": 1, "tidak terbaca: (isi tidak ditampilkan)": 1}),
    Case("unknown kelurahan", "unknown_kelurahan.csv", read=2, used=1,
         excluded={"unit tidak dikenal: 'KELURAHAN ANTAH BERANTAH'": 1}),
    Case("latin-1 encoding", "latin1_encoding.csv", read=1, used=1, check=check_first("category", "Pelayanan Caf\u00e9")),
    Case("xlsx with three junk rows", xlsx_junk_rows, read=2, used=2,
         flagged={MISSING_COLUMN: 7}, check=check_xlsx),
    Case("semicolon with decimal commas", "semicolon_decimal_comma.csv", read=1, used=1, check=check_decimal_commas),
    Case("comma, BOM, quoted commas", "comma_bom_quoted.csv", read=1, used=1,
         check=check_first("category", "Jalan, Trotoar")),
    Case("Complete without TL date", "complete_without_tl.csv", read=3, used=3,
         flagged={"status Complete tanpa Tanggal TL": 2}),
    Case("negative max TL", "negative_max_tl.csv", read=2, used=2,
         flagged={"tidak positif '-48'; dipakai batas baku kategori (48 jam)": 1,
                  "tidak positif '0'; dipakai batas baku kategori (168 jam)": 1},
         check=check_column("max_tl_hours", [48.0, 168.0])),
    Case("non-numeric max TL", "nonnumeric_max_tl.csv", read=2, used=2,
         flagged={"Max Waktu TL bukan angka": 1}, check=check_column("max_tl_hours", [168.0, 48.0])),
    Case("script, quotes, emoji", "script_quotes_emoji.csv", read=4, used=3,
         excluded={"unit tidak dikenal: 'KELURAHAN <script>X</script>'": 1}, check=check_verbatim),
    Case("Excel serial dates", "excel_serial_dates.csv", read=1, used=1, check=check_serials),
    Case("KELURAHAN prefix and aliases", "prefix_and_aliases.csv", read=7, used=7,
         check=check_column("unit", ["Pulo Gebang", "Pulo Gebang", "Halim Perdana Kusuma", "Bali Mester", "Kayu Manis",
                                     "Kecamatan Cipayung", "Walikota Jakarta Timur"])),
    Case("status spellings", "status_spellings.csv", read=13, used=13,
         check=check_column("status", ["Complete"] * 3 + ["In Progres"] * 3 + ["Wait"] * 2
                            + ["Disposisi", "Koordinasi", "Menunggu Validasi", "TL Ditolak", "Complete"])),
    Case("extra unknown columns ignored", "extra_unknown_columns.csv", read=1, used=1),
    Case("unparseable completed_at and responded_at", "unparseable_completed_at.csv", read=1, used=1,
         flagged={"Tanggal TL tidak terbaca: '31/02/2022 11:00'": 1, "Tanggal Respon tidak terbaca": 1,
                  "status Complete tanpa Tanggal TL": 1}),
    Case("coordinates outside DKI", "coordinates_outside_dki.csv", read=3, used=3,
         flagged={"koordinat di luar DKI Jakarta": 1, "hanya satu koordinat terisi": 1},
         check=check_column("geotagged", [False, False, False])),
    Case("blank or unknown status", "blank_and_unknown_status.csv", read=4, used=1,
         excluded={"Status kosong": 1, "status tidak dikenal: 'Ditunda'": 1,
                   "status tidak dikenal: (isi tidak ditampilkan)": 1}),
    Case("blank category, sub-category, channel kept as (kosong)", "blank_category_channel.csv", read=3, used=3,
         flagged={"Kategori kosong": 1, "Rincian Masalah kosong": 2, "Kanal kosong": 1},
         check=check_column("category", ["(kosong)", "Jalan", "Sampah"])),
    Case("unknown channel kept", "unknown_channel.csv", read=3, used=3, flagged={"kanal tidak dikenal: 'Radio Warga'": 1},
         check=check_column("channel", ["Radio Warga", "SP4N Lapor", "SP4N Lapor"])),
    Case("blank and invalid ticket id", "blank_and_invalid_ticket_id.csv", read=3, used=1,
         excluded={"No Laporan kosong": 1, "No Laporan tidak sesuai pola": 1},
         check=check_column("ticket_id", ["JK2206010003"])),
    Case("ragged row from delimiter in text", "ragged_row.csv", read=2, used=1,
         excluded={"baris berisi 22 kolom, header 19 kolom": 1}),
    Case("interior blank row", "interior_blank_row.csv", read=3, used=2, excluded={"baris kosong": 1}),
    Case("header spelling variants", "header_spelling_variants.csv", read=1, used=1,
         flagged={MISSING_COLUMN: 8, "status Complete tanpa Tanggal TL": 1}, check=check_first("unit", "Pulo Gebang")),
    Case("coordinations: unknown tickets, unit, dates, copies", "coordinations_tickets.csv", "coordinations_messy.csv",
         read=2, used=2,
         excluded={"unit tidak dikenal: 'KELURAHAN ANTAH'": 1, "Tanggal Koordinasi tidak terbaca": 1,
                   "duplikat identik dari baris 7": 1},
         flagged={"Tanggal Proses sebelum Tanggal Koordinasi": 1}),
    # Round two: dates, durations and numbers that used to be read wrongly or not at all.
    Case("month-first dates settled by the data", "month_first_dates.csv", read=3, used=3,
         flagged={"ditulis bulan/hari/tahun": 3, "status Complete tanpa Tanggal TL": 1},
         check=check_column("created_at", [pd.Timestamp(t, tz=JKT) for t in
                                           ("2022-06-13 08:00", "2022-06-02 09:00", "2022-06-25 10:00")])),
    Case("ISO times with an offset or Z", "iso_offsets_and_z.csv", read=3, used=3,
         flagged={"status Complete tanpa Tanggal TL": 1},
         # 09:15Z, 16:15+07:00 and 21:30-05:00 (the day before) are 16:15, 16:15 and 09:30 in Jakarta
         check=check_column("created_at", [pd.Timestamp(t, tz=JKT) for t in
                                           ("2022-06-03 16:15", "2022-06-03 16:15", "2022-06-03 09:30")])),
    Case("Indonesian month names", "indonesian_month_names.csv", read=4, used=3,
         excluded={"Tanggal Laporan Masuk tidak terbaca: (isi tidak ditampilkan)": 1},  # '4 Juno 2022'
         check=check_column("completed_at", [pd.Timestamp(t, tz=JKT) for t in
                                             ("2022-06-04 08:00", "2022-08-17 10:00", "2022-12-02 09:00")])),
    Case("one time in two spellings is one ticket", "one_time_two_spellings.csv", read=3, used=2,
         excluded={"duplikat identik dari baris 2": 1}),
    Case("follow-up with a mistyped year", "mistyped_year_follow_up.csv", read=3, used=3,
         flagged={"Tanggal TL lebih dari 90 hari setelah Tanggal Laporan Masuk (2032-06-05)": 1,
                  "Tanggal Respon lebih dari 90 hari setelah Tanggal Laporan Masuk (2023-06-01)": 1,
                  "status Complete tanpa Tanggal TL": 1},
         check=check_column("completed_at", [pd.NaT, pd.Timestamp("2022-06-02 09:00", tz=JKT),
                                             pd.Timestamp("2022-08-20 10:00", tz=JKT)])),
    Case("one creation date years after the rest", "isolated_future_creation.csv", read=6, used=5,
         excluded={"jauh setelah semua tanggal lain dalam berkas (2031-06-01": 1},
         flagged={"status Complete tanpa Tanggal TL": 5}),
    Case("numbers out of range or not finite", "numbers_out_of_range.csv", read=3, used=3,
         flagged={"Max Waktu TL bukan angka 'inf'": 1, "Max Waktu TL bukan angka '1e999'": 1,
                  "Max Waktu TL lebih dari 2160 jam '99999'": 1,
                  "Jumlah TL Ditolak bukan bilangan bulat 0-100 '99999999999999999999'": 1,
                  "Latitude tidak terbaca 'NaN'": 1, "hanya satu koordinat terisi": 1},
         check=check_column("rejected_count", [pd.NA, 0, 0])),
    Case("digits of other scripts", "unicode_digits.csv", read=2, used=2,
         check=check_first("created_at", pd.Timestamp("2022-06-03 16:15", tz=JKT))),
    # Round two: text that splits or disguises one thing.
    Case("one label in several cases", "case_variants_of_one_label.csv", read=4, used=4,
         flagged={"kanal tidak dikenal": 3, "Kanal: ejaan 'RADIO WARGA' digabung dengan 'Radio Warga'": 1,
                  "Kategori: ejaan 'SAMPAH', 'sampah' digabung dengan 'Sampah'": 1,
                  "Rincian Masalah: ejaan 'SAMPAH LINGKUNGAN' digabung dengan 'Sampah Lingkungan'": 1},
         check=check_column("category", ["Sampah"] * 4)),
    Case("a category with a bracketed abbreviation, a known misspelling and a case", "category_suffixes_and_aliases.csv",
         read=6, used=6,
         flagged={"Kategori: ejaan 'Pekerja Penanganan Prasarana dan Sarana Umum Kelurahan' digabung dengan "
                  "'Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan' (params/categories/aliases.yaml)": 1,
                  "Kategori: ejaan 'Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan (PPSU)' digabung dengan "
                  "'Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan'": 1,
                  # The two spellings of rubbish are one each: the tie goes to the first in sort order.
                  "Kategori: ejaan 'Sampah' digabung dengan 'SAMPAH (DKI)'": 1},
         # Its rule follows the label whatever the spelling: rubbish without a maximum in the export gets 48 h.
         check=lambda e: (check_column("category", ["Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"] * 4
                                       + ["SAMPAH (DKI)"] * 2)(e),
                          check_column("max_tl_hours", [168.0] * 4 + [48.0] * 2)(e))),
    Case("control, bidi and zero-width characters", "control_and_bidi_characters.csv", read=2, used=2,
         check=lambda e: (check_column("category", ["Sampah", "Sampah"])(e),
                          check_column("subcategory", ["Sampah Lingkungan"] * 2)(e),
                          check_column("status", ["Complete", "Complete"])(e),
                          check_column("channel", ["JAKI", "JAKI"])(e))),
    Case("full-width and look-alike letters in unit names", "fullwidth_and_lookalike_units.csv", read=3, used=1,
         # The name looks right; the reason names the odd letter by code point and place, so it can be found.
         excluded={"'KELURAHAN PULO G\u0415BANG' memuat huruf bukan Latin yang mirip huruf Latin: "
                   "U+0415 CYRILLIC CAPITAL LETTER IE (huruf ke-17) (mirip Pulo Gebang)": 1,
                   "unit tidak dikenal: (isi tidak ditampilkan)": 1},  # a person's name is not quoted
         check=check_first("unit", "Pulo Gebang")),
    # Round two: files that are not what their name says, or are damaged.
    Case("a cell over the csv field limit", oversized_cell,
         error=("sel_besar.csv, row 3: a cell holds more than 131,072 characters",)),
    Case("damaged gzip body", damaged_gzip, error=("laporan.csv.gz: damaged gzip file",)),
    Case("xlsx saved with a .csv name", xlsx_named_csv, read=2, used=2, flagged={MISSING_COLUMN: 8}),
    Case("Excel Unicode text: UTF-16, tabs", "utf16_tab_export.csv", read=1, used=1,
         check=check_first("category", "Pelayanan Caf\u00e9")),
    Case("table on the workbook's second sheet", table_on_second_sheet, read=2, used=2, flagged={MISSING_COLUMN: 8}),
    Case("zero-width characters in headers", "zero_width_header.csv", read=1, used=1),
    Case("a row with a missing cell", "missing_cell_row.csv", read=3, used=2,
         excluded={"baris berisi 18 kolom, header 19 kolom (sel hilang)": 1}),
    Case("200k rows with one copy", big_csv, read=200_001, used=200_000,
         excluded={"duplikat identik dari baris 2": 1}, flagged={MISSING_COLUMN: 5}, slow=True),
]


def path_of(spec: str | Callable[[Path], Path] | None, tmp: Path) -> Path | None:
    if spec is None:
        return None
    return spec(tmp) if callable(spec) else CORPUS / spec


def count_reasons(frame: pd.DataFrame, expected: dict[str, int]) -> dict[str, int]:
    return {key: int(frame["reason"].str.contains(key, regex=False).sum()) for key in expected}


@pytest.mark.parametrize(
    # A slow case loads at scale: it runs with the end-to-end tests, not in the fast loop.
    "case", [pytest.param(c, id=c.name, marks=[pytest.mark.e2e] if c.slow else []) for c in CASES]
)
def test_corpus_case(case: Case, tmp_path: Path, settings) -> None:
    tickets = path_of(case.tickets, tmp_path)
    coords = path_of(case.coordinations, tmp_path)
    if case.error:
        with pytest.raises(InputError) as info:
            load_export(tickets, coords, settings=settings)
        message = str(info.value)
        assert "\n" not in message
        for part in case.error:
            assert part in message, f"{part!r} not in {message!r}"
        return

    started = time.perf_counter()
    export = load_export(tickets, coords, settings=settings)
    elapsed = time.perf_counter() - started
    acc = export.accounting
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_excluded"]).all()
    assert acc["rows_used"].tolist() == [len(export.tickets)] + ([len(export.coordinations)] if coords else [])
    ticket_acc = acc[acc["table"] == "tickets"].iloc[0]
    assert (ticket_acc["rows_read"], ticket_acc["rows_used"]) == (case.read, case.used)
    assert count_reasons(export.exclusions, case.excluded) == case.excluded
    assert len(export.exclusions) == sum(case.excluded.values()), export.exclusions["reason"].tolist()
    assert count_reasons(export.flags, case.flagged) == case.flagged
    assert len(export.flags) == sum(case.flagged.values()), export.flags["reason"].tolist()
    for frame in (export.tickets, export.coordinations, export.exclusions, export.flags, export.sources):
        assert MARKER not in frame.to_csv().casefold()
    # Every excluded or flagged row has a declared reason code: never free text, never missing.
    for frame in (export.exclusions, export.flags):
        assert set(frame["code"].astype(object)) <= set(ReasonCode), frame["code"].tolist()
    if case.check:
        case.check(export)
    if case.slow:
        assert elapsed < 60, f"{elapsed:.1f} s for {case.read} rows"


def test_corpus_has_at_least_25_cases() -> None:
    assert len(CASES) >= 25


def test_free_text_never_reaches_the_parquet_cache(settings) -> None:
    cache = settings.cache_dir
    export = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv", settings=settings)
    [key] = [path for path in cache.iterdir() if path.name != "digests"]
    files = list(key.rglob("*.parquet"))
    assert sorted(str(path.relative_to(key)) for path in files) == [
        "accounting.parquet", "coordinations/jaktim.parquet", "coordinations/no-city.parquet", "exclusions.parquet",
        "flags.parquet", "sources.parquet", "tickets/jaktim.parquet", "time_ranges.parquet"]
    for path in files:
        data = path.read_bytes().lower()
        assert MARKER.encode() not in data
        # parquet may compress; read back and check the decoded text too
        assert MARKER not in pd.read_parquet(path).to_csv().casefold()
    assert len(export.tickets) == 2
