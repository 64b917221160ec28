"""The report as an editable Word document: pandoc converts the report's HTML, on A4 with page numbers.

Headings stay headings (Word's table of contents is a field over them, updated
in Word or LibreOffice), tables stay tables, charts become pictures. Staff add
their letterhead and sign in this file.
"""

from __future__ import annotations

import base64
import io
import itertools
import re
import shutil
import subprocess
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from crmlib import resources
from crmlib.errors import UserError

PANDOC = "pandoc"
MARGIN = Cm(2.5)
TABLE_TYPE = Pt(8.5)
# The HTML's linked contents list becomes Word's own contents field (see docx.lua).
_TOC_LIST = re.compile(r'<ul class="toc">.*?</ul>', re.DOTALL)
_EMBEDDED_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


class MissingTool(UserError):
    """A program the build needs is not installed."""


def pandoc_path() -> str:
    """Where pandoc is; a one-line error that says how to install it when it is not."""
    found = shutil.which(PANDOC)
    if not found:
        raise MissingTool("pandoc is not installed, and report.docx needs it. Fix: run `sh scripts/system-deps.sh` "
                          "(or `apt-get install pandoc`), then build again.")
    return found


def _page_field(paragraph, size: Pt) -> None:
    """Append Word's PAGE field, which shows the page's number ('1' until Word or LibreOffice fills it)."""
    run = paragraph.add_run("1")
    run.font.size = size
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run._r.addprevious(field)
    field.append(run._r)


def reference_document(path: Path, footer: str) -> Path:
    """pandoc's own reference document, set to A4 with 2.5 cm margins and '<footer> · Halaman N' below each page."""
    default = subprocess.run([pandoc_path(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    document = Document(io.BytesIO(default))
    # The report's widest tables (the late follow-ups: ten columns) fit the page in a smaller type.
    document.styles["Table"].font.size = TABLE_TYPE
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
        paragraph = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(f"{footer} · Halaman ").font.size = Pt(8)
        _page_field(paragraph, Pt(8))
    document.save(path)
    return path


def _scratch(path: Path) -> Path:
    """The folder beside the document for pandoc's input: its source, reference document and charts."""
    return path.with_name(f".{path.stem}-pandoc")


def _charts_as_files(html: str, folder: Path) -> str:
    """The HTML with its embedded charts written to PNG files: pandoc decodes base64 images slowly."""
    numbers = itertools.count(1)

    def write(match: re.Match[str]) -> str:
        name = f"chart-{next(numbers):02d}.png"
        (folder / name).write_bytes(base64.b64decode(match.group(1)))
        return f'src="{name}"'

    return _EMBEDDED_PNG.sub(write, html)


def start_docx(html: str, path: Path, footer: str) -> subprocess.Popen:
    """Start converting the report's HTML to ``path`` in a pandoc process; :func:`finish_docx` waits for it.

    The conversion runs beside the PDF's printing, so it adds little to a build.
    """
    pandoc = pandoc_path()
    scratch = _scratch(path)
    scratch.mkdir(exist_ok=True)
    reference = reference_document(scratch / "reference.docx", footer)
    source = scratch / "report.html"
    source.write_text(_charts_as_files(_TOC_LIST.sub('<div class="toc"></div>', html), scratch), encoding="utf-8")
    return subprocess.Popen(
        [pandoc, "--from", "html", "--to", "docx", "--reference-doc", str(reference),
         "--lua-filter", str(resources.template("docx.lua")), "--resource-path", str(scratch),
         "--output", str(path.resolve()), str(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish_docx(process: subprocess.Popen, path: Path) -> None:
    """Wait for pandoc and remove its scratch files; pandoc's own message if it failed (a bug, not a user error)."""
    _, errors = process.communicate()
    shutil.rmtree(_scratch(path), ignore_errors=True)
    if process.returncode:
        raise RuntimeError(f"pandoc failed ({process.returncode}) writing {path.name}: {errors.strip()}")


def to_docx(html: str, path: Path, footer: str) -> None:
    """Convert the report's HTML to an editable A4 Word document at ``path``."""
    finish_docx(start_docx(html, path, footer), path)
