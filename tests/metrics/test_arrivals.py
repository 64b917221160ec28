"""Tests for crmlib.metrics.arrivals, on small frames worked by hand.

Calendar used below (2022): Sunday 5 June, Monday 6 June; Saturday 13 and Sunday 14 August; Tuesday 16 August;
Wednesday 17 August is Independence Day; Sunday 10 July is Idul Adha; 1 June (Wednesday) is Hari Lahir Pancasila.
"""

from __future__ import annotations

import copy
import datetime as dt
import math

import pandas as pd
import pytest

from crmlib.ingest.rules import Rules, rules_from_dict
from crmlib.metrics import arrivals, response_split

import frames
from frames import at

RULES = rules_from_dict(frames.RULES_DOC)  # 6 hours, inclusive; dini hari 0, pagi 6, siang 11, sore 15, malam 18


def utc(*times: str) -> pd.Series:
    """Times given in UTC (tz-aware), as an export with offsets would give them."""
    return pd.Series(pd.to_datetime(list(times))).dt.tz_localize("UTC")


def with_rules(**response) -> Rules:
    doc = copy.deepcopy(frames.RULES_DOC)
    doc["response"].update(response)
    return rules_from_dict(doc)


# --- arrival_counts -------------------------------------------------------------------------------------------------

def test_arrivals_are_placed_by_weekday_and_hour_in_jakarta_time():
    # 17:30 UTC on Sunday 5 June is 00:30 WIB on Monday 6 June; 16:59 UTC on Monday is 23:59 WIB the same Monday;
    # 17:00 UTC on Saturday 11 June is 00:00 WIB on Sunday 12 June.
    tickets = pd.DataFrame({"created_at": utc("2022-06-05 17:30", "2022-06-06 16:59", "2022-06-11 17:00",
                                              "2022-06-05 17:45")})
    counts = arrivals.arrival_counts(tickets)
    assert counts.loc["Senin", 0] == 2
    assert counts.loc["Senin", 23] == 1
    assert counts.loc["Minggu", 0] == 1
    assert counts.loc["Minggu", 17] == 0  # the UTC wall time is not where they are counted
    assert int(counts.to_numpy().sum()) == 4


def test_naive_times_are_taken_as_jakarta_wall_time():
    tickets = pd.DataFrame({"created_at": pd.to_datetime(["2022-06-06 00:30"])})
    assert arrivals.arrival_counts(tickets).loc["Senin", 0] == 1


def test_arrival_counts_keep_all_168_cells_in_order_even_without_complaints():
    counts = arrivals.arrival_counts(frames.tickets()[0:0])
    assert counts.shape == (7, 24)
    assert list(counts.index) == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    assert list(counts.columns) == list(range(24))
    assert int(counts.to_numpy().sum()) == 0
    assert counts.index.name == "day" and counts.columns.name == "hour"


# --- day_types ------------------------------------------------------------------------------------------------------

def test_day_types_tell_workdays_weekends_and_public_holidays():
    times = pd.Series(pd.to_datetime(["2022-08-16 09:00", "2022-08-13 09:00", "2022-08-14 23:00", "2022-08-17 09:00",
                                      "2022-07-10 09:00"])).dt.tz_localize("Asia/Jakarta")
    # Tuesday, Saturday, Sunday, Independence Day (a Wednesday), Idul Adha (a Sunday: a holiday, not a weekend day)
    assert arrivals.day_types(times).tolist() == ["hari kerja", "akhir pekan", "akhir pekan", "hari libur",
                                                 "hari libur"]


def test_the_day_is_the_jakarta_day():
    # 17:30 UTC on 16 August is 00:30 WIB on 17 August, Independence Day; 16:30 UTC is still the 16th in Jakarta.
    assert arrivals.day_types(utc("2022-08-16 17:30", "2022-08-16 16:30")).tolist() == ["hari libur", "hari kerja"]


def test_day_types_take_given_holiday_dates_and_keep_the_index():
    times = pd.Series(pd.to_datetime(["2022-08-17 09:00", "2022-08-18 09:00"]), index=[10, 20])
    kinds = arrivals.day_types(times, holiday_dates={dt.date(2022, 8, 18)})
    assert kinds.tolist() == ["hari kerja", "hari libur"]
    assert list(kinds.index) == [10, 20]
    assert list(kinds.cat.categories) == ["hari kerja", "akhir pekan", "hari libur"]


def test_indonesian_holidays_come_from_the_holidays_package_in_indonesian():
    days = arrivals.indonesian_holidays([2022])
    assert days[dt.date(2022, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert dt.date(2022, 7, 10) in days  # Idul Adha
    assert arrivals.holidays_in_month("2022-06") == {dt.date(2022, 6, 1): "Hari Lahir Pancasila"}
    assert arrivals.indonesian_holidays([]) == {}


# --- periods --------------------------------------------------------------------------------------------------------

def test_each_hour_falls_in_the_period_that_starts_at_or_before_it():
    times = pd.Series(pd.to_datetime(["2022-06-06 05:59", "2022-06-06 06:00", "2022-06-06 10:59", "2022-06-06 11:00",
                                      "2022-06-06 14:59", "2022-06-06 15:00", "2022-06-06 17:59", "2022-06-06 18:00",
                                      "2022-06-06 23:59", "2022-06-06 00:00"]))
    assert arrivals.arrival_periods(times, RULES.arrival_periods).tolist() == [
        "dini hari", "pagi", "pagi", "siang", "siang", "sore", "sore", "malam", "malam", "dini hari"]
    assert arrivals.period_bounds(RULES.arrival_periods) == [
        ("dini hari", 0, 6), ("pagi", 6, 11), ("siang", 11, 15), ("sore", 15, 18), ("malam", 18, 24)]


# --- response_by_arrival --------------------------------------------------------------------------------------------

MONDAY_MORNING = "2022-06-06 08:00"  # pagi, a workday


def test_every_period_and_kind_of_day_has_its_row_zeros_kept_and_no_share_without_complaints():
    tickets = frames.tickets({"created_at": MONDAY_MORNING, "responded_at": at(1, MONDAY_MORNING)})
    table = arrivals.response_by_arrival(tickets, RULES)
    assert len(table) == 15
    assert list(table.columns) == ["period", "hours", "day_type", "complaints", "within", "share"]
    assert table["period"].drop_duplicates().tolist() == ["dini hari", "pagi", "siang", "sore", "malam"]
    assert table["day_type"].head(3).tolist() == ["hari kerja", "akhir pekan", "hari libur"]
    assert table["hours"].drop_duplicates().tolist() == ["00.00-06.00", "06.00-11.00", "11.00-15.00", "15.00-18.00",
                                                        "18.00-24.00"]
    pagi_kerja = table[(table["period"] == "pagi") & (table["day_type"] == "hari kerja")].iloc[0]
    assert (pagi_kerja["complaints"], pagi_kerja["within"], pagi_kerja["share"]) == (1, 1, 100.0)
    others = table.drop(index=pagi_kerja.name)
    assert others["complaints"].eq(0).all() and others["within"].eq(0).all()
    assert others["share"].isna().all()


@pytest.mark.parametrize(("inclusive", "within"), [(True, 2), (False, 1)])
def test_a_response_at_exactly_six_hours_counts_as_the_rule_says(inclusive, within):
    # Three workday-morning complaints: answered after 1 h, exactly 6 h and 6 h 1 min; one never answered.
    tickets = frames.tickets(*({"created_at": MONDAY_MORNING, "responded_at": at(hours, MONDAY_MORNING)}
                               for hours in (1, 6, 6 + 1 / 60)), {"created_at": MONDAY_MORNING})
    rules = with_rules(inclusive=inclusive)
    row = arrivals.response_by_arrival(tickets, rules).iloc[3]  # pagi, hari kerja
    assert (row["period"], row["day_type"]) == ("pagi", "hari kerja")
    assert (row["complaints"], row["within"]) == (4, within)
    assert row["share"] == pytest.approx(100 * within / 4)
    assert within == response_split(tickets, 6, inclusive)["within"]


def test_complaints_are_split_by_when_they_arrived_in_jakarta():
    tickets = frames.tickets(
        {"created_at": "2022-08-17 02:00", "responded_at": at(1, "2022-08-17 02:00")},  # dini hari, holiday: within
        {"created_at": "2022-08-13 19:00", "responded_at": at(7, "2022-08-13 19:00")},  # malam, Saturday: late
        {"created_at": "2022-07-10 16:00", "responded_at": at(2, "2022-07-10 16:00")},  # sore, Idul Adha on a Sunday
        {"created_at": "2022-08-16 12:00"},  # siang, workday: not answered
    )
    table = arrivals.response_by_arrival(tickets, RULES).set_index(["period", "day_type"])
    assert table.loc[("dini hari", "hari libur"), ["complaints", "within"]].tolist() == [1, 1]
    assert table.loc[("malam", "akhir pekan"), ["complaints", "within"]].tolist() == [1, 0]
    assert table.loc[("malam", "akhir pekan"), "share"] == 0.0
    assert table.loc[("sore", "hari libur"), ["complaints", "within"]].tolist() == [1, 1]
    assert table.loc[("sore", "akhir pekan"), "complaints"] == 0
    assert table.loc[("siang", "hari kerja"), ["complaints", "within"]].tolist() == [1, 0]
    assert int(table["complaints"].sum()) == 4 and int(table["within"].sum()) == 2


def test_other_period_bounds_from_the_rules_are_followed():
    doc = copy.deepcopy(frames.RULES_DOC)
    doc["arrival_periods"]["periods"] = [{"start": 0, "name": "malam"}, {"start": 8, "name": "jam kerja"},
                                         {"start": 16, "name": "petang"}]
    tickets = frames.tickets({"created_at": "2022-06-06 07:59"}, {"created_at": "2022-06-06 08:00"})
    table = arrivals.response_by_arrival(tickets, rules_from_dict(doc))
    assert table["hours"].drop_duplicates().tolist() == ["00.00-08.00", "08.00-16.00", "16.00-24.00"]
    assert table.groupby("period", sort=False)["complaints"].sum().to_dict() == {"malam": 1, "jam kerja": 1,
                                                                                  "petang": 0}


# --- the report's table and its lowest period ------------------------------------------------------------------------

def test_the_wide_table_adds_up_kinds_of_day_and_periods():
    tickets = frames.tickets(
        {"created_at": "2022-06-06 08:00", "responded_at": at(1, "2022-06-06 08:00")},  # pagi, workday: within
        {"created_at": "2022-06-06 09:00", "responded_at": at(8, "2022-06-06 09:00")},  # pagi, workday: late
        {"created_at": "2022-06-11 09:00", "responded_at": at(1, "2022-06-11 09:00")},  # pagi, Saturday: within
        {"created_at": "2022-06-01 20:00", "responded_at": at(1, "2022-06-01 20:00")},  # malam, Pancasila: within
    )
    table = arrivals.response_by_arrival_table(arrivals.response_by_arrival(tickets, RULES))
    assert table["period"].tolist() == ["dini hari", "pagi", "siang", "sore", "malam", "semua periode"]
    assert table["hours"].iloc[-1] == "00.00-24.00"
    pagi, malam, total = table.iloc[1], table.iloc[4], table.iloc[5]
    assert (pagi["workday_complaints"], pagi["workday_within"], pagi["workday_share"]) == (2, 1, 50.0)
    assert (pagi["weekend_complaints"], pagi["weekend_share"]) == (1, 100.0)
    assert pagi["holiday_complaints"] == 0 and pd.isna(pagi["holiday_share"])
    assert (pagi["all_complaints"], pagi["all_within"]) == (3, 2)
    assert pagi["all_share"] == pytest.approx(200 / 3)
    assert (malam["holiday_complaints"], malam["all_share"]) == (1, 100.0)
    assert (total["workday_complaints"], total["weekend_complaints"], total["holiday_complaints"]) == (2, 1, 1)
    assert (total["all_complaints"], total["all_within"], total["all_share"]) == (4, 3, 75.0)
    assert pd.isna(table.iloc[0]["all_share"])  # no complaint at dawn
    # pagi (66,67%) is the lowest of the periods with complaints; dini hari has none and is not named.
    assert arrivals.lowest_period(table) == 1


def test_no_lowest_period_without_complaints_and_the_earliest_on_a_tie():
    empty = arrivals.response_by_arrival_table(arrivals.response_by_arrival(frames.tickets()[0:0], RULES))
    assert len(empty) == 6 and empty["all_complaints"].eq(0).all()
    assert arrivals.lowest_period(empty) is None
    tied = pd.DataFrame({"all_complaints": [1, 2, 3], "all_share": [50.0, 50.0, math.nan]})
    assert arrivals.lowest_period(pd.concat([tied, tied.tail(1)], ignore_index=True)) == 0
