"""Tests for crmlib.metrics.history on hand-built tickets."""

import math

import pytest

from crmlib.ingest.rules import rules_from_dict
from crmlib.metrics.history import monthly_history, months_between

import frames
from frames import at

RULES = rules_from_dict(frames.RULES_DOC)
MONTHS = ["2022-04", "2022-05", "2022-06"]


@pytest.fixture
def tickets():
    # Kayu Manis: April 1 ticket (completed in 10 h), June 3 tickets: 2 responded within 6 h (1 h, 6 h),
    # one at 7 h; completions 2 h, 4 h and 60 h on a 48 h Sampah maximum (late, score 80); one rejected twice.
    # Pisangan Baru: one May ticket, never responded nor completed.
    april, june = "2022-04-05 08:00", "2022-06-10 08:00"
    return frames.tickets(
        {"created_at": april, "responded_at": at(1, april), "completed_at": at(10, april)},
        {"created_at": june, "responded_at": at(1, june), "completed_at": at(2, june)},
        {"created_at": june, "responded_at": at(6, june), "completed_at": at(4, june), "rejected_count": 2},
        {"created_at": june, "responded_at": at(7, june), "completed_at": at(60, june), "category": "Sampah",
         "max_tl_hours": None},
        {"created_at": "2022-05-02 09:00", "unit": "Pisangan Baru", "status": "Wait"},
    )


def test_units_get_every_month_with_zero_counts(tickets):
    history = monthly_history(tickets, RULES, MONTHS)
    kayu = history[history["unit"] == "Kayu Manis"].set_index("month")
    assert kayu["complaints"].tolist() == [1, 0, 3]
    assert kayu.loc["2022-05", "late_follow_ups"] == 0 and math.isnan(kayu.loc["2022-05", "median_completion_hours"])
    june = kayu.loc["2022-06"]
    assert (june["responded_within"], june["late_follow_ups"], june["rejected_repeatedly"]) == (2, 1, 1)
    assert june["responded_within_share"] == pytest.approx(200 / 3)
    assert june["median_completion_hours"] == 4.0
    assert june["p90_completion_hours"] == pytest.approx(4 + 0.8 * 56)  # linear between 4 and 60
    assert june["capaian"] == 93.333  # (100 + 100 + 80) / 3, three decimals half-up
    pisangan = history[history["unit"] == "Pisangan Baru"].set_index("month")
    assert pisangan["complaints"].tolist() == [0, 1, 0]
    assert math.isnan(pisangan.loc["2022-05", "capaian"])  # nothing completed: no capaian


def test_the_city_history_adds_every_unit(tickets):
    city = monthly_history(tickets, RULES, MONTHS, by=None)
    assert city["month"].tolist() == MONTHS
    assert city["complaints"].tolist() == [1, 1, 3]
    assert city["responded_within"].tolist() == [1, 0, 2]


def test_months_between_spans_years():
    assert months_between("2021-12", "2022-01") == ["2021-12", "2022-01"]


def test_city_trend_keeps_only_covered_months_and_compares(tickets):
    from crmlib.metrics.history import city_trend, export_months

    covered = export_months(tickets)
    assert covered == ["2022-04", "2022-05", "2022-06"]
    trend, comparison = city_trend(tickets, RULES, "2022-06", covered)
    assert trend["month"].tolist() == covered  # no 2021 months: the export does not reach them
    assert comparison["current"]["complaints"] == 3 and comparison["previous"]["complaints"] == 1
    assert comparison["previous"]["responded_within_share"] == 0.0  # May's one ticket was never responded to
    assert comparison["year_ago"] is None
