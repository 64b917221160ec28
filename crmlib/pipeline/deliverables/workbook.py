"""The report's tables as an Excel workbook: one sheet per table, numbers as numbers, each with its figure's name.

The sections' tables carry their values beside their HTML (:data:`crmlib.report.html_blocks.TABLE_MIME`),
so the workbook holds what the report shows, in the report's order and with its
Indonesian headers, without parsing HTML. Text from data never becomes a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from crmlib.report.html_blocks import TABLE_MIME
from crmlib.report.spreadsheet import safe_text

INDEX_SHEET = "Daftar Tabel"
HEADER_ROW = 5  # rows 1-3 say what the table is; the table starts below a blank row
_HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.DOTALL)
_CAPTION = re.compile(r'<p class="caption">(.*?)</p>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# Characters Excel refuses in a sheet name.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {"integer": "#,##0", "number": "#,##0.00", "datetime": "dd/mm/yyyy hh:mm"}


@dataclass(frozen=True)
class ReportTable:
    """One table of the report, as shown: where it is, what it is called, its headers and values."""

    section: str
    title: str
    figure: str | None
    headers: list[str]
    kinds: list[str]  # per column: integer, number, datetime, bool or text
    rows: list[list[Any]]


def _text(fragment: str) -> str:
    return " ".join(unescape(_TAG.sub("", fragment)).split())


def report_tables(notebook: nbformat.NotebookNode) -> list[ReportTable]:
    """Every table of a stitched report notebook, in order, titled by the caption above it or else its heading."""
    found: list[ReportTable] = []
    section = ""
    captions: list[str] = []  # the caption lines shown since the last table or heading
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for heading in _HEADING.findall(cell.source):
                section, captions = _text(heading), []
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if TABLE_MIME in data:
                values = data[TABLE_MIME]
                title = values.get("caption") or " – ".join(captions) or section
                found.append(ReportTable(section, title, values.get("figure"), values["headers"], values["kinds"],
                                         values["rows"]))
                captions = []
            else:
                captions += [_text(c) for c in _CAPTION.findall(data.get("text/html", ""))]
    return found


def sheet_names(tables: list[ReportTable]) -> list[str]:
    """A unique sheet name per table: its number and figure (or title), within Excel's 31 characters.

    >>> t = ReportTable("B", "Rekap", "status_pivot", [], [], [])
    >>> sheet_names([t, ReportTable("C", "Kategori: 5 tertinggi", None, [], [], [])])
    ['01 status_pivot', '02 Kategori 5 tertinggi']
    """
    names: list[str] = []
    for number, table in enumerate(tables, start=1):
        label = " ".join(_SHEET_FORBIDDEN.sub(" ", table.figure or table.title).split())
        names.append(f"{number:02d} {label}"[:31].rstrip())
    return names


def _cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        # Excel has no time zones: Jakarta wall time, as the report prints it.
        return pd.Timestamp(value).tz_localize(None).to_pydatetime()
    return safe_text(value)


def _fit_columns(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))


def write_workbook(tables: list[ReportTable], path: Path, title: str) -> None:
    """Write the tables to ``path``: an index sheet, then one sheet per table."""
    book = Workbook()
    index = book.active
    index.title = INDEX_SHEET
    bold = Font(bold=True)
    index.append([safe_text(title)])
    index["A1"].font = Font(bold=True, size=12)
    index.append(["Setiap tabel laporan ada di lembarnya sendiri; kolom Angka menyebut namanya di figures.json."])
    index.append([])
    index.append(["No", "Lembar", "Bagian", "Judul", "Angka"])
    for cell in index[4]:
        cell.font = bold
    names = sheet_names(tables)
    for number, (table, name) in enumerate(zip(tables, names), start=1):
        index.append([number, name, safe_text(table.section), safe_text(table.title), table.figure])
        link = index.cell(row=index.max_row, column=2)
        link.hyperlink = f"#'{name}'!A1"
        link.style = "Hyperlink"
        _write_table(book.create_sheet(name), table)
    _fit_columns(index, [4, 31, 40, 60, 30])
    book.save(path)


def _write_table(sheet, table: ReportTable) -> None:
    sheet["A1"] = safe_text(table.title)
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = f"Bagian: {safe_text(table.section)}"
    sheet["A3"] = (f"Angka di figures.json: {table.figure}" if table.figure
                   else "Tabel rincian; tidak dicatat sebagai angka di figures.json")
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=safe_text(header))
        cell.font, cell.fill = Font(bold=True), header_fill
    widths = [len(str(h)) for h in table.headers]
    for offset, row in enumerate(table.rows, start=1):
        for column, (value, kind) in enumerate(zip(row, table.kinds), start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=_cell_value(value, kind))
            if kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            widths[column - 1] = max(widths[column - 1], len(str(value)) if kind == "text" else 12)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    _fit_columns(sheet, widths)
