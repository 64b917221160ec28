"""Tests for crmlib.ingest.clean on raw frames built by hand."""

import dataclasses

import pandas as pd
import pytest

from crmlib.errors import InputError
from crmlib.ingest.areas import UnitResolver
from crmlib.ingest.clean import accounting_frame, clean_coordinations, clean_tickets
from crmlib.ingest.settings import load_settings
from crmlib.schema import EXCLUSION_COLUMNS, FLAG_COLUMNS, ReasonCode

SETTINGS = load_settings()  # read only: these tests clean frames in memory and write nothing
RESOLVER = UnitResolver(SETTINGS.aliases)

JKT = "Asia/Jakarta"
HEADERS = {"ticket_id": "No Laporan", "created_at": "Tanggal Laporan Masuk", "completed_at": "Tanggal TL",
           "responded_at": "Tanggal Respon", "max_tl_hours": "Max Waktu TL (Jam)", "unit": "Nama SKPD",
           "channel": "Kanal", "status": "Status", "category": "Kategori", "subcategory": "Rincian Masalah",
           "coordinated_at": "Tanggal Koordinasi",
           "processed_at": "Tanggal Proses", "latitude": "Latitude", "longitude": "Longitude", "city": "Wilayah"}
BASE = {"ticket_id": "JK2206010001", "created_at": "01/06/2022 08:00", "channel": "JAKI", "category": "Sampah",
        "subcategory": "Sampah Lingkungan", "city": "JAKARTA TIMUR", "unit": "KELURAHAN PULO GEBANG",
        "status": "Complete", "latitude": "-6,2", "longitude": "106,9", "responded_at": "01/06/2022 08:30",
        "completed_at": "01/06/2022 12:00", "max_tl_hours": "48", "rejected_count": "0"}


def ts(text):
    return pd.Timestamp(text, tz=JKT)


def raw_tickets(*changes):
    """One raw row per dict of changes to BASE; source rows 2, 3, ..."""
    rows = [{**BASE, **c} for c in changes]
    frame = pd.DataFrame(rows, columns=list(BASE)).astype("string")
    frame["source_row"] = pd.array(range(2, 2 + len(rows)), dtype="Int64")
    frame["load_problem"] = pd.Series([pd.NA] * len(rows), dtype="string")
    frame["load_problem_code"] = pd.Series([pd.NA] * len(rows), dtype="string")
    return frame


def run(*changes, rules=None, missing=()):
    raw = raw_tickets(*changes)
    return clean_tickets(raw, source_file="t.csv", headers=HEADERS, mapping=SETTINGS.mapping,
                         channels=SETTINGS.channels, rules=rules or SETTINGS.rules, resolver=RESOLVER, missing=missing)


def reasons(frame):
    return dict(zip(frame["source_row"].tolist(), frame["reason"].tolist()))


def codes(frame):
    return dict(zip(frame["source_row"].tolist(), frame["code"].tolist()))


def test_clean_ticket_values():
    tickets, excl, flags = run({}, {"ticket_id": "JK2206010002", "unit": "WALIKOTA JAKARTA TIMUR", "channel": "LAPOR!",
                                    "status": "In Progress", "completed_at": "", "rejected_count": ""})
    assert len(excl) == 0 and len(flags) == 0
    row = tickets.iloc[0]
    assert row["created_at"] == ts("2022-06-01 08:00")
    assert (row["city_code"], row["kecamatan"], row["unit_type"], row["unit"]) == (
        "jaktim", "Cakung", "kelurahan", "Pulo Gebang")
    assert row["latitude"] == -6.2 and bool(row["geotagged"])
    assert tickets["unit"].tolist()[1] == "Walikota Jakarta Timur"
    assert tickets["channel"].tolist() == ["JAKI", "SP4N Lapor"]
    assert tickets["status"].tolist() == ["Complete", "In Progres"]
    # a blank 'Jumlah TL Ditolak' cell means no rejection
    assert tickets["rejected_count"].tolist() == [0, 0]
    assert str(tickets["created_at"].dtype) == "datetime64[ns, Asia/Jakarta]"


def test_exclusion_reasons_first_wins():
    tickets, excl, _ = run(
        {"ticket_id": ""},                                     # row 2
        {"ticket_id": "bukan-id"},                             # row 3
        {"ticket_id": "JK2206010003", "created_at": ""},       # row 4
        {"ticket_id": "JK2206010004", "created_at": "31/02/2022 10:00"},  # row 5
        {"ticket_id": "JK2206010005", "created_at": "01/06/3020 08:00", "unit": "X"},  # row 6: date checked before unit
        {"ticket_id": "JK2206010006", "created_at": "31/12/2014 23:59"},  # row 7
        {"ticket_id": "JK2206010007", "unit": "KELURAHAN ANTAH"},         # row 8
        {"ticket_id": "JK2206010008"},                                     # row 9: used
    )
    assert tickets["source_row"].tolist() == [9]
    assert reasons(excl) == {
        2: "No Laporan kosong",
        3: "No Laporan tidak sesuai pola nomor laporan",
        4: "Tanggal Laporan Masuk kosong",
        5: "Tanggal Laporan Masuk tidak terbaca: '31/02/2022 10:00'; gunakan dd/mm/yyyy HH:MM",
        6: "Tanggal Laporan Masuk di luar rentang wajar (3020-06-01)",
        7: "Tanggal Laporan Masuk di luar rentang wajar (2014-12-31)",
        8: "unit tidak dikenal: 'KELURAHAN ANTAH'; tambahkan ejaannya di params/areas/aliases.yaml",
    }
    assert excl.loc[excl["source_row"] == 5, "column"].item() == "Tanggal Laporan Masuk"


def test_dates_outside_the_rules_window_are_excluded_or_emptied():
    # the window comes from the rules, never from today's date: same file, same result every year
    rules = dataclasses.replace(SETTINGS.rules, plausible_until=ts("2024-01-02 00:00"))
    tickets, excl, flags = run(
        {"created_at": "01/01/2024 23:00", "completed_at": "", "responded_at": "", "status": "Wait"},  # row 2 used
        {"ticket_id": "JK2206010002", "created_at": "02/01/2024 00:01"},              # row 3 excluded
        {"ticket_id": "JK2206010003", "completed_at": "05/01/2024 10:00"},            # row 4: TL emptied
        rules=rules,
    )
    assert tickets["source_row"].tolist() == [2, 4]
    assert reasons(excl) == {3: "Tanggal Laporan Masuk di luar rentang wajar (2024-01-02)"}
    assert flags[["source_row", "reason"]].values.tolist() == [
        [4, "Tanggal TL di luar rentang wajar (2024-01-05); Tanggal TL dikosongkan"],
        [4, "status Complete tanpa Tanggal TL"],
    ]
    assert pd.isna(tickets.loc[1, "completed_at"])


def test_identical_and_conflicting_duplicates():
    tickets, excl, _ = run(
        {},                                                    # row 2 used
        {},                                                    # row 3 copy of 2
        {"ticket_id": "JK2206010002"},                         # row 4 conflicts with 5 and 6
        {"ticket_id": "JK2206010002", "status": "Wait"},       # row 5
        {"ticket_id": "JK2206010002", "status": "Disposisi"},  # row 6
        {"ticket_id": "JK2206010002", "status": "Wait"},       # row 7 copy of 5
    )
    assert tickets["source_row"].tolist() == [2]
    assert reasons(excl) == {
        3: "duplikat identik dari baris 2",
        4: "No Laporan ganda dengan isi berbeda (juga di baris 5, 6); semua baris dikeluarkan",
        5: "No Laporan ganda dengan isi berbeda (juga di baris 4, 6); semua baris dikeluarkan",
        6: "No Laporan ganda dengan isi berbeda (juga di baris 4, 5); semua baris dikeluarkan",
        7: "duplikat identik dari baris 5",
    }
    assert codes(excl) == {3: "duplicate_identical", 4: "duplicate_conflicting", 5: "duplicate_conflicting",
                           6: "duplicate_conflicting", 7: "duplicate_identical"}
    assert list(excl.columns) == EXCLUSION_COLUMNS


def test_flags_null_the_field_and_keep_the_ticket():
    tickets, excl, flags = run(
        {"completed_at": "31/05/2022 12:00"},                                   # row 2 TL before creation
        {"ticket_id": "JK2206010002", "completed_at": "", "status": "Selesai"},  # row 3 Complete without TL
        {"ticket_id": "JK2206010003", "responded_at": "besok"},                 # row 4 unreadable response
        {"ticket_id": "JK2206010004", "channel": "Radio Warga"},                     # row 5 unknown channel
        {"ticket_id": "JK2206010005", "latitude": "106,9", "longitude": "-6,2"},       # row 6 swapped coordinates
    )
    assert len(excl) == 0 and len(tickets) == 5
    assert flags[["source_row", "reason"]].values.tolist() == [
        [2, "Tanggal TL sebelum Tanggal Laporan Masuk; Tanggal TL dikosongkan"],
        [2, "status Complete tanpa Tanggal TL"],
        [3, "status Complete tanpa Tanggal TL"],
        [4, "Tanggal Respon tidak terbaca: (isi tidak ditampilkan); Tanggal Respon dikosongkan"],
        [5, "kanal tidak dikenal: 'Radio Warga'; label dipakai apa adanya"],
        [6, "koordinat di luar DKI Jakarta; laporan dihitung tidak bertitik lokasi"],
    ]
    assert flags["code"].tolist() == ["time_before_previous", "complete_without_completion",
                                      "complete_without_completion", "time_unreadable", "unknown_channel",
                                      "coordinates_outside"]
    assert list(flags.columns) == FLAG_COLUMNS
    assert pd.isna(tickets.loc[0, "completed_at"]) and pd.isna(tickets.loc[2, "responded_at"])
    assert tickets.loc[3, "channel"] == "Radio Warga"
    assert tickets["geotagged"].tolist() == [True, True, True, True, False]
    assert flags["ticket_id"].tolist()[0] == "JK2206010001"


def test_max_tl_falls_back_to_category_default():
    tickets, _, flags = run(
        {"max_tl_hours": "-48"},                                            # Sampah -> 48 by category
        {"ticket_id": "JK2206010002", "category": "Jalan", "max_tl_hours": "dua hari"},  # -> default 168
        {"ticket_id": "JK2206010003", "category": "Jalan", "max_tl_hours": ""},          # blank -> 168, no flag
        {"ticket_id": "JK2206010004", "max_tl_hours": "72,5"},
    )
    assert tickets["max_tl_hours"].tolist() == [48.0, 168.0, 168.0, 72.5]
    assert flags["reason"].tolist() == [
        "Max Waktu TL tidak positif '-48'; dipakai batas baku kategori (48 jam)",
        "Max Waktu TL bukan angka (isi tidak ditampilkan); dipakai batas baku kategori (168 jam)",
    ]


def test_skpd_takes_city_from_region_and_mismatch_is_flagged():
    tickets, _, flags = run(
        {"unit": "DINAS BINA MARGA"},
        {"ticket_id": "JK2206010002", "unit": "KELURAHAN GAMBIR"},  # region says Jakarta Timur
    )
    assert tickets[["city_code", "unit_type", "unit"]].values.tolist() == [
        ["jaktim", "skpd", "DINAS BINA MARGA"], ["jakpus", "kelurahan", "Gambir"]]
    assert flags["reason"].tolist() == ["Wilayah tidak sesuai dengan wilayah unit; dipakai wilayah unit"]


def test_load_problem_rows_are_excluded():
    raw = raw_tickets({}, {"ticket_id": "JK2206010002"})
    raw.loc[1, ["load_problem", "load_problem_code"]] = ["baris kosong", "blank_row"]
    tickets, excl, _ = clean_tickets(raw, source_file="t.csv", headers=HEADERS, mapping=SETTINGS.mapping,
                                     channels=SETTINGS.channels, rules=SETTINGS.rules, resolver=RESOLVER)
    assert len(tickets) == 1 and reasons(excl) == {3: "baris kosong"} and codes(excl) == {3: "blank_row"}


def test_a_reason_code_is_one_of_the_declared_codes_and_never_varies_with_the_data():
    # Two unknown units and two unreadable responses: their reasons quote what differs, their codes do not.
    tickets, excl, flags = run(
        {"unit": "KELURAHAN ANTAH"}, {"ticket_id": "JK2206010002", "unit": "KELURAHAN BERANTAH"},
        {"ticket_id": "JK2206010003", "responded_at": "32/06/2022 08:00"},
        {"ticket_id": "JK2206010004", "responded_at": "33/06/2022 08:00"},
    )
    assert len(set(reasons(excl).values())) == 2 and set(codes(excl).values()) == {ReasonCode.UNKNOWN_UNIT}
    assert len(set(flags["reason"])) == 2 and set(flags["code"]) == {ReasonCode.TIME_UNREADABLE}


def test_blank_or_unknown_status_is_excluded_with_the_fix():
    tickets, excl, _ = run(
        {"status": ""},                                           # row 2
        {"ticket_id": "JK2206010002", "status": "Pending"},       # row 3
        {"ticket_id": "JK2206010003", "status": "0812345678"},    # row 4: never quoted, looks like a phone
        {"ticket_id": "JK2206010004", "status": "selesai"},       # row 5 used
    )
    assert tickets["source_row"].tolist() == [5] and tickets["status"].tolist() == ["Complete"]
    fix = "; tambahkan ejaannya di bagian statuses pada pemetaan kolom (params/columns/)"
    assert reasons(excl) == {
        2: "Status kosong; lengkapi status laporan di ekspor",
        3: "status tidak dikenal: 'Pending'" + fix,
        4: "status tidak dikenal: (isi tidak ditampilkan)" + fix,
    }
    assert excl["column"].tolist() == ["Status"] * 3


def test_blank_grouping_cells_count_as_kosong_and_are_flagged():
    tickets, excl, flags = run(
        {"category": ""},                                         # row 2
        {"ticket_id": "JK2206010002", "subcategory": ""},         # row 3
        {"ticket_id": "JK2206010003", "channel": ""},             # row 4
    )
    assert len(excl) == 0
    assert tickets["category"].tolist() == ["(kosong)", "Sampah", "Sampah"]
    assert tickets["subcategory"].tolist() == ["Sampah Lingkungan", "(kosong)", "Sampah Lingkungan"]
    assert tickets["channel"].tolist() == ["JAKI", "JAKI", "(kosong)"]
    assert reasons(flags) == {
        2: "Kategori kosong; dihitung sebagai (kosong)",
        3: "Rincian Masalah kosong; dihitung sebagai (kosong)",
        4: "Kanal kosong; dihitung sebagai (kosong)",
    }


def test_a_column_missing_from_the_file_is_not_flagged_per_row():
    # the loader flags a missing column once for the file; its blank cells are not repeated per row
    tickets, _, flags = run({"subcategory": ""}, {"ticket_id": "JK2206010002", "subcategory": ""},
                            missing=["subcategory"])
    assert tickets["subcategory"].tolist() == ["(kosong)", "(kosong)"] and len(flags) == 0


def raw_coordinations(rows):
    frame = pd.DataFrame(rows, columns=["ticket_id", "unit", "coordinated_at", "processed_at"]).astype("string")
    frame["source_row"] = pd.array(range(2, 2 + len(rows)), dtype="Int64")
    frame["load_problem"] = pd.Series([pd.NA] * len(rows), dtype="string")
    frame["load_problem_code"] = pd.Series([pd.NA] * len(rows), dtype="string")
    return frame


def test_clean_coordinations():
    raw = raw_coordinations([
        ["JK2206010001", "KELURAHAN PULO GEBANG", "01/06/2022 08:10", "01/06/2022 08:40"],  # 2 used
        # row 3: processed early, unknown ticket
        ["JK2206019999", "Cakung Barat", "01/06/2022 09:00", "01/06/2022 08:00"],
        ["JK2206010001", "KELURAHAN ANTAH", "01/06/2022 09:00", ""],                       # 4 unknown unit
        ["JK2206010001", "KELURAHAN PULO GEBANG", "", ""],                                # 5 no coordinated_at
        ["JK2206010001", "KELURAHAN PULO GEBANG", "01/06/2022 08:10", "01/06/2022 08:40"],  # 6 copy of 2
    ])
    coords, excl, flags = clean_coordinations(raw, source_file="k.csv", headers=HEADERS, mapping=SETTINGS.mapping,
                                              rules=SETTINGS.rules, resolver=RESOLVER)
    assert coords["source_row"].tolist() == [2, 3]
    assert coords["unit"].tolist() == ["Pulo Gebang", "Cakung Barat"]
    # 08:40 - 08:10 = 30 minutes
    assert (coords.loc[0, "processed_at"] - coords.loc[0, "coordinated_at"]).total_seconds() == 1800
    assert pd.isna(coords.loc[1, "processed_at"])
    assert reasons(excl) == {
        4: "unit tidak dikenal: 'KELURAHAN ANTAH'; tambahkan ejaannya di params/areas/aliases.yaml",
        5: "Tanggal Koordinasi kosong",
        6: "duplikat identik dari baris 2",
    }
    assert flags[["source_row", "reason"]].values.tolist() == [
        [3, "Tanggal Proses sebelum Tanggal Koordinasi; Tanggal Proses dikosongkan"],
    ]
    assert codes(excl) == {4: "unknown_unit", 5: "time_blank", 6: "duplicate_identical"}
    assert flags["code"].tolist() == ["time_before_previous"]


def test_accounting_frame_asserts_rows():
    used = pd.DataFrame({"x": [1, 2]})
    excl = pd.DataFrame({"source_row": [5]})
    flags = pd.DataFrame({"source_row": pd.array([2, 2, 3], dtype="Int64")})
    acc = accounting_frame("tickets", "t.csv", 3, used, excl, flags)
    assert acc.iloc[0].tolist() == ["tickets", "t.csv", 3, 2, 1, 2]  # 2 distinct flagged rows
    with pytest.raises(RuntimeError, match="4 rows read != 2 used"):
        accounting_frame("tickets", "t.csv", 4, used, excl, flags)


def test_date_order_undecidable_under_auto_is_refused_with_an_example():
    mapping = {**SETTINGS.mapping, "date_order": "auto"}
    raw = raw_tickets({"created_at": "01/06/2022 08:00", "responded_at": "", "completed_at": ""})
    with pytest.raises(InputError) as caught:
        clean_tickets(raw, source_file="t.csv", headers=HEADERS, mapping=mapping, channels=SETTINGS.channels,
                      rules=SETTINGS.rules, resolver=RESOLVER)
    assert str(caught.value) == (
        "t.csv, column 'Tanggal Laporan Masuk': cannot tell day/month from month/day: no date in the file has a "
        "day over 12 (e.g. '01/06/2022 08:00'). Fix: set date_order: day_first or month_first in the column "
        "mapping (params/columns/).")
    # One value over 12 anywhere in the file settles every date column of it.
    raw = raw_tickets({"created_at": "01/06/2022 08:00", "responded_at": "", "completed_at": "13/06/2022 09:00"})
    tickets, _, _ = clean_tickets(raw, source_file="t.csv", headers=HEADERS, mapping=mapping,
                                  channels=SETTINGS.channels, rules=SETTINGS.rules, resolver=RESOLVER)
    assert tickets["created_at"].tolist() == [ts("2022-06-01 08:00")]


def test_a_column_mixing_both_orders_is_read_by_the_majority_and_noted():
    tickets, excl, flags = run(
        {"ticket_id": "JK2206010001", "created_at": "13/06/2022 08:00"},
        {"ticket_id": "JK2206010002", "created_at": "14/06/2022 08:00"},
        {"ticket_id": "JK2206010003", "created_at": "06/15/2022 08:00"},  # month-first: unreadable day-first
    )
    assert reasons(excl) == {4: "Tanggal Laporan Masuk tidak terbaca: '06/15/2022 08:00'; gunakan dd/mm/yyyy HH:MM"}
    note = flags[flags["source_row"].isna()]["reason"].tolist()
    assert flags.loc[flags["source_row"].isna(), "code"].tolist() == ["date_order_mixed"]
    assert note == ["Tanggal Laporan Masuk memuat tanggal hari/bulan (2) dan bulan/hari (1); dibaca hari/bulan/tahun, "
                    "tanggal yang tidak cocok tidak terbaca"]
