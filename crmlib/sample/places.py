"""Where geotagged tickets were reported from, and which export spelling a unit gets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.ingest.areas import CITY_CODES, kelurahan_of
from crmlib.sample.world import GEOTAGGED_CHANNELS, World

# Rough areas (lat_min, lat_max, lon_min, lon_max): inside DKI Jakarta's bounding box.
CITY_BOX = {
    "jakpus": (-6.215, -6.150, 106.800, 106.870), "jakut": (-6.160, -6.100, 106.720, 106.960),
    "jakbar": (-6.230, -6.130, 106.690, 106.800), "jaksel": (-6.350, -6.220, 106.760, 106.860),
    "jaktim": (-6.350, -6.180, 106.860, 106.970), "kepseribu": (-5.950, -5.640, 106.520, 106.700),
}  # fmt: skip
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


def _kelurahan_places(rng: np.random.Generator) -> dict[tuple[str, str], tuple[float, float]]:
    """A rough centre for every kelurahan: kelurahan cluster around their kecamatan."""
    places: dict[tuple[str, str], tuple[float, float]] = {}
    for city in CITY_CODES:
        lat0, lat1, lon0, lon1 = CITY_BOX[city]
        ref = kelurahan_of(city)
        for kec in pd.unique(ref["kecamatan"]):
            klat = rng.uniform(lat0 + 0.01, lat1 - 0.01)
            klon = rng.uniform(lon0 + 0.01, lon1 - 0.01)
            for kel in ref.loc[ref["kecamatan"] == kec, "kelurahan"]:
                lat = float(np.clip(klat + rng.normal(0, 0.008), lat0 + 0.005, lat1 - 0.005))
                lon = float(np.clip(klon + rng.normal(0, 0.008), lon0 + 0.005, lon1 - 0.005))
                places[(city, str(kel))] = (lat, lon)
    return places



def place_and_spell(rng: np.random.Generator, world: World) -> None:
    """Give geotagged tickets a point near their unit, and some rows an alternative unit spelling."""
    places = _kelurahan_places(rng)
    kec_centre: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for (city, kel), p in places.items():
        kec = str(kelurahan_of(city).set_index("kelurahan").loc[kel, "kecamatan"])
        kec_centre.setdefault((city, kec), []).append(p)
    for t in world.tickets:
        if t.unit_type == "kelurahan" and t.unit in EXPORT_VARIANTS and rng.random() < 0.4:
            t.variant = EXPORT_VARIANTS[t.unit][int(rng.integers(len(EXPORT_VARIANTS[t.unit])))]
        if t.channel not in GEOTAGGED_CHANNELS:
            continue
        if t.unit_type == "kelurahan":
            lat, lon = places[(t.city, t.unit)]
        elif t.unit_type == "kecamatan":
            pts = kec_centre[(t.city, t.kecamatan)]
            lat, lon = pts[int(rng.integers(len(pts)))]
        else:
            pts = [p for (c, _k), p in sorted(places.items()) if c == t.city]
            lat, lon = pts[int(rng.integers(len(pts)))]
        t.lat = lat + rng.uniform(-0.004, 0.004)
        t.lon = lon + rng.uniform(-0.004, 0.004)
    for c in world.coordinations:
        if c.unit in EXPORT_VARIANTS and rng.random() < 0.4:
            c.variant = EXPORT_VARIANTS[c.unit][0]

