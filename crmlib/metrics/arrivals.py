"""When complaints arrive, and how many of them are answered within the response rule by time of arrival.

Seed 000 advises scheduling monitoring staff "for complaints that arrive at night, at dawn and on holidays": these
functions count the complaints by day of week and hour of arrival, tell workdays from weekends and Indonesian public
holidays, and split the response rule's count (:func:`crmlib.metrics.durations.response_split`) by the part of the
day a complaint arrived in (``arrival_periods`` in ``params/rules/crm.yaml``) and the kind of day.

Every time is read as Asia/Jakarta: a tz-aware ``created_at`` is converted, a naive one is taken as Jakarta wall time.
Public holidays come from the ``holidays`` package (offline data): the public category only, so the collective leave
days (cuti bersama) are workdays here; a holiday that falls on a Saturday or Sunday counts as a holiday, not as a
weekend day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Sequence

import holidays
import numpy as np
import pandas as pd

from crmlib import formatting as fmt
from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import response_split
from crmlib.schema import TZ

# Monday first, as pandas numbers the days (Monday = 0).
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
HOURS = tuple(range(24))
WORKDAY, WEEKEND, HOLIDAY = "hari kerja", "akhir pekan", "hari libur"
DAY_TYPES = (WORKDAY, WEEKEND, HOLIDAY)
# The day types as the wide table's column prefixes, then all days together.
DAY_TYPE_KEYS = {"workday": WORKDAY, "weekend": WEEKEND, "holiday": HOLIDAY}
ALL_DAYS = "all"
# The wide table's last row: every period together.
ALL_PERIODS = "semua periode"


def jakarta_time(created_at: pd.Series) -> pd.Series:
    """Times as Jakarta wall time: a tz-aware series converted to Asia/Jakarta, a naive one taken as it is.

    >>> jakarta_time(pd.Series(pd.to_datetime(["2022-06-01 17:30"]).tz_localize("UTC"))).dt.hour.tolist()
    [0]
    """
    times = pd.Series(created_at)
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        return pd.to_datetime(times)
    return times.dt.tz_convert(TZ)


def indonesian_holidays(years: Iterable[int]) -> dict[dt.date, str]:
    """Indonesia's public holidays of these years, date -> name in Indonesian, from the ``holidays`` package.

    The public category only: the collective leave days (cuti bersama) are not in it.

    >>> indonesian_holidays([2022])[dt.date(2022, 8, 17)]
    'Hari Kemerdekaan Republik Indonesia'
    """
    wanted = sorted({int(year) for year in years})
    if not wanted:
        return {}
    return dict(sorted(holidays.country_holidays("ID", years=wanted, language="id").items()))


def holidays_in_month(month: str | pd.Period) -> dict[dt.date, str]:
    """The public holidays of one month, date -> name, in date order (:func:`indonesian_holidays`).

    >>> holidays_in_month("2022-06"), len(holidays_in_month("2022-07"))
    ({datetime.date(2022, 6, 1): 'Hari Lahir Pancasila'}, 2)
    """
    period = pd.Period(month, "M")
    return {day: name for day, name in indonesian_holidays([period.year]).items() if day.month == period.month}


def day_types(created_at: pd.Series, holiday_dates: Collection[dt.date] | None = None) -> pd.Series:
    """Each time's kind of day in Jakarta: 'hari kerja', 'akhir pekan' (Saturday, Sunday) or 'hari libur'.

    ``holiday_dates`` defaults to Indonesia's public holidays of the years the times fall in
    (:func:`indonesian_holidays`). A holiday on a Saturday or Sunday is a 'hari libur'. The result is categorical
    over :data:`DAY_TYPES`, on the times' index; a missing time has no kind (NaN).

    >>> times = pd.Series(pd.to_datetime(["2022-08-15 09:00", "2022-08-13 09:00", "2022-08-17 09:00",
    ...                                   "2022-07-10 09:00"]))  # Monday, Saturday, Independence Day, Idul Adha (Sunday)
    >>> day_types(times).tolist()
    ['hari kerja', 'akhir pekan', 'hari libur', 'hari libur']
    """
    local = jakarta_time(created_at)
    wall = local.dt.tz_localize(None) if isinstance(local.dtype, pd.DatetimeTZDtype) else local
    days = wall.dt.normalize()
    if holiday_dates is None:
        holiday_dates = indonesian_holidays(local.dt.year.dropna().unique())
    holiday = days.isin(pd.to_datetime(list(holiday_dates)))
    weekend = (local.dt.day_of_week >= 5).to_numpy(dtype=bool)
    # Places in DAY_TYPES: 0 a workday, 1 a weekend day, 2 a holiday (whatever the day of week), -1 no time.
    codes = np.where(holiday.to_numpy(dtype=bool), 2, np.where(weekend, 1, 0))
    codes[local.isna().to_numpy()] = -1
    return pd.Series(pd.Categorical.from_codes(codes, categories=DAY_TYPES), index=local.index, name="day_type")


def arrival_counts(tickets: pd.DataFrame) -> pd.DataFrame:
    """Complaints by day of week (rows Senin..Minggu, index ``day``) and hour of arrival (columns 0..23, ``hour``),
    in Jakarta time: all 168 cells, a cell without complaints 0. A ticket without a creation time is not counted.

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2022-06-06 00:10", "2022-06-06 00:50",
    ...                                                 "2022-06-12 23:59"]).tz_localize("Asia/Jakarta")})
    >>> counts = arrival_counts(t)
    >>> counts.shape, int(counts.loc["Senin", 0]), int(counts.loc["Minggu", 23]), int(counts.to_numpy().sum())
    ((7, 24), 2, 1, 3)
    """
    local = jakarta_time(tickets["created_at"]).dropna()
    cells = (local.dt.day_of_week * 24 + local.dt.hour).to_numpy(dtype=int)
    grid = np.bincount(cells, minlength=7 * 24).reshape(7, 24)
    return pd.DataFrame(grid, index=pd.Index(DAYS, name="day"), columns=pd.Index(HOURS, name="hour"), dtype="Int64")


def period_bounds(periods: Sequence[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """(name, start hour, end hour) of each period: each ends where the next starts, the last at 24.

    >>> period_bounds([(0, "dini hari"), (6, "pagi"), (18, "malam")])
    [('dini hari', 0, 6), ('pagi', 6, 18), ('malam', 18, 24)]
    """
    starts = [start for start, _ in periods]
    return [(name, start, end) for (start, name), end in zip(periods, [*starts[1:], 24], strict=True)]


def arrival_periods(created_at: pd.Series, periods: Sequence[tuple[int, str]]) -> pd.Series:
    """Each time's period of the day in Jakarta (``periods`` as the rules give them: (start hour, name), the first
    starting at 0), categorical over the periods' names in order; a missing time has none.

    >>> times = pd.Series(pd.to_datetime(["2022-06-01 05:59", "2022-06-01 06:00", "2022-06-01 23:30"]))
    >>> arrival_periods(times, [(0, "dini hari"), (6, "pagi"), (18, "malam")]).tolist()
    ['dini hari', 'pagi', 'malam']
    """
    local = jakarta_time(created_at)
    names = [name for _, name in periods]
    starts = np.array([start for start, _ in periods])
    hours = local.dt.hour.to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(hours)
    codes = np.full(len(local), -1)
    codes[known] = np.searchsorted(starts, hours[known], side="right") - 1
    return pd.Series(pd.Categorical.from_codes(codes, categories=names), index=local.index, name="period")


def response_by_arrival(tickets: pd.DataFrame, rules: Rules,
                        holiday_dates: Collection[dt.date] | None = None) -> pd.DataFrame:
    """For each arrival period (rules' ``arrival_periods``) and kind of day (:data:`DAY_TYPES`), in that order: the
    complaints that arrived then, how many were responded to within the response rule (``response_max_hours``,
    ``response_inclusive``: counted by :func:`~crmlib.metrics.durations.response_split` itself), and their share
    (0-100; NaN where no complaint arrived). Every period and kind of day has its row, zeros kept.

    Columns: period, hours ('00.00-06.00'), day_type, complaints, within, share. ``holiday_dates`` as for
    :func:`day_types`.
    """
    frame = tickets[["created_at", "responded_at"]]
    # Each ticket's period and kind of day by its place in the rules' periods and in DAY_TYPES (-1: no time).
    period = arrival_periods(frame["created_at"], rules.arrival_periods).cat.codes.to_numpy()
    kind = day_types(frame["created_at"], holiday_dates).cat.codes.to_numpy()
    rows = []
    for p, (name, start, end) in enumerate(period_bounds(rules.arrival_periods)):
        in_period = period == p
        for k, day_type in enumerate(DAY_TYPES):
            split = response_split(frame[in_period & (kind == k)], rules.response_max_hours, rules.response_inclusive)
            rows.append({"period": name, "hours": fmt.hour_range(start, end), "day_type": day_type,
                         "complaints": split["total"], "within": split["within"], "share": split["within_pct"]})
    return pd.DataFrame(rows).astype({"period": "string", "hours": "string", "day_type": "string",
                                      "complaints": "Int64", "within": "Int64", "share": "float64"})


def response_by_arrival_table(by_arrival: pd.DataFrame) -> pd.DataFrame:
    """The report's table of :func:`response_by_arrival`: one row per period and a last row of every period
    (:data:`ALL_PERIODS`), with complaints, within and share per kind of day (columns ``workday_complaints``,
    ``workday_within``, ``workday_share``, then ``weekend_``, ``holiday_``, and ``all_`` for every day).
    A share is 0-100, NaN without complaints.

    >>> by_arrival = pd.DataFrame({"period": ["malam"] * 3, "hours": ["18.00-24.00"] * 3, "day_type": list(DAY_TYPES),
    ...                            "complaints": [3, 1, 0], "within": [3, 0, 0], "share": [100.0, 0.0, math.nan]})
    >>> table = response_by_arrival_table(by_arrival)
    >>> table[["period", "all_complaints", "all_within", "all_share", "holiday_share"]].values.tolist()
    [['malam', 4, 3, 75.0, nan], ['semua periode', 4, 3, 75.0, nan]]
    """
    parts = [(name, hours, by_arrival[by_arrival["period"] == name])
             for name, hours in dict(zip(by_arrival["period"], by_arrival["hours"])).items()]
    parts.append((ALL_PERIODS, fmt.hour_range(0, 24), by_arrival))
    rows = []
    for name, hours, part in parts:
        row: dict[str, object] = {"period": name, "hours": hours}
        for key, day_type in [*DAY_TYPE_KEYS.items(), (ALL_DAYS, None)]:
            cells = part if day_type is None else part[part["day_type"] == day_type]
            complaints, within = int(cells["complaints"].sum()), int(cells["within"].sum())
            row |= {f"{key}_complaints": complaints, f"{key}_within": within,
                    f"{key}_share": 100 * within / complaints if complaints else math.nan}
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.astype({column: "Int64" if column.endswith(("_complaints", "_within")) else
                         "float64" if column.endswith("_share") else "string" for column in table.columns})


def lowest_period(table: pd.DataFrame) -> int | None:
    """The row of :func:`response_by_arrival_table` whose period (not the last row, every period) has the lowest
    share within the rule among those with complaints; the earliest on a tie; None when no complaint arrived.

    >>> table = pd.DataFrame({"all_complaints": [2, 0, 5, 7], "all_share": [50.0, math.nan, 40.0, 45.0]})
    >>> lowest_period(table)
    2
    """
    periods = table.iloc[:-1]
    shares = periods["all_share"].astype(float).where(periods["all_complaints"] > 0)
    if shares.isna().all():
        return None
    return int(np.argmin(shares.fillna(math.inf).to_numpy()))  # the first of the lowest
