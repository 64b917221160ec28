"""Hotspots: where the month's geotagged complaints crowd together, found by density-based clustering on metres.

DBSCAN (Ester, Kriegel, Sander and Xu, 1996) with each complaint weighing one: a complaint with at least
``hotspot_min_complaints`` complaints (itself included) within ``hotspot_radius_metres`` is a core one; core
complaints within the radius of each other form one hotspot, and a complaint within the radius of a core one
joins the nearest core's hotspot. Everything else is no hotspot. It assumes nothing of a hotspot's shape and
needs no count of hotspots beforehand; the radius is a distance on the ground, so its meaning does not change
with the month's volume.

Complaints at the very same point are clustered as one weighted point, so a month in which thousands of
tickets share one coordinate (an office's, given to tickets without GPS) costs one point, not a
thousand-squared neighbour pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from crmlib.geometry import degrees_xy, metres_xy
from crmlib.ingest.areas import reference
from crmlib.ingest.rules import Rules
from crmlib.metrics.places import geotag_places, geotagged

HOTSPOT_COLUMNS = ("hotspot", "kelurahan", "kecamatan", "complaints", "categories", "first", "last", "longitude",
                   "latitude", "metres")
NO_HOTSPOT = -1


def cluster_labels(xy: np.ndarray, weights: np.ndarray, radius: float, min_weight: float) -> np.ndarray:
    """Weighted DBSCAN of points in metres: each point's cluster (0, 1, ... in the order of each cluster's first
    point) or :data:`NO_HOTSPOT`.

    >>> xy = np.array([[0, 0], [50, 0], [100, 0], [1000, 0], [5000, 0]], dtype=float)
    >>> cluster_labels(xy, np.array([1, 1, 1, 1, 5]), radius=60, min_weight=3).tolist()
    [0, 0, 0, -1, 1]
    """
    labels = np.full(len(xy), NO_HOTSPOT)
    if not len(xy):
        return labels
    tree = cKDTree(xy)
    neighbours = tree.query_ball_point(xy, r=radius)
    weight = np.array([weights[near].sum() for near in neighbours])
    core = np.flatnonzero(weight >= min_weight)
    if not len(core):
        return labels
    core_tree = cKDTree(xy[core])
    pairs = core_tree.query_pairs(radius, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(core), len(core)))
    _, component = connected_components(graph, directed=False)
    # Numbered by each cluster's first core point, so the same points always give the same numbers.
    _, first = np.unique(component, return_index=True)
    renumber = np.empty(len(first), dtype=int)
    renumber[np.argsort(np.argsort(first))] = np.arange(len(first))
    labels[core] = renumber[component]
    others = np.setdiff1d(np.arange(len(xy)), core)
    if len(others):
        distance, nearest = core_tree.query(xy[others], distance_upper_bound=radius)
        reached = np.isfinite(distance)
        labels[others[reached]] = labels[core[nearest[reached]]]
    return labels


def hotspot_of(tickets: pd.DataFrame, rules: Rules) -> pd.Series:
    """Each geotagged ticket's hotspot number (1 for the most complaints; ties by the earlier first complaint), or
    :data:`NO_HOTSPOT`; indexed like those tickets."""
    chosen = geotagged(tickets)
    points = pd.DataFrame({"longitude": chosen["longitude"].astype("float64").to_numpy(),
                           "latitude": chosen["latitude"].astype("float64").to_numpy()})
    distinct = points.value_counts(sort=False).reset_index(name="weight").sort_values(["longitude", "latitude"],
                                                                                       ignore_index=True)
    config = rules.places
    labels = cluster_labels(metres_xy(distinct["longitude"], distinct["latitude"]), distinct["weight"].to_numpy(),
                            config.hotspot_radius_metres, config.hotspot_min_complaints)
    distinct["label"] = labels
    label = points.merge(distinct, how="left", on=["longitude", "latitude"])["label"].to_numpy()
    found = pd.DataFrame({"label": label, "created_at": chosen["created_at"].to_numpy()})[label != NO_HOTSPOT]
    order = (found.groupby("label").agg(size=("label", "size"), first=("created_at", "min"))
             .sort_values(["size", "first"], ascending=[False, True]))
    number = dict(zip(order.index, range(1, len(order) + 1)))
    return pd.Series([number.get(x, NO_HOTSPOT) for x in label], index=chosen.index, dtype="int64")


def hotspots(tickets: pd.DataFrame, rules: Rules, top_categories: int = 3) -> pd.DataFrame:
    """One row per hotspot of the tickets, largest first: its number, the ``kelurahan`` and ``kecamatan`` most of
    its points lie in, its ``complaints``, its ``categories`` (the ``top_categories`` most frequent, with counts),
    its ``first`` and ``last`` complaint, its centre (mean ``longitude``, ``latitude``) and ``metres`` from the
    centre to its farthest complaint."""
    number = hotspot_of(tickets, rules)
    members = tickets.loc[number.index[number != NO_HOTSPOT]].assign(hotspot=number[number != NO_HOTSPOT])
    if members.empty:
        return pd.DataFrame(columns=list(HOTSPOT_COLUMNS))
    names = reference().set_index("kelurahan_code")
    members = members.assign(at_code=geotag_places(members)["at_code"])
    rows = []
    for hotspot, part in members.groupby("hotspot", sort=True):
        xy = metres_xy(part["longitude"], part["latitude"])
        centre = xy.mean(axis=0)
        longitude, latitude = degrees_xy(centre)
        codes = part["at_code"].value_counts()
        code = codes.index[0] if len(codes) else None
        counts = part["category"].value_counts().sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        rows.append({"hotspot": int(hotspot), "kelurahan": None if code is None else names.at[code, "kelurahan"],
                     "kecamatan": None if code is None else names.at[code, "kecamatan"], "complaints": len(part),
                     "categories": [{"category": c, "complaints": int(n)} for c, n in counts.head(top_categories).items()],
                     "first": part["created_at"].min(), "last": part["created_at"].max(),
                     "longitude": round(float(longitude[0]), 5), "latitude": round(float(latitude[0]), 5),
                     "metres": float(np.hypot(*(xy - centre).T).max())})
    return pd.DataFrame(rows, columns=list(HOTSPOT_COLUMNS))
