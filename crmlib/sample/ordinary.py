"""Ordinary (uncalibrated) city-months: plausible random tickets and coordinations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.ingest.areas import CITY_CODES, kelurahan_of
from crmlib.sample.world import (
    CATEGORIES,
    CHANNELS,
    YEAR,
    Coordination,
    Ticket,
    World,
    max_hours,
    month_bounds,
    pick_subcategory,
    random_times,
    response_within,
)  # fmt: skip

# Typical tickets per month; the calibrated months override theirs.
BASE_VOLUME = {"jakpus": 255, "jakut": 340, "jakbar": 450, "jaksel": 480, "jaktim": 500, "kepseribu": 16}
VOLUME_RANGE = {
    "jakpus": (230, 280), "jakut": (300, 390), "jakbar": (400, 510),
    "jaksel": (420, 540), "jaktim": (450, 550), "kepseribu": (8, 26),
}  # fmt: skip


@dataclass
class CityProfile:
    """A city's lasting habits: which units get tickets how often, and how often kelurahan coordinate."""

    units: list[tuple[str, str | None, str | None]]  # (unit_type, kecamatan, unit)
    weights: np.ndarray
    coord_rate: dict[str, float]  # kelurahan -> coordinations per month


def city_profiles(rng: np.random.Generator) -> dict[str, CityProfile]:
    """One profile per city, drawn once so a unit stays busy or quiet all year."""
    profiles = {}
    for city in CITY_CODES:
        ref = kelurahan_of(city)
        units: list[tuple[str, str | None, str | None]] = []
        weights: list[float] = []
        kel_w = rng.gamma(2.0, 1.0, size=len(ref))
        for (kec, kel), w in zip(ref[["kecamatan", "kelurahan"]].itertuples(index=False), kel_w):
            units.append(("kelurahan", str(kec), str(kel)))
            weights.append(float(w) + 0.15)
        mean_w = float(np.mean(weights))
        for kec in pd.unique(ref["kecamatan"]):
            units.append(("kecamatan", str(kec), str(kec)))
            weights.append(0.12 * mean_w)
        units.append(("kota", None, None))
        weights.append(0.035 * sum(weights))
        per_kel = 25.0 * BASE_VOLUME[city] / 500.0 * 65 / len(ref)
        rates = rng.gamma(3.0, per_kel / 3.0, size=len(ref))
        coord_rate = {str(k): float(r) + 0.5 for k, r in zip(ref["kelurahan"], rates)}
        w = np.array(weights)
        profiles[city] = CityProfile(units, w / w.sum(), coord_rate)
    return profiles


def _volume(rng: np.random.Generator, city: str, month: int) -> int:
    # Rainy months bring more drainage and rubbish complaints; Lebaran (May) fewer.
    season = {1: 1.06, 2: 1.05, 3: 1.0, 4: 0.98, 5: 0.92, 6: 1.0, 7: 1.0, 8: 1.0, 9: 0.99, 10: 1.02, 11: 1.04, 12: 1.03}
    lo, hi = VOLUME_RANGE[city]
    return int(np.clip(round(BASE_VOLUME[city] * season[month] * rng.normal(1.0, 0.05)), lo, hi))


def ordinary_month(rng: np.random.Generator, world: World, profile: CityProfile, city: str, month: int) -> None:
    """Add one uncalibrated city-month: random tickets, a few late or rejected, and their coordinations."""
    volume = _volume(rng, city, month)
    counts = rng.multinomial(volume, profile.weights)
    if month == 1:
        # Every kelurahan appears at least once in the year.
        counts = np.where([u[0] == "kelurahan" for u in profile.units], np.maximum(counts, 1), counts)
    cat_w = np.array([w for _c, w, _s in CATEGORIES], dtype=float)
    ch_w = np.array([w for _c, w in CHANNELS], dtype=float)
    month_tickets = []
    for (unit_type, kec, unit), n in zip(profile.units, counts):
        for created in random_times(rng, month, int(n)):
            category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=cat_w / cat_w.sum()))][0]
            t = Ticket(city, unit_type, kec, unit, created)
            t.category = category
            t.subcategory = pick_subcategory(rng, category)
            t.channel = CHANNELS[int(rng.choice(len(CHANNELS), p=ch_w / ch_w.sum()))][0]
            limit = max_hours(category) * 60
            t.completion = int(np.clip(round(rng.lognormal(np.log(100), 1.2)), 3, limit))
            t.response = (
                response_within(rng, t.completion)
                if rng.random() < 0.82 or t.completion <= 360
                else int(rng.integers(361, t.completion + 1))
            )
            t.rejected = int(rng.choice(4, p=[0.93, 0.06, 0.008, 0.002]))
            month_tickets.append(t)
    if month_tickets:
        # A few late follow-ups and a rejected-twice ticket so those tables have rows.
        n_late = max(1, int(rng.binomial(len(month_tickets), 0.004)))
        for i in rng.choice(len(month_tickets), size=min(n_late, len(month_tickets)), replace=False):
            t = month_tickets[int(i)]
            t.completion = int(round(max_hours(t.category) * 60 * rng.uniform(1.05, 2.3)))
            t.response = response_within(rng, t.completion)
        if not any(t.rejected >= 2 for t in month_tickets):
            month_tickets[int(rng.integers(len(month_tickets)))].rejected = 2
    if month == 12:
        # The export was taken early in January: the last days still have open tickets.
        for t in month_tickets:
            if t.created >= dt.datetime(YEAR, 12, 27) and rng.random() < 0.25:
                t.status = "Wait" if rng.random() < 0.4 else "In Progres"
                t.completion = None
                if t.status == "Wait":
                    t.response = None
    world.tickets.extend(month_tickets)
    ordinary_coordinations(rng, world, profile, city, month, month_tickets)


def head_coordinations(
    rng: np.random.Generator, city: str, month: int, tickets: list[Ticket], kelurahan: list[tuple[str, str]]
) -> list[Coordination]:
    """Head-unit and kecamatan tickets passed to a kelurahan, when that happens within the month."""
    start, end = month_bounds(month)
    out = []
    for t in tickets:
        if t.unit_type == "kelurahan" or t.response is None:
            continue
        when = t.created + dt.timedelta(minutes=t.response)
        if when >= end or rng.random() > 0.6:
            continue
        kec, kel = kelurahan[int(rng.integers(len(kelurahan)))]
        out.append(Coordination(city, kec, kel, when, 0, ticket=t))
    return out


def ordinary_coordinations(
    rng: np.random.Generator, world: World, profile: CityProfile, city: str, month: int, tickets: list[Ticket]
) -> None:
    """Add a city-month's coordinations: head-unit tickets passed down, and each kelurahan's own."""
    ref = kelurahan_of(city)
    kelurahan = [(str(k), str(name)) for k, name in ref[["kecamatan", "kelurahan"]].itertuples(index=False)]
    coords = head_coordinations(rng, city, month, tickets, kelurahan)
    for kec, kel in kelurahan:
        n = int(rng.poisson(profile.coord_rate[kel]))
        for when in random_times(rng, month, n):
            coords.append(Coordination(city, kec, kel, when, 0))
    for c in coords:
        c.duration = int(np.clip(round(rng.lognormal(np.log(70), 1.1)), 1, 60 * 24 * 4))
    world.coordinations.extend(coords)

