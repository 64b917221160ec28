"""The report's workbook: one sheet per table, numbers as numbers, the figure named, no formula from data."""

from __future__ import annotations

import datetime as dt

import nbformat
import pandas as pd
from openpyxl import load_workbook

from crmlib.pipeline.context.figure_book import FigureBook
from crmlib.pipeline.deliverables import workbook
from crmlib.pipeline.deliverables.workbook import INDEX_SHEET, report_tables, write_workbook
from crmlib.report import html_blocks as blocks
from crmlib.report import tables

# Unit names a hostile or careless export could hold: each would run as a formula if written as one.
FORMULA_NAMES = ['=HYPERLINK("http://x","klik")', "+62812", "-Kel. Baru", "@SUM(A1)"]


def output_of(shown) -> nbformat.NotebookNode:
    """The display_data output a notebook records for a displayed object."""
    bundle = shown._repr_mimebundle_() if hasattr(shown, "_repr_mimebundle_") else {"text/html": shown.data}
    return nbformat.v4.new_output("display_data", data=bundle)


def stitched(*cells) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, str):
            notebook.cells.append(nbformat.v4.new_markdown_cell(cell))
        else:
            code = nbformat.v4.new_code_cell("")
            code.outputs = [output_of(shown) for shown in cell]
            notebook.cells.append(code)
    return notebook


def test_tables_are_titled_by_their_captions_or_heading_and_keep_their_figure():
    units = pd.DataFrame({"rank": [1, 2], "unit": ["Setu", "Cipayung"], "count": [19, 7], "share": [73.08, 26.92]})
    notebook = stitched(
        '<h2 id="d">D. Data Unit Kerja</h2>',
        [blocks.caption("Lima UKPD tertinggi"), blocks.caption("Juni 2022"),
         blocks.table(units, {"rank": "No", "unit": "Nama UKPD", "count": "Total", "share": "Persentase"},
                      figure="top_units")],
        [blocks.table(units.head(1), {"unit": "Unit"})],
        '<h3 id="e">E. Kanal</h3>',
        [blocks.table(units.head(1), {"count": "Jumlah"})],
    )
    tables = report_tables(notebook)
    assert [(t.section, t.title, t.figure) for t in tables] == [
        ("D. Data Unit Kerja", "Lima UKPD tertinggi – Juni 2022", "top_units"),
        ("D. Data Unit Kerja", "D. Data Unit Kerja", None),
        ("E. Kanal", "E. Kanal", None),
    ]
    assert tables[0].headers == ["No", "Nama UKPD", "Total", "Persentase"]
    assert tables[0].kinds == ["integer", "text", "integer", "number"]
    assert tables[0].rows == [[1, "Setu", 19, 73.08], [2, "Cipayung", 7, 26.92]]


def test_workbook_holds_numbers_as_numbers_times_as_times_and_formula_text_as_text(tmp_path):
    late = pd.DataFrame({
        "unit": FORMULA_NAMES + ["Setu"],
        "hours": [67.0, 1.5, 2.0, 3.0, 4.25],
        "created_at": pd.to_datetime(["2022-06-03 16:15"] * 5).tz_localize("Asia/Jakarta"),
    })
    notebook = stitched('<h2 id="x">Nilai Tindak Lanjut</h2>',
                        [blocks.table(late, {"unit": "Nama SKPD", "hours": "Waktu TL (Jam)", "created_at": "Tgl Masuk"},
                                      figure="late_follow_ups")])
    path = tmp_path / "report.xlsx"
    write_workbook(report_tables(notebook), path, "=Judul")
    book = load_workbook(path)
    assert book.sheetnames == [INDEX_SHEET, "01 late_follow_ups"]
    index = book[INDEX_SHEET]
    assert index["A1"].value == "'=Judul" and index["A1"].data_type == "s"
    assert [c.value for c in index[5]] == [1, "01 late_follow_ups", "Nilai Tindak Lanjut", "Nilai Tindak Lanjut",
                                          "late_follow_ups"]
    sheet = book["01 late_follow_ups"]
    assert sheet["A3"].value == "Angka di figures.json: late_follow_ups"
    assert [c.value for c in sheet[5]] == ["Nama SKPD", "Waktu TL (Jam)", "Tgl Masuk"]
    names = [sheet.cell(row=6 + i, column=1) for i in range(5)]
    assert [c.value for c in names] == ["'" + n for n in FORMULA_NAMES] + ["Setu"]
    assert all(c.data_type == "s" for c in names)
    hours = [sheet.cell(row=6 + i, column=2) for i in range(5)]
    assert [c.value for c in hours] == [67.0, 1.5, 2.0, 3.0, 4.25] and all(c.data_type == "n" for c in hours)
    assert sheet["C6"].value == dt.datetime(2022, 6, 3, 16, 15)  # Jakarta wall time, as the report prints it


def test_long_and_forbidden_sheet_names_are_cut_and_cleaned(tmp_path):
    frame = pd.DataFrame({"n": [1]})
    notebook = stitched('<h2 id="x">Bagian</h2>',
                        [blocks.caption("Kategori [utama]: aduan/keluhan warga yang sangat panjang sekali"),
                         blocks.table(frame, {"n": "N"})])
    path = tmp_path / "report.xlsx"
    write_workbook(report_tables(notebook), path, "Laporan")
    name = load_workbook(path).sheetnames[1]
    assert name == "01 Kategori utama aduan keluhan"[:31] and len(name) <= 31


def test_a_long_lists_sheets_hold_every_row_of_its_file_continued_past_a_sheets_rows(tmp_path, monkeypatch):
    flags = pd.DataFrame({"no": range(1, 8), "ticket_id": [f"JK{i}" for i in range(1, 8)], "unit": ["-Setu"] * 7,
                          "hours": [0.5] * 6 + [None],
                          "at": pd.to_datetime(["2022-06-03 16:15"] * 7).tz_localize("Asia/Jakarta")})
    book = FigureBook(tmp_path / "figures.json")
    shown = book.record_list("anomaly_ticket_flags", flags, flags.head(2), file="anomali.csv")
    columns = {"no": "No", "ticket_id": "No Laporan", "unit": "Unit", "hours": "Jam", "at": "Waktu"}
    notebook = stitched('<h2 id="x">Lampiran</h2>',
                        tables.list_table(shown, len(flags), columns, figure="anomaly_ticket_flags", file="anomali.csv"))
    [table] = report_tables(notebook)
    assert table.rows == [[1, "JK1", "-Setu", 0.5, "2022-06-03T16:15:00+07:00"],
                          [2, "JK2", "-Setu", 0.5, "2022-06-03T16:15:00+07:00"]]  # as printed
    monkeypatch.setattr(workbook, "SHEET_ROWS", 3)
    path = tmp_path / "report.xlsx"
    write_workbook([table], path, "Laporan")
    sheets = load_workbook(path)
    assert sheets.sheetnames == [INDEX_SHEET, "01 anomaly_ticket_flags", "01 anomaly_ticket_flags (2)",
                                 "01 anomaly_ticket_flags (3)"]
    rows = [row for name in sheets.sheetnames[1:] for row in sheets[name].iter_rows(min_row=6, values_only=True)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[-1] == (7, "JK7", "'-Setu", None, dt.datetime(2022, 6, 3, 16, 15))
    assert all(sheets[name]["A5"].value == "No" for name in sheets.sheetnames[1:])
    assert sheets[INDEX_SHEET]["B5"].hyperlink.location == "'01 anomaly_ticket_flags'!A1"
