"""The section notebooks are committed thin and without outputs."""

import ast

import nbformat
import pytest

from crmlib.pipeline.execution.sections import KERNEL_NAME
from crmlib.resources import section_notebooks

NOTEBOOKS = section_notebooks()
# What a thin notebook may import: the library, display, and pandas for a Period.
ALLOWED_IMPORTS = {"crmlib", "IPython", "pandas"}
MAX_CELL_LINES = 25
SETUP = ("ctx = setup(city, month, data, coordinations, params_dir=params_dir, cache_dir=cache_dir, "
         "figures_path=figures_path,\n            section=\"{name}\")")


def test_every_report_section_has_a_notebook():
    names = [nb.stem for nb in NOTEBOOKS]
    assert names == sorted(names)
    assert len(names) == 15
    assert names[0] == "00_sampul" and names[-1] == "14_lampiran_anomali"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_parameterized_for_papermill(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert "parameters" in first.metadata.get("tags", [])
    names = {t.id for node in ast.parse(first.source).body for t in getattr(node, "targets", [])}
    assert names == {"city", "month", "data", "coordinations", "params_dir", "cache_dir", "figures_path"}
    assert notebook.metadata.kernelspec.name == KERNEL_NAME


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_makes_one_setup_call(path):
    notebook = nbformat.read(path, as_version=4)
    setup = notebook.cells[1].source
    # The notebook names itself, for its part of the city's layout.
    assert SETUP.format(name=path.stem) in setup and "from crmlib.pipeline.context.city import setup" in setup
    assert sum(cell.source.count("setup(") for cell in notebook.cells) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert len(cell.source.splitlines()) <= MAX_CELL_LINES, f"{path.name}: a cell is longer than {MAX_CELL_LINES} lines"
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef)), f"{path.name}: logic belongs in crmlib"
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert roots <= ALLOWED_IMPORTS, f"{path.name}: imports {roots - ALLOWED_IMPORTS}"


@pytest.mark.e2e
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_alone_with_its_defaults(path, tmp_path, monkeypatch):
    """As an analyst opens it in JupyterLab: no parameters injected, the bundled sample."""
    from nbclient import NotebookClient

    monkeypatch.setenv("CRM_OUTPUTS", str(tmp_path))  # `make lab` sets it to the checkout's outputs/

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=300,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shown = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "display_data"]
    assert shown, f"{path.name} displayed nothing"


@pytest.mark.e2e
def test_the_anomaly_explorer_runs_with_its_defaults(tmp_path, monkeypatch):
    """Outside the report: the analyst's explorer runs on the sample and exports a selection."""
    from nbclient import NotebookClient

    monkeypatch.setenv("CRM_OUTPUTS", str(tmp_path))
    path = NOTEBOOKS[0].parent / "eksplorasi" / "anomali.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source += f"\nexport_path = {str(tmp_path / 'pilihan.xlsx')!r}"
    NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=300,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert (tmp_path / "pilihan.xlsx").exists()
    assert path.name not in [p.name for p in NOTEBOOKS]  # not a report section
