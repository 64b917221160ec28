"""Monthly history of units and of the city: the numbers the report gives for one month, for every month.

An export usually spans many months. A unit's history has a row for every
month asked for, tickets or not: counts of a month without tickets are 0,
shares and durations are missing (NA), never a gap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import UNIT_KEYS, completion_hours, response_hours, within_response_rule
from crmlib.metrics.rounding import round_half_up
from crmlib.metrics.scores import effective_max_tl_hours, follow_up_scores
from crmlib.schema import TZ

# The months before the report's month that its trend shows (and compares with a year earlier).
TREND_MONTHS = 12
HISTORY_COLUMNS = ["month", "complaints", "responded_within", "responded_within_share", "median_completion_hours",
                   "p90_completion_hours", "late_follow_ups", "rejected_repeatedly", "capaian"]


def month_of(times: pd.Series) -> pd.Series:
    """The 'YYYY-MM' month of each time, in Jakarta.

    >>> month_of(pd.Series(pd.to_datetime(["2022-06-30 17:30"], utc=True))).tolist()
    ['2022-07']
    """
    local = times.dt.tz_convert(TZ)
    # Formatting each time is slow on millions of rows; few months repeat: format each month once.
    key = local.dt.year * 100 + local.dt.month
    labels = {k: f"{int(k) // 100:04d}-{int(k) % 100:02d}" for k in key.dropna().unique()}
    return key.map(labels).astype("string")


def months_between(first: str, last: str) -> list[str]:
    """Every 'YYYY-MM' from first to last, both included.

    >>> months_between("2021-11", "2022-02")
    ['2021-11', '2021-12', '2022-01', '2022-02']
    """
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def lookback(month: str, months_before: int) -> list[str]:
    """``month`` and the ``months_before`` months before it, oldest first.

    >>> lookback("2022-02", 3)
    ['2021-11', '2021-12', '2022-01', '2022-02']
    """
    return months_between(str(pd.Period(month, "M") - months_before), month)


def _per_ticket(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    response = response_hours(tickets)
    within = within_response_rule(response, rules.response_max_hours, rules.response_inclusive)
    completion = completion_hours(tickets)
    return pd.DataFrame({
        "month": month_of(tickets["created_at"]),
        "within": within.fillna(False).astype(int),
        "completion": completion.astype("float64"),
        "late": (completion > effective_max_tl_hours(tickets, rules)).fillna(False).astype(int),
        "rejected": (tickets["rejected_count"].astype("Int64").fillna(0) >= rules.rejection_min_count).astype(int),
        "score": follow_up_scores(tickets, rules).astype("float64"),
    }, index=tickets.index)


def monthly_history(tickets: pd.DataFrame, rules: Rules, months: Sequence[str],
                    by: Sequence[str] | None = UNIT_KEYS) -> pd.DataFrame:
    """Per group of ``by`` (default: each unit) and month: complaints, responses within the rule, completion
    median and p90, late follow-ups, repeatedly rejected ones and capaian; ``by=None`` gives the city's.

    Every group appearing in ``tickets`` gets a row for every month in ``months``.

    """
    keys = list(by) if by else []
    data = pd.concat([tickets[keys], _per_ticket(tickets, rules)], axis=1)
    data = data[data["month"].isin(list(months))]
    grouped = data.groupby([*keys, "month"], sort=False, dropna=False)
    stats = pd.DataFrame({
        "complaints": grouped.size(),
        "responded_within": grouped["within"].sum(),
        "median_completion_hours": grouped["completion"].median(),
        "p90_completion_hours": grouped["completion"].quantile(0.9),
        "late_follow_ups": grouped["late"].sum(),
        "rejected_repeatedly": grouped["rejected"].sum(),
        "score": grouped["score"].mean(),
    })
    groups = tickets[keys].drop_duplicates().sort_values(keys, kind="stable") if keys else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"month": list(months)}), how="cross")
    out = grid.merge(stats.reset_index(), on=[*keys, "month"], how="left")
    for column in ("complaints", "responded_within", "late_follow_ups", "rejected_repeatedly"):
        out[column] = out[column].fillna(0).astype("int64")
    out["responded_within_share"] = np.where(out["complaints"] > 0,
                                             100 * out["responded_within"] / out["complaints"].clip(lower=1), np.nan)
    decimals = rules.capaian_decimals
    out["capaian"] = [float(round_half_up(v, decimals)) if pd.notna(v) else np.nan for v in out.pop("score")]
    for column in keys:
        out[column] = out[column].astype(tickets[column].dtype)
    return out[[*keys, *HISTORY_COLUMNS]].reset_index(drop=True)


def month_comparison(city_history: pd.DataFrame, month: str, covered: Sequence[str]) -> dict[str, dict | None]:
    """The month beside the previous month and the same month a year earlier: complaints and the share
    responded within the rule for each, None for a month the export does not cover; the two earlier months also
    carry the percent change of complaints to this month (None from zero).

    >>> h = pd.DataFrame({"month": ["2022-05", "2022-06"], "complaints": [400, 508],
    ...                   "responded_within_share": [70.0, 76.4]})
    >>> c = month_comparison(h, "2022-06", ["2022-05", "2022-06"])
    >>> c["previous"]["complaints"], c["previous"]["complaints_change_pct"], c["year_ago"]
    (400, 27.0, None)
    """
    rows = city_history.set_index("month")
    period = pd.Period(month, "M")

    def row(key: str) -> dict | None:
        if key not in covered:
            return None
        found = rows.loc[key] if key in rows.index else None
        return {"month": key,
                "complaints": int(found["complaints"]) if found is not None else 0,
                "responded_within_share": float(found["responded_within_share"]) if found is not None else np.nan}

    current = row(month)
    earlier = {"previous": row(str(period - 1)), "year_ago": row(str(period - 12))}
    for other in earlier.values():
        if other is not None and current is not None:
            before = other["complaints"]
            other["complaints_change_pct"] = 100 * (current["complaints"] - before) / before if before else None
    return {"current": current, **earlier}


def export_months(tickets: pd.DataFrame) -> list[str]:
    """Every month from the export's first complaint to its last: the months it covers."""
    months = month_of(tickets["created_at"]).dropna()
    return months_between(str(months.min()), str(months.max())) if len(months) else []


def city_trend(city_tickets: pd.DataFrame, rules: Rules, month: str,
               covered: Sequence[str]) -> tuple[pd.DataFrame, dict[str, dict | None]]:
    """The city's last 12 months up to ``month`` that the export covers, and the month's comparison with the
    previous month and a year earlier (see :func:`month_comparison`)."""
    span = lookback(month, TREND_MONTHS)
    history = monthly_history(city_tickets, rules, span, by=None)
    comparison = month_comparison(history, month, covered)
    last_year = history[history["month"].isin(span[1:]) & history["month"].isin(list(covered))]
    return last_year.reset_index(drop=True), comparison
