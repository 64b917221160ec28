"""report.docx: pandoc's conversion of the report's HTML, read back with python-docx."""

from __future__ import annotations

import base64
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from matplotlib import pyplot as plt

from crmlib.pipeline.deliverables import document
from crmlib.pipeline.deliverables.document import MissingTool, to_docx


def png() -> str:
    figure, axes = plt.subplots(figsize=(2, 1))
    axes.plot([1, 2, 3])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


HTML = f"""<!DOCTYPE html><html><head><style>p {{ color: red; }}</style></head><body>
<h1 id="bab-ii">BAB II Hasil Pelaksanaan</h1>
<h2 id="c">C. Data Kategori</h2>
<ul class="toc"><li><a href="#bab-ii">BAB II Hasil Pelaksanaan</a></li></ul>
<p>Kategori tertinggi adalah <strong>Sampah</strong> &lt;script&gt;.</p>
<table class="report"><thead><tr><th>No.</th><th>Kategori Aduan</th><th>Total Aduan</th></tr></thead>
<tbody><tr><td class="num">1</td><td>Sampah</td><td class="num">92</td></tr>
<tr><td class="num">2</td><td>Jalan</td><td class="num">62</td></tr></tbody></table>
<figure><img src="data:image/png;base64,{png()}" alt="Grafik"/></figure>
</body></html>"""


def test_the_document_keeps_headings_tables_charts_on_a4_with_page_numbers(tmp_path):
    path = tmp_path / "report.docx"
    to_docx(HTML, path, "Laporan Bulanan CRM Juni 2022")
    doc = Document(path)
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "BAB II Hasil Pelaksanaan"), ("Heading 2", "C. Data Kategori")]
    assert "Kategori tertinggi adalah Sampah <script>." in [p.text for p in doc.paragraphs]
    [table] = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["No.", "Kategori Aduan", "Total Aduan"], ["1", "Sampah", "92"], ["2", "Jalan", "62"]]
    assert len(doc.inline_shapes) == 1
    section = doc.sections[-1]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Laporan Bulanan CRM Juni 2022 · Halaman")
    assert "PAGE" in footer._p.xml
    body = doc.element.body.xml
    assert 'TOC \\o "1-2"' in body  # Word's contents field replaces the HTML's list of links
    assert 'w:type="page"' in body  # a chapter starts on a new page
    assert not list(tmp_path.glob(".*")), "pandoc's scratch folder was left behind"


def test_table_columns_get_their_longest_word_with_wide_digits_and_capitals_and_cell_margins(tmp_path):
    """In lowercase letters, digits and capitals counting 1.2, plus 3 of margins: "No." needs 3.2 + 3 = 6.2,
    "JK2206030245" 14.4 + 3 = 17.4. The table needs 23.6 of the 92 a line holds, and no cell is longer than
    its longest word, so the widths are the needs, filling the line: 6.2/23.6 and 17.4/23.6."""
    html = ('<table class="report"><thead><tr><th>No.</th><th>No Laporan</th></tr></thead>'
            '<tbody><tr><td class="num">1</td><td>JK2206030245</td></tr></tbody></table>')
    path = tmp_path / "report.docx"
    to_docx(html, path, "Laporan")
    [table] = Document(path).tables
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert [round(w / sum(widths), 3) for w in widths] == [round(6.2 / 23.6, 3), round(17.4 / 23.6, 3)]


def test_without_pandoc_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(document.shutil, "which", lambda name: None)
    with pytest.raises(MissingTool) as info:
        to_docx(HTML, tmp_path / "report.docx", "Laporan")
    assert "system-deps.sh" in str(info.value) and "\n" not in str(info.value)
    assert not list(tmp_path.iterdir())
