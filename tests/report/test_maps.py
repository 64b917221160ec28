"""Tests for crmlib.report.maps: classes worked out by hand, and what the drawn maps carry."""

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from crmlib.geometry import degrees_xy, metres_xy
from crmlib.ingest.areas import reference
from crmlib.report import maps


def _measures(city: str, complaints: dict[str, int], shares: dict[str, float] | None = None) -> pd.DataFrame:
    """Every kelurahan of the city with 0 complaints, but those named."""
    ref = reference()
    rows = ref[ref["city_code"] == city].rename(columns={"kelurahan_code": "code"})[["code", "kecamatan", "kelurahan"]]
    rows = rows.reset_index(drop=True)
    rows["complaints"] = rows["kelurahan"].map(complaints).fillna(0).astype(int)
    rows["share"] = rows["kelurahan"].map(shares or {}).astype("float64")
    return rows


def test_count_classes_split_the_positive_counts_by_quantile():
    # Positive counts 1, 1, 3, 10 in five classes: the upper edges are the 1st, 2nd, 3rd, 4th and 4th sorted
    # values (ceil(4 i / 5)), so 1, 1, 3, 10, 10: three classes after merging repeats.
    assert maps.count_classes(pd.Series([0, 1, 1, 3, 10])) == [(1, 1), (2, 3), (4, 10)]
    assert maps.count_classes(pd.Series([0, 0])) == []
    classes = maps.complaint_classes(pd.DataFrame({"complaints": [0, 1, 1, 3, 10]}))
    assert classes.to_dict("list") == {"label": ["0", "1", "2-3", "4-10"], "low": [0, 1, 2, 4], "high": [0, 1, 3, 10],
                                       "kelurahan": [1, 2, 1, 1]}


def test_share_classes_by_their_lower_edges_and_grey_for_too_few():
    shares = pd.Series([49.99, 50.0, 84.9, 95.0, 100.0, np.nan])
    assert maps.classify_shares(shares).tolist() == [0, 1, 2, 4, 4, -1]
    table = maps.share_classes(pd.DataFrame({"share": shares}), 5)
    assert table["label"].tolist() == ["< 50%", "50-70%", "70-85%", "85-95%", "≥ 95%", "< 5 aduan"]
    assert table["kelurahan"].tolist() == [1, 1, 1, 0, 2, 1]


def test_a_city_map_colours_each_kelurahan_by_its_class():
    measures = _measures("jakpus", {"Gambir": 12, "Cideng": 3, "Kebon Kelapa": 1})
    kelurahan, kecamatan = maps.city_shapes("jakpus")
    classes = maps.complaint_classes(measures)
    figure = maps.complaint_map(measures, kelurahan, kecamatan, classes, "t")
    faces = figure.axes[0].collections[0].get_facecolors()
    by_name = dict(zip(measures["code"], measures["kelurahan"]))
    colour = {by_name[code]: mcolors.to_hex(face) for code, face in zip(kelurahan["code"], faces)}
    # Positive counts 1, 3, 12: classes (1, 1), (2, 3), (4, 12); 0 keeps the first colour.
    assert classes["label"].tolist() == ["0", "1", "2-3", "4-12"]
    assert colour["Gambir"] == maps.COUNT_COLORS[3] and colour["Cideng"] == maps.COUNT_COLORS[2]
    assert colour["Kebon Kelapa"] == maps.COUNT_COLORS[1] and colour["Senen"] == maps.COUNT_COLORS[0]
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert legend == ["0", "1", "2-3", "4-12"]


def test_the_province_map_draws_every_kelurahan_and_the_islands_apart():
    kelurahan, cities = maps.province_shapes()
    measures = pd.concat([_measures(c, {}) for c in ("kepseribu", "jakpus", "jakut", "jakbar", "jaksel", "jaktim")])
    figure = maps.response_map(measures.sort_values("code"), kelurahan, cities, maps.share_classes(measures, 5), "x",
                               "t", province=True)
    islands, mainland = figure.axes
    assert len(islands.collections[0].get_paths()) == 6
    assert len(mainland.collections[0].get_paths()) == 267 - 6
    grey = mcolors.to_rgba(maps.NO_DATA)
    assert all(tuple(face) == grey for face in mainland.collections[0].get_facecolors())  # no shares: all too few


def test_density_counts_geotags_in_cells_and_returns_what_it_drew():
    kelurahan, kecamatan = maps.city_shapes("jakpus")
    centre = kelurahan.loc[kelurahan["code"] == "31.71.01.1001", "geometry"].item().representative_point()
    far = kelurahan.loc[kelurahan["code"] == "31.71.03.1001", "geometry"].item().representative_point()
    # Three geotags within 20 m of one point, one at another kelurahan 2 km or more away: two cells, 3 and 1.
    xy = np.array([[centre.x, centre.y], [centre.x + 20, centre.y], [centre.x, centre.y + 20], [far.x, far.y]])
    longitude, latitude = degrees_xy(xy)
    width = maps.cell_metres(kelurahan)
    figure, cells, classes = maps.density(kelurahan, kecamatan, pd.Series(longitude), pd.Series(latitude), width, "t")
    assert width == maps.CELL_METRES
    assert sorted(cells["complaints"]) == [1, 3]
    assert maps.cell_summary(cells) == {"geotagged": 4, "densest": 3}
    dense = cells.loc[cells["complaints"] == 3].iloc[0]
    assert np.hypot(*(metres_xy([dense["longitude"]], [dense["latitude"]])[0] - xy[0])) < width
    assert classes.to_dict("list") == {"label": ["1", "2-3"], "low": [1, 2], "high": [1, 3], "cells": [1, 1]}


def test_density_of_an_empty_month_is_an_empty_grid():
    kelurahan, kecamatan = maps.city_shapes("jakpus")
    _, cells, classes = maps.density(kelurahan, kecamatan, pd.Series([], dtype=float), pd.Series([], dtype=float),
                                     500, "t")
    assert cells.empty and classes.empty
    assert maps.cell_summary(cells) == {"geotagged": 0, "densest": 0}


@pytest.mark.parametrize(("city", "islands"), [("kepseribu", True), ("jakpus", False)])
def test_islands_are_drawn_as_spots_and_wider_cells(city, islands):
    kelurahan, _ = maps.city_shapes(city)
    assert maps._islands(kelurahan) is islands
    assert (maps.cell_metres(kelurahan) > maps.CELL_METRES) is islands
