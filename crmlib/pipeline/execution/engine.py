"""A papermill engine that runs a section's cells in this process's IPython shell instead of a kernel.

A build's pool workers each keep one shell for all the sections and reports
they run: no kernel to start, no messages to exchange, and the imports of
pandas, seaborn and scipy are paid once per worker. Papermill still injects
the parameters, records each cell's timing and writes the executed notebook,
which holds the same outputs a kernel would give (display data, results,
streams and errors), so auditors read and re-run the same notebooks.
"""

from __future__ import annotations

import io
import signal
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine, papermill_engines
from traitlets.config import Config

ENGINE_NAME = "crm-sections"


class CellTimeout(TimeoutError):
    """A cell ran past the section time limit."""


class _Publisher(DisplayPublisher):
    """Collects ``display(...)`` calls as notebook outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False) -> None:
        self.shell.outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.clear()


class _ResultHook(DisplayHook):
    """Collects a cell's last expression as an ``execute_result``, as a kernel reports it."""

    def write_output_prompt(self) -> None:
        pass  # no "Out[n]:" on a console: the prompt number goes in the output itself

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.outputs.append(nbformat.v4.new_output(
            "execute_result", data=format_dict, metadata=md_dict or {}, execution_count=self.prompt_count))


class _Stream(io.TextIOBase):
    """stdout or stderr of a cell, kept in order with its other outputs."""

    def __init__(self, shell: SectionShell, name: str) -> None:
        self.shell, self.name = shell, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        outputs = self.shell.outputs
        if not text:
            return 0
        if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == self.name:
            outputs[-1].text += text
        else:
            outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)


class SectionShell(InteractiveShell):
    """An IPython shell whose cells' outputs are collected as notebook outputs."""

    displayhook_class = _ResultHook
    display_pub_class = _Publisher

    def __init__(self, **kwargs: Any) -> None:
        # No history database: builds run many at once and keep nothing between runs. No output cache
        # (``_``, ``_1``, ``Out``), which sections do not use: resetting it for each section ends in a full
        # garbage collection, 0.1-0.2 s in a worker that holds a loaded export, 15 times a report.
        config = Config({"HistoryManager": {"enabled": False}, "InteractiveShell": {"cache_size": 0}})
        super().__init__(config=config, colors="nocolor", **kwargs)
        self.outputs: list[nbformat.NotebookNode] = []

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.outputs.append(nbformat.v4.new_output("error", ename=etype.__name__, evalue=str(evalue), traceback=stb))

    def run(self, source: str, timeout: float | None) -> tuple[list[nbformat.NotebookNode], BaseException | None]:
        """Run one cell; its outputs and the exception it raised, if any."""
        self.outputs = []
        with redirect_stdout(_Stream(self, "stdout")), redirect_stderr(_Stream(self, "stderr")), _time_limit(timeout):
            result = self.run_cell(source, store_history=True)
        return self.outputs, result.error_before_exec or result.error_in_exec

    def start_section(self) -> None:
        """An empty namespace and execution count 1, as a fresh kernel has; imported modules stay loaded."""
        self.reset(new_session=False)
        self.execution_count = 1


@contextmanager
def _time_limit(seconds: float | None):
    """Raise :class:`CellTimeout` in the running cell after ``seconds``.

    A signal, so the main thread only, where pool workers run their tasks. It
    stops Python code; a call stuck inside C code that never returns to Python is not stopped.
    """
    if not seconds:
        yield
        return

    def expire(signum, frame):
        raise CellTimeout(f"a cell ran longer than the limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class SectionEngine(Engine):
    """Papermill engine: the notebook's code cells, in order, in this process's :class:`SectionShell`."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, execution_timeout=None, **kwargs) -> None:
        shell = SectionShell.instance()
        shell.start_section()
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            try:
                if cell.cell_type != "code":
                    continue
                cell.execution_count = shell.execution_count
                cell.outputs, error = shell.run(cell.source, execution_timeout)
                if isinstance(error, CellTimeout):
                    raise error
                if error is not None:
                    nb_man.cell_exception(cell, index, exception=error)
                    break
            finally:
                nb_man.cell_complete(cell, index)


papermill_engines.register(ENGINE_NAME, SectionEngine)

