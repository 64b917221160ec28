"""The backlog's CSV and XLSX: every row, Indonesian headers, numbers and booleans as such, text never a formula."""

import pandas as pd
from openpyxl import load_workbook

from crmlib.metrics.backlog import BACKLOG_COLUMNS
from crmlib.pipeline.deliverables.backlog_files import HEADER_ROW, HEADERS, backlog_paths, write_backlog_files
from crmlib.report.backlog_recap import SYNTHETIC_NOTE

AT = pd.Timestamp("2022-08-09 08:00", tz="Asia/Jakarta")


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "ticket_id": ["JK2208090001", "JK2208090002"],
        "unit_type": ["kelurahan", "kota"],
        "unit": ["=HYPERLINK(\"http://x\",\"klik\")", "Walikota\x1b Jakarta Pusat"],
        "kecamatan": ["Gambir", None],
        "category": ["-1+2", "Jalan"],
        "status": ["Wait", "Complete"],
        "created_at": pd.to_datetime(["2022-08-08 20:30:00", "2022-08-01 07:59:30"]).tz_localize("Asia/Jakarta"),
        "waited_hours": [11.5, 192.00833333],
        "responded": [False, True],
        "past_response_rule": [True, False],
        "max_tl_hours": [48.0, 168.0],
        "past_follow_up": [False, True],
    }, columns=BACKLOG_COLUMNS).astype({"unit": "string", "kecamatan": "string", "max_tl_hours": "Float64"})


def test_paths_are_named_by_the_jakarta_time(tmp_path):
    paths = backlog_paths(tmp_path, "jakpus", AT)
    assert paths == {"csv": tmp_path / "jakpus" / "backlog" / "backlog-20220809-0800.csv",
                     "xlsx": tmp_path / "jakpus" / "backlog" / "backlog-20220809-0800.xlsx"}


def test_csv_holds_every_row_formula_safe(tmp_path):
    paths = backlog_paths(tmp_path, "jakpus", AT)
    written = write_backlog_files(_rows(), paths, "Rekap")
    assert written == [paths["csv"], paths["xlsx"]]
    csv = pd.read_csv(paths["csv"], dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(csv.columns) == list(HEADERS.values())
    assert csv.to_dict("records")[0] == {
        "No Laporan": "JK2208090001", "Jenis Unit": "kelurahan", "Unit": "'=HYPERLINK(\"http://x\",\"klik\")",
        "Kecamatan": "Gambir", "Kategori": "'-1+2", "Status": "Wait", "Tanggal Laporan Masuk": "2022-08-08 20:30:00",
        "Lama Menunggu (Jam)": "11.5", "Sudah Direspons": "tidak", "Lewat Batas Respons": "ya",
        "Max Waktu TL (Jam)": "48.0", "Lewat Batas TL": "tidak"}
    assert csv["Lama Menunggu (Jam)"].tolist() == ["11.5", "192.01"]
    assert not list(tmp_path.rglob("*.partial"))


def test_xlsx_stores_text_as_text_numbers_as_numbers(tmp_path):
    paths = backlog_paths(tmp_path, "jakpus", AT)
    write_backlog_files(_rows(), paths, "=Rekap aduan", synthetic=True)
    sheet = load_workbook(paths["xlsx"]).active
    assert sheet["A1"].value == "'=Rekap aduan"
    assert sheet["A2"].value.startswith(SYNTHETIC_NOTE)
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header == list(HEADERS.values())
    first, second = ([cell for cell in sheet[HEADER_ROW + n]] for n in (1, 2))
    unit = first[2]
    assert unit.value == "'=HYPERLINK(\"http://x\",\"klik\")" and unit.data_type == "s"
    assert first[4].value == "'-1+2" and first[4].data_type == "s"
    assert second[2].value == "Walikota  Jakarta Pusat"  # a control character an XLSX cannot hold: a space
    assert first[6].value == pd.Timestamp("2022-08-08 20:30").to_pydatetime()  # Jakarta wall time
    assert (first[7].value, second[7].value) == (11.5, 192.01)
    assert [first[8].value, first[9].value, first[11].value] == [False, True, False]
    assert sheet.max_row == HEADER_ROW + 2


def test_an_empty_backlog_writes_headers_only(tmp_path):
    paths = backlog_paths(tmp_path, "jakpus", AT)
    write_backlog_files(_rows().iloc[0:0], paths, "Rekap")
    assert pd.read_csv(paths["csv"]).empty
    assert load_workbook(paths["xlsx"]).active.max_row == HEADER_ROW
