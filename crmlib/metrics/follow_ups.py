"""Follow-ups to report: late ones (with their score) and repeatedly rejected ones."""

from __future__ import annotations

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import completion_hours
from crmlib.metrics.scores import effective_max_tl_hours, follow_up_scores

LATE_COLUMNS = ["ticket_id", "unit_type", "unit", "category", "subcategory", "created_at", "completed_at",
                "max_tl_hours", "actual_hours", "score"]
REJECTED_COLUMNS = ["unit", "ticket_id", "channel", "category", "status", "rejected_count"]


def late_follow_ups(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Tickets whose completion hours exceed max_tl_hours, with their score; lowest score first, then ticket id."""
    maximum = effective_max_tl_hours(tickets, rules)
    actual = completion_hours(tickets)
    late = (actual > maximum).fillna(False)
    table = tickets.assign(max_tl_hours=maximum, actual_hours=actual, score=follow_up_scores(tickets, rules))
    table = table.loc[late, LATE_COLUMNS]
    return table.sort_values(["score", "ticket_id"], kind="stable").reset_index(drop=True)


def late_by_unit(late: pd.DataFrame) -> pd.DataFrame:
    """Late follow-ups per unit and category, as the Jakarta Pusat report lists them: unit, category, count,
    mean actual hours, the largest maximum hours, and the mean score; lowest score first.

    >>> late = pd.DataFrame({"unit": ["Gambir", "Gambir", "Petojo Utara"], "category": ["Sampah"] * 3,
    ...                      "max_tl_hours": [48.0, 24.0, 48.0], "actual_hours": [60.0, 36.0, 50.0],
    ...                      "score": [75.0, 50.0, 96.0]})
    >>> late_by_unit(late).values.tolist()
    [['Gambir', 'Sampah', 2, 48.0, 48.0, 62.5], ['Petojo Utara', 'Sampah', 1, 50.0, 48.0, 96.0]]
    """
    grouped = late.groupby(["unit", "category"], sort=False)
    table = pd.DataFrame({
        "count": grouped.size(),
        "actual_hours": grouped["actual_hours"].mean(),
        "max_tl_hours": grouped["max_tl_hours"].max(),
        "score": grouped["score"].mean(),
    }).reset_index()
    return table.sort_values(["score", "unit", "category"], kind="stable").reset_index(drop=True)


def rejected_follow_ups(tickets: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Tickets whose follow-up was rejected at least min_count times; by unit, then ticket id."""
    rejected = tickets["rejected_count"].astype("Int64").fillna(0) >= min_count
    table = tickets.loc[rejected, REJECTED_COLUMNS]
    return table.sort_values(["unit", "ticket_id"], kind="stable").reset_index(drop=True)


def follow_up_counts(tickets: pd.DataFrame, late: pd.DataFrame) -> dict[str, float]:
    """Completed complaints, those on time (not in ``late``) and their share of the completed (0-100; NaN
    without any), and the complaints not completed: on time is judged over completed complaints only.

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2022-06-01 08:00"] * 3),
    ...                   "completed_at": pd.to_datetime(["2022-06-01 09:00", "2022-06-03 08:00", None])})
    >>> follow_up_counts(t, late=t.iloc[[1]])
    {'completed': 2, 'on_time': 1, 'on_time_share': 50.0, 'not_completed': 1}
    """
    completed = int(completion_hours(tickets).notna().sum())
    on_time = completed - len(late)
    return {"completed": completed, "on_time": on_time,
            "on_time_share": 100 * on_time / completed if completed else float("nan"),
            "not_completed": len(tickets) - completed}
