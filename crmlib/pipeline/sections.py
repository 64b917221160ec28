"""Run the section notebooks with papermill, a few at a time, each worker keeping one kernel."""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmlib import resources
from crmlib.errors import UserError

# The kernel `make lab` installs for JupyterLab; builds run the same Python without needing it installed.
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


def section_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    """The section notebooks in report order (``NN_<section>.ipynb``); default: the shipped ones."""
    folder = resources.notebooks_dir() if notebooks_dir is None else notebooks_dir
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def report_notebooks(city: str) -> list[Path]:
    """The sections of a city's report, or of the province overview (``notebooks/provinsi/``) for 'dki'."""
    from crmlib.pipeline.province import PROVINCE

    return section_notebooks(resources.notebooks_dir() / "provinsi") if city == PROVINCE else section_notebooks()


# One kernel per pool worker, started on its first section and reused for the
# next ones: kernel start-up and the imports of pandas and seaborn are most of
# a small section's cost. Each section starts from an empty namespace.
_KERNEL = None

_RESET = "get_ipython().run_line_magic('reset', '-f'); get_ipython().execution_count = 1"


def _this_python():
    """A kernel-spec manager whose every kernel is this interpreter's ipykernel.

    The build then needs no installed kernelspec (an installed wheel has none),
    and never runs the sections in another Python than its own.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name=kernel_name, language="python", resource_dir="")

    return ThisPython()


def _worker_kernel(kernel_name: str, cwd: Path):
    """This worker's kernel, started once; shut down when the worker exits."""
    global _KERNEL
    if _KERNEL is None:
        from multiprocessing.util import Finalize

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # Unix sockets, not TCP: no race for free ports between the workers' kernels.
        _KERNEL = AsyncKernelManager(kernel_name=kernel_name, kernel_spec_manager=_this_python(),
                                     transport="ipc",
                                     ip=os.path.join(tempfile.gettempdir(), f"crm-kernel-{os.getpid()}"))
        run_sync(_KERNEL.start_kernel)(cwd=str(cwd))
        Finalize(_KERNEL, run_sync(_KERNEL.shutdown_kernel), kwargs={"now": True}, exitpriority=10)
    return _KERNEL


def _die_with(parent: int) -> None:
    """Pool-worker initializer: exit when the build process is gone, even killed with SIGKILL.

    The worker's kernel watches the worker the same way (ipykernel's parent
    poller), so a killed build leaves no process behind.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _reset_namespace(kernel) -> None:
    """Clear the kernel's variables and execution count, so no section sees another's state."""
    client = kernel.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(_RESET, store_history=False, timeout=60, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()


def _drop_kernel() -> None:
    """Shut down this worker's kernel (it timed out, and may be hung); the next section starts a new one."""
    global _KERNEL
    if _KERNEL is not None:
        from jupyter_core.utils import run_sync

        run_sync(_KERNEL.shutdown_kernel)(now=True)
        _KERNEL = None


def _run_one(notebook: Path, out_dir: Path, parameters: dict[str, Any], kernel_name: str,
             timeout: float | None = None) -> SectionRun:
    # Imported here so that a worker pays for papermill once, not the caller.
    import papermill
    from nbclient.exceptions import CellTimeoutError

    start = time.perf_counter()
    if _KERNEL is None:
        # The kernel inherits this worker's stderr: keep its chatter in the
        # build's log folder instead of on the user's terminal.
        log = open(out_dir / "logs" / f"worker-{os.getpid()}.log", "ab")
        os.dup2(log.fileno(), 2)
    kernel = _worker_kernel(kernel_name, notebook.parent)
    _reset_namespace(kernel)
    output = out_dir / "executed" / notebook.name
    figures = out_dir / "figures" / f"{notebook.stem}.json"
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={**parameters, "figures_path": str(figures)},
            kernel_name=kernel_name,
            km=kernel,
            progress_bar=False,
            log_output=False,
            # With km given, papermill leaves this kernel running for the next section;
            # the worker's Finalize shuts it down. The setting applies if km is ever dropped.
            shutdown_kernel="immediate",
            execution_timeout=timeout,
        )
    except CellTimeoutError:
        _drop_kernel()
        raise SectionError(notebook.stem, "TimeoutError", f"a cell ran longer than the limit of {timeout:g} s; "
                           "the kernel was restarted") from None
    except papermill.PapermillExecutionError as error:
        from nbconvert.filters import strip_ansi

        raise SectionError(notebook.stem, error.ename, error.evalue,
                           strip_ansi("\n".join(error.traceback))) from None
    return SectionRun(notebook.stem, output, figures, time.perf_counter() - start)


@contextmanager
def section_pool(workers: int | None = None) -> Iterator[Executor]:
    """A pool of worker processes, each keeping one kernel for all the sections it runs (default: one per core)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context, initializer=_die_with,
                             initargs=(os.getpid(),)) as pool:
        yield pool


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
) -> list[SectionRun]:
    """Execute every notebook into ``out_dir/executed``, in ``pool`` or a pool of its own; report each as it ends.

    ``timeout`` limits each cell of a section, in seconds: past it the section fails and its kernel is replaced.
    """
    (out_dir / "executed").mkdir(parents=True, exist_ok=True)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    (out_dir / "logs").mkdir(parents=True, exist_ok=True)
    if pool is None:
        with section_pool(workers or min(len(notebooks), os.cpu_count() or 1)) as own:
            return run_sections(notebooks, out_dir, parameters, kernel_name=kernel_name, progress=progress, pool=own,
                                timeout=timeout)
    runs: list[SectionRun] = []
    futures = [pool.submit(_run_one, nb, out_dir, parameters, kernel_name, timeout) for nb in notebooks]
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
    return sorted(runs, key=lambda r: r.name)
