"""The open backlog's every row as CSV (UTF-8) and XLSX, in ``<outputs>/<city>/backlog/``; text never a formula."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from crmlib import formatting as fmt
from crmlib.metrics.rounding import round_half_up
from crmlib.pipeline.deliverables.workbook import NUMBER_FORMATS
from crmlib.report.backlog_recap import SYNTHETIC_NOTE
from crmlib.report.spreadsheet import safe_frame, safe_text
from crmlib.schema import TZ

# The backlog's columns under the export's own headers where it has one, so staff read them as in the CRM.
HEADERS = {
    "ticket_id": "No Laporan",
    "unit_type": "Jenis Unit",
    "unit": "Unit",
    "kecamatan": "Kecamatan",
    "category": "Kategori",
    "status": "Status",
    "created_at": "Tanggal Laporan Masuk",
    "waited_hours": "Lama Menunggu (Jam)",
    "responded": "Sudah Direspons",
    "past_response_rule": "Lewat Batas Respons",
    "max_tl_hours": "Max Waktu TL (Jam)",
    "past_follow_up": "Lewat Batas TL",
}
_BOOLEAN = ("responded", "past_response_rule", "past_follow_up")
_HOURS = ("waited_hours", "max_tl_hours")
SHEET = "Aduan belum selesai"
HEADER_ROW = 4  # a title, a note, a blank row, then the table


def backlog_paths(outputs_dir: str | Path, city: str, at: pd.Timestamp) -> dict[str, Path]:
    """``<outputs>/<city>/backlog/backlog-YYYYMMDD-HHMM.csv`` and ``.xlsx``, named by the Jakarta time taken at.

    >>> backlog_paths("out", "jakpus", pd.Timestamp("2022-08-09 01:00", tz="UTC"))["csv"].as_posix()
    'out/jakpus/backlog/backlog-20220809-0800.csv'
    """
    stem = f"backlog-{pd.Timestamp(at).tz_convert(TZ):%Y%m%d-%H%M}"
    folder = Path(outputs_dir) / city / "backlog"
    return {"csv": folder / f"{stem}.csv", "xlsx": folder / f"{stem}.xlsx"}


def _hours(value: object) -> float | None:
    # Two decimals: minutes are what the export records; more digits are noise to a reader.
    return None if pd.isna(value) else float(round_half_up(float(value), 2))


def csv_frame(backlog: pd.DataFrame) -> pd.DataFrame:
    """The rows as the CSV holds them: Indonesian headers, 'ya'/'tidak', hours to two decimals, Jakarta time
    'YYYY-MM-DD HH:MM:SS', and text that would read as a formula behind an apostrophe."""
    frame = backlog[list(HEADERS)].copy()
    for column in _BOOLEAN:
        frame[column] = frame[column].map({True: "ya", False: "tidak"}).astype("string")
    for column in _HOURS:
        frame[column] = frame[column].map(_hours, na_action="ignore").astype("Float64")
    frame["created_at"] = frame["created_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m-%d %H:%M:%S").astype("string")
    return safe_frame(frame).rename(columns=HEADERS)


def write_backlog_files(backlog: pd.DataFrame, paths: dict[str, Path], title: str, *,
                        synthetic: bool = False) -> list[Path]:
    """Write every row to ``paths["csv"]`` and ``paths["xlsx"]`` (each replaced whole, never left half-written);
    the XLSX opens with ``title`` and, from the bundled sample, says the data is synthetic."""
    return [_atomic(paths["csv"], lambda path: _write_csv(backlog, path)),
            _atomic(paths["xlsx"], lambda path: _write_xlsx(backlog, path, title, synthetic))]


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    # Written beside the file, then renamed over it: a reader never sees half a file, nor a failed run's.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _write_csv(backlog: pd.DataFrame, path: Path) -> None:
    csv_frame(backlog).to_csv(path, index=False, encoding="utf-8")


def _write_xlsx(backlog: pd.DataFrame, path: Path, title: str, synthetic: bool) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = _text(title)
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = (f"{SYNTHETIC_NOTE} " if synthetic else "") + (
        f"{fmt.integer(len(backlog))} aduan. Status seperti dalam ekspor; lama menunggu dihitung sampai waktu rekap.")
    fill = PatternFill("solid", fgColor="DDDDDD")
    for number, header in enumerate(HEADERS.values(), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=number, value=header)
        cell.font, cell.fill = Font(bold=True), fill
    widths = [len(header) for header in HEADERS.values()]
    for offset, row in enumerate(backlog[list(HEADERS)].itertuples(index=False), start=1):
        for number, (column, value) in enumerate(zip(HEADERS, row), start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=number, value=_cell(column, value))
            if column in _HOURS:
                cell.number_format = NUMBER_FORMATS["number"]
            elif column == "created_at":
                cell.number_format = NUMBER_FORMATS["datetime"]
            widths[number - 1] = max(widths[number - 1], len(str(cell.value)) if isinstance(cell.value, str) else 12)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = min(50, width + 2)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADERS))}{HEADER_ROW + len(backlog)}"
    book.save(path)


def _cell(column: str, value: object) -> object:
    """A cell's value: numbers as numbers, booleans as booleans, Jakarta wall time (Excel has no time zones)."""
    if pd.isna(value):
        return None
    if column == "created_at":
        return pd.Timestamp(value).tz_convert(TZ).tz_localize(None).to_pydatetime()
    if column in _BOOLEAN:
        return bool(value)
    if column in _HOURS:
        return _hours(value)
    return _text(value)


def _text(value: object) -> str:
    # Control characters an XLSX cannot hold become spaces; text that would read as a formula stays text.
    return safe_text(ILLEGAL_CHARACTERS_RE.sub(" ", str(value)))
