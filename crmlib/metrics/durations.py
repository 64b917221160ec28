"""Durations: response, completion and coordination hours and their statistics."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

STATS_COLUMNS = ["count", "mean_hours", "median_hours", "p90_hours"]
UNIT_KEYS = ("unit_type", "unit")


def _hours(end: pd.Series, start: pd.Series) -> pd.Series:
    return ((end - start).dt.total_seconds() / 3600).astype("Float64")


def response_hours(tickets: pd.DataFrame) -> pd.Series:
    """Hours from created_at to responded_at (Float64, NA when not responded)."""
    return _hours(tickets["responded_at"], tickets["created_at"])


def within_response_rule(hours: pd.Series, max_hours: float, inclusive: bool = True) -> pd.Series:
    """Whether each response, in hours, came within the rule: at most ``max_hours`` when ``inclusive`` (the rules
    file's ``response.inclusive``), else less (NA where there was no response).

    >>> within_response_rule(pd.Series([1.0, 6.0, 7.0, None], dtype="Float64"), 6).tolist()
    [True, True, False, <NA>]
    """
    return (hours <= max_hours) if inclusive else (hours < max_hours)


def completion_hours(tickets: pd.DataFrame) -> pd.Series:
    """Hours from created_at to completed_at (Float64, NA when not completed)."""
    return _hours(tickets["completed_at"], tickets["created_at"])


def still_open(tickets: pd.DataFrame) -> pd.Series:
    """Tickets without a follow-up time whose status is not Complete (a Complete ticket whose time was
    emptied as implausible is done, at an unknown time).

    >>> t = pd.DataFrame({"status": ["Complete", "Complete", "In Progres"],
    ...                   "completed_at": pd.to_datetime(["2022-06-01", None, None])})
    >>> still_open(t).tolist()
    [False, False, True]
    """
    return (tickets["completed_at"].isna() & tickets["status"].ne("Complete")).fillna(False).astype(bool)


def coordination_hours(coordinations: pd.DataFrame) -> pd.Series:
    """Hours from coordinated_at to processed_at (Float64, NA when not processed)."""
    return _hours(coordinations["processed_at"], coordinations["coordinated_at"])


def response_split(tickets: pd.DataFrame, max_hours: float, inclusive: bool = True) -> dict[str, float]:
    """Tickets responded within max_hours, later, or not at all; pct of all tickets (0-100).

    inclusive=True counts a response at exactly max_hours as within (<=), False
    as later (within means < max_hours); the rules file sets it (response.inclusive).

    >>> import pandas as pd
    >>> t0 = pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta")
    >>> frame = pd.DataFrame({"created_at": [t0] * 4,
    ...                       "responded_at": [t0 + pd.Timedelta(hours=h) for h in (1, 6, 7)] + [pd.NaT]})
    >>> response_split(frame, 6)["within"], response_split(frame, 6, inclusive=False)["within"]
    (2, 1)
    """
    hours = response_hours(tickets)
    within = int(within_response_rule(hours, max_hours, inclusive).sum())
    later = int(hours.notna().sum()) - within
    total = len(tickets)
    return {
        "within": within,
        "later": later,
        "not_responded": int(hours.isna().sum()),
        "total": total,
        "within_pct": 100 * within / total if total else math.nan,
        "later_pct": 100 * later / total if total else math.nan,
    }


def summary_stats(hours: pd.Series) -> dict[str, float]:
    """Count, mean, median and p90 of hours; NA is not counted; p90 interpolates linearly."""
    values = pd.Series(hours, dtype="Float64").dropna().to_numpy(dtype=float)
    if values.size == 0:
        return {"count": 0, "mean": math.nan, "median": math.nan, "p90": math.nan}
    return dict(zip(("count", "mean", "median", "p90"), _stats(values), strict=True))


def _stats(values: np.ndarray) -> tuple[int, float, float, float]:
    """Count, mean, median and p90 of hours without NaN, at least one."""
    # p90: numpy's default 'linear' method, between the two nearest ranks
    return int(values.size), float(values.mean()), float(np.median(values)), float(np.percentile(values, 90))


def group_keys(by: str | Sequence[str]) -> list[str]:
    """Group-by columns as a list: group_keys("unit") -> ['unit']."""
    return [by] if isinstance(by, str) else list(by)


def duration_stats(frame: pd.DataFrame, hours: pd.Series, by: str | Sequence[str] = UNIT_KEYS) -> pd.DataFrame:
    """Per group of `by`: count, mean, median, p90 of hours (NA hours not counted).

    The default groups on (unit_type, unit) because a kelurahan and a kecamatan
    may share a name (Kelurahan Cipayung, Kecamatan Cipayung). p90 uses numpy's
    default linear interpolation. Rows sorted by the group keys.
    """
    keys = group_keys(by)
    data = frame[keys].assign(_hours=pd.Series(hours, index=frame.index, dtype="Float64")).dropna(subset=["_hours"])
    if data.empty:
        empty = frame[keys].iloc[0:0].reset_index(drop=True)
        return empty.assign(count=pd.Series(dtype="Int64"), mean_hours=pd.Series(dtype="Float64"),
                            median_hours=pd.Series(dtype="Float64"), p90_hours=pd.Series(dtype="Float64"))
    grouped = data.groupby(keys, sort=True, dropna=False)
    # Each group's hours as one slice of an array, in the frame's order within the group (a mean sums them in
    # that order): numpy on slices, not a pandas object per group.
    group_of = grouped.ngroup().to_numpy()
    order = np.argsort(group_of, kind="stable")
    hours_sorted = data["_hours"].to_numpy(dtype=float)[order]
    bounds = np.searchsorted(group_of[order], np.arange(grouped.ngroups + 1))
    stats = pd.DataFrame([_stats(hours_sorted[start:end]) for start, end in zip(bounds[:-1], bounds[1:])],
                         columns=STATS_COLUMNS)
    result = pd.concat([grouped.size().index.to_frame(index=False), stats], axis=1)
    return result.astype({key: frame[key].dtype for key in keys} | {"count": "Int64", "mean_hours": "Float64",
                                                                     "median_hours": "Float64", "p90_hours": "Float64"})


def kelurahan_coordination_stats(coordinations: pd.DataFrame) -> pd.DataFrame:
    """duration_stats of coordination hours for kelurahan units only."""
    kelurahan = coordinations[coordinations["unit_type"] == "kelurahan"]
    return duration_stats(kelurahan, coordination_hours(kelurahan), by=UNIT_KEYS)


def kelurahan_completion_stats(tickets: pd.DataFrame) -> pd.DataFrame:
    """duration_stats of completion hours for tickets owned by a kelurahan."""
    kelurahan = tickets[tickets["unit_type"] == "kelurahan"]
    return duration_stats(kelurahan, completion_hours(kelurahan), by=UNIT_KEYS)


def _numbered(stats: pd.DataFrame, n: int | None) -> pd.DataFrame:
    top = stats if n is None else stats.head(n)
    top = top.reset_index(drop=True)
    return top.assign(no=pd.Series(range(1, len(top) + 1), dtype="Int64"))[["no", *stats.columns]]


def fastest(stats: pd.DataFrame, n: int | None = 10) -> pd.DataFrame:
    """The n groups with the lowest mean_hours (ties: higher count, then name), numbered from 1."""
    ordered = stats.sort_values(["mean_hours", "count", "unit"], ascending=[True, False, True], kind="stable")
    return _numbered(ordered, n)


def slowest(stats: pd.DataFrame, n: int | None = 10) -> pd.DataFrame:
    """The n groups with the highest mean_hours (ties: name), numbered from 1."""
    ordered = stats.sort_values(["mean_hours", "unit"], ascending=[False, True], kind="stable")
    return _numbered(ordered, n)


def units_faster_than(stats: pd.DataFrame, hours: float = 1.0) -> pd.DataFrame:
    """Groups whose mean_hours < hours, fastest first (as :func:`fastest`), numbered."""
    return fastest(stats[stats["mean_hours"] < hours], n=None)


def completion_histogram(hours: pd.Series, width: float = 10, min_bins: int = 6, max_bins: int = 18) -> pd.DataFrame:
    """Counts of hours in right-closed bins [0,w], (w,2w], ... labelled '0-10', '11-20', ...

    At least min_bins bins, more if the data reaches further, at most max_bins:
    the last one is then open ('> 170'), so the table and chart stay one page
    whatever the data. share is the percent (0-100) of the non-NA hours.

    >>> completion_histogram(pd.Series([0.0, 10.0, 10.5, 25.0]), min_bins=3)[["label", "count"]].to_dict("list")
    {'label': ['0-10', '11-20', '21-30'], 'count': [2, 1, 1]}
    >>> completion_histogram(pd.Series([5.0, 35.0, 900.0]), min_bins=2, max_bins=3)[["label", "count"]].to_dict("list")
    {'label': ['0-10', '11-20', '> 20'], 'count': [1, 0, 2]}
    """
    if width <= 0:
        raise ValueError(f"completion_histogram: width must be > 0, got {width!r}.")
    if max_bins < max(min_bins, 2):
        raise ValueError(f"completion_histogram: max_bins must be >= min_bins and 2, got {max_bins!r}.")
    values = pd.Series(hours, dtype="Float64").dropna().to_numpy(dtype=float)
    if (values < 0).any():
        raise ValueError("completion_histogram: negative hours; the loader should have set them to NA.")
    needed = int(math.ceil(values.max() / width)) if values.size else 0
    n_bins = min(max(min_bins, needed, 1), max_bins)
    open_last = needed > max_bins
    # bin k holds (k*w, (k+1)*w]; 0 goes to the first bin; beyond the last bin, the last (open) one
    index = np.minimum(np.maximum(np.ceil(values / width).astype(int) - 1, 0), n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    lowers = [k * width for k in range(n_bins)]
    uppers = [(k + 1) * width for k in range(n_bins)]
    labels = [f"{_num(lo) + (1 if k else 0)}-{_num(up)}" for k, (lo, up) in enumerate(zip(lowers, uppers))]
    if open_last:
        uppers[-1] = math.inf
        labels[-1] = f"> {_num(lowers[-1])}"
    total = int(values.size)
    return pd.DataFrame({
        "label": pd.Series(labels, dtype="string"),
        "lower": pd.Series(lowers, dtype="Float64"),
        "upper": pd.Series(uppers, dtype="Float64"),
        "count": pd.Series(counts, dtype="Int64"),
        "share": pd.Series([100 * c / total if total else math.nan for c in counts], dtype="Float64"),
    })


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x
