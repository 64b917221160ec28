"""The report's tables as an Excel workbook: one sheet per table, numbers as numbers, each with its figure's name.

The sections' tables carry their values beside their HTML (:data:`crmlib.report.html_blocks.TABLE_MIME`),
so the workbook holds what the report shows, in the report's order and with its
Indonesian headers, without parsing HTML. Text from data never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

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
    rows: list[list[Any]]  # as printed
    file: str | None = None  # the list file holding every row, when the table prints some (its sheet holds all)
    columns: list[str] = field(default_factory=list)  # the file's columns the table prints, in order


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
                                         values["rows"], values.get("file"), values.get("columns", [])))
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


def _whole_number(text: str) -> int | float:
    """A list file's number in a column printed as whole numbers; a fraction (never printed so) stays one."""
    number = float(text)
    return int(number) if number.is_integer() else number


# How a list file's text cell (:func:`crmlib.report.spreadsheet.csv_bytes`) becomes a value, by column kind.
_FROM_CSV: dict[str, Callable[[str], Any]] = {
    "integer": _whole_number, "number": float, "datetime": dt.datetime.fromisoformat,
    "bool": lambda text: text == "True", "text": str,
}


def _file_rows(path: Path, columns: list[str], kinds: list[str]) -> Iterator[list[Any]]:
    """The rows of a list file, in the printed table's columns, as values (an empty cell is None)."""
    parse = [_FROM_CSV.get(kind, str) for kind in kinds]
    for chunk in pd.read_csv(path, usecols=columns, dtype=str, keep_default_na=False, chunksize=50_000):
        for row in chunk[columns].itertuples(index=False, name=None):
            yield [convert(text) if text != "" else None for convert, text in zip(parse, row)]


def _widths(table: ReportTable) -> list[int]:
    """Each column's width: its header's, or its longest printed text, a number or a time counting as 12."""
    widths = [len(str(h)) for h in table.headers]
    for row in table.rows:
        for column, (value, kind) in enumerate(zip(row, table.kinds)):
            widths[column] = max(widths[column], len(str(value)) if kind == "text" else 12)
    return widths


def _fit_columns(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))


def _styled(sheet, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
            number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def write_workbook(tables: list[ReportTable], path: Path, title: str) -> None:
    """Write the tables to ``path``: an index sheet, then one sheet per table (more when a list file holds more
    rows than a sheet can). The list files are read from ``path``'s folder, a row at a time.
    """
    book = Workbook(write_only=True)  # rows go to disk as they are written: a list may hold a million
    index = book.create_sheet(INDEX_SHEET)
    _fit_columns(index, [4, 31, 40, 60, 30])
    bold = Font(bold=True)
    index.append([_styled(index, safe_text(title), font=Font(bold=True, size=12))])
    index.append(["Setiap tabel laporan ada di lembarnya sendiri; kolom Angka menyebut namanya di figures.json."])
    index.append([])
    index.append([_styled(index, header, font=bold) for header in ("No", "Lembar", "Bagian", "Judul", "Angka")])
    names = sheet_names(tables)
    for number, (table, name) in enumerate(zip(tables, names), start=1):
        link = _styled(index, name)
        link.hyperlink = Hyperlink(ref=f"B{number + 4}", location=f"'{name}'!A1")
        link.style = "Hyperlink"
        index.append([number, link, safe_text(table.section), safe_text(table.title), table.figure])
    for table, name in zip(tables, names):
        rows: Iterable[list[Any]] = table.rows
        if table.file:
            rows = _file_rows(path.parent / table.file, table.columns, table.kinds)
        _write_table(book, name, table, rows)
    book.save(path)


# Rows of a sheet below its header: Excel holds 1,048,576 rows in all.
SHEET_ROWS = 1_048_576 - HEADER_ROW


def _write_table(book: Workbook, name: str, table: ReportTable, rows: Iterable[list[Any]]) -> None:
    """The table's sheet: what it is, its header, its rows; rows past :data:`SHEET_ROWS` go on to sheets named
    '<name> (2)' and so on, each with the same header."""
    formats = [NUMBER_FORMATS.get(kind) for kind in table.kinds]
    widths = _widths(table)
    rows = iter(rows)
    part = 1
    while True:
        first = next(rows, None)
        if first is None and part > 1:
            return
        sheet = book.create_sheet(name if part == 1 else f"{name[:31 - 5]} ({part})")
        _fit_columns(sheet, widths)
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        sheet.append([_styled(sheet, safe_text(table.title), font=Font(bold=True, size=12))])
        sheet.append([f"Bagian: {safe_text(table.section)}"])
        if table.file:
            sheet.append([f"Seluruh baris {table.file}; figures.json mencatat baris yang dicetak ({table.figure}) "
                          f"dan jumlah serta SHA-256 berkas itu ({table.figure}_file)"])
        else:
            sheet.append([f"Angka di figures.json: {table.figure}" if table.figure
                          else "Tabel rincian; tidak dicatat sebagai angka di figures.json"])
        sheet.append([])
        fill = PatternFill("solid", fgColor="DDDDDD")
        sheet.append([_styled(sheet, safe_text(h), font=Font(bold=True), fill=fill) for h in table.headers])
        if first is None:
            return
        for row in itertools.chain([first], itertools.islice(rows, SHEET_ROWS - 1)):
            sheet.append([_styled(sheet, _cell_value(value, kind), number_format=form) if form and value is not None
                          else _cell_value(value, kind) for value, kind, form in zip(row, table.kinds, formats)])
        part += 1
