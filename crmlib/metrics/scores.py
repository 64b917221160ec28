"""Scores from the follow-up rules: each follow-up's score, the city's capaian and its grade."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import completion_hours
from crmlib.metrics.rounding import round_half_up


def effective_max_tl_hours(tickets: pd.DataFrame, rules: Rules) -> pd.Series:
    """max_tl_hours per ticket (Float64), NA filled with the category's rule."""
    # The loader already fills it; filling here too makes a hand-built frame score the same way.
    maximum = tickets["max_tl_hours"].astype("Float64")
    missing = maximum.isna().to_numpy(dtype=bool)
    if not missing.any():
        return maximum
    return maximum.fillna(rules.max_hours_of(tickets["category"][missing]))


def follow_up_score(actual_hours: float | pd.Series, max_hours: float | pd.Series, rules: Rules) -> float | pd.Series:
    """Score of a follow-up: the first late band whose max_ratio >= actual/max.

    Works on scalars (NaN in -> NaN out) and on Series (Float64, NA in -> NA out).
    With the bundled bands, 67 h against a 48 h maximum (ratio 1.396) scores 80.
    """
    ratios_edges = np.array([ratio for ratio, _ in rules.late_bands])
    scores = np.array([score for _, score in rules.late_bands], dtype=float)
    if isinstance(actual_hours, pd.Series) or isinstance(max_hours, pd.Series):
        index = actual_hours.index if isinstance(actual_hours, pd.Series) else max_hours.index
        actual = pd.Series(actual_hours, index=index).astype("Float64")
        maximum = pd.Series(max_hours, index=index).astype("Float64")
        if (maximum <= 0).any():
            raise ValueError("follow_up_score: max_hours must be > 0.")
        if (actual < 0).any():
            raise ValueError("follow_up_score: actual_hours must be >= 0.")
        ratio = (actual / maximum).to_numpy(dtype=float, na_value=np.nan)
        picked = scores[np.minimum(np.searchsorted(ratios_edges, ratio, side="left"), len(scores) - 1)]
        return pd.Series(picked, index=index, dtype="Float64").mask(np.isnan(ratio))
    if pd.isna(actual_hours) or pd.isna(max_hours):
        return math.nan
    if max_hours <= 0:
        raise ValueError(f"follow_up_score: max_hours must be > 0, got {max_hours!r}.")
    if actual_hours < 0:
        raise ValueError(f"follow_up_score: actual_hours must be >= 0, got {actual_hours!r}.")
    return float(scores[np.searchsorted(ratios_edges, actual_hours / max_hours, side="left")])


def follow_up_scores(tickets: pd.DataFrame, rules: Rules) -> pd.Series:
    """Follow-up score per ticket (Float64); tickets without completed_at are NA."""
    return follow_up_score(completion_hours(tickets), effective_max_tl_hours(tickets, rules), rules)


def capaian(tickets: pd.DataFrame, rules: Rules) -> float:
    """The city's capaian: mean follow-up score over scored tickets, rounded half-up; NaN if none."""
    scores = follow_up_scores(tickets, rules).dropna()
    if scores.empty:
        return math.nan
    return float(round_half_up(float(scores.mean()), rules.capaian_decimals))


def grade(capaian: float, rules: Rules) -> str | None:
    """Grade of a capaian: the first grade whose min it reaches; None without a capaian (nothing completed yet)."""
    if pd.isna(capaian):
        return None
    for minimum, label in rules.grades:
        if capaian >= minimum:
            return label
    raise ValueError(f"grade: capaian {capaian!r} is below every grade's min.")
