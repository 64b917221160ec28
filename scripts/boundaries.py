"""Convert DKI Jakarta's boundary polygons, once, into the package's GeoJSON (crmlib/data/boundaries/).

Source: the public GitHub repository `cahyadsn/wilayah_boundaries`, MIT License, commit
3c5a7960f4d227a38489094d84252bdbb3f978a5 (a copy lies in ../shared/data/wilayah_boundaries with its SOURCE.md):
`db/kel/31/wilayah_boundaries_kel_31.{01,71,72,73,74,75}.sql` (the 267 kelurahan), `db/kec/..._kec_31.sql` (the 44
kecamatan) and `db/kab/..._kab_31.sql` (the 6 cities/regency). Each file holds SQL rows
`('kode','nama',lat,lng,'path')`: the Kepmendagri code, the name, a centre point and a JSON polygon (three levels of
lists) or multipolygon (four) whose points are [lat, lng].

The conversion: each kelurahan row becomes a GeoJSON Feature with properties ``code`` and ``name`` and its
geometry as a Polygon or MultiPolygon with points in GeoJSON's [lng, lat] order, rounded to 6 decimals (about
0,1 m, far below the source's own precision); nothing is simplified. The source's kecamatan and city polygons are
not drawn on the same lines as its kelurahan (kelurahan Bungur, 31.71.04.1006, lies 68% in kecamatan Kemayoran's
polygon and 41% in its own Senen's; Makasar, 31.75.08.1001, 40% in Makasar's), so a map would show kelurahan
across their kecamatan's border: each kecamatan and city is instead the union of its kelurahan, named as the
source names it. One FeatureCollection per level, features in code order: kelurahan.geojson, kecamatan.geojson,
kota.geojson, with the source's LICENSE beside them.

    python scripts/boundaries.py ../shared/data/wilayah_boundaries
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

import shapely

OUT = Path(__file__).resolve().parents[1] / "crmlib" / "data" / "boundaries"
LEVELS = {"kelurahan": "db/kel/31/*.sql", "kecamatan": "db/kec/*.sql", "kota": "db/kab/*.sql"}
_ROW = re.compile(r"\('([\d.]+)','((?:[^']|'')*)',(-?[\d.]+),(-?[\d.]+),'(\[[^']*\])'\)")


def _depth(value: object) -> int:
    depth = 0
    while isinstance(value, list):
        depth, value = depth + 1, value[0]
    return depth


def _lng_lat(points: list) -> list:
    """[lat, lng] points (at any depth of rings and polygons) as [lng, lat], 6 decimals."""
    if points and isinstance(points[0], (int, float)):
        lat, lng = points[:2]
        return [round(lng, 6), round(lat, 6)]
    return [_lng_lat(part) for part in points]


def feature(code: str, name: str, path: str) -> dict:
    """One source row as a GeoJSON Feature.

    >>> feature("31.71.01.1001", "Gambir", "[[[-6.1, 106.8], [-6.2, 106.8], [-6.2, 106.9], [-6.1, 106.8]]]")["geometry"]
    {'type': 'Polygon', 'coordinates': [[[106.8, -6.1], [106.8, -6.2], [106.9, -6.2], [106.8, -6.1]]]}
    """
    polygon = json.loads(path)
    kind = {3: "Polygon", 4: "MultiPolygon"}[_depth(polygon)]
    return {"type": "Feature", "properties": {"code": code, "name": name.replace("''", "'")},
            "geometry": {"type": kind, "coordinates": _lng_lat(polygon)}}


def _rows(source: Path, level: str) -> list[tuple[str, str, str, str, str]]:
    return [match for path in sorted(source.glob(LEVELS[level])) for match in _ROW.findall(path.read_text("utf-8"))]


def dissolved(kelurahan: list[dict], code: str, name: str) -> dict:
    """The union of the kelurahan whose codes start with ``code``, as a Feature named ``name``."""
    parts = [shapely.from_geojson(json.dumps(f["geometry"])) for f in kelurahan
             if f["properties"]["code"].startswith(code + ".")]
    union = json.loads(shapely.to_geojson(shapely.union_all(parts)))
    return {"type": "Feature", "properties": {"code": code, "name": name.replace("''", "'")},
            "geometry": {"type": union["type"], "coordinates": _rounded(union["coordinates"])}}


def _rounded(points: list) -> list:
    if points and isinstance(points[0], (int, float)):
        return [round(value, 6) for value in points[:2]]
    return [_rounded(part) for part in points]


def convert(source: Path, out: Path = OUT) -> dict[str, int]:
    """Write the three levels' GeoJSON and the licence into ``out``; the number of features of each level."""
    out.mkdir(parents=True, exist_ok=True)
    kelurahan = sorted((feature(code, name, path) for code, name, _lat, _lng, path in _rows(source, "kelurahan")),
                       key=lambda f: f["properties"]["code"])
    levels = {"kelurahan": kelurahan}
    for level in ("kecamatan", "kota"):
        levels[level] = sorted((dissolved(kelurahan, code, name) for code, name, *_ in _rows(source, level)),
                               key=lambda f: f["properties"]["code"])
    counts = {}
    for level, features in levels.items():
        collection = {"type": "FeatureCollection", "features": features}
        (out / f"{level}.geojson").write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
                                              encoding="utf-8")
        counts[level] = len(features)
    (out / "LICENSE").unlink(missing_ok=True)  # the source copy is read-only; its mode is not kept
    shutil.copyfile(source / "LICENSE", out / "LICENSE")
    return counts


def main(argv: list[str] | None = None) -> int:
    """Convert, and print how many polygons each level has."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the copy of cahyadsn/wilayah_boundaries (its db/ folder inside)")
    args = parser.parse_args(argv)
    for level, count in convert(args.source).items():
        print(f"{level:<10} {count:4d} polygons")
    return 0


if __name__ == "__main__":
    sys.exit(main())
