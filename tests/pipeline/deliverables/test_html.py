"""The HTML and PDF deliverables: the cover page is followed by the next chapter, with no blank page between."""

import nbformat
from weasyprint import HTML

from crmlib.pipeline.deliverables.html import to_html
from crmlib.report import html_blocks


def test_the_cover_and_the_next_chapter_take_two_pages_not_three():
    # A report from a real export has no synthetic notice after the cover: the cover's own page break and the
    # chapter heading's break used to leave page 2 blank.
    cover = nbformat.v4.new_code_cell("")
    cover.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": html_blocks.cover("Laporan Bulanan CRM", "Kota", [("Tahun Anggaran", "2022")]).data}),
        # the cover section's synthetic notice, empty for a real export
        nbformat.v4.new_output("display_data", data={"text/html": html_blocks.synthetic_notice(False).data})]
    notebook = nbformat.v4.new_notebook(cells=[cover, nbformat.v4.new_markdown_cell("# Kata Pengantar\n\nIsi.")])
    pages = HTML(string=to_html(notebook, "Laporan")).render().pages
    assert len(pages) == 2
