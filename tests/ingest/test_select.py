"""Tests for crmlib.ingest.select: months and one city's own rows in one month."""

import pandas as pd
import pytest

from crmlib.errors import UsageError
from crmlib.ingest.select import month_bounds, select_city_month
from crmlib.schema import Export

import frames


def test_month_bounds():
    start, end = month_bounds("2022-12")
    assert (start, end) == (pd.Timestamp("2022-12-01", tz="Asia/Jakarta"), pd.Timestamp("2023-01-01", tz="Asia/Jakarta"))
    with pytest.raises(UsageError):
        month_bounds("2022-13")


def test_select_city_month():
    jakpus = {"city_code": "jakpus", "kecamatan": "Gambir", "unit": "Gambir"}
    tickets = frames.tickets(
        {},                                                                          # in
        {"unit_type": "kecamatan", "unit": "Kecamatan Matraman"},                    # in
        {"unit_type": "kota", "kecamatan": None, "unit": "Walikota Jakarta Timur"},  # in
        {"unit_type": "skpd", "kecamatan": None, "unit": "DINAS BINA MARGA"},        # skpd: out
        jakpus,                                                                      # jakpus: out
        {"created_at": "2022-07-01 00:00"},                                          # July: out
        {"created_at": "2022-06-30 23:59"},                                          # in
        {"created_at": "2022-05-31 23:59"},                                          # May: out
    )
    coordinations = frames.coordinations(
        {}, jakpus, {"coordinated_at": "2022-07-01 08:10"},
    )
    export = Export(tickets, coordinations, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    t, c, scope = select_city_month(export, "jaktim", "2022-06")
    assert t["source_row"].tolist() == [2, 3, 4, 8]
    assert c["source_row"].tolist() == [2]
    assert scope.values.tolist() == [["tickets", 8, 4, 4], ["coordinations", 3, 1, 2]]
    with pytest.raises(UsageError, match="unknown city 'bandung'"):
        select_city_month(export, "bandung", "2022-06")
