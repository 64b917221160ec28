"""Comparing units fairly: funnel-plot limits for shares, and completion medians that count open tickets.

A share from a unit with 3 complaints swings far more than one from a unit
with 60; a funnel plot draws, for every number of complaints, the range a
unit's share would fall in by chance if its true share were the city's
(binomial distribution). Completion times of tickets still open at the
cut-off are not missing but censored: the Kaplan-Meier estimate
(scipy.stats.ecdf with CensoredData) counts them as "longer than so far", so
a unit with many open tickets is not flattered by its few quick ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import UNIT_KEYS, completion_hours, response_hours, still_open, within_response_rule
from crmlib.metrics.scores import effective_max_tl_hours

FUNNEL_LEVELS = (0.95, 0.998)


def funnel_limits(counts: np.ndarray | list[int], share: float, level: float) -> pd.DataFrame:
    """Lower and upper share (0-1) a unit with each number of complaints reaches by chance at ``level``.

    The limits are the binomial's (1 - level) / 2 and (1 + level) / 2 quantiles over n.

    >>> funnel_limits([100], 0.5, 0.95).round(2).values.tolist()
    [[100.0, 0.4, 0.6]]
    """
    n = np.asarray(counts, dtype=float)
    tail = (1 - level) / 2
    lower = stats.binom.ppf(tail, n, share) / n
    upper = stats.binom.ppf(1 - tail, n, share) / n
    return pd.DataFrame({"n": n, "lower": lower, "upper": upper})


def share_funnel(tickets: pd.DataFrame, success: pd.Series) -> pd.DataFrame:
    """Per kelurahan: complaints, the share (0-1) of its tickets where ``success`` holds, and whether it lies
    outside the 95% and 99.8% limits around the city's share."""
    data = tickets[list(UNIT_KEYS)].assign(success=success.fillna(False).astype(int))
    kelurahan = data[data["unit_type"] == "kelurahan"]
    city_share = float(data["success"].mean()) if len(data) else np.nan
    table = kelurahan.groupby(list(UNIT_KEYS), sort=True)["success"].agg(["size", "mean"]).reset_index()
    table = table.rename(columns={"size": "complaints", "mean": "share"})
    for level in FUNNEL_LEVELS:
        limits = funnel_limits(table["complaints"], city_share, level)
        tag = f"{level * 100:g}".replace(".", "_")
        table[f"outside_{tag}"] = (table["share"] < limits["lower"]) | (table["share"] > limits["upper"])
    return table.assign(city_share=city_share)


def response_funnel(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """:func:`share_funnel` of the tickets responded within the response rule."""
    return share_funnel(tickets, within_response_rule(response_hours(tickets), rules.response_max_hours,
                                                      rules.response_inclusive))


def completion_funnel(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """:func:`share_funnel` of the tickets completed within their maximum follow-up time (open ones are not)."""
    return share_funnel(tickets, completion_hours(tickets) <= effective_max_tl_hours(tickets, rules))


def outside_names(funnel: pd.DataFrame) -> list[str]:
    """The kelurahan outside the 99.8% limits, lowest share first."""
    outside = funnel[funnel["outside_99_8"].astype(bool)].sort_values(["share", "unit"], kind="stable")
    return outside["unit"].astype(str).tolist()


def censored_median_hours(hours: pd.Series, open_for: pd.Series) -> float:
    """Kaplan-Meier median of completion hours, open tickets censored at their age; NaN when not reached.

    Two completed in 1 h and 2 h, two open for 10 h: survival falls to 3/4 at 1 h and 1/2 at 2 h, so the
    median is 2 h (the completed ones alone would give 1.5 h).

    >>> censored_median_hours(pd.Series([1.0, 2.0, None, None]), pd.Series([None, None, 10.0, 10.0]))
    2.0
    """
    return _km_median(hours.dropna().to_numpy(dtype=float), open_for.dropna().to_numpy(dtype=float))


def _km_median(done: np.ndarray, still_open: np.ndarray) -> float:
    if done.size == 0:
        return float("nan")
    result = stats.ecdf(stats.CensoredData(uncensored=done, right=still_open))
    reached = np.flatnonzero(result.cdf.probabilities >= 0.5)
    return float(result.cdf.quantiles[reached[0]]) if reached.size else float("nan")


def censored_completion_medians(tickets: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Per unit: completed and open tickets, the plain median of completed ones and the Kaplan-Meier median."""
    hours = completion_hours(tickets).to_numpy(dtype=float, na_value=np.nan)
    open_for = ((cutoff - tickets["created_at"]).dt.total_seconds() / 3600).where(still_open(tickets)).to_numpy(
        dtype=float, na_value=np.nan)
    rows = []
    for (unit_type, unit), positions in sorted(tickets.groupby(list(UNIT_KEYS)).indices.items()):
        done, waiting = hours[positions], open_for[positions]
        done, waiting = done[~np.isnan(done)], waiting[~np.isnan(waiting)]
        rows.append({"unit_type": unit_type, "unit": unit, "completed": done.size, "open": waiting.size,
                     "median_completed_hours": float(np.median(done)) if done.size else float("nan"),
                     "censored_median_hours": _km_median(done, waiting)})
    return pd.DataFrame(rows, columns=["unit_type", "unit", "completed", "open", "median_completed_hours",
                                       "censored_median_hours"])
