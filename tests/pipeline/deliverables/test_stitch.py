import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crmlib.pipeline.deliverables.stitch import TOC_MARKER, slug, stitch


def _write(tmp_path, name, cells):
    notebook = new_notebook(cells=cells)
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def _section(tmp_path, name, heading):
    params = new_code_cell("city = 'jaktim'")
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell("city = 'jakpus'")
    injected.metadata["tags"] = ["injected-parameters"]
    shown = new_code_cell("display(table)", outputs=[
        new_output("stream", name="stdout", text="console noise"),
        new_output("display_data", data={"text/html": "<table>t</table>", "text/plain": "t"}),
        new_output("execute_result", data={"text/plain": "<Figure size 640x480>"}, execution_count=1),
    ])
    return _write(tmp_path, name, [params, injected, new_markdown_cell(f"# {heading}\n\n## Tabel"), shown])


def test_stitch_drops_parameters_code_and_console_output(tmp_path):
    merged = stitch([_section(tmp_path, "a.ipynb", "Bab Satu"), _section(tmp_path, "b.ipynb", "Bab Dua")])
    # per section: one heading cell and one output cell
    assert [c.cell_type for c in merged.cells] == ["markdown", "code", "markdown", "code"]
    code = merged.cells[1]
    assert code.source == ""
    assert [o.output_type for o in code.outputs] == ["display_data"]
    assert "city" not in "".join(c.source for c in merged.cells)


def test_stitch_gives_unique_anchors_and_stable_ids(tmp_path):
    paths = [_section(tmp_path, "a.ipynb", "Bab Satu"), _section(tmp_path, "b.ipynb", "Bab Dua")]
    first, second = stitch(paths), stitch(paths)
    sources = "".join(c.source for c in first.cells if c.cell_type == "markdown")
    # both sections have '## Tabel': the second one gets a suffix
    assert 'id="tabel"' in sources and 'id="tabel-2"' in sources
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    assert len({c.id for c in first.cells}) == len(first.cells)


def test_stitch_fills_the_table_of_contents(tmp_path):
    toc = _write(tmp_path, "0.ipynb", [new_markdown_cell(f"# Daftar Isi\n\n{TOC_MARKER}")])
    merged = stitch([toc, _section(tmp_path, "a.ipynb", "Bab <Satu>")])
    contents = merged.cells[0].source
    assert TOC_MARKER not in contents
    assert '<a href="#bab-satu">Bab &lt;Satu&gt;</a>' in contents
    assert '<a href="#daftar-isi">Daftar Isi</a>' in contents


def test_slug_never_empty():
    assert slug("!!!") == "bagian"
    assert slug("A. Latar Belakang") == "a-latar-belakang"


def test_stitch_keeps_html_and_png_outputs_only(tmp_path):
    # The report's charts are PNG inside HTML (crmlib.plots.to_html); an SVG-only output is not report content.
    cell = new_code_cell("chart", outputs=[
        new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
        new_output("display_data", data={"image/svg+xml": "<svg/>"}),
        new_output("display_data", data={"text/html": "<figure/>"}),
    ])
    merged = stitch([_write(tmp_path, "a.ipynb", [cell])])
    kept = [set(o["data"]) for o in merged.cells[0].outputs]
    assert kept == [{"image/png"}, {"text/html"}]



def test_headings_a_section_displays_from_its_layout_become_anchored_headings_in_order(tmp_path):
    toc = _write(tmp_path, "0.ipynb", [new_markdown_cell(f"# Daftar Isi\n\n{TOC_MARKER}")])
    cell = new_code_cell("display(ctx.heading('chapter'), ctx.heading('section')); display(table)", outputs=[
        new_output("display_data", data={"text/markdown": "# BAB II Analisa Data", "text/plain": "<Markdown>"}),
        new_output("display_data", data={"text/markdown": "", "text/plain": "<Markdown>"}),  # a heading left out
        new_output("display_data", data={"text/markdown": "## A. Data Aduan", "text/plain": "<Markdown>"}),
        new_output("display_data", data={"text/html": "<p>255 aduan</p>"}),
        new_output("display_data", data={"text/html": "<table>t</table>"}),
        new_output("display_data", data={"text/markdown": "### Tren", "text/plain": "<Markdown>"}),
        new_output("display_data", data={"text/html": "<figure/>"}),
    ])
    merged = stitch([toc, _write(tmp_path, "a.ipynb", [cell])])
    shown = [(c.cell_type, c.source if c.cell_type == "markdown" else len(c.outputs)) for c in merged.cells[1:]]
    assert shown == [("markdown", '<h1 id="bab-ii-analisa-data">BAB II Analisa Data</h1>'),
                     ("markdown", '<h2 id="a-data-aduan">A. Data Aduan</h2>'), ("code", 2),
                     ("markdown", '<h3 id="tren">Tren</h3>'), ("code", 1)]
    assert '<a href="#a-data-aduan">A. Data Aduan</a>' in merged.cells[0].source
    assert len({c.id for c in merged.cells}) == len(merged.cells)
