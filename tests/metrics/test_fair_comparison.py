"""Tests for crmlib.metrics.fair_comparison on worked examples."""

import math

import pandas as pd
import pytest

from crmlib.ingest.rules import rules_from_dict
from crmlib.metrics import fair_comparison as fair

import frames
from frames import at

RULES = rules_from_dict(frames.RULES_DOC)


def test_funnel_limits_narrow_as_complaints_grow():
    # Binomial(5, 0.5) has cdf 1/32, 6/32, 16/32, 26/32, 31/32, 1 at 0..5: the 2.5% quantile is 0 (1/32 >= 2.5%)
    # and the 97.5% one is 5 (31/32 < 97.5%), so 5 complaints cannot leave [0, 1]; for 100 they are 40 and 60.
    limits = fair.funnel_limits([5, 100], 0.5, 0.95)
    assert limits["lower"].tolist() == [0.0, 0.4]
    assert limits["upper"].tolist() == [1.0, 0.6]


def test_response_funnel_marks_units_outside_the_limits():
    # Kayu Manis: 20 tickets all responded in 1 h; Utan Kayu: 20, none responded; Pisangan Baru: 1, responded.
    # City share 21/41. All-or-nothing out of 20 has a binomial chance near 0.5**20 each way, far outside the 99.8%
    # limits; a single ticket can show only 0 or 1, both within its limits.
    rows = [{"responded_at": at(1)}] * 20 + [{"unit": "Utan Kayu"}] * 20 + [
        {"unit": "Pisangan Baru", "responded_at": at(1)}]
    table = fair.response_funnel(frames.tickets(*rows), RULES).set_index("unit")
    assert table.loc["Kayu Manis", "complaints"] == 20 and table.loc["Kayu Manis", "share"] == 1.0
    assert table["city_share"].iloc[0] == pytest.approx(21 / 41)
    assert table["outside_99_8"].to_dict() == {"Kayu Manis": True, "Pisangan Baru": False, "Utan Kayu": True}


def test_open_tickets_are_censored_not_dropped():
    cutoff = pd.Timestamp("2022-06-01 18:00", tz="Asia/Jakarta")  # 10 h after creation
    open_ = {"status": "In Progres"}
    tickets = frames.tickets({"completed_at": at(1)}, {"completed_at": at(2)}, open_, open_,
                             {"unit": "Utan Kayu", "completed_at": at(3)})
    table = fair.censored_completion_medians(tickets, cutoff).set_index("unit")
    kayu = table.loc["Kayu Manis"]
    assert (kayu["completed"], kayu["open"], kayu["median_completed_hours"], kayu["censored_median_hours"]) == (
        2, 2, 1.5, 2.0)
    assert table.loc["Utan Kayu", "censored_median_hours"] == 3.0


def test_censored_medians_of_units_whose_tickets_interleave():
    cutoff = pd.Timestamp("2022-06-01 18:00", tz="Asia/Jakarta")  # 10 h after creation
    open_ = {"status": "In Progres"}
    utan = {"unit": "Utan Kayu"}
    tickets = frames.tickets({"completed_at": at(1)}, {**utan, "completed_at": at(3)}, {"completed_at": at(2)},
                             open_, {**utan, **open_}, open_)
    table = fair.censored_completion_medians(tickets, cutoff)
    assert table["unit"].tolist() == ["Kayu Manis", "Utan Kayu"]
    assert table[["completed", "open"]].values.tolist() == [[2, 2], [1, 1]]
    # Kayu Manis: survival 3/4 at 1 h, 1/2 at 2 h. Utan Kayu: 1/2 at 3 h, its open ticket censored at 10 h.
    assert table["median_completed_hours"].tolist() == [1.5, 3.0]
    assert table["censored_median_hours"].tolist() == [2.0, 3.0]


def test_a_median_not_reached_is_missing():
    # One completed in 1 h, three open for 10 h: survival stays at 3/4, the median is never reached.
    assert math.isnan(fair.censored_median_hours(pd.Series([1.0, None, None, None]),
                                                 pd.Series([None, 10.0, 10.0, 10.0])))


def test_completion_funnel_counts_on_time_follow_ups_and_names_the_outliers():
    # Kayu Manis: 20 tickets, all done in 1 h (within 168 h); Utan Kayu: 20 tickets, all 200 h (late);
    # city share 20 / 41. Both lie outside the 99.8% limits; the lower share is named first.
    rows = ([{"completed_at": at(1)}] * 20 + [{"unit": "Utan Kayu", "completed_at": at(200)}] * 20
            + [{"unit": "Pisangan Baru", "status": "In Progres"}])
    table = fair.completion_funnel(frames.tickets(*rows), RULES).set_index("unit")
    assert table.loc["Kayu Manis", "share"] == 1.0 and table.loc["Utan Kayu", "share"] == 0.0
    assert table.loc["Pisangan Baru", "share"] == 0.0  # still open: not completed on time
    assert table["city_share"].iloc[0] == pytest.approx(20 / 41)
    assert fair.outside_names(table.reset_index()) == ["Utan Kayu", "Kayu Manis"]
