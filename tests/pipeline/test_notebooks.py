"""The notebooks are committed thin and without outputs: the report's sections, the province's and the explorer."""

import ast
from pathlib import Path

import nbformat
import pytest

from crmlib.pipeline.execution.sections import KERNEL_NAME
from crmlib.resources import notebooks_dir, section_notebooks

NOTEBOOKS = section_notebooks()
# Every notebook under notebooks/, whatever folder it is in: each is held to the rules below.
ALL_NOTEBOOKS = sorted(p for p in notebooks_dir().rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
# What a thin notebook may import: the library, display, and pandas for a Period.
ALLOWED_IMPORTS = {"crmlib", "IPython", "pandas"}
PANDAS_ALLOWED = {"Period"}
MAX_CELL_LINES = 25
# Grouping, reshaping, joining and aggregating frames: metrics work, done in crmlib. Picking what to show (a row, a
# column, a head, a mask) and formatting it stay in the notebook.
WRANGLING = {"groupby", "pivot", "pivot_table", "crosstab", "melt", "stack", "unstack", "transpose", "T", "merge",
             "join", "concat", "apply", "applymap", "agg", "aggregate", "transform", "value_counts",
             "resample", "rolling", "expanding", "explode"}
BUILD_PARAMETERS = {"city", "month", "data", "coordinations", "params_dir", "cache_dir", "figures_path"}
SETUP = ("ctx = setup(city, month, data, coordinations, params_dir=params_dir, cache_dir=cache_dir, "
         "figures_path=figures_path,\n            section=\"{name}\")")
SETUP_IMPORT = "from crmlib.pipeline.context.city import setup"
# The province's sections are built like a city's, but for the whole province: no city to pass (its `city` parameter
# names the output folder, "dki") and no layout, so no section name.
PROVINCE_SETUP = ("ctx = setup_province(month, data, coordinations, params_dir=params_dir, cache_dir=cache_dir, "
                  "figures_path=figures_path)")
PROVINCE_SETUP_IMPORT = "from crmlib.pipeline.context.province import setup_province"
# The explorer is not built into a report: it records no figures (no figures_path) and is in no layout (no section);
# besides the inputs, it takes the analyst's choices (a unit, an export path).
EXPLORER_PARAMETERS = BUILD_PARAMETERS - {"figures_path"}
EXPLORER_SETUP = "ctx = setup(city, month, data, coordinations, params_dir=params_dir, cache_dir=cache_dir)"
SETUP_CALLS = {"setup", "setup_province"}


def kind(path: Path) -> str:
    """section (notebooks/NN_*.ipynb), province (notebooks/provinsi/NN_*.ipynb) or explorer (notebooks/eksplorasi/)."""
    folder = path.parent.relative_to(notebooks_dir()).as_posix()
    if folder == "." and path in NOTEBOOKS:
        return "section"
    if folder == "provinsi" and path in section_notebooks(path.parent):
        return "province"
    if folder == "eksplorasi":
        return "explorer"
    raise AssertionError(f"{path}: a notebook of no known kind; say in this test which rules it follows")


def label(path: Path) -> str:
    return path.relative_to(notebooks_dir()).with_suffix("").as_posix()


def thin_problems(notebook, name: str) -> list[str]:
    """What in a notebook's code cells is not parameters, setup, calls into crmlib, display or figure records."""
    problems = []
    cells = [(i, ast.parse(c.source)) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    pandas = {alias.asname or alias.name for _, tree in cells for node in ast.walk(tree) if isinstance(node, ast.Import)
              for alias in node.names if alias.name == "pandas"}
    for i, tree in cells:
        where = f"{name} cell {i}"
        lines = len(notebook.cells[i].source.splitlines())
        if lines > MAX_CELL_LINES:
            problems.append(f"{where}: {lines} lines, more than {MAX_CELL_LINES}")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                problems.append(f"{where}: a function or class definition (line {node.lineno}); logic belongs in crmlib")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                if isinstance(node, ast.Import):
                    roots = {alias.name.split(".")[0] for alias in node.names}
                else:
                    roots = {(node.module or "").split(".")[0]}
                    if roots == {"pandas"} and {a.name for a in node.names} - PANDAS_ALLOWED:
                        problems.append(f"{where}: imports from pandas more than {sorted(PANDAS_ALLOWED)}")
                if roots - ALLOWED_IMPORTS:
                    problems.append(f"{where}: imports {sorted(roots - ALLOWED_IMPORTS)}")
            elif isinstance(node, ast.While):
                problems.append(f"{where}: a while loop (line {node.lineno}); logic belongs in crmlib")
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                # A loop may repeat calls (a chart and its note for each of two funnels), not compute: no branches,
                # accumulation or nested loops in its body.
                plain = all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                            or isinstance(s, ast.Assign) and isinstance(s.value, ast.Call)
                            and all(isinstance(t, ast.Name) for t in s.targets) for s in node.body)
                if not plain or node.orelse:
                    problems.append(f"{where}: a loop of logic (line {node.lineno}); logic belongs in crmlib")
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                # Headers and formatters for each column are fine; choosing items by a condition is logic.
                if any(g.ifs for g in node.generators):
                    problems.append(f"{where}: a filtering comprehension (line {node.lineno}); logic belongs in crmlib")
            elif isinstance(node, ast.Attribute):
                if isinstance(node.value, ast.Name) and node.value.id in pandas and node.attr not in PANDAS_ALLOWED:
                    problems.append(f"{where}: pandas.{node.attr} (line {node.lineno}); a notebook uses pandas "
                                    f"only for {sorted(PANDAS_ALLOWED)}")
                elif node.attr in WRANGLING and not (node.attr == "join" and isinstance(node.value, ast.Constant)):
                    problems.append(f"{where}: frame wrangling, .{node.attr} (line {node.lineno}); logic belongs in "
                                    "crmlib")
    return problems


def test_every_report_section_has_a_notebook():
    names = [nb.stem for nb in NOTEBOOKS]
    assert names == sorted(names)
    assert len(names) == 16
    assert names[0] == "00_sampul" and names[-1] == "15_peta"


def test_every_notebook_is_checked():
    """The province's sections and the explorer are held to the rules too."""
    assert {label(p) for p in ALL_NOTEBOOKS} >= {"provinsi/00_ikhtisar", "provinsi/01_anomali", "eksplorasi/anomali"}
    assert set(NOTEBOOKS) < set(ALL_NOTEBOOKS)
    assert {kind(p) for p in ALL_NOTEBOOKS} == {"section", "province", "explorer"}


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=label)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{label(path)}: a cell has outputs"
            assert cell.execution_count is None, f"{label(path)}: a cell has an execution count"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=label)
def test_notebook_is_parameterized_for_papermill(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert "parameters" in first.metadata.get("tags", [])
    body = ast.parse(first.source).body
    # Parameters only: each a name set to a literal, no code.
    assert all(isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) for node in body), (
        f"{label(path)}: the parameters cell holds more than literal assignments")
    names = {t.id for node in body for t in node.targets}
    if kind(path) == "explorer":
        assert names >= EXPLORER_PARAMETERS and "figures_path" not in names, f"{label(path)}: {sorted(names)}"
    else:
        assert names == BUILD_PARAMETERS
    assert notebook.metadata.kernelspec.name == KERNEL_NAME


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=label)
def test_notebook_makes_one_setup_call(path):
    notebook = nbformat.read(path, as_version=4)
    setup = notebook.cells[1].source
    expected = {"section": (SETUP.format(name=path.stem), SETUP_IMPORT),  # names itself, for its part of the layout
                "province": (PROVINCE_SETUP, PROVINCE_SETUP_IMPORT),
                "explorer": (EXPLORER_SETUP, SETUP_IMPORT)}[kind(path)]
    assert expected[0] in setup and expected[1] in setup, f"{label(path)}: cell 1 is not {expected}"
    calls = [node for cell in notebook.cells if cell.cell_type == "code" for node in ast.walk(ast.parse(cell.source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SETUP_CALLS]
    assert len(calls) == 1, f"{label(path)}: {len(calls)} setup calls"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=label)
def test_notebook_is_thin(path):
    assert thin_problems(nbformat.read(path, as_version=4), label(path)) == []


def _notebook(*sources: str):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell('city = "jaktim"\nmonth = "2022-06"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from crmlib.pipeline.context.city import setup\n\nctx = setup(city, month)"),
        *(nbformat.v4.new_code_cell(source) for source in sources)]
    return notebook


@pytest.mark.parametrize(("source", "caught"), [
    ("def share(frame):\n    return 100 * frame['count'] / frame['count'].sum()\n\ndisplay(share(ctx.tickets))",
     "cell 2: a function or class definition"),
    ("per_unit = ctx.tickets.groupby('unit')['ticket_id'].count().reset_index()\ndisplay(per_unit)",
     "cell 2: frame wrangling, .groupby"),
    ("import pandas as pd\n\nrows = pd.DataFrame({'n': [1, 2]})", "cell 2: pandas.DataFrame"),
    ("late = []\nfor unit in ctx.tickets['unit'].unique():\n    if unit:\n        late.append(unit)",
     "cell 2: a loop of logic"),
    ("units = [u for u in ctx.tickets['unit'] if u.startswith('KEL')]", "cell 2: a filtering comprehension"),
    ("display(blocks.table(side, {'grade': 'Peringkat'}, {'grade': lambda g: g or '-'}))",
     "cell 2: a function or class definition"),
    ("\n".join(["display(1)"] * (MAX_CELL_LINES + 1)), f"cell 2: {MAX_CELL_LINES + 1} lines"),
], ids=["def", "groupby", "DataFrame", "loop", "comprehension", "lambda", "long"])
def test_thin_rule_catches_logic_in_a_notebook(tmp_path, source, caught):
    """The rule can fail: a notebook with a function, a groupby or a loop of logic in a cell is named."""
    path = tmp_path / "fat.ipynb"
    nbformat.write(_notebook(source, "display(ctx.heading('chapter'))"), path)
    problems = thin_problems(nbformat.read(path, as_version=4), "fat")
    assert any(p.startswith(f"fat {caught}") for p in problems), problems
    assert not any("cell 3" in p or "cell 1" in p for p in problems)  # and names only the cell that has it


def test_thin_rule_lets_a_thin_notebook_through(tmp_path):
    path = tmp_path / "thin.ipynb"
    nbformat.write(_notebook(
        "import pandas as pd\nfrom IPython.display import display\n\nfrom crmlib import metrics",
        "top = book.record('top_units', metrics.top_units(ctx.tickets).head(5))\n"
        "display(tables.table(top, {c: c for c in top.columns}, figure='top_units'))\n"
        "display(blocks.paragraph('{a}', a=', '.join(top['unit'])))\n"
        "for name in ('response', 'completion'):\n    display(charts.funnel(ctx.tickets, name))\n"
        "next_month = pd.Period(month, 'M') + 1"), path)
    assert thin_problems(nbformat.read(path, as_version=4), "thin") == []


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
    # Headless, the views are ordinary outputs: the interactive tables with their library, the planted spike.
    html = "".join(o.get("data", {}).get("text/html", "") for c in notebook.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert all(f'id="tabel-{name}"' in html for name in ("catatan", "riwayat", "aduan", "belum-selesai"))
    assert "init_notebook_mode" in html and "Lonjakan jumlah aduan" in html
