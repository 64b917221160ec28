"""Build one report from a :class:`~crmlib.pipeline.request.BuildRequest`: execute sections, stitch, export, record.

Everything is written into a temporary folder beside the final one and
swapped in at the end, so a failed build leaves the previous report intact;
the failed attempt is kept as ``.<month>.failed`` beside it for inspection.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crmlib.errors import InputError
from crmlib.ingest.cache import digests_dir
from crmlib.ingest.read import file_digest
from crmlib.pipeline.audit.manifest import build_manifest, deliverables, write_manifest
from crmlib.pipeline.context import figure_book
from crmlib.pipeline.context.city import SYNTHETIC_BANNER, Cutoff, ReportContext
from crmlib.pipeline.context.province import ProvinceContext
from crmlib.pipeline.deliverables.document import finish_docx, start_docx
from crmlib.pipeline.deliverables.html import to_html, to_pdf, warm_up_pdf
from crmlib.pipeline.deliverables.stitch import stitch
from crmlib.pipeline.deliverables.workbook import report_tables, write_workbook
from crmlib.pipeline.execution.sections import SectionRun, execute_figures, previous_seconds, section_pool
from crmlib.pipeline.request import BuildRequest, failed_dir


@dataclass
class BuildResult:
    """Where a report went and how long each stage took (seconds)."""

    out_dir: Path
    timings: dict[str, float] = field(default_factory=dict)


def _progress_line(run: SectionRun, done: int, total: int) -> None:
    print(f"[{done:2d}/{total}] {run.name:<24} {run.seconds:5.1f} s", flush=True)


def build_report(
    request: BuildRequest,
    *,
    progress: Callable[[SectionRun, int, int], None] | None = _progress_line,
    pool: Executor | None = None,
) -> BuildResult:
    """Build report.html, .pdf, .docx and .xlsx, figures.json, manifest.json and executed/ into ``request.out_dir``.

    ``pool`` runs the sections and prints the PDF (a batch shares one, so that its own process, which builds
    several reports at once, keeps only the light steps).
    """
    request.kind.check(request.subject, request.month, request.data, request.coordinations, settings=request.settings)
    if pool is None:
        # The workers start now, and import what the sections need while the export loads here;
        # this process, idle while they run, prints the PDF itself.
        with section_pool(min(len(request.section_notebooks()), os.cpu_count() or 1)) as own:
            return _build(request, _Workers(own, None, progress))
    return _build(request, _Workers(pool, pool, progress))


@dataclass(frozen=True)
class _Workers:
    """Where a build's work runs: sections in ``pool``, the PDF in ``printer`` (None: this process)."""

    pool: Executor
    printer: Executor | None
    progress: Callable[[SectionRun, int, int], None] | None


def _build(request: BuildRequest, workers: _Workers) -> BuildResult:
    start = time.perf_counter()
    # Load once here: bad input fails before any section runs, and the
    # sections then read the parquet cache instead of parsing the export again.
    context = request.kind.load(request.subject, request.month, request.data, request.coordinations,
                                settings=request.settings)
    # A report is of one input: its files are hashed now, and checked again before the report is swapped in
    # (hashed again if their size or modification time changed).
    input_hashes = {role: file_digest(path, digests_dir(request.settings)) for role, path in context.inputs.items()}
    result = BuildResult(request.out_dir, {"load": time.perf_counter() - start})

    final = request.out_dir
    final.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(final):
        _remove_stale_builds(final)
        _build_into(final, request, context, input_hashes, workers, result.timings)
    result.timings["total"] = time.perf_counter() - start
    return result


def _build_into(final: Path, request: BuildRequest, context: ReportContext | ProvinceContext,
                input_hashes: dict[str, str], workers: _Workers, timings: dict[str, float]) -> None:
    """The build itself, in a temporary folder swapped in at the end (the caller holds the report's lock)."""
    work = Path(tempfile.mkdtemp(prefix=f".{request.month}.building-", dir=final.parent))
    warm = threading.Thread(target=warm_up_pdf, name="pdf-warm-up", daemon=True)
    if request.pdf and workers.printer is None:
        warm.start()  # while the sections run in the pool, this process is idle
    try:
        tick = time.perf_counter()
        runs, figures = execute_figures(request, work, pool=workers.pool, progress=workers.progress,
                                        expected=previous_seconds(final))
        (work / "figures.json").write_text(figure_book.dumps(figures), encoding="utf-8")
        for listed in figure_book.list_files(figures):  # the long lists' files go beside the report
            (work / "figures" / listed["file"]).rename(work / listed["file"])
        # Per-section figure files served the build only.
        shutil.rmtree(work / "figures")
        timings["execute"] = time.perf_counter() - tick

        tick = time.perf_counter()
        notebook = stitch([r.output for r in runs])
        title, footer = request.kind.title(context)
        html = to_html(notebook, title, SYNTHETIC_BANNER if context.synthetic else None, footer=footer)
        (work / "report.html").write_text(html, encoding="utf-8")
        write_workbook(report_tables(notebook), work / "report.xlsx", title)
        timings["html"] = time.perf_counter() - tick

        # pandoc writes the Word document in its own process while the PDF prints.
        tick = time.perf_counter()
        # The Word document has no page margin boxes: its footer carries the synthetic-data mark.
        docx = start_docx(html, work / "report.docx", ("DATA SINTETIS · " if context.synthetic else "") + (footer or title))
        try:
            if request.pdf:
                if workers.printer is None:
                    warm.join()
                    to_pdf(html, work / "report.pdf")
                else:
                    workers.printer.submit(to_pdf, html, work / "report.pdf").result()
                timings["pdf"] = time.perf_counter() - tick
        except BaseException:
            docx.kill()
            raise
        finish_docx(docx, work / "report.docx")
        timings["docx"] = time.perf_counter() - tick

        params = {"city": request.subject, "month": request.month, "synthetic_sample": context.synthetic,
                  **cutoff_params(context.cutoff)}
        for role, path in context.inputs.items():
            if file_digest(path, digests_dir(request.settings)) != input_hashes[role]:
                raise InputError(path, "the file changed while the report was being built",
                                 fix="build the report again once the export is final")
        manifest = build_manifest(context.inputs, input_hashes, params, request.settings)
        manifest["deliverables"] = deliverables(work)
        write_manifest(manifest, work / "manifest.json")
        _swap_in(work, final)
    except BaseException:
        _keep_failed(work, final)
        raise


def cutoff_params(cutoff: Cutoff | None) -> dict[str, str | None]:
    """The data's cut-off time as shown in the report, and its source ('settings' or 'export')."""
    return {"cutoff": cutoff.recorded if cutoff else None, "cutoff_source": cutoff.source if cutoff else None}


@contextmanager
def _exclusive(final: Path) -> Iterator[None]:
    """Hold the city-month's lock: a second build of the same report waits for the first."""
    with open(final.with_name(f".{final.name}.lock"), "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build of {final.parent.name} {final.name} to finish", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_stale_builds(final: Path) -> None:
    """Remove the temporary folders of builds of this report that were killed: under the lock, none is running."""
    for stale in final.parent.glob(f".{final.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _keep_failed(work: Path, final: Path) -> None:
    """Keep a failed build's executed notebooks beside the report, replacing an older failure."""
    failed = failed_dir(final)
    shutil.rmtree(failed, ignore_errors=True)
    if work.exists():
        work.rename(failed)


def _swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` by renames, so readers never see half a report."""
    old = final.with_name(f".{final.name}.previous")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    new.chmod(0o755)  # mkdtemp made it private to the builder
    new.rename(final)
    if old.exists():
        shutil.rmtree(old)
