"""Merge executed section notebooks into one report notebook.

Parameter cells are dropped, code inputs and console streams are left out,
cells get fresh ids that are the same on every build, and each heading gets an
anchor unique across the whole report, from which the table of contents is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import nbformat

TOC_MARKER = "<!-- daftar-isi -->"
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_DROP_TAGS = {"parameters", "injected-parameters"}
_KEEP_OUTPUTS = {"display_data", "execute_result"}
# Charts reach the report as PNG (crmlib.report.charts.to_html embeds them in HTML); nothing makes SVG.
_KEEP_MIME = {"text/html", "image/png"}


@dataclass(frozen=True)
class Heading:
    """A heading of the stitched report."""

    level: int
    text: str
    anchor: str


def slug(text: str) -> str:
    """A URL-safe anchor for a heading.

    >>> slug("BAB II: Hasil Pelaksanaan")
    'bab-ii-hasil-pelaksanaan'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "bagian"


def _anchor_headings(source: str, seen: dict[str, int], headings: list[Heading]) -> str:
    def replace(match: re.Match[str]) -> str:
        level, title = len(match.group(1)), match.group(2)
        base = slug(title)
        seen[base] = seen.get(base, 0) + 1
        anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
        headings.append(Heading(level, title, anchor))
        return f'<h{level} id="{anchor}">{escape(title)}</h{level}>'

    return _HEADING.sub(replace, source)


def toc_html(headings: list[Heading]) -> str:
    """The table of contents as nested links (page numbers are added in print by CSS)."""
    items = "".join(
        f'<li class="toc-{h.level}"><a href="#{h.anchor}">{escape(h.text)}</a></li>' for h in headings if h.level <= 2
    )
    return f'<ul class="toc">{items}</ul>'


def _report_parts(outputs: list) -> list[tuple[str, Any]]:
    """A code cell's report content, in order: runs of outputs, and the markdown a section displayed
    (a heading from its layout), which becomes a markdown cell so that it is anchored and listed in the contents.

    Console text and bare object reprs are left out.
    """
    parts: list[tuple[str, Any]] = []
    for output in outputs:
        data = output.get("data", {})
        if output.output_type not in _KEEP_OUTPUTS:
            continue
        if "text/markdown" in data:
            if data["text/markdown"].strip():
                parts.append(("markdown", data["text/markdown"]))
        elif _KEEP_MIME & set(data):
            if parts and parts[-1][0] == "outputs":
                parts[-1][1].append(output)
            else:
                parts.append(("outputs", [output]))
    return parts


def stitch(executed: list[Path]) -> nbformat.NotebookNode:
    """Merge executed notebooks, in the given order, into one notebook without code."""
    merged = nbformat.v4.new_notebook()
    seen: dict[str, int] = {}
    headings: list[Heading] = []
    for number, path in enumerate(executed):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if _DROP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            cell_id = f"s{number:02d}-c{index:03d}"
            if cell.cell_type == "markdown":
                source = _anchor_headings(cell.source, seen, headings)
                merged.cells.append(nbformat.v4.new_markdown_cell(source, id=cell_id))
            elif cell.cell_type == "code":
                for part, (kind, content) in enumerate(_report_parts(cell.get("outputs", []))):
                    part_id = cell_id if part == 0 else f"{cell_id}-{part}"
                    if kind == "markdown":
                        source = _anchor_headings(content, seen, headings)
                        merged.cells.append(nbformat.v4.new_markdown_cell(source, id=part_id))
                    else:
                        new = nbformat.v4.new_code_cell("", id=part_id)
                        new.outputs = content
                        merged.cells.append(new)
    toc = toc_html(headings)
    for cell in merged.cells:
        if cell.cell_type == "markdown" and TOC_MARKER in cell.source:
            cell.source = cell.source.replace(TOC_MARKER, toc)
    return merged
