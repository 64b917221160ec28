"""Where geotagged tickets were reported from, and which export spelling a unit gets."""

from __future__ import annotations

import numpy as np
import shapely
import shapely.ops

from crmlib.geometry import degrees_xy, metres_shape, metres_xy, points_inside
from crmlib.ingest import boundaries
from crmlib.ingest.areas import reference
from crmlib.sample.world import GEOTAGGED_CHANNELS, World

# Export spellings besides the official one, used on some rows of these units.
EXPORT_VARIANTS = {
    "Halim Perdana Kusuma": ("KELURAHAN HALIM PERDANA KUSUMAH",),
    "Pulo Gebang": ("KELURAHAN PULOGEBANG",),
    "Kramatjati": ("KELURAHAN KRAMAT JATI",),
    "Balekambang": ("KELURAHAN BALE KAMBANG",),
    "Bali Mester": ("KELURAHAN BALIMESTER",),
    "Pinangranti": ("KELURAHAN PINANG RANTI",),
    "Pulo Gadung": ("KELURAHAN PULOGADUNG",),
}


# Ticket points: most anywhere in the unit's kelurahan, some around a few busy spots (a market, a station),
# all with a phone's fix error. Spots lie well inside the border, so a clean geotag strays across it by no more
# than the fix error: the rules' tolerance band is wider than that.
BUSY_SPOTS = 3
BUSY_SHARE = 0.35
BUSY_SPREAD_METRES = 40.0
BUSY_INSETS_METRES = (250.0, 150.0, 100.0)  # the deepest that leaves room; a kelurahan too thin has no spot
FIX_ERROR_METRES = 12.0


def _kelurahan_shapes() -> dict[tuple[str, str], shapely.Geometry]:
    """Every kelurahan's polygon in metres, keyed (city, official name)."""
    ref = reference().set_index("kelurahan_code")
    shapes = boundaries.shapes("kelurahan")
    return {(str(ref.at[code, "city_code"]), str(ref.at[code, "kelurahan"])): metres_shape(geometry)
            for code, geometry in zip(shapes["code"], shapes["geometry"])}


def _points(shape: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` complaint points in a kelurahan, as metres."""
    points = points_inside(shape, count, rng)
    inner = next((inner for inset in BUSY_INSETS_METRES if (inner := shape.buffer(-inset)).area > 0), None)
    if inner is not None:
        spots = points_inside(inner, BUSY_SPOTS, rng)
        busy = rng.random(count) < BUSY_SHARE
        points[busy] = (spots[rng.integers(BUSY_SPOTS, size=int(busy.sum()))]
                        + rng.normal(0, BUSY_SPREAD_METRES, (int(busy.sum()), 2)))
    return points + rng.normal(0, FIX_ERROR_METRES, points.shape)


def place_and_spell(rng: np.random.Generator, world: World, places_rng: np.random.Generator) -> None:
    """Give geotagged tickets a point in their unit's area (a kecamatan's or city's: in one of its kelurahan),
    drawn from ``places_rng``, and some rows an alternative unit spelling."""
    kelurahan = reference()
    by_area = {("kecamatan", city, kec): sorted(part["kelurahan"])
               for (city, kec), part in kelurahan.groupby(["city_code", "kecamatan"])}
    by_area |= {("kota", city, city): sorted(part["kelurahan"]) for city, part in kelurahan.groupby("city_code")}
    where: dict[tuple[str, str], list] = {}
    for t in world.tickets:
        if t.unit_type == "kelurahan" and t.unit in EXPORT_VARIANTS and rng.random() < 0.4:
            t.variant = EXPORT_VARIANTS[t.unit][int(rng.integers(len(EXPORT_VARIANTS[t.unit])))]
        if t.channel not in GEOTAGGED_CHANNELS:
            continue
        if t.unit_type == "kelurahan":
            kel = t.unit
        else:
            names = by_area[(t.unit_type, t.city, t.kecamatan if t.unit_type == "kecamatan" else t.city)]
            kel = names[int(places_rng.integers(len(names)))]
        where.setdefault((t.city, kel), []).append(t)
    shapes = _kelurahan_shapes()
    for key in sorted(where):
        longitude, latitude = degrees_xy(_points(shapes[key], len(where[key]), places_rng))
        for t, lon, lat in zip(where[key], longitude, latitude):
            t.lat, t.lon = float(lat), float(lon)
    for c in world.coordinations:
        if c.unit in EXPORT_VARIANTS and rng.random() < 0.4:
            c.variant = EXPORT_VARIANTS[c.unit][0]


def across_border(city: str, kelurahan: str, lon: float, lat: float, metres: float) -> tuple[float, float]:
    """A point of the kelurahan moved across its nearest border until it lies ``metres`` outside it (lon, lat)."""
    shape = _kelurahan_shapes()[(city, kelurahan)]
    point = shapely.Point(metres_xy([lon], [lat])[0])
    border = shapely.ops.nearest_points(shape.boundary, point)[0]
    direction = np.subtract(border.coords[0], point.coords[0])
    direction /= np.hypot(*direction)
    step = metres
    while shape.distance(moved := shapely.Point(np.add(border.coords[0], direction * step))) < metres:
        step += 10  # a border that bends back towards the point: go on further along the same line
    longitude, latitude = degrees_xy(np.array(moved.coords[0]))
    return float(longitude[0]), float(latitude[0])
