"""Tests for crmlib.ingest.parse: each expected value worked out by hand."""

import pandas as pd
import pytest

from crmlib.ingest.parse import (
    clean_text,
    normalise_channels,
    normalise_statuses,
    parse_datetimes,
    parse_numbers,
    spelling_key,
)

JKT = "Asia/Jakarta"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=JKT)


def test_clean_text_trims_collapses_and_blanks_to_na():
    out = clean_text(pd.Series(["  Pulo   Gebang ", "\t", "", None, "x"]))
    assert out.tolist() == ["Pulo Gebang", pd.NA, pd.NA, pd.NA, "x"]
    assert out.dtype == "string"


def test_spelling_key():
    assert spelling_key("SP4N-LAPOR!") == "sp4nlapor"
    assert spelling_key(" In  Progres ") == "inprogres"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("03/06/2022 16:15", "2022-06-03 16:15:00"),
        ("3/6/2022 9:05", "2022-06-03 09:05:00"),
        ("03/06/2022 16:15:07", "2022-06-03 16:15:07"),
        ("03/06/2022", "2022-06-03 00:00:00"),
        ("03-06-2022", "2022-06-03 00:00:00"),
        ("03-06-2022 16:15", "2022-06-03 16:15:00"),
        ("2022-06-03 16:15", "2022-06-03 16:15:00"),
        ("2022-06-03 16:15:07", "2022-06-03 16:15:07"),
        ("2022-06-03T16:15:07", "2022-06-03 16:15:07"),
        # Excel serial: 2022-01-01 is day 44562; + 31+28+31+30+31 = 151 -> 1 June = 44713,
        # 3 June = 44715; 16:15 = 16.25/24 = 0.6770833 of a day.
        ("44715.6770833333", "2022-06-03 16:15:00"),
        ("44715,6770833333", "2022-06-03 16:15:00"),
        ("44715", "2022-06-03 00:00:00"),
    ],
)
def test_parse_datetimes_formats(text, expected):
    values, bad = parse_datetimes(pd.Series([text]))
    assert values.iloc[0] == ts(expected)
    assert not bad.iloc[0]
    assert str(values.dt.tz) == JKT


def test_parse_datetimes_bad_and_blank():
    values, bad = parse_datetimes(pd.Series(["31/02/2022 10:00", "kemarin", "", None, "99999999", "13/13/2022"]))
    assert values.isna().all()
    # blank and None are missing, not bad; 99999999 is beyond the Excel serial range
    assert bad.tolist() == [True, True, False, False, True, True]


@pytest.mark.parametrize("order, cells", [
    ("day_first", ["31/02/2022 10:00", "29/02/2023 10:00", "00/06/2022 10:00", "01/13/2022 10:00", "01/06/2022 24:00"]),
    ("month_first", ["02/31/2022 10:00", "02/29/2023 10:00", "06/00/2022 10:00", "13/01/2022 10:00"]),
])
def test_parse_datetimes_the_crm_layout_refuses_dates_that_do_not_exist(order, cells):
    values, bad = parse_datetimes(pd.Series(cells + ["29/02/2024 23:59" if order == "day_first" else "02/29/2024 23:59"]),
                                  order=order)
    assert bad.tolist() == [True] * len(cells) + [False]
    assert values.iloc[-1] == pd.Timestamp("2024-02-29 23:59", tz=JKT)


def test_parse_datetimes_keeps_far_future_for_the_caller():
    values, bad = parse_datetimes(pd.Series(["01/06/3020 08:00"]))
    assert values.iloc[0].year == 3020 and not bad.iloc[0]


def test_parse_datetimes_keeps_index():
    values, bad = parse_datetimes(pd.Series(["03/06/2022", "x"], index=[10, 7]))
    assert values.index.tolist() == [10, 7] and bad.loc[7] and not bad.loc[10]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-6,2145", -6.2145),
        ("106.8456", 106.8456),
        ("1.234,5", 1234.5),  # last separator is the decimal mark
        ("1,234.5", 1234.5),
        (" 48 ", 48.0),
        ("-48", -48.0),
        ("0,5", 0.5),
    ],
)
def test_parse_numbers(text, expected):
    values, bad = parse_numbers(pd.Series([text]))
    assert values.iloc[0] == pytest.approx(expected)
    assert not bad.iloc[0]


def test_parse_numbers_bad_and_blank():
    values, bad = parse_numbers(pd.Series(["48 jam", "nan", "inf", "1,2,3", "", None]))
    assert values.isna().all()
    assert bad.tolist() == [True, True, True, True, False, False]
    assert values.dtype == "Float64"


STATUSES = {
    "Complete": ["Complete", "Completed", "Selesai"],
    "In Progres": ["In Progres", "In Progress", "Proses"],
    "Wait": ["Wait", "Menunggu"],
    "Menunggu Validasi": ["Menunggu Validasi"],
}


def test_normalise_statuses():
    values, unknown = normalise_statuses(
        pd.Series(["selesai", "IN PROGRESS", "Proses", "Menunggu", "menunggu validasi", "Pending", ""]), STATUSES
    )
    # 'Menunggu' and 'Menunggu Validasi' differ: the key keeps every letter
    assert values.tolist() == ["Complete", "In Progres", "In Progres", "Wait", "Menunggu Validasi", pd.NA, pd.NA]
    assert unknown.tolist() == [False, False, False, False, False, True, False]


def test_normalise_channels_keeps_unknown_label():
    channels = {"SP4N Lapor": ["LAPOR!", "LAPOR 1708", "SP4N-LAPOR!"], "JAKI": []}
    values, unknown = normalise_channels(pd.Series(["lapor 1708", "sp4n lapor", "jaki", " Radio  Warga ", None]), channels)
    assert values.tolist() == ["SP4N Lapor", "SP4N Lapor", "JAKI", "Radio Warga", pd.NA]
    assert unknown.tolist() == [False, False, False, True, False]
