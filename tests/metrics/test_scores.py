"""Tests for crmlib.metrics.scores: follow-up score, capaian, grade, on hand-built frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmlib.ingest.rules import rules_from_dict
from crmlib.metrics.scores import capaian, effective_max_tl_hours, follow_up_score, follow_up_scores, grade

import frames


@pytest.fixture
def rules():
    return rules_from_dict(frames.RULES_DOC)


@pytest.mark.parametrize(
    ("actual", "maximum", "score"),
    [
        (67, 48, 80),  # seed: 67/48 = 1.396 -> first band with max_ratio >= 1.396 is 1.5 -> 80
        (48, 48, 100),  # ratio exactly 1.0 -> 100
        (0, 48, 100),
        (72, 48, 80),  # 1.5 exactly -> 80
        (73, 48, 60),  # 1.52 -> 60
        (96, 48, 60),  # 2.0 exactly -> 60
        (97, 48, 40),  # 2.02 -> 40
    ],
)
def test_follow_up_score_scalar(rules, actual, maximum, score):
    assert follow_up_score(actual, maximum, rules) == score


def test_follow_up_score_scalar_nan_and_bad_max(rules):
    assert math.isnan(follow_up_score(math.nan, 48, rules))
    with pytest.raises(ValueError, match="max_hours"):
        follow_up_score(10, 0, rules)


def test_follow_up_score_series(rules):
    actual = pd.Series([67.0, 10.0, None, 500.0], dtype="Float64")
    got = follow_up_score(actual, 48.0, rules)
    # 67/48 -> 80; 10/48 -> 100; NA -> NA; 500/48 = 10.4 -> 40
    assert got.dtype == "Float64"
    assert got.tolist()[:2] == [80.0, 100.0]
    assert got.isna().tolist() == [False, False, True, False]
    assert got.iloc[3] == 40.0


def test_follow_up_scores_uses_completion_and_skips_open_tickets(rules):
    t = frames.tickets(
        {"category": "Sampah", "max_tl_hours": 48.0, "completed_at": frames.at(67)},  # 67/48 -> 80
        {"completed_at": frames.at(5)},  # 5/168 -> 100
        {"completed_at": None, "status": "In Progres"},  # not completed: not scored
        {"category": "Sampah", "max_tl_hours": None, "completed_at": frames.at(100)},  # max from rules: 100/48=2.08 -> 40
    )
    got = follow_up_scores(t, rules)
    assert got.tolist()[:2] == [80.0, 100.0]
    assert pd.isna(got.iloc[2])
    assert got.iloc[3] == 40.0


def test_effective_max_tl_hours_fills_from_rules(rules):
    # Sampah has its own 48 hours; Jalan and a ticket without a category get the default 7 days.
    t = frames.tickets({"max_tl_hours": 72.0}, {"category": "Sampah", "max_tl_hours": None},
                       {"category": "Jalan", "max_tl_hours": None}, {"category": None, "max_tl_hours": None})
    assert effective_max_tl_hours(t, rules).tolist() == [72.0, 48.0, 168.0, 168.0]


def test_capaian_seed_one_late_among_five(rules):
    t = frames.tickets(
        {"category": "Sampah", "max_tl_hours": 48.0, "completed_at": frames.at(67)},  # 80
        *[{"completed_at": frames.at(h)} for h in (1, 2, 3, 4)],  # 4 x 100
        {"completed_at": None},  # open: not scored, not in the denominator
    )
    assert capaian(t, rules) == 96.0  # (80 + 400) / 5


def test_capaian_rounds_half_up_to_rules_decimals(rules):
    # 7 tickets, one at 60 (2.0 x max): (600 + 60) / 7 = 94.285714... -> 94.286
    t = frames.tickets({"max_tl_hours": 10.0, "completed_at": frames.at(20)},
                       *[{"completed_at": frames.at(1)} for _ in range(6)])
    assert capaian(t, rules) == 94.286


def test_capaian_all_on_time_is_100_grade_a(rules):
    t = frames.tickets(*[{"completed_at": frames.at(h)} for h in (0.5, 3, 10)])
    assert capaian(t, rules) == 100.0
    assert grade(capaian(t, rules), rules) == "A"


def test_capaian_nothing_scored_is_nan(rules):
    assert math.isnan(capaian(frames.tickets({"completed_at": None}), rules))
    assert math.isnan(capaian(frames.tickets(), rules))


@pytest.mark.parametrize(("value", "expected"), [(100, "A"), (90, "A"), (89.999, "B"), (80, "B"), (70, "C"),
                                                 (69.9, "D"), (0, "D")])
def test_grade_bounds(rules, value, expected):
    assert grade(value, rules) == expected


def test_no_capaian_has_no_grade(rules):
    # a month with no completed complaint has no capaian, and so no grade
    assert grade(math.nan, rules) is None
