"""outputs/index.html: every built report with its city, month, complaints, capaian and data source."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from crmlib import formatting as fmt
from crmlib.errors import UsageError
from crmlib.pipeline.kinds import kind_of


def built_reports(outputs_dir: Path) -> list[Path]:
    """Every finished report folder under ``outputs_dir`` (``<city>/<YYYY-MM>/`` with its manifest and figures),
    by city then month; builds in progress and failed ones (dot folders) are not."""
    return [manifest.parent for manifest in sorted(outputs_dir.glob("*/*/manifest.json"))
            if not manifest.parent.name.startswith(".") and (manifest.parent / "figures.json").exists()]


def report_rows(outputs_dir: Path) -> list[dict]:
    """One row per finished report under ``outputs_dir``."""
    rows = []
    for folder in built_reports(outputs_dir):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        figures = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
        params = manifest.get("params", {})
        rows.append({"city": folder.parent.name, "month": folder.name, "link": f"{folder.parent.name}/{folder.name}",
                     "complaints": figures.get("total_complaints"), "capaian": figures.get("capaian"),
                     "grade": figures.get("grade"), "synthetic": bool(params.get("synthetic_sample"))})
    return rows


def _city_name(code: str) -> str:
    try:
        return kind_of(code).subject_label(code)
    except UsageError:  # a folder that is not a city code
        return code


def index_html(rows: list[dict]) -> str:
    """The index page; every text from the folder names is escaped."""
    body = []
    for row in rows:
        capaian, complaints = fmt.percent(row["capaian"], 3), fmt.integer(row["complaints"])
        link = escape(row["link"])
        body.append(
            f'<tr><td>{escape(_city_name(row["city"]))}</td><td>{escape(row["month"])}</td>'
            f'<td class="num">{complaints}</td><td class="num">{escape(capaian)}</td>'
            f'<td>{escape(row["grade"] or fmt.MISSING)}</td>'
            f'<td>{"sampel sintetis" if row["synthetic"] else "ekspor CRM"}</td>'
            f'<td><a href="{link}/report.html">HTML</a> · <a href="{link}/report.pdf">PDF</a> · '
            f'<a href="{link}/report.docx">DOCX</a> · <a href="{link}/report.xlsx">XLSX</a></td></tr>')
    table = ("<table><thead><tr><th>Kota</th><th>Bulan</th><th>Aduan</th><th>Capaian</th><th>Peringkat</th>"
             "<th>Sumber data</th><th>Laporan</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"/><title>Laporan CRM</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #bbb;padding:.3em .6em}td.num{text-align:right}</style></head>"
            f"<body><h1>Laporan Bulanan CRM</h1><p>{len(rows)} laporan.</p>{table}</body></html>\n")


def write_index(outputs_dir: Path) -> Path:
    """Write ``outputs_dir/index.html`` for the reports found there; return its path."""
    path = outputs_dir / "index.html"
    path.write_text(index_html(report_rows(outputs_dir)), encoding="utf-8")
    return path
