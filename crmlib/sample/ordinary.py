"""Ordinary (uncalibrated) city-months: plausible random tickets and coordinations.

A city with a calibrated month keeps that month's habits all year: each unit's
share of the complaints, the categories, and each unit's follow-up and response
times are drawn from the calibrated month, so the calibrated month does not
stand out from its own history.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property

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


# The shortest follow-up an ordinary month draws, in minutes; quicker ones are placed afterwards
# (:func:`quick_closures`).
SHORTEST_FOLLOW_UP = 6
# A crew already on the spot (PPSU cleaning a street) closes some complaints within minutes: this share of the
# ordinary months' kelurahan tickets is completed 1 to 10 minutes after it came in, as in real exports.
QUICK_SHARE = 0.02
QUICKEST, QUICK_UP_TO = 1, 10
# A unit's own calibrated tickets count this much against the city's when its times are drawn.
CITY_POOL_WEIGHT = 3.0
# Expected tickets a month added to every unit of a calibrated city: a unit without a complaint in the
# calibrated month still gets one now and then.
UNIT_PRIOR = 0.5

Unit = tuple[str, str | None, str | None]  # (unit_type, kecamatan, unit)


@dataclass(frozen=True)
class CityProfile:
    """A city's lasting habits: which units get tickets how often, and how often kelurahan coordinate.

    A profile learnt from a calibrated month also holds its category weights and, per unit, the
    (follow-up, response) minutes of that month's tickets.
    """

    units: list[Unit]
    weights: np.ndarray
    coord_rate: dict[str, float]  # kelurahan -> coordinations per month
    category_weights: np.ndarray | None = None
    durations: dict[Unit, list[tuple[int, int]]] | None = None

    @cached_property
    def city_durations(self) -> list[tuple[int, int]]:
        """Every unit's (follow-up, response) minutes of the calibrated month, in one list."""
        return [pair for pairs in (self.durations or {}).values() for pair in pairs]


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


def profile_from_month(profile: CityProfile, tickets: list[Ticket]) -> CityProfile:
    """The city's habits as its calibrated month shows them: unit shares, categories and times."""
    counts = Counter((t.unit_type, t.kecamatan, t.unit) for t in tickets)
    unknown = set(counts) - set(profile.units)
    if unknown:
        raise AssertionError(f"calibrated tickets of units outside the city: {sorted(unknown, key=str)}")
    weights = np.array([counts.get(u, 0) + UNIT_PRIOR for u in profile.units])
    categories = Counter(t.category for t in tickets)
    durations: dict[Unit, list[tuple[int, int]]] = {}
    for t in tickets:
        durations.setdefault((t.unit_type, t.kecamatan, t.unit), []).append((t.completion, t.response))
    return replace(profile, weights=weights / weights.sum(),
                   category_weights=np.array([categories.get(c, 0) + 0.5 for c, _w, _s in CATEGORIES]),
                   durations=durations)


def _learnt_times(rng: np.random.Generator, profile: CityProfile, unit: Unit) -> tuple[int, int]:
    """(follow-up, response) minutes like the calibrated month's: one of the unit's own tickets, or (more
    often for a unit with few) one of the city's, scaled by a small random factor."""
    own = profile.durations.get(unit, [])
    pool = own if own and rng.random() < len(own) / (len(own) + CITY_POOL_WEIGHT) else profile.city_durations
    completion, response = pool[int(rng.integers(len(pool)))]
    factor = rng.lognormal(0.0, 0.25)
    # Never past a week, the longest maximum follow-up time: late follow-ups are placed on purpose.
    completion = int(np.clip(round(completion * factor), SHORTEST_FOLLOW_UP, max_hours("") * 60))
    return completion, max(1, min(completion, int(round(response * factor))))


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
    cat_w = profile.category_weights
    if cat_w is None:
        cat_w = np.array([w for _c, w, _s in CATEGORIES], dtype=float)
    ch_w = np.array([w for _c, w in CHANNELS], dtype=float)
    month_tickets = []
    for unit_key, n in zip(profile.units, counts):
        for created in random_times(rng, month, int(n)):
            t = Ticket(city, *unit_key, created)
            if profile.durations is not None:
                t.completion, t.response = _learnt_times(rng, profile, unit_key)
                # A follow-up over 48 h cannot be rubbish: that would make it late.
                allowed = cat_w * np.array([t.completion <= max_hours(c) * 60 for c, _w, _s in CATEGORIES])
                t.category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=allowed / allowed.sum()))][0]
            else:
                t.category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=cat_w / cat_w.sum()))][0]
                limit = max_hours(t.category) * 60
                t.completion = int(np.clip(round(rng.lognormal(np.log(100), 1.2)), SHORTEST_FOLLOW_UP, limit))
                t.response = (
                    response_within(rng, t.completion)
                    if rng.random() < 0.82 or t.completion <= 360
                    else int(rng.integers(361, t.completion + 1))
                )
            t.subcategory = pick_subcategory(rng, t.category)
            t.channel = CHANNELS[int(rng.choice(len(CHANNELS), p=ch_w / ch_w.sum()))][0]
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



def quick_closures(rng: np.random.Generator, world: World, leave: set[tuple[str, int, str]]) -> None:
    """Complete :data:`QUICK_SHARE` of the ordinary months' completed kelurahan tickets within minutes, drawn from
    ``rng`` (a stream of its own, so that the rest of the sample stays as it was); the calibrated months and the
    (city, month, unit) in ``leave`` keep theirs."""
    from crmlib.sample import CALIBRATED

    for t in world.tickets:
        if (t.unit_type != "kelurahan" or t.completion is None or (t.city, t.created.month) in CALIBRATED
                or (t.city, t.created.month, t.unit) in leave):
            continue
        if rng.random() < QUICK_SHARE:
            t.completion = int(rng.integers(QUICKEST, QUICK_UP_TO + 1))
            t.response = min(t.response, t.completion) if t.response is not None else None
