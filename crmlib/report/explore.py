"""What the anomaly explorer notebook shows: a unit's tickets with their flags, interactive tables, exports.

The explorer's views and controls are in :mod:`crmlib.report.explorer`. Tickets are shown
by number, times, category and status: never free text, which the loader
does not keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics import flag_kinds
from crmlib.metrics.history import lookback, monthly_history
from crmlib.report.spreadsheet import sheet_frame

TICKET_COLUMNS = ["ticket_id", "created_at", "responded_at", "completed_at", "category", "subcategory", "channel",
                  "status", "max_tl_hours", "rejected_count", "geotagged"]
# What the explorer shows of a unit-month flag.
UNIT_MONTH_COLUMNS = ["kind", "unit", "observed", "expected", "q_value", "evidence"]


def unit_month_flags(flags: pd.DataFrame) -> pd.DataFrame:
    """The unit-month flags (:func:`crmlib.metrics.flag_kinds.names` of that level), with the columns the explorer
    shows.

    >>> flags = pd.DataFrame({"kind": ["fast_closure", "volume_spike"], "unit": ["A", "B"], "observed": [2.0, 9.0],
    ...                       "expected": [None, 3.0], "q_value": [None, 0.01], "evidence": ["e1", "e2"]})
    >>> unit_month_flags(flags).values.tolist()
    [['volume_spike', 'B', 9.0, 3.0, 0.01, 'e2']]
    """
    return flags.loc[flags["kind"].isin(flag_kinds.names("unit_month")), UNIT_MONTH_COLUMNS].reset_index(drop=True)


def unit_history(city_tickets: pd.DataFrame, rules: Rules, covered: Sequence[str], month: str, unit: str,
                 months: int = 12) -> pd.DataFrame:
    """One unit's :func:`crmlib.metrics.history.monthly_history` over the ``months`` months up to ``month``, of
    those the export covers (a month before the export began is unknown, not a month without complaints)."""
    known = set(covered)
    window = [m for m in lookback(month, months - 1) if m in known]
    history = monthly_history(city_tickets, rules, window)
    return history[history["unit"] == unit].reset_index(drop=True)


def unit_tickets(tickets: pd.DataFrame, unit: str, flags: pd.DataFrame) -> pd.DataFrame:
    """One unit's tickets with the kinds of flag each carries (comma-separated, empty when none)."""
    mine = tickets.loc[tickets["unit"] == unit, TICKET_COLUMNS]
    kinds = flags.dropna(subset=["ticket_id"]).groupby("ticket_id")["kind"].agg(lambda k: ", ".join(sorted(set(k))))
    # A unit with unit-level flags only has no ticket kinds: the map gives no strings then.
    return mine.assign(flags=mine["ticket_id"].map(kinds).astype("string").fillna("")).reset_index(drop=True)


def most_flagged_unit(flags: pd.DataFrame, tickets: pd.DataFrame) -> str:
    """The unit with the most flags; without flags, the unit with the most tickets."""
    counts = flags["unit"].dropna().value_counts()
    return str(counts.index[0] if len(counts) else tickets["unit"].value_counts().index[0])


def export_selection(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a selection to .csv or .xlsx; text from data cannot become a spreadsheet formula."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = sheet_frame(frame)
    if path.suffix.lower() == ".xlsx":
        safe.to_excel(path, index=False)
    else:
        safe.to_csv(path, index=False, encoding="utf-8")
    return path
