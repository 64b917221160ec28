"""Where geotags lie: the kelurahan a point falls in, and how far it lies outside its own unit's area."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from crmlib.geometry import metres_shape, metres_xy
from crmlib.ingest import boundaries
from crmlib.ingest.areas import CITY_CODES, reference
from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import response_hours, within_response_rule

PLACE_COLUMNS = ("own_code", "at_code", "metres_outside")
# A unit's area is drawn at its own level (its unit_type): a kelurahan's polygon, a kecamatan's, the city's for
# its head unit.
UNIT_LEVELS: tuple[boundaries.Level, ...] = ("kelurahan", "kecamatan", "kota")


@lru_cache(maxsize=3)
def _areas(level: boundaries.Level) -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
    # The shipped polygons do not change within a process: projecting and indexing them once is safe.
    shapes = boundaries.shapes(level)
    polygons = metres_shape(shapes["geometry"].to_numpy())
    shapely.prepare(polygons)
    return shapes["code"].to_numpy(), polygons, shapely.STRtree(polygons)


def geotagged(tickets: pd.DataFrame) -> pd.DataFrame:
    """The tickets that carry a geotag."""
    return tickets[tickets["geotagged"].astype("boolean").fillna(False).to_numpy(dtype=bool)]


def unit_area_codes(tickets: pd.DataFrame) -> pd.Series:
    """The code of each ticket's unit's area: its kelurahan, its kecamatan, or its city for the head unit
    (missing for a unit outside the official list).

    >>> unit_area_codes(pd.DataFrame({"city_code": ["jakpus"] * 3, "kecamatan": ["Gambir", "Gambir", None],
    ...     "unit_type": ["kelurahan", "kecamatan", "kota"],
    ...     "unit": ["Gambir", "Kecamatan Gambir", "Walikota Jakarta Pusat"]})).tolist()
    ['31.71.01.1001', '31.71.01', '31.71']
    """
    ref = reference()
    kelurahan = dict(zip(zip(ref["city_code"], ref["kecamatan"], ref["kelurahan"]), ref["kelurahan_code"]))
    kecamatan = {(city, kec): code[:8] for (city, kec, _), code in kelurahan.items()}
    codes = [kelurahan.get((city, kec, unit)) if unit_type == "kelurahan"
             else kecamatan.get((city, kec)) if unit_type == "kecamatan"
             else CITY_CODES.get(city) if unit_type == "kota" else None
             for city, kec, unit_type, unit in zip(tickets["city_code"], tickets["kecamatan"], tickets["unit_type"],
                                                   tickets["unit"])]
    return pd.Series(codes, index=tickets.index, dtype="string")


def geotag_places(tickets: pd.DataFrame, near_metres: float = 0) -> pd.DataFrame:
    """For each geotagged ticket: ``own_code`` (its unit's area, :func:`unit_area_codes`), ``at_code`` (the
    kelurahan its point lies in, or the nearest within ``near_metres`` of it, such as a point just off the coast;
    missing outside DKI Jakarta) and ``metres_outside`` (its distance to its unit's area, 0 inside it).

    Each distinct (unit type, area, point) is placed once: an export whose tickets share a point (an office's
    coordinates) costs one lookup for all of them.
    """
    chosen = geotagged(tickets)
    frame = pd.DataFrame({"unit_type": chosen["unit_type"].astype("string"), "own_code": unit_area_codes(chosen),
                          "longitude": chosen["longitude"].astype("float64"),
                          "latitude": chosen["latitude"].astype("float64")})
    keys = list(frame.columns)
    distinct = frame.drop_duplicates(ignore_index=True)
    points = shapely.points(metres_xy(distinct["longitude"], distinct["latitude"]))
    distinct["at_code"] = _kelurahan_at(points, near_metres)
    outside = np.full(len(distinct), np.nan)
    for level in UNIT_LEVELS:
        codes, polygons, _ = _areas(level)
        mine = ((distinct["unit_type"] == level) & distinct["own_code"].notna()).to_numpy(dtype=bool)
        position = pd.Series(np.arange(len(codes)), index=codes).reindex(distinct.loc[mine, "own_code"]).to_numpy()
        outside[mine] = shapely.distance(polygons[position], points[mine])
    distinct["metres_outside"] = outside
    placed = frame.merge(distinct, how="left", on=keys)
    placed.index = frame.index
    return placed[list(PLACE_COLUMNS)]


def _kelurahan_at(points: np.ndarray, near_metres: float) -> pd.arrays.StringArray:
    """The code of the kelurahan each point lies in (a point on a shared border: the lower code, so every run
    agrees), else of the nearest within ``near_metres``; missing beyond."""
    codes, _, tree = _areas("kelurahan")
    point_at, polygon_at = tree.query(points, predicate="intersects")
    first = pd.Series(polygon_at).groupby(point_at).min()
    at_code = np.full(len(points), None, dtype=object)
    at_code[first.index.to_numpy()] = codes[first.to_numpy()]
    if near_metres > 0 and (lost := np.flatnonzero(pd.isna(at_code))).size:
        point_at, polygon_at = tree.query_nearest(points[lost], max_distance=near_metres, all_matches=False)
        at_code[lost[point_at]] = codes[polygon_at]
    return pd.array(at_code, dtype="string")


def geotags_outside_city(tickets: pd.DataFrame, city: str, near_metres: float) -> dict[str, int]:
    """How many of the city's geotags lie in another city (``other_city``) or beyond DKI Jakarta by more than
    ``near_metres`` (``outside_dki``), of ``geotagged``.

    >>> gambir = {"city_code": "jakpus", "kecamatan": "Gambir", "unit_type": "kelurahan", "unit": "Gambir",
    ...           "geotagged": True}
    >>> tickets = pd.DataFrame([{**gambir, "longitude": 106.8227, "latitude": -6.1766},   # Monas, Gambir
    ...                         {**gambir, "longitude": 106.8650, "latitude": -6.2250},   # Jakarta Timur
    ...                         {**gambir, "longitude": 106.9900, "latitude": -6.2400}])  # Bekasi
    >>> geotags_outside_city(tickets, "jakpus", 100)
    {'geotagged': 3, 'other_city': 1, 'outside_dki': 1}
    """
    at_code = geotag_places(tickets, near_metres)["at_code"]
    elsewhere = at_code.notna() & ~at_code.str.startswith(CITY_CODES[city] + ".").fillna(False)
    return {"geotagged": len(at_code), "other_city": int(elsewhere.sum()), "outside_dki": int(at_code.isna().sum())}


def kelurahan_measures(tickets: pd.DataFrame, city: str | None, rules: Rules) -> pd.DataFrame:
    """One row per official kelurahan of the city (of DKI Jakarta for None), in code order: ``code``,
    ``kecamatan``, ``kelurahan``, ``complaints`` (its unit's tickets), ``within`` (responded within the rule) and
    ``share`` of them (percent; missing below ``places.map_min_complaints`` complaints, too few to colour).

    >>> from crmlib.ingest.settings import load_settings
    >>> t0 = pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta")
    >>> tickets = pd.DataFrame({"city_code": "jakpus", "kecamatan": "Gambir", "unit_type": "kelurahan",
    ...     "unit": ["Gambir"] * 5 + ["Cideng"], "created_at": t0,
    ...     "responded_at": [t0 + pd.Timedelta(hours=h) for h in (1, 2, 3, 4, 9, 1)]})
    >>> measures = kelurahan_measures(tickets, "jakpus", load_settings().rules)
    >>> measures.head(2)[["kelurahan", "complaints", "within", "share"]]
      kelurahan  complaints  within  share
    0    Gambir           5       4   80.0
    1    Cideng           1       1    NaN
    """
    ref = reference()
    chosen = ref if city is None else ref[ref["city_code"] == city]
    areas = chosen[["kelurahan_code", "kecamatan", "kelurahan"]].rename(columns={"kelurahan_code": "code"})
    areas = areas.reset_index(drop=True)
    own = unit_area_codes(tickets)
    within = within_response_rule(response_hours(tickets), rules.response_max_hours, rules.response_inclusive)
    counts = pd.DataFrame({"code": own, "within": within.fillna(False).astype(int)})[
        (tickets["unit_type"] == "kelurahan").to_numpy(dtype=bool)].groupby("code")["within"].agg(["size", "sum"])
    areas["complaints"] = areas["code"].map(counts["size"]).fillna(0).astype(int)
    areas["within"] = areas["code"].map(counts["sum"]).fillna(0).astype(int)
    enough = areas["complaints"] >= rules.places.map_min_complaints
    areas["share"] = (100 * areas["within"] / areas["complaints"]).where(enough)
    return areas


def map_summary(measures: pd.DataFrame, tickets: pd.DataFrame) -> dict[str, object]:
    """What the maps' sentences say, from :func:`kelurahan_measures` and the month's tickets: the kelurahan
    with the most complaints (the first in code order on a tie) and its count, the kelurahan without any, the
    complaints of kecamatan and city units (not on a kelurahan map), the kelurahan too few to colour, and the
    lowest share coloured with its kelurahan (None when none is coloured)."""
    top = measures.loc[measures["complaints"].idxmax()] if len(measures) else None
    shares = measures.dropna(subset=["share"])
    low = shares.loc[shares["share"].idxmin()] if len(shares) else None
    return {"top_kelurahan": None if top is None else str(top["kelurahan"]),
            "top_complaints": 0 if top is None else int(top["complaints"]),
            "without_complaints": int((measures["complaints"] == 0).sum()),
            "not_on_kelurahan": int((tickets["unit_type"] != "kelurahan").sum()),
            "grey": int(measures["share"].isna().sum()),
            "lowest_kelurahan": None if low is None else str(low["kelurahan"]),
            "lowest_share": None if low is None else float(low["share"])}
