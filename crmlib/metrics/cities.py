"""The province overview's figures: the cities side by side in one month, and each city's monthly trend."""

from __future__ import annotations

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics.history import monthly_history
from crmlib.metrics.scores import grade

SIDE_BY_SIDE_COLUMNS = ["city_code", "complaints", "responded_within_share", "median_completion_hours",
                        "p90_completion_hours", "late_follow_ups", "rejected_repeatedly", "capaian", "grade"]


def city_histories(tickets_by_city: dict[str, pd.DataFrame], rules: Rules, months: list[str]) -> pd.DataFrame:
    """Each city's :func:`~crmlib.metrics.history.monthly_history` over ``months``, with its ``city_code``."""
    return pd.concat([monthly_history(tickets, rules, months, by=None).assign(city_code=city)
                      for city, tickets in tickets_by_city.items()], ignore_index=True)


def cities_side_by_side(histories: pd.DataFrame, month: str, rules: Rules) -> pd.DataFrame:
    """One row per city for ``month`` (from :func:`city_histories`): complaints, % responded within the rule,
    median and p90 completion hours, late and repeatedly rejected follow-ups, capaian and grade."""
    table = histories[histories["month"] == month].copy()
    table["grade"] = [grade(c, rules) for c in table["capaian"]]
    return table[SIDE_BY_SIDE_COLUMNS].reset_index(drop=True)
