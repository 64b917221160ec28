"""Deterministic SYNTHETIC CRM export for 2022, all six regions of DKI Jakarta.

The data is invented. Two city-months are calibrated so that the package,
run on them, reproduces every figure the seed reports publish: Jakarta Timur
June 2022 and Jakarta Pusat July 2022. Every other city-month is plausible
random data with a few late and rejected follow-ups, so each report table has
rows. The other months of the two calibrated cities are drawn from their
calibrated month's habits, so it does not stand out from its own history.
One anomaly of each kind the explorer flags is planted on purpose
(``crmlib.sample.planted``). Same seed -> same frames -> same file bytes.

Run ``python -m crmlib.sample`` to regenerate ``crmlib/data/sample/``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.ingest.areas import CITY_CODES
from crmlib.resources import sample_dir
from crmlib.sample.calibrated import jakpus_july, jaktim_june
from crmlib.sample.export import (
    CITY_EXPORT_NAME,
    COORDINATION_COLUMNS,
    COORDINATIONS_FILE,
    HEAD_EXPORT_NAME,
    TICKET_COLUMNS,
    TICKETS_FILE,
    coordinations_frame,
    gzip_csv,
    tickets_frame,
)  # fmt: skip
from crmlib.sample.ids import assign_ids
from crmlib.sample.ordinary import (
    BASE_VOLUME,
    VOLUME_RANGE,
    city_profiles,
    ordinary_month,
    profile_from_month,
    quick_closures,
)  # fmt: skip
from crmlib.sample.places import place_and_spell
from crmlib.sample.planted import PLANTED, plant_places, plant_tickets
from crmlib.sample.world import GEOTAGGED_CHANNELS, YEAR, World

CALIBRATED = (("jaktim", 6), ("jakpus", 7))

__all__ = [
    "BASE_VOLUME", "CITY_EXPORT_NAME", "COORDINATIONS_FILE", "COORDINATION_COLUMNS", "GEOTAGGED_CHANNELS",
    "HEAD_EXPORT_NAME", "PLANTED", "TICKETS_FILE", "TICKET_COLUMNS", "VOLUME_RANGE", "YEAR",
    "export_bytes", "generate", "main", "write_sample",
]  # fmt: skip


def generate(seed: int = 2022) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the synthetic export (tickets, coordinations) as text frames, export headers and spellings.

    Example: ``tickets, coordinations = generate()``; ``write_sample()`` saves them.
    """
    rng = np.random.default_rng(seed)
    world = World()
    profiles = city_profiles(rng)
    # The calibrated months come first: their cities' other months are drawn from their habits.
    profiles["jaktim"] = profile_from_month(profiles["jaktim"], jaktim_june(rng, world))
    profiles["jakpus"] = profile_from_month(profiles["jakpus"], jakpus_july(rng, world, profiles["jakpus"]))
    for month in range(1, 13):
        for city in CITY_CODES:
            if (city, month) not in CALIBRATED:
                ordinary_month(rng, world, profiles[city], city, month)
    burst = plant_tickets(rng, world)
    assign_ids(rng, world)
    # Places have a stream of their own, so that drawing them differently leaves every other column as it was.
    place_and_spell(rng, world, np.random.default_rng([seed, 1]))
    plant_places(rng, world, burst)
    quick_closures(np.random.default_rng([seed, 2]), world, {(p.city, p.month, p.unit) for p in PLANTED})
    return tickets_frame(world), coordinations_frame(world)


def export_bytes(seed: int = 2022) -> tuple[bytes, bytes]:
    """The gzipped CSV bytes of both files, as write_sample writes them."""
    tickets, coordinations = generate(seed)
    return (
        gzip_csv(tickets, TICKETS_FILE.removesuffix(".gz")),
        gzip_csv(coordinations, COORDINATIONS_FILE.removesuffix(".gz")),
    )


def write_sample(out_dir: Path | str | None = None, seed: int = 2022) -> tuple[Path, Path]:
    """Write both sample files into out_dir (default: the package's sample folder); return their paths."""
    out = sample_dir() if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / TICKETS_FILE, out / COORDINATIONS_FILE)
    for path, data in zip(paths, export_bytes(seed)):
        path.write_bytes(data)
    return paths


def main() -> None:
    """Regenerate the bundled sample files."""
    for path in write_sample():
        print(f"{path}  {path.stat().st_size:,} bytes")
