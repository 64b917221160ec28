"""Run the section notebooks with papermill, a few at a time, in pool workers that each keep one IPython shell."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmlib.errors import UserError
from crmlib.pipeline.context import figure_book

if TYPE_CHECKING:
    from crmlib.pipeline.request import BuildRequest

# The kernel `make lab` installs for JupyterLab, named in the notebooks; builds run their cells in-process.
KERNEL_NAME = "crm-reports"


def skip_iri_grammar() -> None:
    """Keep jsonschema from building its IRI grammar on import (1.25 s a process).

    jsonschema, which nbformat imports, compiles a grammar at import time when
    rfc3987-syntax is installed (jupyterlab brings it). nbformat validates
    with fastjsonschema and checks no IRI formats, so build processes go without.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


skip_iri_grammar()


def _user_error_names() -> set[str]:
    names, todo = set(), [UserError]
    while todo:
        kind = todo.pop()
        names.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return names


class SectionError(Exception):
    """A section notebook raised; names the section and the error in one line, and keeps the traceback."""

    def __init__(self, section: str, ename: str, evalue: str, traceback: str = "") -> None:
        self.section = section
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback
        super().__init__(section, ename, evalue)

    @property
    def user_error(self) -> bool:
        """True when the section stopped on something the user must fix, not on a bug."""
        return self.ename in _user_error_names()

    def __str__(self) -> str:
        return " ".join(f"section {self.section} failed: {self.ename}: {self.evalue}".split())


@dataclass(frozen=True)
class SectionRun:
    """One executed section: where it went and how long it took."""

    name: str
    output: Path
    figures: Path
    seconds: float


def _start_worker(parent: int) -> None:
    """Pool-worker initializer: exit with the build process, and import what every section needs.

    The imports (pandas, seaborn, scipy) are most of a small section's cost;
    paid here, they overlap the build's own loading of the export, and every
    section and report the worker runs after finds them loaded.
    """
    def watch() -> None:
        # Exit when the build process is gone, even killed with SIGKILL.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
    import crmlib.pipeline.execution.engine  # noqa: F401 - registers the engine, imports IPython and papermill
    import crmlib.report.charts  # noqa: F401
    import crmlib.report.html_blocks  # noqa: F401
    import crmlib.report.maps  # noqa: F401
    from crmlib.ingest import areas, boundaries
    from crmlib.pipeline.context import anomaly_scan  # noqa: F401

    areas.reference()  # the official kelurahan list, read once per process
    for level in ("kelurahan", "kecamatan", "kota"):
        boundaries.shapes(level)  # and the shipped boundaries, which the maps and the geotag checks draw on
    # What is loaded now lives as long as the worker: kept out of the cycle collector's full passes,
    # which would otherwise walk every imported module's objects again and again.
    gc.freeze()


def _run_one(notebook: Path, out_dir: Path, parameters: dict[str, Any], kernel_name: str,
             timeout: float | None = None) -> SectionRun:
    import papermill

    from crmlib.pipeline.execution.engine import ENGINE_NAME, CellTimeout

    start = time.perf_counter()
    output = out_dir / "executed" / notebook.name
    figures = out_dir / "figures" / f"{notebook.stem}.json"
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={**parameters, "figures_path": str(figures)},
            engine_name=ENGINE_NAME,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            # Written once, when the section ends: no copy of the notebook after every cell.
            request_save_on_cell_execute=False,
            cwd=str(notebook.parent),
        )
    except CellTimeout as error:
        raise SectionError(notebook.stem, "TimeoutError", str(error)) from None
    except papermill.PapermillExecutionError as error:
        raise SectionError(notebook.stem, error.ename, error.evalue, "\n".join(error.traceback)) from None
    finally:
        from matplotlib import pyplot as plt

        plt.close("all")  # a section's figures are in its outputs; the next section starts with none
    return SectionRun(notebook.stem, output, figures, time.perf_counter() - start)


def previous_seconds(report_dir: Path) -> dict[str, float]:
    """How long each section took in a report's last build, by notebook name, as papermill recorded it in the
    executed notebooks; {} for a report not built yet."""
    seconds = {}
    for path in (report_dir / "executed").glob("*.ipynb"):
        try:
            seconds[path.stem] = float(json.loads(path.read_text(encoding="utf-8"))["metadata"]["papermill"]["duration"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # edited by hand or cut short: the section keeps its place in the order
    return seconds


@contextmanager
def section_pool(workers: int | None = None) -> Iterator[Executor]:
    """A pool of worker processes, each running every section it gets in its own shell (default: one per core)."""
    context = multiprocessing.get_context("spawn")
    count = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(),))
    try:
        for _ in range(count):
            pool.submit(int)  # start every worker now: their imports overlap the caller's own work
        yield pool
    except BaseException:
        # A caller that failed (bad input, say) does not wait for workers still starting up.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def run_sections(
    notebooks: list[Path],
    out_dir: Path,
    parameters: dict[str, Any],
    *,
    kernel_name: str = KERNEL_NAME,
    workers: int | None = None,
    progress: Callable[[SectionRun, int, int], None] | None = None,
    pool: Executor | None = None,
    timeout: float | None = None,
    expected: dict[str, float] | None = None,
) -> list[SectionRun]:
    """Execute every notebook into ``out_dir/executed``, in ``pool`` or a pool of its own; report each as it ends,
    and return the runs in the order of ``notebooks`` (the report's order, which a layout gives).

    ``timeout`` limits each cell of a section, in seconds: past it the section fails and the worker goes on
    with the next one. ``expected`` gives sections' seconds (by notebook name, as in :func:`previous_seconds`):
    the longest start first, so that no long section is left to run alone at the end.
    """
    (out_dir / "executed").mkdir(parents=True, exist_ok=True)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    if pool is None:
        with section_pool(workers or min(len(notebooks), os.cpu_count() or 1)) as own:
            return run_sections(notebooks, out_dir, parameters, kernel_name=kernel_name, progress=progress, pool=own,
                                timeout=timeout, expected=expected)
    runs: list[SectionRun] = []
    order = sorted(notebooks, key=lambda nb: -(expected or {}).get(nb.stem, 0.0))  # stable: else in the given order
    futures = [pool.submit(_run_one, nb, out_dir, parameters, kernel_name, timeout) for nb in order]
    try:
        for future in as_completed(futures):
            run = future.result()
            runs.append(run)
            if progress:
                progress(run, len(runs), len(notebooks))
    except BaseException:
        # One failed section fails the report: its sections not started are dropped, and the ones running are
        # let finish, so nothing writes into the build folder once the caller moves it aside.
        for future in futures:
            future.cancel()
        wait(futures)
        raise
    place = {nb.stem: i for i, nb in enumerate(notebooks)}
    return sorted(runs, key=lambda r: place[r.name])


def execute_figures(
    request: BuildRequest,
    work_dir: Path,
    *,
    pool: Executor | None = None,
    progress: Callable[[SectionRun, int, int], None] | None = None,
    expected: dict[str, float] | None = None,
) -> tuple[list[SectionRun], dict]:
    """Run a request's sections into ``work_dir``; return the runs and their figures merged.

    ``expected`` gives sections' seconds, to start the longest first (:func:`run_sections`).
    """
    runs = run_sections(request.section_notebooks(), work_dir, request.parameters(), progress=progress, pool=pool,
                        timeout=request.section_timeout, expected=expected)
    parts = [json.loads(r.figures.read_text(encoding="utf-8")) for r in runs if r.figures.exists()]
    return runs, figure_book.merge(parts)
