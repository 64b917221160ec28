"""Counts and shares of complaints: totals, geotagging, top-N, channels.

Shares are percents (0-100), unrounded; formatting rounds them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from crmlib.metrics.durations import UNIT_KEYS, completion_hours, group_keys


def total_complaints(tickets: pd.DataFrame) -> int:
    """Number of complaints (rows) in the frame."""
    return len(tickets)


def _share(counts: pd.Series, total: int) -> pd.Series:
    return (100 * counts.astype("Float64") / total) if total else pd.Series(math.nan, index=counts.index, dtype="Float64")


def geotag_counts(tickets: pd.DataFrame) -> pd.DataFrame:
    """Geotagged vs not: label ('Geotagging', 'Non geotagging'), count, share."""
    # NA geotagged means the coordinates could not be checked: not geotagged.
    geotagged = tickets["geotagged"].astype("boolean").fillna(False)
    counts = pd.Series([int(geotagged.sum()), int((~geotagged).sum())], dtype="Int64")
    return pd.DataFrame({
        "label": pd.Series(["Geotagging", "Non geotagging"], dtype="string"),
        "count": counts,
        "share": _share(counts, len(tickets)),
    })


def geotag_statuses(tickets: pd.DataFrame) -> pd.Series:
    """The statuses of the geotagged and of the other tickets, as the rows of :func:`geotag_counts`: 'Complete',
    'Complete, Wait', or '' for none.

    >>> frame = pd.DataFrame({"geotagged": [True, True, False, None], "status": ["Complete", "Wait", "Wait", "Wait"]})
    >>> geotag_statuses(frame).tolist()
    ['Complete, Wait', 'Wait']
    """
    geotagged = tickets["geotagged"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return pd.Series([", ".join(sorted(tickets.loc[rows, "status"].dropna().unique())) for rows in (geotagged, ~geotagged)],
                     dtype="string")


def top_counts(tickets: pd.DataFrame, by: str | Sequence[str], n: int | None = 5) -> pd.DataFrame:
    """The n most frequent values of `by`: rank, <by...>, count, share (of all tickets).

    Ties: count desc, then mean completion hours asc (faster first; a group
    with no completed ticket goes last), then name asc. n=None keeps all.
    """
    keys = group_keys(by)
    data = tickets[keys].assign(_hours=completion_hours(tickets))
    if data[keys].isna().any(axis=None):
        missing = tickets.loc[data[keys].isna().any(axis=1), "ticket_id"].tolist()
        raise ValueError(f"top_counts: {', '.join(keys)} missing for ticket(s) {missing}; "
                         "the loader must fill or exclude them.")
    grouped = data.groupby(keys, sort=False)
    table = pd.DataFrame({"count": grouped.size(), "_mean": grouped["_hours"].mean()}).reset_index()
    # reversed so the display name (last key, e.g. 'unit') breaks ties before its type
    table = table.sort_values(["count", "_mean", *reversed(keys)], ascending=[False, True, *[True] * len(keys)],
                              na_position="last", kind="stable")
    if n is not None:
        table = table.head(n)
    table = table.reset_index(drop=True)
    counts = table["count"].astype("Int64")
    return pd.DataFrame({
        "rank": pd.Series(range(1, len(table) + 1), dtype="Int64"),
        **{key: table[key].astype(tickets[key].dtype) for key in keys},
        "count": counts,
        "share": _share(counts, len(tickets)),
    })


def tied_past(ranking: pd.DataFrame, n: int) -> pd.DataFrame:
    """Rows of a full ranking (:func:`top_counts` with n=None) after the first n with the n-th row's count.

    A top-n list that ends in a tie hides the rest of it; these are the rows to name.

    >>> ranking = pd.DataFrame({"unit": ["A", "B", "C", "D"], "count": [3, 2, 2, 1]})
    >>> tied_past(ranking, 2)["unit"].tolist()
    ['C']
    """
    if len(ranking) <= n or n < 1:
        return ranking.iloc[0:0]
    last = ranking["count"].iloc[n - 1]
    rest = ranking.iloc[n:]
    return rest[rest["count"] == last]


def top_units(tickets: pd.DataFrame, n: int | None = 5) -> pd.DataFrame:
    """Units with the most complaints: rank, unit_type, unit, count, share."""
    return top_counts(tickets, list(UNIT_KEYS), n)


def top_categories(tickets: pd.DataFrame, n: int | None = 5) -> pd.DataFrame:
    """Categories with the most complaints: rank, category, count, share."""
    return top_counts(tickets, "category", n)


def top_subcategories(tickets: pd.DataFrame, category: str, n: int | None = 5) -> pd.DataFrame:
    """Sub-categories of one category: rank, subcategory, count, share (of that category)."""
    return top_counts(tickets[tickets["category"] == category], "subcategory", n)


def category_mix(tickets: pd.DataFrame, unit: str, unit_type: str | None = None) -> pd.DataFrame:
    """Categories of one unit's complaints: category, count, share (of that unit), most first.

    Units are told apart by name ('Gambir' vs 'Kecamatan Gambir'); unit_type
    narrows further when an export's SKPD reuses a name.
    """
    mine = tickets[tickets["unit"] == unit]
    if unit_type is not None:
        mine = mine[mine["unit_type"] == unit_type]
    if mine.empty:
        raise ValueError(f"category_mix: no complaints for unit '{unit}' (unit_type {unit_type}).")
    types = sorted(mine["unit_type"].dropna().unique())
    if len(types) > 1:
        raise ValueError(f"category_mix: '{unit}' names units of types {types}; pass unit_type.")
    return top_counts(mine, "category", None).drop(columns="rank")


def channel_shares(tickets: pd.DataFrame) -> pd.DataFrame:
    """Complaints per channel: channel, count, share; count desc then name."""
    counts = tickets["channel"].value_counts(dropna=False)
    table = counts.rename("count").rename_axis("channel").reset_index()
    table = table.sort_values(["count", "channel"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return pd.DataFrame({
        "channel": table["channel"].astype(tickets["channel"].dtype),
        "count": table["count"].astype("Int64"),
        "share": _share(table["count"], len(tickets)),
    })


def status_counts(tickets: pd.DataFrame) -> pd.Series:
    """Complaints per status, statuses A-Z.

    >>> status_counts(pd.DataFrame({"status": ["Wait", "Complete", "Wait"]})).to_dict()
    {'Complete': 1, 'Wait': 2}
    """
    return tickets["status"].value_counts().sort_index()
