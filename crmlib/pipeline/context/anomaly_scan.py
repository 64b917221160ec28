"""Every anomaly flag of one city-month, from a report context, and the flags as a CSV file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.ingest.select import select_city
from crmlib.metrics import anomalies
from crmlib.metrics.history import lookback, month_of, monthly_history
from crmlib.pipeline.context.city import ReportContext
from crmlib.report.spreadsheet import safe_frame
from crmlib.schema import Export

KINDS = ("volume_spike", "volume_drop", "slower_completion", "slower_response", "fast_closure", "batch_closure",
         "time_order", "geotag_far", "duplicate_burst", "backlog_aged")
STATISTICAL = KINDS[:4]  # the unit-month kinds, from statistical tests
CSV_COLUMNS = ["kind", "unit_type", "unit", "month", "ticket_id", "observed", "expected", "evidence", "p_value",
               "q_value"]


def scan(context: ReportContext, *, statistical: bool = True) -> pd.DataFrame:
    """The flags of a report context's city and month (see :func:`scan_export`)."""
    cutoff = context.cutoff.stamp if context.cutoff else context.tickets["created_at"].max()
    return scan_export(context.city_export, context.city, context.month, cutoff, context.rules,
                       context.covered_months, statistical=statistical)


def scan_export(export: Export, city: str, month: str, cutoff: pd.Timestamp, rules: Rules, covered: Sequence[str], *,
                statistical: bool = True) -> pd.DataFrame:
    """Every flag of one city-month: unit-month flags against each unit's baseline months, ticket flags on the
    month's tickets, geotags against the unit's recent ones.

    ``covered`` are the months the export covers (:func:`crmlib.metrics.history.export_months` of all its
    tickets): the baseline is those of the ``baseline_months`` months before ``month``, so the export needs the
    city's tickets of those months and of ``month`` only. ``statistical=False`` leaves out the unit-month tests
    (the first four kinds): the rule flags alone.
    """
    city_tickets, months_of, months = _history(export, city, month, covered, rules)
    tickets = city_tickets[months_of == month]
    parts = [
        anomalies.fast_closures(tickets, rules),
        anomalies.batch_closures(tickets, rules),
        anomalies.time_order(tickets, export.flags[export.flags["table"] == "tickets"]),
        # A unit's usual place: its geotags of this month and of the baseline months.
        anomalies.geotags_far(city_tickets, month, rules),
        anomalies.duplicate_bursts(tickets, rules),
        anomalies.backlog_aged(tickets, cutoff, rules),
    ]
    if statistical:
        history = monthly_history(city_tickets, rules, months)
        city_history = monthly_history(city_tickets, rules, months, by=None)
        parts += [
            anomalies.volume_changes(history, city_history, month, rules),
            anomalies.slower_durations(city_tickets, months, month, rules, "completion"),
            anomalies.slower_durations(city_tickets, months, month, rules, "response"),
        ]
    flags = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    order = {kind: i for i, kind in enumerate(KINDS)}
    return flags.sort_values(["kind", "unit", "ticket_id"], key=lambda c: c.map(order) if c.name == "kind" else c,
                             kind="stable").reset_index(drop=True)


def _history(export: Export, city: str, month: str, covered: Sequence[str],
             rules: Rules) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """The city's tickets of the baseline months and the month, each one's month, and those months."""
    known = set(covered)
    months = [m for m in lookback(month, rules.anomalies.baseline_months) if m in known]
    city_tickets = select_city(export, city)
    months_of = month_of(city_tickets["created_at"])
    within = months_of.isin(months).to_numpy(dtype=bool)
    return city_tickets[within], months_of[within], months


def coverage(context: ReportContext) -> pd.DataFrame:
    """How many units each statistical test covered in the context's month (see
    :func:`crmlib.metrics.anomalies.statistical_coverage`)."""
    city_tickets, _, months = _history(context.city_export, context.city, context.month, context.covered_months,
                                       context.rules)
    return anomalies.statistical_coverage(city_tickets, months, context.month, context.rules)


def counts_by_kind(flags: pd.DataFrame) -> dict[str, int]:
    """How many flags of each kind, every kind listed."""
    return {kind: int((flags["kind"] == kind).sum()) for kind in KINDS}


def write_csv(flags: pd.DataFrame, path: str | Path) -> Path:
    """Write the flags as CSV (UTF-8, comma); text from data cannot become a spreadsheet formula."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(flags[CSV_COLUMNS]).to_csv(path, index=False, encoding="utf-8")
    return path
