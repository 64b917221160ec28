"""The two calibrated city-months: Jakarta Timur June 2022 and Jakarta Pusat July 2022."""

from __future__ import annotations

import numpy as np

from crmlib.ingest.areas import kelurahan_of
from crmlib.sample.ordinary import SHORTEST_FOLLOW_UP, CityProfile, head_coordinations, ordinary_coordinations
from crmlib.sample.targets import (
    JAKPUS_JULY_CATEGORIES,
    JAKPUS_JULY_CHANNELS,
    JAKPUS_JULY_EXTRA_UNITS,
    JAKPUS_JULY_FAST_UNITS,
    JAKPUS_JULY_LONG,
    JAKPUS_JULY_SAMPAH_SUBCATS,
    JAKPUS_JULY_TOP_UNIT,
    JAKPUS_JULY_TOTAL,
    JAKPUS_JULY_TOTAL_MINUTES,
    JAKTIM_COMPLETION_MID,
    JAKTIM_COORD_MID,
    JAKTIM_JUNE_CATEGORIES,
    JAKTIM_JUNE_COMPLETION,
    JAKTIM_JUNE_COORD,
    JAKTIM_JUNE_FIXED,
    JAKTIM_JUNE_HEAD_TICKETS,
    JAKTIM_JUNE_RESPONDED_LATE,
    JAKTIM_JUNE_TICKETS,
    JAKTIM_TIE_ORDER,
)  # fmt: skip
from crmlib.sample.world import (
    CHANNELS,
    SAMPAH,
    Coordination,
    Ticket,
    World,
    make_distinct,
    official,
    pick_subcategory,
    random_times,
    response_within,
    split_sum,
)  # fmt: skip

# ---- Jakarta Timur, June 2022 ----------------------------------------------


def jaktim_june(rng: np.random.Generator, world: World) -> list[Ticket]:
    """Add Jakarta Timur, June 2022: tickets and coordinations that print seed 002's figures."""
    city, month = "jaktim", 6
    kel_tickets = {official(city, k)[1]: n for k, n in JAKTIM_JUNE_TICKETS.items()}
    completion_sum = {official(city, k)[1]: s for k, s in JAKTIM_JUNE_COMPLETION.items()}
    fixed = {official(city, k)[1]: rest for k, *rest in JAKTIM_JUNE_FIXED}

    # Mean completion of every other kelurahan: distinct, strictly inside the bounds,
    # and in the order the top-5 tie rule needs.
    lo, hi = JAKTIM_COMPLETION_MID
    for kel, n in kel_tickets.items():
        if n and kel not in completion_sum:
            completion_sum[kel] = int(round(rng.uniform(lo, hi) * n))
    make_distinct(completion_sum, kel_tickets)
    for group in JAKTIM_TIE_ORDER:
        # Same counts within a group, so permuting the totals permutes the means.
        names = [official(city, g)[1] for g in group]
        for k, total in zip(names, sorted(completion_sum[k] for k in names)):
            completion_sum[k] = total

    head_n = JAKTIM_JUNE_HEAD_TICKETS
    tickets: list[Ticket] = []
    for kel, n in kel_tickets.items():
        kec = official(city, kel)[0]
        values = split_sum(rng, n, completion_sum.get(kel, 0), SHORTEST_FOLLOW_UP, 9000, 0.9)
        for created, minutes in zip(random_times(rng, month, n), values):
            tickets.append(Ticket(city, "kelurahan", kec, kel, created, completion=minutes))
    for created in random_times(rng, month, head_n):
        tickets.append(Ticket(city, "kota", None, None, created, completion=int(rng.integers(30, 1500))))

    # The seed's named tickets.
    for kel, (tid, created, minutes, category, sub, rejected) in fixed.items():
        t = next(x for x in tickets if x.unit == kel and x.fixed_id is None)
        t.fixed_id, t.category, t.subcategory, t.rejected = tid, category, sub, rejected
        day = int(tid[6:8])
        t.created = created or t.created.replace(day=day)
        if minutes is not None:
            t.completion = minutes

    _assign_categories(rng, tickets, JAKTIM_JUNE_CATEGORIES, {})

    # 120 responses after more than 6 h, only where the follow-up came later still.
    candidates = [i for i, t in enumerate(tickets) if t.completion >= 362 and t.fixed_id is None]
    if len(candidates) < JAKTIM_JUNE_RESPONDED_LATE + 2:
        raise AssertionError(f"only {len(candidates)} tickets can be responded late")
    late = set(int(i) for i in rng.choice(candidates, size=JAKTIM_JUNE_RESPONDED_LATE, replace=False))
    boundary = [i for i in candidates if i not in late][:2]  # responded at exactly 6 h: still within
    for i, t in enumerate(tickets):
        if i in late:
            t.response = int(rng.integers(361, min(t.completion, 2400) + 1))
        elif i in boundary:
            t.response = 360
        else:
            t.response = response_within(rng, t.completion)
    ch_w = np.array([w for _c, w in CHANNELS], dtype=float)
    for t in tickets:
        t.channel = "JAKI" if t.fixed_id else CHANNELS[int(rng.choice(len(CHANNELS), p=ch_w / ch_w.sum()))][0]
        if not t.fixed_id:
            t.rejected = int(rng.random() < 0.07)
    world.tickets.extend(tickets)

    # Coordinations: counts and total minutes per kelurahan.
    plan = dict(JAKTIM_JUNE_COORD)
    plan = {official(city, k)[1]: v for k, v in plan.items()}
    clo, chi = JAKTIM_COORD_MID
    ref = kelurahan_of(city)
    for kel in ref["kelurahan"]:
        kel = str(kel)
        if kel not in plan:
            n = int(rng.integers(5, 61))
            plan[kel] = (n, int(round(rng.uniform(clo, chi) * n)))
    coord_counts = {k: v[0] for k, v in plan.items()}
    coord_sums = {k: v[1] for k, v in plan.items()}
    make_distinct(coord_sums, coord_counts)
    kelurahan = [(str(k), str(name)) for k, name in ref[["kecamatan", "kelurahan"]].itertuples(index=False)]
    via_head = head_coordinations(rng, city, month, tickets, kelurahan)
    by_kel: dict[str, list[Coordination]] = {kel: [] for _k, kel in kelurahan}
    for c in via_head:
        if len(by_kel[c.unit]) < coord_counts[c.unit]:
            by_kel[c.unit].append(c)
    for kec, kel in kelurahan:
        missing = coord_counts[kel] - len(by_kel[kel])
        by_kel[kel].extend(Coordination(city, kec, kel, w, 0) for w in random_times(rng, month, missing))
        minutes = split_sum(rng, coord_counts[kel], coord_sums[kel], 1, 2000, 0.8)
        for c, m in zip(by_kel[kel], minutes):
            c.duration = m
        world.coordinations.extend(by_kel[kel])
    return tickets



def _assign_categories(
    rng: np.random.Generator, tickets: list[Ticket], plan: tuple[tuple[str, int], ...],
    subcats: dict[str, tuple[tuple[str, int], ...]], only: dict[str, tuple[str, ...]] | None = None,
) -> None:  # fmt: skip
    """Give tickets exactly the planned category counts.

    Named tickets keep theirs; units in `only` draw from their allowed
    categories first; follow-ups over 48 h cannot be Sampah (that would be late).
    """
    pool = [c for c, n in plan for _ in range(n)]
    for t in tickets:
        if t.fixed_id:
            pool.remove(t.category)
    pool = [pool[int(i)] for i in rng.permutation(len(pool))]
    free = [t for t in tickets if not t.fixed_id]
    only = only or {}
    restricted = [t.unit_type == "kelurahan" and t.unit in only for t in free]
    first = [t for t, r in zip(free, restricted) if r]
    long_ = [t for t, r in zip(free, restricted) if not r and t.completion > 48 * 60]
    rest = [t for t, r in zip(free, restricted) if not r and t.completion <= 48 * 60]
    for t in first:
        allowed = only[t.unit] if t.completion <= 48 * 60 else tuple(c for c in only[t.unit] if c != SAMPAH)
        t.category = pool.pop(next(i for i, c in enumerate(pool) if c in allowed))
    for t in long_:
        t.category = pool.pop(next(i for i, c in enumerate(pool) if c != SAMPAH))
    for t, c in zip(rest, pool):
        t.category = c
    assert len(rest) == len(pool)
    sub_pools = {c: [s for s, n in subs for _ in range(n)] for c, subs in subcats.items()}
    for c in sub_pools:
        sub_pools[c] = [sub_pools[c][int(i)] for i in rng.permutation(len(sub_pools[c]))]
    for t in free:
        t.subcategory = sub_pools[t.category].pop() if t.category in sub_pools else pick_subcategory(rng, t.category)


# ---- Jakarta Pusat, July 2022 ----------------------------------------------


def jakpus_july(rng: np.random.Generator, world: World, profile: CityProfile) -> list[Ticket]:
    """Add Jakarta Pusat, July 2022: tickets that print seed 000's figures, ordinary coordinations."""
    city, month = "jakpus", 7
    ref = kelurahan_of(city)
    top_name, top_n = JAKPUS_JULY_TOP_UNIT
    units: list[tuple[str, str | None, str | None]] = [
        ("kelurahan", str(k), str(name)) for k, name in ref[["kecamatan", "kelurahan"]].itertuples(index=False)
    ]
    units += [("kecamatan", u.removeprefix("Kecamatan "), u.removeprefix("Kecamatan ")) for u in JAKPUS_JULY_EXTRA_UNITS]
    units.append(("kota", None, None))
    others = [u for u in units if u[2] != top_name]
    # Everyone else gets 1..22 tickets, so the top unit stands alone.
    counts = {u: 1 for u in others}
    weights = rng.gamma(2.0, 1.0, size=len(others))
    extra = rng.multinomial(JAKPUS_JULY_TOTAL - top_n - len(others), weights / weights.sum())
    for u, e in zip(others, extra):
        counts[u] += int(e)
    overflow = sum(max(0, n - 22) for n in counts.values())
    for u in others:
        counts[u] = min(counts[u], 22)
    for u in others:
        while overflow and counts[u] < 10:
            counts[u] += 1
            overflow -= 1
    top_unit = next(u for u in units if u[2] == top_name)
    counts = {top_unit: top_n, **counts}
    assert sum(counts.values()) == JAKPUS_JULY_TOTAL

    # Units answering in under an hour on average: all their follow-ups take < 60 min.
    order = [others[int(i)] for i in rng.permutation(len(others))]
    fast = order[:JAKPUS_JULY_FAST_UNITS]
    slow = [u for u in units if u in counts and u not in fast]
    minutes: dict[tuple, list[int]] = {}
    for u in fast:
        minutes[u] = [int(m) for m in rng.integers(8, 56, size=counts[u])]
    # The long follow-ups of the histogram's upper bins go to the slower units.
    long_values: list[int] = []
    for (a, b), n in JAKPUS_JULY_LONG:
        vals = [int(v) for v in rng.integers(a + 1, b + 1, size=n)]
        if a == 600:
            vals[0] = 1200  # exactly 20 h: the "11-20" bin, right-closed
        if a == 1200:
            vals[0] = 1800
        long_values += vals
    slots = [u for u in slow for _ in range(counts[u] - 1)] + [u for u in slow]  # each keeps >= 0 short
    picks = rng.choice(len(slots), size=len(long_values), replace=False)
    placed: dict[tuple, list[int]] = {u: [] for u in slow}
    for p, v in zip(sorted(int(x) for x in picks), long_values):
        placed[slots[p]].append(v)
    for u in slow:
        n_short = counts[u] - len(placed[u])
        short = [int(np.clip(round(rng.lognormal(np.log(80), 0.9)), SHORTEST_FOLLOW_UP, 599)) for _ in range(n_short)]
        minutes[u] = placed[u] + short
    first_short = next(u for u in slow if counts[u] > len(placed[u]))
    minutes[first_short][len(placed[first_short])] = 600  # exactly 10 h: the "0-10" bin
    _fit_jakpus_minutes(minutes, placed, slow)

    tickets: list[Ticket] = []
    for u in units:
        if u not in counts:
            continue
        unit_type, kec, name = u
        for created, m in zip(random_times(rng, month, counts[u]), minutes[u]):
            tickets.append(Ticket(city, unit_type, kec, name, created, completion=m))
    only = {top_name: (SAMPAH, "Jalan")}
    _assign_categories(rng, tickets, JAKPUS_JULY_CATEGORIES, {SAMPAH: JAKPUS_JULY_SAMPAH_SUBCATS}, only)
    channels = [c for c, n in JAKPUS_JULY_CHANNELS for _ in range(n)]
    for t, i in zip(tickets, rng.permutation(len(channels))):
        t.channel = channels[int(i)]
        t.response = response_within(rng, t.completion) if rng.random() < 0.9 or t.completion <= 360 else int(
            rng.integers(361, t.completion + 1)
        )
        t.rejected = int(rng.random() < 0.05)
    world.tickets.extend(tickets)
    ordinary_coordinations(rng, world, profile, city, month, tickets)
    return tickets


def _fit_jakpus_minutes(minutes: dict, placed: dict, slow: list) -> None:
    """Keep each slower unit's mean >= 65 min and hit the month's total exactly."""

    def shorts(u):  # indices of adjustable short follow-ups (not the pinned 600)
        return [i for i in range(len(placed[u]), len(minutes[u])) if minutes[u][i] != 600]

    for u in slow:
        need = 65 * len(minutes[u]) - sum(minutes[u])
        for i in shorts(u):
            if need <= 0:
                break
            add = min(need, 599 - minutes[u][i])
            minutes[u][i] += add
            need -= add
        assert sum(minutes[u]) >= 65 * len(minutes[u]), u
    diff = JAKPUS_JULY_TOTAL_MINUTES - sum(sum(v) for v in minutes.values())
    step = 1 if diff > 0 else -1
    while diff:
        moved = False
        for u in slow:
            for i in shorts(u):
                if not diff:
                    break
                new = minutes[u][i] + step
                if SHORTEST_FOLLOW_UP <= new <= 599 and (step > 0 or sum(minutes[u]) + step >= 65 * len(minutes[u])):
                    minutes[u][i] = new
                    diff -= step
                    moved = True
        if not moved:
            raise AssertionError("cannot reach the July total")

