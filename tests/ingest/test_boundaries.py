"""The shipped boundaries agree with the official list of areas, nest, and do not overlap within a city."""

from __future__ import annotations

import shapely

from crmlib.ingest import areas
from crmlib.ingest.boundaries import parent_code, shapes
from crmlib.resources import package_path

# Neighbouring polygons of the source share borders drawn twice: they may overlap along them by a sliver.
OVERLAP_TOLERANCE = 0.01  # of the smaller polygon's area


def test_every_official_kelurahan_has_exactly_one_polygon_and_every_polygon_one_kelurahan():
    kelurahan, official = shapes("kelurahan"), areas.reference()
    assert kelurahan["code"].is_unique and len(kelurahan) == 267
    assert set(kelurahan["code"]) == set(official["kelurahan_code"])
    # The names agree too, letter case and spacing aside.
    names = official.set_index("kelurahan_code")["kelurahan"]
    differ = [(c, n, names[c]) for c, n in zip(kelurahan["code"], kelurahan["name"])
              if n.casefold().split() != names[c].casefold().split()]
    assert len(differ) <= 10, differ  # a few spellings differ between the two sources (e.g. a dropped hyphen)


def test_kecamatan_and_city_codes_agree_with_their_kelurahan():
    kelurahan, kecamatan, kota = shapes("kelurahan"), shapes("kecamatan"), shapes("kota")
    assert set(kecamatan["code"]) == {parent_code(c, "kecamatan") for c in kelurahan["code"]} and len(kecamatan) == 44
    assert set(kota["code"]) == {parent_code(c, "kota") for c in kelurahan["code"]} and len(kota) == 6
    official = areas.reference()
    by_code = dict(zip(official["kelurahan_code"].map(lambda c: parent_code(c, "kecamatan")), official["kecamatan"]))
    assert all(name.casefold() == by_code[code].casefold() for code, name in zip(kecamatan["code"], kecamatan["name"]))


def test_each_kelurahan_lies_within_its_kecamatan_and_city():
    kelurahan = shapes("kelurahan")
    for level in ("kecamatan", "kota"):
        parents = shapes(level).set_index("code")["geometry"]
        for code, geometry in zip(kelurahan["code"], kelurahan["geometry"]):
            inside = shapely.area(shapely.intersection(geometry, parents[parent_code(code, level)]))
            assert inside >= 0.95 * shapely.area(geometry), (code, level)


def test_the_kelurahan_of_a_city_do_not_overlap_beyond_a_sliver():
    kelurahan = shapes("kelurahan")
    geometries = kelurahan["geometry"].to_numpy()
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right) if i < j]
    assert len(pairs) > 500  # neighbours touch: the check has pairs to judge
    overlaps = [(kelurahan["code"][i], kelurahan["code"][j]) for i, j in pairs
                if shapely.area(shapely.intersection(geometries[i], geometries[j]))
                > OVERLAP_TOLERANCE * min(shapely.area(geometries[i]), shapely.area(geometries[j]))]
    assert overlaps == []


def test_the_licence_travels_with_the_data():
    folder = package_path("data", "boundaries")
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "cahyadsn/wilayah_boundaries" in (folder / "README.md").read_text(encoding="utf-8")
