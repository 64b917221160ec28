"""Build many city-month reports in one run: one pool of workers, the export loaded once, a summary at the end.

Each report is still built by :func:`crmlib.pipeline.orchestration.build.build_report`
(atomic, locked, with its own figures.json and manifest.json); the batch
shares one process pool among them, so each worker's shell and its imports
live across reports, and builds two reports at a time so one report's HTML and PDF overlap
the next one's sections. A report that fails is reported and the batch goes on.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmlib.errors import UsageError, UserError
from crmlib.ingest.cache import load_cached
from crmlib.ingest.select import check_month
from crmlib.ingest.settings import Settings
from crmlib.metrics.history import export_months
from crmlib.pipeline.context.city import resolve_inputs
from crmlib.pipeline.execution.sections import SectionError, section_pool
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.request import BuildRequest, report_dir

# Reports in flight at once: one is stitched and printed while the next one's sections run.
REPORTS_IN_FLIGHT = 2


@dataclass(frozen=True)
class ReportStatus:
    """How one report of a batch ended."""

    city: str
    month: str
    ok: bool
    seconds: float
    message: str = ""  # one line when it failed
    detail: str = ""  # the traceback of a bug


def batch_months(export_tickets: pd.DataFrame, month: str | None, year: str | None) -> list[str]:
    """The months a batch covers: the one given, or every month of the year that the export holds.

    >>> created = pd.to_datetime(["2022-11-05", "2023-01-01"]).tz_localize("Asia/Jakarta")
    >>> t = pd.DataFrame({"created_at": created})
    >>> batch_months(t, None, "2022"), batch_months(t, "2022-02", None)
    (['2022-11', '2022-12'], ['2022-02'])
    """
    if (month is None) == (year is None):
        raise UsageError("give either a month (YYYY-MM) or a year (YYYY)")
    if month is not None:
        check_month(month)
        return [month]
    if not (len(year) == 4 and year.isdigit()):
        raise UsageError(f"year {year!r} is not YYYY")
    months = [m for m in export_months(export_tickets) if m.startswith(f"{year}-")]
    if not months:
        raise UsageError(f"the export holds no complaint in {year}")
    return months


def build_all(
    cities: list[str],
    months: list[str],
    data: str | Path | None,
    coordinations: str | Path | None,
    *,
    settings: Settings,
    pdf: bool = True,
    workers: int | None = None,
    section_timeout: float | None = None,
    on_done: Callable[[ReportStatus], None] | None = None,
) -> list[ReportStatus]:
    """Build every city-month, sharing one pool of workers; return each report's status in the given order."""
    jobs = [(city, month) for month in months for city in cities]
    statuses: dict[tuple[str, str], ReportStatus] = {}
    with section_pool(workers) as pool, ThreadPoolExecutor(REPORTS_IN_FLIGHT) as reports:
        requests = [BuildRequest(city, month, settings, data, coordinations, pdf=pdf, section_timeout=section_timeout)
                    for city, month in jobs]
        futures = {reports.submit(_build_one, request, pool): (request.subject, request.month) for request in requests}
        for future in as_completed(futures):
            status = future.result()
            statuses[futures[future]] = status
            if on_done:
                on_done(status)
    return [statuses[job] for job in jobs]


def _build_one(request: BuildRequest, pool: Executor) -> ReportStatus:
    city, month, start = request.subject, request.month, time.perf_counter()
    try:
        build_report(request, progress=None, pool=pool)
    except SectionError as error:
        detail = "" if error.user_error else error.traceback
        return ReportStatus(city, month, False, time.perf_counter() - start, str(error), detail)
    except UserError as error:
        return ReportStatus(city, month, False, time.perf_counter() - start, " ".join(str(error).split()))
    except Exception as error:  # a bug: the batch goes on, and the summary shows the traceback
        return ReportStatus(city, month, False, time.perf_counter() - start,
                            f"{type(error).__name__}: {error}", traceback.format_exc())
    return ReportStatus(city, month, True, time.perf_counter() - start)


def load_once(data: str | Path | None, coordinations: str | Path | None, settings: Settings) -> pd.DataFrame:
    """Load and cache the export before any report starts (the sections then read the cache); its tickets'
    creation times."""
    inputs = resolve_inputs(data, coordinations)
    return load_cached(inputs["tickets"], inputs.get("coordinations"), settings=settings,
                       columns={"tickets": ["created_at"], "coordinations": ["coordinated_at"]}).tickets


def summary(statuses: list[ReportStatus], settings: Settings) -> pd.DataFrame:
    """One row per report: city, month, status, seconds, complaints, capaian and grade (from figures.json)."""
    rows = []
    for s in statuses:
        figures = _figures(report_dir(settings, s.city, s.month)) if s.ok else {}
        rows.append({"city": s.city, "month": s.month, "status": "ok" if s.ok else "FAILED",
                     "seconds": round(s.seconds, 1), "complaints": figures.get("total_complaints"),
                     "capaian": figures.get("capaian"), "grade": figures.get("grade")})
    table = pd.DataFrame(rows, columns=["city", "month", "status", "seconds", "complaints", "capaian", "grade"])
    return table.astype({"complaints": "Int64", "capaian": "Float64"})


def _figures(folder: Path) -> dict:
    path = folder / "figures.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
