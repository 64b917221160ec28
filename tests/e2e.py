"""Helpers for end-to-end tests: hostile exports cut from the bundled sample, and output scans."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pypdf import PdfReader

from crmlib.pipeline.context.city import sample_inputs


def read_export(path: Path) -> pd.DataFrame:
    """An export as the strings it holds."""
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)


def write_export(frame: pd.DataFrame, path: Path) -> Path:
    """Write an export the way the CRM does (';', UTF-8)."""
    frame.to_csv(path, sep=";", index=False)
    return path


def month_slice(city_label: str, month: str, tmp: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets of one city-month and that month's coordinations, from the bundled sample."""
    mm, yyyy = month[5:], month[:4]
    sample = sample_inputs()
    tickets = read_export(sample["tickets"])
    tickets = tickets[(tickets["Wilayah"] == city_label) & tickets["Tanggal Laporan Masuk"].str[3:10].eq(f"{mm}/{yyyy}")]
    coordinations = read_export(sample["coordinations"])
    coordinations = coordinations[coordinations["Tanggal Koordinasi"].str[3:10].eq(f"{mm}/{yyyy}")]
    return tickets.reset_index(drop=True), coordinations.reset_index(drop=True)


def output_texts(report_dir: Path, cache_dir: Path) -> dict[str, str]:
    """Every output file as text: PDFs through their text layer, the rest as bytes decoded leniently."""
    texts = {}
    for path in sorted([*report_dir.rglob("*"), *cache_dir.rglob("*")]):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            texts[str(path)] = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def unmarked(html: str) -> str:
    """Report HTML without the marks that tie printed numbers to their figures (tests/pipeline/audit checks them)."""
    return re.sub(r' data-(?:figure|scale|row-number)="[^"]*"', "", html)
