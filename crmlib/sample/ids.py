"""Ticket ids as the CRM issues them: 'JK' + YYMMDD + a province-wide daily sequence."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crmlib.sample.world import YEAR, Ticket, World


def assign_ids(rng: np.random.Generator, world: World) -> None:
    """'JK' + YYMMDD + a province-wide daily sequence, shared with tickets outside this export."""
    start2022 = dt.datetime(YEAR, 1, 1)
    for c in world.coordinations:
        if c.ticket is None:
            back = int(rng.integers(10, 60 * 36))
            c.phantom_time = max(start2022, c.coordinated - dt.timedelta(minutes=back))
    days: dict[dt.date, list[tuple[dt.datetime, int, object]]] = {}
    for i, t in enumerate(world.tickets):
        days.setdefault(t.created.date(), []).append((t.created, i, t))
    for j, c in enumerate(world.coordinations):
        if c.ticket is None:
            days.setdefault(c.phantom_time.date(), []).append((c.phantom_time, len(world.tickets) + j, c))
    for day in sorted(days):
        items = sorted(days[day], key=lambda x: (x[0], x[1]))
        pinned = {int(x[2].fixed_id[8:]) for x in items if isinstance(x[2], Ticket) and x[2].fixed_id}
        size = len(items) + int(rng.integers(150, 350))
        size = max(size, max(pinned, default=0) + 20)
        free = np.array([s for s in range(1, size + 1) if s not in pinned])
        seqs = np.sort(rng.choice(free, size=len(items) - len(pinned), replace=False))
        it = iter(int(s) for s in seqs)
        stem = "JK" + day.strftime("%y%m%d")
        for _time, _i, obj in items:
            if isinstance(obj, Ticket):
                obj.ticket_id = obj.fixed_id or f"{stem}{next(it):04d}"
            else:
                obj.ticket_id = f"{stem}{next(it):04d}"
    for c in world.coordinations:
        if c.ticket is not None:
            c.ticket_id = c.ticket.ticket_id

