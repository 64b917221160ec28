"""One documented anomaly of each kind, planted in ordinary city-months so the explorer has something to find.

Each entry of PLANTED says where the anomaly is and what was done; the
sample's README lists the same, and a test checks the scan finds each one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from crmlib.geometry import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON
from crmlib.sample.places import across_border
from crmlib.sample.world import Coordination, Ticket, World, max_hours, month_bounds, random_times, response_within


@dataclass(frozen=True)
class Planted:
    """Where one planted anomaly is, and what was done to the data."""

    kind: str
    city: str
    month: int
    unit: str  # official kelurahan name
    what: str


PLANTED = (
    Planted("volume_spike", "jakbar", 10, "Tangki", "complaints tripled: every ticket of the month gets two "
            "more at other times"),
    Planted("volume_drop", "jaksel", 9, "Karet Kuningan", "all but 2 of the month's complaints removed"),
    Planted("slower_completion", "jakut", 10, "Sunter Agung", "every follow-up of the month takes 5 times as long"),
    Planted("slower_response", "jakbar", 11, "Slipi", "every response of the month comes after 8 to 30 hours, "
            "and its follow-up that much later (so slower_completion flags it too)"),
    Planted("fast_closure", "jaktim", 9, "Rawamangun", "the month's first ticket is completed 2 minutes after "
            "it came in"),
    Planted("batch_closure", "jakpus", 10, "Kebon Kelapa", "4 tickets of one day completed in the same minute"),
    Planted("time_order", "jaksel", 3, "Pulo", "the month's first ticket is completed 2 hours before it came in, "
            "and a provincial ticket (not in the export) coordinated to Pulo a day later is processed an hour "
            "before it was coordinated"),
    Planted("geotag_outside", "jaksel", 6, "Guntur", "the month's first geotagged ticket moved across the "
            "nearest border, 300 m into the neighbouring kelurahan"),
    Planted("duplicate_burst", "jakbar", 7, "Keagungan", "4 fallen-tree complaints within 30 m and 80 minutes"),
    Planted("backlog_aged", "jaktim", 8, "Bidara Cina", "the month's first 3 tickets left open (In Progres)"),
)
_BY_KIND = {p.kind: p for p in PLANTED}
BURST_MINUTES = (0, 20, 45, 80)
OUTSIDE_METRES = 300


def _own(world: World, kind: str) -> list[Ticket]:
    """The planted unit's tickets of its month, in creation order."""
    p = _BY_KIND[kind]
    start, end = month_bounds(p.month)
    own = sorted((t for t in world.tickets if t.city == p.city and t.unit_type == "kelurahan" and t.unit == p.unit
                  and start <= t.created < end), key=lambda t: t.created)
    if len(own) < 4:
        raise AssertionError(f"{p.unit} ({p.city}, month {p.month}) has too few tickets to plant {kind}")
    return own


def plant_tickets(rng: np.random.Generator, world: World) -> list[Ticket]:
    """Plant every kind but the geotag ones' places (see :func:`plant_places`); return the burst's tickets."""
    spike = _own(world, "volume_spike")
    month = _BY_KIND["volume_spike"].month
    for t in spike:
        for created in random_times(rng, month, 2):
            world.tickets.append(replace(t, created=created, fixed_id=None, variant=None))

    dropped = set(map(id, _own(world, "volume_drop")[2:]))
    world.tickets[:] = [t for t in world.tickets if id(t) not in dropped]

    for t in _own(world, "slower_completion"):
        t.completion *= 5

    for t in _own(world, "slower_response"):
        t.response = int(rng.integers(8 * 60, 30 * 60 + 1))
        t.completion += t.response

    fast = _own(world, "fast_closure")[0]
    fast.completion, fast.response = 2, 1

    own = _own(world, "batch_closure")
    spans = [own[i + 3].created - own[i].created for i in range(len(own) - 3)]
    first = int(np.argmin(spans))
    batch = own[first:first + 4]
    moment = batch[-1].created + dt.timedelta(hours=2)
    for t in batch:
        t.completion = int((moment - t.created).total_seconds() // 60)
        t.response = min(t.response, t.completion)
        if t.completion > max_hours(t.category) * 60:
            raise AssertionError(f"the planted batch would be late: {t}")

    early = _own(world, "time_order")[0]
    early.completion = -120
    world.coordinations.append(Coordination(early.city, str(early.kecamatan), str(early.unit),
                                            early.created + dt.timedelta(days=1), -60))

    for t in _own(world, "backlog_aged")[:3]:
        t.status, t.completion = "In Progres", None

    p = _BY_KIND["duplicate_burst"]
    template = _own(world, "duplicate_burst")[0]
    start = dt.datetime(2022, p.month, 14, 16, 5)
    burst = []
    for minutes in BURST_MINUTES:
        t = replace(template, created=start + dt.timedelta(minutes=minutes), category="Pohon",
                    subcategory="Pohon Tumbang", channel="JAKI", fixed_id=None, variant=None, rejected=0,
                    completion=int(rng.integers(120, 600)))
        t.response = response_within(rng, t.completion)
        burst.append(t)
    world.tickets.extend(burst)
    return burst


def plant_places(rng: np.random.Generator, world: World, burst: list[Ticket]) -> None:
    """Move one geotag across its kelurahan's border and put the burst's complaints at one spot (after places are
    given)."""
    outside = next(t for t in _own(world, "geotag_outside") if t.lat is not None)
    p = _BY_KIND["geotag_outside"]
    outside.lon, outside.lat = across_border(p.city, p.unit, outside.lon, outside.lat, OUTSIDE_METRES)
    for t in burst[1:]:
        t.lat = burst[0].lat + rng.uniform(-10, 10) / METRES_PER_DEGREE_LAT
        t.lon = burst[0].lon + rng.uniform(-10, 10) / METRES_PER_DEGREE_LON
