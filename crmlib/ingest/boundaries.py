"""DKI Jakarta's kelurahan, kecamatan and city boundaries, shipped with the package (crmlib/data/boundaries/).

Keyed by the Kepmendagri codes the official list of areas uses (:func:`crmlib.ingest.areas.reference`'s
``kelurahan_code``; a kecamatan's code is the first eight characters of its kelurahan's, a city's the first five).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Literal

import pandas as pd
import shapely

from crmlib import resources

Level = Literal["kelurahan", "kecamatan", "kota"]


def geojson(level: Level) -> dict:
    """The level's GeoJSON FeatureCollection as shipped ([lng, lat] points)."""
    return json.loads((resources.package_path("data", "boundaries") / f"{level}.geojson").read_text(encoding="utf-8"))


@lru_cache(maxsize=3)
def _shapes(level: Level) -> pd.DataFrame:
    features = geojson(level)["features"]
    return pd.DataFrame({"code": [f["properties"]["code"] for f in features],
                         "name": [f["properties"]["name"] for f in features],
                         "geometry": shapely.from_geojson([json.dumps(f["geometry"]) for f in features])})


def shapes(level: Level) -> pd.DataFrame:
    """One row per area of the level, in code order: ``code``, ``name`` and its ``geometry`` (shapely, lng/lat);
    read once per process, each call a copy.

    >>> kelurahan = shapes("kelurahan")
    >>> len(kelurahan), kelurahan.loc[kelurahan["code"] == "31.71.01.1001", "name"].item()
    (267, 'Gambir')
    """
    return _shapes(level).copy()


def parent_code(code: str, level: Level) -> str:
    """The code of the area of ``level`` that holds an area's code.

    >>> parent_code("31.71.01.1001", "kecamatan"), parent_code("31.71.01.1001", "kota")
    ('31.71.01', '31.71')
    """
    return code[:{"kelurahan": 13, "kecamatan": 8, "kota": 5}[level]]
