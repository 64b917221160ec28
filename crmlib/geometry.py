"""Distances in metres around Jakarta: points and shapes on a local plane, and random points inside a shape.

An equirectangular plane at 6.2 degrees south is good to well under 1% across DKI Jakarta's mainland (and
its islands' own sizes), which is all a tolerance of tens of metres needs; no projection library is worth it.
"""

from __future__ import annotations

import numpy as np
import shapely

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON = 111_320.0 * float(np.cos(np.radians(6.2)))


def metres_xy(longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    """Points as (x, y) metres on the local plane, one row per point.

    >>> metres_xy(np.array([106.0]), np.array([-6.0])).round(0).tolist()
    [[11730902.0, -663444.0]]
    """
    return np.column_stack([np.asarray(longitude, dtype="float64") * METRES_PER_DEGREE_LON,
                            np.asarray(latitude, dtype="float64") * METRES_PER_DEGREE_LAT])


def metres_shape(geometry: shapely.Geometry | np.ndarray) -> shapely.Geometry | np.ndarray:
    """A lng/lat shape (or an array of them) drawn on the local plane in metres."""
    return shapely.transform(geometry, lambda xy: xy * (METRES_PER_DEGREE_LON, METRES_PER_DEGREE_LAT))


def degrees_xy(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres on the local plane back to (longitude, latitude) arrays."""
    xy = np.asarray(xy, dtype="float64").reshape(-1, 2)
    return xy[:, 0] / METRES_PER_DEGREE_LON, xy[:, 1] / METRES_PER_DEGREE_LAT


def points_inside(shape: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points drawn uniformly inside a shape (rejection from its bounding box), as (x, y) rows.

    >>> square = shapely.box(0, 0, 10, 10)
    >>> points = points_inside(square, 5, np.random.default_rng(1))
    >>> points.shape, bool(shapely.contains_xy(square, points[:, 0], points[:, 1]).all())
    ((5, 2), True)
    """
    if shape.is_empty or shape.area == 0:
        raise ValueError("cannot draw points inside an empty shape")
    x0, y0, x1, y1 = shape.bounds
    shapely.prepare(shape)
    found: list[np.ndarray] = []
    have = 0
    while have < count:
        # Draw in batches sized by the shape's share of its box, so thin islands need few rounds.
        batch = max(16, int((count - have) * (x1 - x0) * (y1 - y0) / shape.area * 1.2))
        xy = np.column_stack([rng.uniform(x0, x1, batch), rng.uniform(y0, y1, batch)])
        xy = xy[shapely.contains_xy(shape, xy[:, 0], xy[:, 1])]
        found.append(xy)
        have += len(xy)
    return np.concatenate(found)[:count]
