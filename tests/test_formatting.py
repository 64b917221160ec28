"""Tests for crmlib.formatting: Indonesian number, percent and date display with half-up rounding."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pandas as pd
import pytest

from crmlib import formatting as fmt
from crmlib.metrics.rounding import round_half_up

DASH = "\u2013"


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (10.625, 2, "10,63"),  # seed: 255 min / 24 = 10.625 -> half-up (half-even would give 10,62)
        (100.625, 2, "100,63"),  # seed: Pekayon 805 min / 8
        (51.1666666, 2, "51,17"),  # seed: Cipayung 307 min / 6
        (9.7775, 3, "9,778"),
        (67, 2, "67,00"),
        (1234.5, 2, "1.234,50"),
        (3.45, 1, "3,5"),  # half-up; the float 3.45 is 3.4500000000000001776...
        (2.675, 2, "2,68"),  # the float is 2.67499999999999982236431605997495353221893310546875
        (0.5, 0, "1"),
        (-1.005, 2, "-1,01"),  # half away from zero, as a spreadsheet's ROUND
        (99.948, 3, "99,948"),
        (99.948, 2, "99,95"),  # seed: 99,948 in the body, 99,95 in the conclusion
    ],
)
def test_number_half_up(x, decimals, expected):
    assert fmt.number(x, decimals) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "expected", "half_even"),
    [
        (2.25, 1, "2,3", "2.2"),  # the float 2.25 is exact: a true half
        (0.125, 2, "0,13", "0.12"),  # exact too
        (10.625, 2, "10,63", "10.62"),
        (4.5, 0, "5", "4"),
        (-2.25, 1, "-2,3", "-2.2"),  # half away from zero: the mirror image of 2.25
        (-0.125, 2, "-0,13", "-0.12"),
    ],
)
def test_a_half_rounds_up_away_from_zero_where_python_rounds_to_even(x, decimals, expected, half_even):
    assert f"{x:.{decimals}f}" == half_even  # what a format string (the anomaly evidence's old helper) printed
    assert fmt.number(x, decimals) == expected
    assert str(round_half_up(x, decimals)).replace(".", ",") == expected


@pytest.mark.parametrize(("x", "expected"), [(50.0, "50"), (2, "2"), (1.5, "1,5"), (2500, "2.500"),
                                             (0.0125, "0,013"), (None, DASH)])
def test_compact_keeps_only_the_decimals_a_setting_has(x, expected):
    assert fmt.compact(x) == expected


def test_number_clears_float_noise_before_rounding():
    # 24 coordinations, one of 9 minutes and 23 of 0: mean 9/24 = 0.375 min, computed in hours then
    # shown in minutes; half-up on 0.375 is 0,38
    minutes = sum([9 / 60] + [0.0] * 23) / 24 * 60
    assert minutes == 0.37499999999999994  # the float noise is real ...
    assert fmt.number(minutes) == "0,38"  # ... and does not flip the half-up rounding


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, pd.NaT, float("nan")])
def test_missing_is_a_dash(missing):
    assert fmt.number(missing) == DASH
    assert fmt.integer(missing) == DASH
    assert fmt.percent(missing) == DASH
    assert fmt.datetime_long(missing) == DASH
    assert fmt.date_long(missing) == DASH
    assert fmt.count_words(missing) == DASH


def test_integer():
    assert fmt.integer(1234) == "1.234"
    assert fmt.integer(508) == "508"
    assert fmt.integer(1234567) == "1.234.567"


def test_number_with_fixes_the_decimals_for_a_column():
    # 67.5 -> '68' half-up at 0 decimals; 9.7775 -> '9,778' at 3; missing stays a dash
    whole, three = fmt.number_with(0), fmt.number_with(3)
    assert (whole(67.5), whole(1234.4), three(9.7775), three(None)) == ("68", "1.234", "9,778", DASH)
    assert [whole(v) for v in pd.Series([48.0, None], dtype="Float64")] == ["48", DASH]


@pytest.mark.parametrize(("n", "expected"), [(1, "1"), (1234, "1.234"), (None, ""), (math.nan, ""), (pd.NA, "")])
def test_optional_integer_is_blank_when_missing(n, expected):
    assert fmt.optional_integer(n) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (388, 508, "76,38%"),  # 76.3779... -> 76,38
        (120, 508, "23,62%"),  # 23.6220...
        (25, 508, "4,92%"),  # 4.9212...
        (92, 508, "18,11%"),  # 18.1102...
        (224, 255, "87,84%"),  # 87.8431...
        (1, 8, "12,50%"),
    ],
)
def test_percent_seed_shares(part, whole, expected):
    assert fmt.percent(100 * part / whole) == expected


def test_percent_decimals():
    assert fmt.percent(100 * 243 / 255, 0) == "95%"  # 95.29 -> 95
    assert fmt.percent(100.0, 0) == "100%"


def test_datetime_long_seed():
    assert fmt.datetime_long(pd.Timestamp("2022-06-03 16:15", tz="Asia/Jakarta")) == "3 Juni 2022 16:15"
    assert fmt.datetime_long(pd.Timestamp("2022-06-06 11:15", tz="Asia/Jakarta")) == "6 Juni 2022 11:15"


def test_datetime_long_converts_to_jakarta():
    # 09:15 UTC is 16:15 in Jakarta (UTC+7)
    assert fmt.datetime_long(pd.Timestamp("2022-06-03 09:15", tz="UTC")) == "3 Juni 2022 16:15"
    # naive: taken as Jakarta wall time
    assert fmt.datetime_long(dt.datetime(2022, 12, 31, 23, 5)) == "31 Desember 2022 23:05"


def test_date_long():
    assert fmt.date_long(pd.Timestamp("2022-07-11 08:34", tz="Asia/Jakarta")) == "11 Juli 2022"
    assert fmt.date_long(dt.date(2022, 8, 9)) == "9 Agustus 2022"
    # 20:00 UTC on 31 July is already 1 August in Jakarta
    assert fmt.date_long(pd.Timestamp("2022-07-31 20:00", tz="UTC")) == "1 Agustus 2022"


@pytest.mark.parametrize(("month", "expected"), [("2022-06", "Juni 2022"), ("2022-07", "Juli 2022"),
                                                 ("2023-02", "Februari 2023"), (pd.Period("2022-05", "M"), "Mei 2022")])
def test_month_label(month, expected):
    assert fmt.month_label(month) == expected


@pytest.mark.parametrize("bad", ["2022-13", "June 2022", "2022-6"])
def test_month_label_rejects_bad_month(bad):
    with pytest.raises(ValueError, match="YYYY-MM"):
        fmt.month_label(bad)


@pytest.mark.parametrize(("n", "expected"), [(2, "2 (dua)"), (5, "5 (lima)"), (10, "10 (sepuluh)"),
                                             (11, "11 (sebelas)"), (25, "25 (dua puluh lima)"),
                                             (1000, "1.000 (seribu)")])
def test_count_words(n, expected):
    assert fmt.count_words(n) == expected


def test_count_words_rejects_fraction():
    with pytest.raises(ValueError):
        fmt.count_words(2.5)


def test_round_half_up_returns_decimal():
    assert round_half_up(10.625) == Decimal("10.63")
    assert round_half_up(7, 0) == Decimal("7")
