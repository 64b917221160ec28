"""Build one city-month report: execute sections, stitch, export, record.

Everything is written into a temporary folder beside the final one and
swapped in at the end, so a failed build leaves the previous report intact;
the failed attempt is kept as ``.<month>.failed`` beside it for inspection.
"""

from __future__ import annotations

import fcntl
import json
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
from crmlib.ingest.settings import Settings
from crmlib.pipeline import figure_book
from crmlib.pipeline.context import SYNTHETIC_BANNER, Cutoff, ReportContext, load_context
from crmlib.pipeline.document import finish_docx, start_docx
from crmlib.pipeline.export import to_html, to_pdf, warm_up_pdf
from crmlib.pipeline.manifest import build_manifest, deliverables, write_manifest
from crmlib.pipeline.province import PROVINCE, PROVINCE_TITLE, ProvinceContext, load_province_context
from crmlib.pipeline.sections import SectionRun, previous_seconds, report_notebooks, run_sections, section_pool
from crmlib.pipeline.stitch import stitch
from crmlib.pipeline.workbook import report_tables, write_workbook


@dataclass
class BuildResult:
    """Where a report went and how long each stage took (seconds)."""

    out_dir: Path
    timings: dict[str, float] = field(default_factory=dict)


def _progress_line(run: SectionRun, done: int, total: int) -> None:
    print(f"[{done:2d}/{total}] {run.name:<24} {run.seconds:5.1f} s", flush=True)


def execute_figures(
    city: str,
    month: str,
    data: str | Path | None,
    coordinations: str | Path | None,
    work_dir: Path,
    *,
    settings: Settings,
    notebooks: list[Path] | None = None,
    progress: Callable[[SectionRun, int, int], None] | None = _progress_line,
    pool: Executor | None = None,
    section_timeout: float | None = None,
    expected: dict[str, float] | None = None,
) -> tuple[list[SectionRun], dict]:
    """Run the sections (default: the shipped ones) into ``work_dir``; return the runs and the merged figures.

    ``expected`` gives sections' seconds, to start the longest first (:func:`~crmlib.pipeline.sections.run_sections`).
    """
    parameters = {
        "city": city,
        "month": month,
        "data": str(Path(data).resolve()) if data else None,
        "coordinations": str(Path(coordinations).resolve()) if coordinations else None,
        # The sections read the same settings folder and cache as the build.
        "params_dir": str(settings.override_dir) if settings.override_dir else None,
        "cache_dir": str(settings.cache_dir),
    }
    runs = run_sections(notebooks or report_notebooks(city, settings), work_dir, parameters, progress=progress, pool=pool,
                        timeout=section_timeout, expected=expected)
    parts = [json.loads(r.figures.read_text(encoding="utf-8")) for r in runs if r.figures.exists()]
    return runs, figure_book.merge(parts)


def build_report(
    city: str,
    month: str,
    data: str | Path | None = None,
    coordinations: str | Path | None = None,
    *,
    settings: Settings,
    pdf: bool = True,
    notebooks: list[Path] | None = None,
    progress: Callable[[SectionRun, int, int], None] | None = _progress_line,
    pool: Executor | None = None,
    section_timeout: float | None = None,
) -> BuildResult:
    """Build report.html, .pdf, .docx and .xlsx, figures.json, manifest.json and executed/ for one city-month.

    The report goes to ``settings.outputs_dir / city / month``; the city 'dki' builds the province overview.
    ``pool`` runs the sections and prints the PDF (a batch shares one, so that its own process, which builds
    several reports at once, keeps only the light steps); ``section_timeout`` limits each cell of a section, in seconds.
    """
    if pool is None:
        # The workers start now, and import what the sections need while the export loads here;
        # this process, idle while they run, prints the PDF itself.
        with section_pool(min(len(notebooks or report_notebooks(city, settings)), os.cpu_count() or 1)) as own:
            return _build(city, month, data, coordinations, settings=settings, pdf=pdf, notebooks=notebooks,
                          progress=progress, pool=own, printer=None, section_timeout=section_timeout)
    return _build(city, month, data, coordinations, settings=settings, pdf=pdf, notebooks=notebooks,
                  progress=progress, pool=pool, printer=pool, section_timeout=section_timeout)


def _build(city: str, month: str, data: str | Path | None, coordinations: str | Path | None, *, settings: Settings,
           pdf: bool, notebooks: list[Path] | None, progress: Callable[[SectionRun, int, int], None] | None,
           pool: Executor, printer: Executor | None, section_timeout: float | None) -> BuildResult:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    # Load once here: bad input fails before any section runs, and the
    # sections then read the parquet cache instead of parsing the export again.
    if city == PROVINCE:
        context = load_province_context(month, data, coordinations, settings=settings)
    else:
        context = load_context(city, month, data, coordinations, settings=settings)
    # A report is of one input: its files are hashed now, and checked again before the report is swapped in
    # (hashed again if their size or modification time changed).
    input_hashes = {role: file_digest(path, digests_dir(settings)) for role, path in context.inputs.items()}
    timings["load"] = time.perf_counter() - start

    final = report_dir(settings, city, month)
    final.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(final):
        _remove_stale_builds(final)
        return _build_into(final, context, input_hashes, data, coordinations, settings=settings, pdf=pdf,
                           notebooks=notebooks, progress=progress, timings=timings, start=start, pool=pool,
                           printer=printer, section_timeout=section_timeout)


def _build_into(final: Path, context: ReportContext | ProvinceContext, input_hashes: dict[str, str], data: str | Path | None,
                coordinations: str | Path | None, *, settings: Settings, pdf: bool, notebooks: list[Path] | None,
                progress: Callable[[SectionRun, int, int], None] | None, timings: dict[str, float],
                start: float, pool: Executor, printer: Executor | None, section_timeout: float | None) -> BuildResult:
    """The build itself, in a temporary folder swapped in at the end (the caller holds the city-month's lock).

    The PDF is printed in ``printer``, or in this process when it is None.
    """
    city, month = context.city, context.month
    work = Path(tempfile.mkdtemp(prefix=f".{month}.building-", dir=final.parent))
    warm = threading.Thread(target=warm_up_pdf, name="pdf-warm-up", daemon=True)
    if pdf and printer is None:
        warm.start()  # while the sections run in the pool, this process is idle
    try:
        tick = time.perf_counter()
        runs, figures = execute_figures(city, month, data, coordinations, work, settings=settings,
                                        notebooks=notebooks, progress=progress, pool=pool,
                                        section_timeout=section_timeout, expected=previous_seconds(final))
        (work / "figures.json").write_text(figure_book.dumps(figures), encoding="utf-8")
        # Per-section figure files served the build only.
        shutil.rmtree(work / "figures")
        timings["execute"] = time.perf_counter() - tick

        tick = time.perf_counter()
        notebook = stitch([r.output for r in runs])
        title, footer = report_title(context)
        html = to_html(notebook, title, SYNTHETIC_BANNER if context.synthetic else None, footer=footer)
        (work / "report.html").write_text(html, encoding="utf-8")
        write_workbook(report_tables(notebook), work / "report.xlsx", title)
        timings["html"] = time.perf_counter() - tick

        # pandoc writes the Word document in its own process while the PDF prints.
        tick = time.perf_counter()
        # The Word document has no page margin boxes: its footer carries the synthetic-data mark.
        docx = start_docx(html, work / "report.docx", ("DATA SINTETIS · " if context.synthetic else "") + (footer or title))
        try:
            if pdf:
                if printer is None:
                    warm.join()
                    to_pdf(html, work / "report.pdf")
                else:
                    printer.submit(to_pdf, html, work / "report.pdf").result()
                timings["pdf"] = time.perf_counter() - tick
        except BaseException:
            docx.kill()
            raise
        finish_docx(docx, work / "report.docx")
        timings["docx"] = time.perf_counter() - tick

        params = {"city": city, "month": month, "synthetic_sample": context.synthetic, **cutoff_params(context.cutoff)}
        for role, path in context.inputs.items():
            if file_digest(path, digests_dir(settings)) != input_hashes[role]:
                raise InputError(path, "the file changed while the report was being built",
                                 fix="build the report again once the export is final")
        manifest = build_manifest(context.inputs, input_hashes, params, settings)
        manifest["deliverables"] = deliverables(work)
        write_manifest(manifest, work / "manifest.json")
        _swap_in(work, final)
    except BaseException:
        _keep_failed(work, final)
        raise
    timings["total"] = time.perf_counter() - start
    return BuildResult(final, timings)


def report_title(context: ReportContext | ProvinceContext) -> tuple[str, str | None]:
    """The report's title, and the running footer its layout prints on every page (None: page numbers only)."""
    layout = getattr(context, "layout", None)  # the province overview has one format
    heading = layout.title if layout else PROVINCE_TITLE
    footer = f"{heading} {context.month_label}" if layout and layout.running_footer else None
    return f"{heading} {context.city_label} {context.month_label}", footer


def cutoff_params(cutoff: Cutoff | None) -> dict[str, str | None]:
    """The data's cut-off time as shown in the report, and its source ('settings' or 'export')."""
    return {"cutoff": cutoff.recorded if cutoff else None, "cutoff_source": cutoff.source if cutoff else None}


def report_dir(settings: Settings, city: str, month: str) -> Path:
    """Where a city-month report is written."""
    return settings.outputs_dir / city / month


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


def failed_dir(final: Path) -> Path:
    """Where the last failed build of a report is kept for inspection."""
    return final.with_name(f".{final.name}.failed")


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
