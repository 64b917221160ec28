"""Tests for crmlib.errors and crmlib.ingest.read / load on tiny hand-written files."""

import datetime as dt
import gzip
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from crmlib.errors import InputError, SettingsError
from crmlib.ingest import read
from crmlib.ingest.load import load_export
from crmlib.ingest.read import read_table
from crmlib.ingest.settings import check_mapping, header_key, load_settings, plain

HEADER = ["No Laporan", "Tanggal Laporan Masuk", "Kanal", "Kategori", "Nama SKPD", "Status", "Latitude",
          "Longitude", "Isi Laporan", "Nama Pelapor"]
ROW_A = ["JK2206010001", "01/06/2022 08:00", "JAKI", "Sampah", "KELURAHAN PULO GEBANG", "Complete", "-6,2", "106,9",
         "SECRET-A", "SECRET-B"]
ROW_B = ["JK2206010002", "02/06/2022 09:30", "Twitter", "Jalan", "KECAMATAN CAKUNG", "Wait", "", "", "x", "y"]


def load_mapping() -> dict:
    """The shipped column mapping, as a mutable copy."""
    return plain(load_settings().mapping)


def write_csv(path, rows, sep=";", encoding="utf-8"):
    path.write_bytes(("\n".join(sep.join(r) for r in rows) + "\n").encode(encoding))
    return path


def test_input_error_is_one_line_with_file_row_column_and_fix():
    err = InputError("/home/x/data/laporan.csv", "unparseable date '31/02/2022'", row=12, column="Tanggal TL",
                     fix="use dd/mm/yyyy HH:MM")
    assert str(err) == "laporan.csv, row 12, column 'Tanggal TL': unparseable date '31/02/2022'. Fix: use dd/mm/yyyy HH:MM."
    assert (err.file, err.row, err.column) == ("laporan.csv", 12, "Tanggal TL")
    assert "\n" not in str(InputError("a.csv", "two\nlines", column="Kol\nom"))
    assert str(InputError("a.csv", "the file is empty")) == "a.csv: the file is empty."


def test_header_key():
    assert header_key("  Max Waktu \t TL (Jam) ") == "max waktu tl (jam)"


def test_read_table_skips_title_rows_and_numbers_source_rows(tmp_path):
    path = write_csv(tmp_path / "laporan.csv", [["Laporan CRM Juni"], ["Per 11 Juli 2022"], HEADER, ROW_A, ROW_B])
    raw = read_table(path, "tickets", load_mapping())
    # header is line 3, so the data rows are 4 and 5
    assert raw.header_row == 3
    assert raw.frame["source_row"].tolist() == [4, 5]
    assert raw.frame["ticket_id"].tolist() == ["JK2206010001", "JK2206010002"]
    # free text never enters the frame
    assert "SECRET-A" not in raw.frame.to_string() and "Isi Laporan" not in raw.frame.columns
    assert raw.missing == ["subcategory", "city", "responded_at", "completed_at", "max_tl_hours", "rejected_count"]
    assert raw.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_table_comma_csv_with_quotes_and_bom(tmp_path):
    text = ("\ufeff" + ",".join(HEADER) + "\n"
            + 'JK2206010001,01/06/2022 08:00,JAKI,"Jalan, Trotoar",Cakung,Wait,-6.2,106.9,"a, b",c\n')
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    raw = read_table(path, "tickets", load_mapping())
    assert raw.frame.loc[0, "category"] == "Jalan, Trotoar"
    assert raw.frame.loc[0, "latitude"] == "-6.2"


def test_read_table_semicolon_wins_over_decimal_commas(tmp_path):
    path = write_csv(tmp_path / "t.csv", [HEADER, ROW_A])
    raw = read_table(path, "tickets", load_mapping())
    assert raw.frame.loc[0, "latitude"] == "-6,2"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_read_table_single_byte_encodings(tmp_path, encoding):
    row = ROW_A[:3] + ["Caf\u00e9 liar"] + ROW_A[4:]
    path = write_csv(tmp_path / "t.csv", [HEADER, row], encoding=encoding)
    raw = read_table(path, "tickets", load_mapping())
    assert raw.frame.loc[0, "category"] == "Caf\u00e9 liar"
    assert raw.encoding == "cp1252"


def test_read_table_gzip(tmp_path):
    plain = write_csv(tmp_path / "t.csv", [HEADER, ROW_A])
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    raw = read_table(path, "tickets", load_mapping())
    assert raw.frame["ticket_id"].tolist() == ["JK2206010001"]
    assert raw.file == "t.csv.gz"


def test_read_table_xlsx_junk_rows_and_typed_cells(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(["LAPORAN CRM"])
    ws.append([])
    ws.append(["Per tanggal 11 Juli 2022"])
    ws.append(HEADER)
    ws.append(["JK2206010001", dt.datetime(2022, 6, 1, 8, 0), "JAKI", "Sampah", "KELURAHAN PULO GEBANG", "Complete",
               -6.2, 106.9, "SECRET", "SECRET"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    raw = read_table(path, "tickets", load_mapping())
    assert raw.header_row == 4
    assert raw.frame["source_row"].tolist() == [5]
    assert raw.frame.loc[0, "created_at"] == "2022-06-01 08:00:00"
    assert raw.frame.loc[0, "latitude"] == "-6.2"


def test_read_table_xlsx_named_sheet(tmp_path):
    book = Workbook()
    book.active.title = "Ringkasan"
    book.active.append(["bukan data"])
    ws = book.create_sheet("Laporan")
    ws.append(HEADER)
    ws.append(ROW_A)
    path = tmp_path / "t.xlsx"
    book.save(path)
    mapping = load_mapping()
    mapping["tables"]["tickets"]["sheet"] = "Laporan"
    assert read_table(path, "tickets", mapping).frame["ticket_id"].tolist() == ["JK2206010001"]
    mapping["tables"]["tickets"]["sheet"] = "Tidak Ada"
    with pytest.raises(InputError, match="no sheet named 'Tidak Ada'"):
        read_table(path, "tickets", mapping)


def test_missing_required_column_names_file_row_column_and_found(tmp_path):
    header = [h for h in HEADER if h != "Status"]
    path = write_csv(tmp_path / "laporan.csv", [header, ROW_A[:5] + ROW_A[6:]])
    with pytest.raises(InputError) as info:
        read_table(path, "tickets", load_mapping())
    err = info.value
    assert (err.file, err.row, err.column) == ("laporan.csv", 1, "Status")
    assert "'Kategori'" in str(err)  # the found columns are listed


def test_ragged_and_blank_rows_become_load_problems(tmp_path):
    ragged = ROW_B + ["sisa", "teks"]
    path = write_csv(tmp_path / "t.csv", [HEADER, ROW_A, [""], ragged, ROW_B, [""], [""]])
    frame = read_table(path, "tickets", load_mapping()).frame
    # trailing blank rows dropped; interior blank row 3 and the 12-cell row 4 flagged
    assert frame["source_row"].tolist() == [2, 3, 4, 5]
    assert frame["load_problem"].tolist() == [
        pd.NA, "baris kosong", "baris berisi 12 kolom, header 10 kolom (pemisah di dalam teks?)", pd.NA]
    assert frame["load_problem_code"].tolist() == [pd.NA, "blank_row", "extra_cells", pd.NA]


def test_trailing_empty_cells_are_not_ragged(tmp_path):
    path = write_csv(tmp_path / "t.csv", [HEADER, ROW_A + ["", ""]])
    assert read_table(path, "tickets", load_mapping()).frame["load_problem"].isna().all()


def test_file_not_found_and_xls(tmp_path):
    with pytest.raises(InputError, match="nope.csv: file not found"):
        read_table(tmp_path / "nope.csv", "tickets", load_mapping())
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(InputError, match=r"old.xls: old .xls workbooks"):
        read_table(tmp_path / "old.xls", "tickets", load_mapping())


def test_mapping_refuses_free_text_headers():
    mapping = load_mapping()
    mapping["tables"]["tickets"]["columns"]["subcategory"] = {"headers": ["Isi Laporan"], "required": False}
    with pytest.raises(SettingsError, match="free-text"):
        check_mapping(mapping)


def test_load_export_end_to_end(tmp_path, settings):
    tickets = write_csv(tmp_path / "laporan.csv", [HEADER, ROW_A, ROW_B])
    coords = write_csv(tmp_path / "koordinasi.csv", [
        ["No Laporan", "Nama SKPD", "Tanggal Koordinasi", "Tanggal Proses", "Deskripsi"],
        ["JK2206010001", "KELURAHAN PULO GEBANG", "01/06/2022 08:10", "01/06/2022 08:40", "SECRET"],
    ])
    export = load_export(tickets, coords, settings=settings)
    assert export.tickets["unit"].tolist() == ["Pulo Gebang", "Kecamatan Cakung"]
    assert export.tickets["unit_type"].tolist() == ["kelurahan", "kecamatan"]
    assert export.tickets["geotagged"].tolist() == [True, False]
    assert export.coordinations["processed_at"].iloc[0] == pd.Timestamp("2022-06-01 08:40", tz="Asia/Jakarta")
    assert export.accounting[["table", "rows_read", "rows_used", "rows_excluded"]].values.tolist() == [
        ["tickets", 2, 2, 0], ["coordinations", 1, 1, 0]]
    assert export.sources["file"].tolist() == ["laporan.csv", "koordinasi.csv"]
    assert export.sources["sha256"].iloc[1] == hashlib.sha256(coords.read_bytes()).hexdigest()
    # Row A is Complete without a Tanggal TL column: one flag; plus one flag per absent optional column (6)
    assert export.flags["reason"].str.contains("tanpa Tanggal TL").sum() == 1
    assert export.flags["source_row"].isna().sum() == 6
    for frame in (export.tickets, export.coordinations, export.exclusions, export.flags):
        assert "SECRET" not in frame.to_string()


def test_no_header_error_quotes_only_header_like_cells(tmp_path):
    # a headerless file starts with data: its e-mail and phone cells must not reach the terminal
    path = write_csv(tmp_path / "tanpa_header.csv", [["JK2206010001", "Jalan", "budi@contoh.id", "081234567890"]])
    with pytest.raises(InputError) as caught:
        read_table(path, "tickets", load_mapping())
    message = str(caught.value)
    assert "no header row" in message and "row 1 has 4 cells, none like a header" in message
    assert "Jalan" not in message
    assert "budi@contoh.id" not in message and "081234567890" not in message and "JK2206010001" not in message


def test_a_file_is_hashed_once_while_its_size_and_time_hold_even_in_another_process(tmp_path, monkeypatch):
    export = tmp_path / "laporan.csv"
    export.write_bytes(b"No Laporan;Status\nJK1;Complete\n")
    hashed = []
    monkeypatch.setattr(read, "sha256_of", lambda path: hashed.append(path) or hashlib.sha256(
        Path(path).read_bytes()).hexdigest())
    memo = tmp_path / "digests"
    first = read.file_digest(export, memo)
    read._digest_of.cache_clear()  # as a pool worker starts: nothing remembered in the process
    assert read.file_digest(export, memo) == first == hashlib.sha256(export.read_bytes()).hexdigest()
    assert len(hashed) == 1 and len(list(memo.iterdir())) == 1

    export.write_bytes(b"No Laporan;Status\nJK1;Complete\nJK2;Complete\n")  # another size: hashed again
    assert read.file_digest(export, memo) == hashlib.sha256(export.read_bytes()).hexdigest() != first
    assert len(hashed) == 2
