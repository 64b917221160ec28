"""Tests for crmlib.metrics.places on hand-built frames of real kelurahan."""

import numpy as np
import pandas as pd

from crmlib.ingest import boundaries
from crmlib.ingest.rules import rules_from_dict
from crmlib.metrics import places

import frames

RULES = rules_from_dict(frames.RULES_DOC)  # response within 6 h, inclusive; a share needs 5 complaints
T0 = pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta")


def _tickets(rows: list[tuple[str, str, str, float | None]]) -> pd.DataFrame:
    """(unit_type, kecamatan, unit, response hours) rows of Jakarta Pusat."""
    return pd.DataFrame({"city_code": "jakpus", "unit_type": [r[0] for r in rows], "kecamatan": [r[1] for r in rows],
                         "unit": [r[2] for r in rows], "created_at": T0,
                         "responded_at": [T0 + pd.Timedelta(hours=r[3]) if r[3] is not None else pd.NaT
                                          for r in rows]})


def test_measures_count_each_kelurahan_and_colour_a_share_from_five_complaints():
    # Gambir: 6 complaints, responses at 1, 6 (the rule includes 6 h), 6.5, 2, none, 3 h: 4 within, 66.67%.
    # Cideng: 4 complaints, all within: too few for a share. A kecamatan's complaint is on no kelurahan.
    rows = [("kelurahan", "Gambir", "Gambir", h) for h in (1, 6, 6.5, 2, None, 3)]
    rows += [("kelurahan", "Gambir", "Cideng", 1)] * 4 + [("kecamatan", "Gambir", "Kecamatan Gambir", 1)]
    measures = places.kelurahan_measures(_tickets(rows), "jakpus", RULES).set_index("kelurahan")
    assert len(measures) == 44  # Jakarta Pusat's kelurahan
    assert measures.loc["Gambir", ["complaints", "within"]].tolist() == [6, 4]
    assert measures.loc["Gambir", "share"] == 100 * 4 / 6
    assert measures.loc["Cideng", ["complaints", "within"]].tolist() == [4, 4]
    assert np.isnan(measures.loc["Cideng", "share"])
    assert measures["complaints"].sum() == 10
    summary = places.map_summary(measures.reset_index(), _tickets(rows))
    assert summary == {"top_kelurahan": "Gambir", "top_complaints": 6, "without_complaints": 42,
                       "not_on_kelurahan": 1, "grey": 43, "lowest_kelurahan": "Gambir", "lowest_share": 100 * 4 / 6}


def test_the_province_measures_every_kelurahan():
    measures = places.kelurahan_measures(_tickets([("kelurahan", "Gambir", "Gambir", 1)]), None, RULES)
    assert len(measures) == 267 and measures["complaints"].sum() == 1


def test_a_unit_outside_the_official_list_has_no_area():
    tickets = pd.DataFrame({"city_code": ["jakpus", "jakpus"], "kecamatan": ["Gambir", "Gambir"],
                            "unit_type": ["kelurahan", "kecamatan"], "unit": ["Gambir Baru", "Kecamatan Gambir"]})
    assert places.unit_area_codes(tickets).tolist() == [pd.NA, "31.71.01"]


def test_tickets_sharing_a_point_are_placed_once_and_alike():
    # A thousand tickets at the kelurahan office's point and one elsewhere: two distinct places, each ticket
    # gets its own row with its place.
    office = boundaries.shapes("kelurahan").set_index("code").at["31.71.01.1001", "geometry"].representative_point()
    tickets = pd.DataFrame({"city_code": "jakpus", "kecamatan": "Gambir", "unit_type": "kelurahan", "unit": "Gambir",
                            "geotagged": True, "longitude": [office.x] * 1000 + [106.99],
                            "latitude": [office.y] * 1000 + [-6.24]})
    placed = places.geotag_places(tickets)
    assert placed.index.equals(tickets.index)
    assert (placed["at_code"].iloc[:1000] == "31.71.01.1001").all() and (placed["metres_outside"].iloc[:1000] == 0).all()
    assert pd.isna(placed["at_code"].iloc[1000]) and placed["metres_outside"].iloc[1000] > 10_000
