"""Turn the stitched notebook into the HTML and PDF deliverables."""

from __future__ import annotations

import gc
from html import escape
from pathlib import Path

import nbformat

from crmlib import resources


def css_string(text: str) -> str:
    r"""Text as a CSS string literal that can close neither the string nor the style element.

    >>> print(css_string('Laporan "A" </style>'))
    "Laporan \22 A\22  \3c /style\3e "
    """
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\<>' else c for c in text) + '"'


def to_html(notebook: nbformat.NotebookNode, title: str, banner: str | None = None, *, footer: str | None = None) -> str:
    """Export a stitched notebook as one self-contained HTML page with the print stylesheet.

    ``footer`` is printed at the foot of every page with the page number (a layout's running footer).
    """
    from crmlib.pipeline.deliverables.html_exporter import ReportExporter

    exporter = ReportExporter(
        extra_template_basedirs=[str(resources.template("nbconvert"))],
        template_name="report",  # outputs and markdown only: no code, no prompts
        anchor_link_text="",
    )
    body, _ = exporter.from_notebook_node(notebook)
    notice = f'<div class="banner">{escape(banner)}</div>' if banner else ""
    # A report from the synthetic sample says so on every printed page too.
    page_mark = '@page { @bottom-left { content: "DATA SINTETIS"; color: #b00020; font-size: 8pt; } }\n' if banner else ""
    if footer:
        page_mark += (f"@page {{ @bottom-center {{ content: {css_string(footer + ' · Halaman ')} counter(page); }} }}\n"
                      "@page :first { @bottom-center { content: none; } }\n")
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n<style>\n{resources.stylesheet()}{page_mark}</style>\n</head>\n"
        f"<body>\n{notice}\n{body}\n</body>\n</html>\n"
    )


def warm_up_pdf() -> None:
    """Import the PDF engine and load its fonts, so that a build can do it while its sections run."""
    from weasyprint import HTML

    HTML(string="<p>.</p>").render()


def to_pdf(html: str, path: Path) -> None:
    """Print the HTML page to an A4 PDF."""
    from weasyprint import HTML

    # Layout allocates millions of short-lived objects, and the cycle collector
    # would scan the build's own objects again and again: off, printing takes a
    # quarter less time. Cycles left by the layout are collected when it is back on.
    gc.disable()
    try:
        HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    finally:
        gc.enable()
