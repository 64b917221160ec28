"""Run the section notebooks with papermill, a few at a time."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from crmlib.paths import NOTEBOOKS_DIR

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


@dataclass(frozen=True)
class SectionRun:
    """One executed section: where it went and how long it took."""

    name: str
    output: Path
    figures: Path
    seconds: float


def section_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The section notebooks in report order (``NN_<section>.ipynb``)."""
    return sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb"))


def _run_one(notebook: Path, out_dir: Path, parameters: dict[str, Any], kernel_name: str) -> SectionRun:
    # Imported here so that a worker pays for papermill once, not the caller.
    import papermill

    start = time.perf_counter()
    # The kernel inherits this worker's stderr: keep its chatter in a log file
    # beside the executed notebook instead of on the user's terminal.
    log = open(out_dir / "logs" / f"{notebook.stem}.log", "ab")
    os.dup2(log.fileno(), 2)
    output = out_dir / "executed" / notebook.name
    figures = out_dir / "figures" / f"{notebook.stem}.json"
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={**parameters, "figures_path": str(figures)},
        kernel_name=kernel_name,
        progress_bar=False,
        log_output=False,
        cwd=str(notebook.parent),
        shutdown_kernel="immediate",
    )
    return SectionRun(notebook.stem, output, figures, time.perf_counter() - start)


def run_sections(
    notebooks: list[Path],
    out_dir: Path,
    parameters: dict[str, Any],
    *,
    kernel_name: str = KERNEL_NAME,
    workers: int | None = None,
    progress: Callable[[SectionRun, int, int], None] | None = None,
) -> list[SectionRun]:
    """Execute every notebook into ``out_dir/executed`` in a process pool; report each as it ends."""
    (out_dir / "executed").mkdir(parents=True, exist_ok=True)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    (out_dir / "logs").mkdir(parents=True, exist_ok=True)
    workers = workers or min(len(notebooks), os.cpu_count() or 1)
    runs: list[SectionRun] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_run_one, nb, out_dir, parameters, kernel_name) for nb in notebooks]
        try:
            for future in as_completed(futures):
                run = future.result()
                runs.append(run)
                if progress:
                    progress(run, len(runs), len(notebooks))
        except BaseException:
            # One failed section fails the report: don't wait for the rest.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return sorted(runs, key=lambda r: r.name)
