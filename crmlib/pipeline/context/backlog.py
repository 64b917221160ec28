"""A city's open backlog from an export: the moment it is taken at, and its tickets, checked before any work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from crmlib import formatting as fmt
from crmlib.errors import InputError, UsageError
from crmlib.ingest import areas
from crmlib.ingest.cache import load_cached, load_time_ranges
from crmlib.ingest.select import select_city
from crmlib.ingest.settings import Settings
from crmlib.metrics.backlog import open_backlog
from crmlib.pipeline.context.city import is_synthetic, resolve_cutoff, resolve_inputs
from crmlib.schema import TZ

AT_FORMAT = "YYYY-MM-DD HH:MM"
_AT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
# What the backlog reads of the tickets; the other tables are counted, not read.
_TICKET_COLUMNS = ["ticket_id", "created_at", "category", "city_code", "kecamatan", "unit_type", "unit", "status",
                   "responded_at", "completed_at", "max_tl_hours"]
_NOT_READ = {"coordinations": [], "exclusions": [], "flags": [], "accounting": [], "sources": []}


def parse_at(text: str) -> pd.Timestamp:
    """``--at``: 'YYYY-MM-DD HH:MM', Jakarta wall time.

    >>> parse_at("2022-08-09 08:00").isoformat()
    '2022-08-09T08:00:00+07:00'
    """
    try:
        if not _AT.fullmatch(text):
            raise ValueError(text)
        stamp = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise UsageError(f"--at {text!r} is not {AT_FORMAT!r} (Jakarta time, e.g. '2022-08-09 08:00')") from None
    return pd.Timestamp(stamp).tz_localize(TZ)


@dataclass(frozen=True)
class CityBacklog:
    """One city's complaints open at a moment (:func:`~crmlib.metrics.backlog.open_backlog`), and what they are of."""

    city: str
    at: pd.Timestamp
    latest: pd.Timestamp  # the export's latest time: ``at`` unless a time was asked for
    rows: pd.DataFrame
    synthetic: bool

    @property
    def city_label(self) -> str:
        """'Kota Administrasi Jakarta Pusat'."""
        return areas.city_label(self.city)

    @property
    def after_export(self) -> bool:
        """True when ``at`` is later than anything the export knows: what was completed since still counts as open."""
        return self.at > self.latest


def city_backlog(city: str, data: str | Path | None = None, coordinations: str | Path | None = None, *,
                 settings: Settings, at: str | None = None) -> CityBacklog:
    """The city's complaints open at ``at`` ('YYYY-MM-DD HH:MM'), else at the export's latest time (created,
    responded, completed or coordinated, in any city: what the export knows of). An ``at`` after that time is
    allowed (a recap taken now from this morning's export); :attr:`CityBacklog.after_export` tells.

    Raises a one-line :class:`~crmlib.errors.UserError` for an unknown city, a malformed ``at``, a missing
    file, an ``at`` before the export's first complaint, or a city without any complaint in the export.
    """
    # What needs no export is checked first: a typo is one line at once, not after a load.
    city = areas.check_city(city)
    asked = parse_at(at) if at is not None else None
    inputs = resolve_inputs(data, coordinations)
    ranges = load_time_ranges(inputs["tickets"], inputs.get("coordinations"), settings=settings)
    latest = resolve_cutoff(None, ranges)
    created = ranges.query("table == 'tickets' and column == 'created_at'")
    first = created["first"].min()
    if latest is None or pd.isna(first):
        raise InputError(inputs["tickets"], "the export holds no complaint", fix="check the DATA file")
    if asked is not None and asked < first:
        raise UsageError(f"--at {at!r} is before the export's first complaint ({fmt.datetime_long(first)}); "
                         "choose a time the export covers")
    export = load_cached(inputs["tickets"], inputs.get("coordinations"), settings=settings, city=city,
                         columns={"tickets": _TICKET_COLUMNS, **_NOT_READ})
    tickets = select_city(export, city)
    if tickets.empty:
        raise InputError(inputs["tickets"], f"no complaints for {city} in the export",
                         fix="check CITY, or that the export covers that city")
    when = asked if asked is not None else latest.stamp
    return CityBacklog(city, when, latest.stamp, open_backlog(tickets, when, settings.rules),
                       is_synthetic(inputs["tickets"]))
