"""Tests for crmlib.metrics.hotspots on geotags placed by hand around points of known kelurahan."""

import numpy as np
import pandas as pd

from crmlib.geometry import degrees_xy, metres_shape
from crmlib.ingest import boundaries
from crmlib.ingest.rules import rules_from_dict
from crmlib.metrics import hotspots

import frames

RULES = rules_from_dict(frames.RULES_DOC)  # a hotspot: 5 complaints within 150 m of a core one
T0 = pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta")


def _inside(code: str) -> np.ndarray:
    """A point well inside a kelurahan, in metres."""
    shape = metres_shape(boundaries.shapes("kelurahan").set_index("code").at[code, "geometry"])
    point = shape.representative_point()
    return np.array([point.x, point.y])


def _tickets(points: list[np.ndarray], categories: list[str] | None = None) -> pd.DataFrame:
    longitude, latitude = degrees_xy(np.array(points))
    return pd.DataFrame({"ticket_id": [f"JK22060100{i:02d}" for i in range(len(points))], "geotagged": True,
                         "longitude": longitude, "latitude": latitude,
                         "created_at": [T0 + pd.Timedelta(hours=i) for i in range(len(points))],
                         "category": categories or ["Sampah"] * len(points), "city_code": "jakpus",
                         "kecamatan": "Gambir", "unit_type": "kelurahan", "unit": "Gambir"})


def test_five_close_complaints_make_a_hotspot_and_a_neighbour_within_the_radius_joins_it():
    # Five points within 40 m of a centre in Gambir: each has all five within 150 m, so all are core. A sixth 140 m
    # east of the easternmost has fewer than five within 150 m but lies within 150 m of a core one: it joins. A
    # seventh 1 km away is alone.
    centre = _inside("31.71.01.1001")
    group = [centre + offset for offset in ([0, 0], [40, 0], [0, 40], [-40, 0], [0, -40])]
    points = [*group, centre + [180, 0], centre + [0, 1000]]
    found = hotspots.hotspots(_tickets(points, ["Sampah", "Sampah", "Jalan", "Sampah", "Jalan", "Pohon", "Jalan"]),
                              RULES)
    assert len(found) == 1
    spot = found.iloc[0]
    assert (spot["hotspot"], spot["complaints"], spot["kelurahan"], spot["kecamatan"]) == (1, 6, "Gambir", "Gambir")
    assert spot["categories"] == [{"category": "Sampah", "complaints": 3}, {"category": "Jalan", "complaints": 2},
                                  {"category": "Pohon", "complaints": 1}]
    assert (spot["first"], spot["last"]) == (T0, T0 + pd.Timedelta(hours=5))
    # The centre is the mean of the six points: 30 m east of the centre; the farthest is the sixth, 150 m from it.
    assert abs(spot["metres"] - 150) < 0.5


def test_hotspots_are_numbered_largest_first():
    near, far = _inside("31.71.01.1001"), _inside("31.71.03.1001")
    points = [near + [10 * i, 0] for i in range(5)] + [far + [0, 10 * i] for i in range(7)]
    found = hotspots.hotspots(_tickets(points), RULES)
    assert found["complaints"].tolist() == [7, 5] and found["hotspot"].tolist() == [1, 2]
    assert found["kelurahan"].tolist() == ["Kemayoran", "Gambir"]


def test_four_complaints_are_no_hotspot():
    centre = _inside("31.71.01.1001")
    found = hotspots.hotspots(_tickets([centre + [10 * i, 0] for i in range(4)]), RULES)
    assert found.empty and list(found.columns) == list(hotspots.HOTSPOT_COLUMNS)


def test_a_thousand_tickets_at_one_point_are_one_hotspot_clustered_as_one_point():
    tickets = _tickets([_inside("31.71.01.1001")] * 1000)
    number = hotspots.hotspot_of(tickets, RULES)
    assert (number == 1).all() and number.index.equals(tickets.index)
    assert hotspots.hotspots(tickets, RULES)["complaints"].tolist() == [1000]
