"""The in-process section engine: the outputs a kernel would give, errors, a fresh namespace, the time limit."""

from __future__ import annotations

import nbformat
import pytest

from crmlib.pipeline.execution.sections import SectionError, run_sections, section_pool


def write_notebook(path, *sources: str, parameters: str = "city = None"):
    cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
             *(nbformat.v4.new_code_cell(source) for source in sources)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "crm-reports", "display_name": "crm-reports", "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def pool():
    with section_pool(1) as shared:
        yield shared


def test_cells_give_the_outputs_a_kernel_gives_in_order(tmp_path, pool):
    notebook = write_notebook(
        tmp_path / "01_outputs.ipynb",
        "from IPython.display import HTML, display\nprint('before')\ndisplay(HTML('<b>' + city + '</b>'))\n"
        "import sys\nprint('warned', file=sys.stderr)\n6 * 7",
        "x = 1",
    )
    [run] = run_sections([notebook], tmp_path / "out", {"city": "jaktim"}, pool=pool)
    executed = nbformat.read(run.output, as_version=4)
    injected, first, second = executed.cells[1], executed.cells[2], executed.cells[3]
    assert "injected-parameters" in injected.metadata.tags and "city = \"jaktim\"" in injected.source
    assert [(o.output_type, o.get("name")) for o in first.outputs] == [
        ("stream", "stdout"), ("display_data", None), ("stream", "stderr"), ("execute_result", None)]
    assert first.outputs[0].text == "before\n"
    assert first.outputs[1].data["text/html"] == "<b>jaktim</b>"
    assert first.outputs[3].data["text/plain"] == "42" and first.outputs[3].execution_count == 3
    assert [c.execution_count for c in executed.cells] == [1, 2, 3, 4]
    assert second.outputs == [] and {c.metadata.papermill.status for c in executed.cells} == {"completed"}


def test_an_error_stops_the_section_and_names_the_exception(tmp_path, pool):
    notebook = write_notebook(tmp_path / "02_fails.ipynb", "raise KeyError('kelurahan')", "print('never')")
    with pytest.raises(SectionError, match=r"section 02_fails failed: KeyError: 'kelurahan'") as raised:
        run_sections([notebook], tmp_path / "out", {}, pool=pool)
    assert "raise KeyError('kelurahan')" in raised.value.traceback
    assert "\x1b[" not in raised.value.traceback  # plain text, no terminal colours
    executed = nbformat.read(tmp_path / "out" / "executed" / "02_fails.ipynb", as_version=4)
    assert executed.cells[-1].outputs == [] and executed.cells[-1].execution_count is None


def test_each_section_starts_from_an_empty_namespace(tmp_path, pool):
    first = write_notebook(tmp_path / "03_defines.ipynb", "leftover = 1")
    second = write_notebook(tmp_path / "04_reads.ipynb", "leftover")
    run_sections([first], tmp_path / "a", {}, pool=pool)
    with pytest.raises(SectionError, match="NameError: name 'leftover' is not defined"):
        run_sections([second], tmp_path / "b", {}, pool=pool)


def test_a_cell_past_the_time_limit_fails_and_the_worker_goes_on(tmp_path, pool):
    slow = write_notebook(tmp_path / "05_slow.ipynb", "import time\ntime.sleep(30)")
    with pytest.raises(SectionError, match="TimeoutError: a cell ran longer than the limit of 1 s"):
        run_sections([slow], tmp_path / "a", {}, pool=pool, timeout=1)
    quick = write_notebook(tmp_path / "06_quick.ipynb", "import time\ntime.sleep(0.1)\n'done'")
    [run] = run_sections([quick], tmp_path / "b", {}, pool=pool, timeout=1)
    assert nbformat.read(run.output, as_version=4).cells[-1].outputs[0].data["text/plain"] == "'done'"
