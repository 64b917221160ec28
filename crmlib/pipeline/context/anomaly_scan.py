"""Every anomaly flag of one city-month, from a report context, and the flags as a CSV file.

The kinds, their order and which are statistical come from :mod:`crmlib.metrics.flag_kinds`; this module
maps each kind to the function that finds it (:data:`FINDERS`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.ingest.select import in_city_month, select_city
from crmlib.metrics import anomalies, flag_kinds
from crmlib.metrics.history import lookback, month_of, monthly_history
from crmlib.pipeline.context.city import ReportContext
from crmlib.report.spreadsheet import safe_frame
from crmlib.schema import Export


@dataclass
class ScanInputs:
    """What the finders of one city-month read."""

    city_tickets: pd.DataFrame  # the city's tickets of the baseline months and the month
    tickets: pd.DataFrame  # those of the month
    months: list[str]  # the baseline months the export covers, and the month
    month: str
    cutoff: pd.Timestamp
    rules: Rules
    loader_flags: pd.DataFrame  # the loader's flags on ticket and coordination rows
    coordinations: pd.DataFrame  # the city's coordinations of the month

    @cached_property
    def volume_changes(self) -> pd.DataFrame:
        """volume_spike and volume_drop flags together: one count test gives both, so it runs once."""
        history = monthly_history(self.city_tickets, self.rules, self.months)
        city_history = monthly_history(self.city_tickets, self.rules, self.months, by=None)
        return anomalies.volume_changes(history, city_history, self.month, self.rules)


def _of_kind(flags: pd.DataFrame, kind: str) -> pd.DataFrame:
    return flags[flags["kind"] == kind].reset_index(drop=True)


# The function behind each kind of crmlib.metrics.flag_kinds.KINDS, by name.
FINDERS: Mapping[str, Callable[[ScanInputs], pd.DataFrame]] = {
    "volume_spike": lambda s: _of_kind(s.volume_changes, "volume_spike"),
    "volume_drop": lambda s: _of_kind(s.volume_changes, "volume_drop"),
    "slower_completion": lambda s: anomalies.slower_durations(s.city_tickets, s.months, s.month, s.rules,
                                                              "completion"),
    "slower_response": lambda s: anomalies.slower_durations(s.city_tickets, s.months, s.month, s.rules, "response"),
    "fast_closure": lambda s: anomalies.fast_closures(s.tickets, s.rules),
    "batch_closure": lambda s: anomalies.batch_closures(s.tickets, s.rules),
    "time_order": lambda s: anomalies.time_order(s.tickets, s.coordinations, s.loader_flags),
    "geotag_outside": lambda s: anomalies.geotags_outside(s.tickets, s.rules),
    "duplicate_burst": lambda s: anomalies.duplicate_bursts(s.tickets, s.rules),
    "backlog_aged": lambda s: anomalies.backlog_aged(s.tickets, s.cutoff, s.rules),
}


def scan(context: ReportContext, *, statistical: bool = True) -> pd.DataFrame:
    """The flags of a report context's city and month (see :func:`scan_export`)."""
    cutoff = context.cutoff.stamp if context.cutoff else context.tickets["created_at"].max()
    return scan_export(context.city_export, context.city, context.month, cutoff, context.rules,
                       context.covered_months, statistical=statistical, coordinations=context.coordinations)


def scan_export(export: Export, city: str, month: str, cutoff: pd.Timestamp, rules: Rules, covered: Sequence[str], *,
                statistical: bool = True, coordinations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every flag of one city-month: unit-month flags against each unit's baseline months, ticket flags on the
    month's tickets, geotags against the unit's recent ones.

    ``covered`` are the months the export covers (:func:`crmlib.metrics.history.export_months` of all its
    tickets): the baseline is those of the ``baseline_months`` months before ``month``, so the export needs the
    city's tickets of those months and of ``month`` only. ``statistical=False`` leaves out the statistical kinds
    (:func:`crmlib.metrics.flag_kinds.statistical_names`): the rule flags alone. ``coordinations`` are the
    city's coordinations of the month when the caller has them (else they are taken from the export). Flags are
    in the kinds' order, then by unit and ticket.
    """
    city_tickets, months_of, months = _history(export, city, month, covered, rules)
    if coordinations is None:  # as the report context selects them
        coordinations = in_city_month(export.coordinations, "coordinated_at", city, month)
    inputs = ScanInputs(city_tickets, city_tickets[months_of == month], months, month, cutoff, rules,
                        export.flags, coordinations)
    parts = [FINDERS[kind.name](inputs) for kind in flag_kinds.KINDS if statistical or not kind.statistical]
    found = [p for p in parts if len(p)]
    flags = pd.concat(found, ignore_index=True) if found else anomalies.empty_flags()
    order = {name: i for i, name in enumerate(flag_kinds.names())}
    return flags.sort_values(["kind", "unit", "ticket_id"], key=lambda c: c.map(order) if c.name == "kind" else c,
                             kind="stable").reset_index(drop=True)


def scan_cities(export: Export, cities: Sequence[str], month: str, cutoff: pd.Timestamp, rules: Rules,
                covered: Sequence[str]) -> pd.DataFrame:
    """Every flag of each city's month (:func:`scan_export`), with its ``city_code``, cities in the order given."""
    return pd.concat([scan_export(export, city, month, cutoff, rules, covered).assign(city_code=city)
                      for city in cities], ignore_index=True)


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
    """How many flags of each kind, every kind listed in report order.

    >>> flags = pd.DataFrame({"kind": ["fast_closure", "volume_drop", "fast_closure"]})
    >>> {k: n for k, n in counts_by_kind(flags).items() if n}
    {'volume_drop': 1, 'fast_closure': 2}
    """
    return {name: int((flags["kind"] == name).sum()) for name in flag_kinds.names()}


def counts_by_city(flags: pd.DataFrame, cities: Sequence[str]) -> pd.DataFrame:
    """One row per city of ``cities`` (in that order, a city without flags too): its ``city_code`` and how many
    flags of each kind (:func:`counts_by_kind`), from flags with a ``city_code`` (:func:`scan_cities`).

    >>> flags = pd.DataFrame({"city_code": ["jakbar", "jakbar", "jakut"],
    ...                       "kind": ["volume_spike", "fast_closure", "fast_closure"]})
    >>> counts = counts_by_city(flags, ["jakut", "jakbar", "jaksel"])
    >>> counts[["city_code", "volume_spike", "fast_closure", "time_order"]].values.tolist()
    [['jakut', 0, 1, 0], ['jakbar', 1, 1, 0], ['jaksel', 0, 0, 0]]
    """
    return pd.DataFrame([{"city_code": city, **counts_by_kind(flags[flags["city_code"] == city])}
                         for city in cities])


def write_csv(flags: pd.DataFrame, path: str | Path) -> Path:
    """Write the flags as CSV (UTF-8, comma); text from data cannot become a spreadsheet formula."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(flags[flag_kinds.FLAG_COLUMNS]).to_csv(path, index=False, encoding="utf-8")
    return path
