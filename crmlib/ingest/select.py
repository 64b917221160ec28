"""One city's own tickets and coordinations in one month, out of a whole export."""

from __future__ import annotations

import re

import pandas as pd

from crmlib.errors import UsageError
from crmlib.ingest import areas
from crmlib.schema import CITY_UNIT_TYPES, TZ, Export


def check_month(month: str) -> str:
    """Validate a 'YYYY-MM' month.

    >>> check_month("2022-06")
    '2022-06'
    """
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(month)):
        raise UsageError(f"month {month!r} is not YYYY-MM, e.g. 2022-06")
    return str(month)


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start (inclusive) and end (exclusive) of a 'YYYY-MM' month in Jakarta time.

    >>> [t.isoformat() for t in month_bounds("2022-06")]
    ['2022-06-01T00:00:00+07:00', '2022-07-01T00:00:00+07:00']
    """
    start = pd.Timestamp(f"{check_month(month)}-01", tz=TZ)
    return start, start + pd.offsets.MonthBegin(1)


def in_city_month(frame: pd.DataFrame, when: str, city_code: str, month: str) -> pd.DataFrame:
    """Rows of a table (tickets or coordinations) whose time ``when`` is in the month, at one city's own units
    (a kelurahan, a kecamatan office or the head unit of the city)."""
    start, end = month_bounds(month)
    mask = ((frame[when] >= start) & (frame[when] < end) & (frame["city_code"] == city_code)
            & frame["unit_type"].isin(CITY_UNIT_TYPES))
    return frame[mask.fillna(False).astype(bool)].reset_index(drop=True)


def scope_table(rows_used: dict[str, int], rows_in_scope: dict[str, int]) -> pd.DataFrame:
    """One row per table: rows_used (in the whole export), rows_in_scope (in the city-month), rows_outside.

    >>> scope_table({"tickets": 10, "coordinations": 30}, {"tickets": 4, "coordinations": 9})["rows_outside"].tolist()
    [6, 21]
    """
    return pd.DataFrame(
        [[table, rows_used[table], rows_in_scope[table], rows_used[table] - rows_in_scope[table]]
         for table in ("tickets", "coordinations")],
        columns=["table", "rows_used", "rows_in_scope", "rows_outside"],
    ).astype({"table": "string", "rows_used": "Int64", "rows_in_scope": "Int64", "rows_outside": "Int64"})


def select_city_month(export: Export, city_code: str, month: str, rows_used: dict[str, int] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tickets and coordinations of one city's own units in one month, and the scope accounting.

    Tickets: created_at in the month, owned by a kelurahan, kecamatan or the
    head unit of the city. Coordinations: coordinated_at in the month, unit in
    the city. ``scope`` is :func:`scope_table`. ``rows_used`` gives each table's rows in the whole export when
    ``export`` holds one city's rows.
    """
    areas.check_city(city_code)
    tickets = in_city_month(export.tickets, "created_at", city_code, month)
    coordinations = in_city_month(export.coordinations, "coordinated_at", city_code, month)
    used = rows_used or {"tickets": len(export.tickets), "coordinations": len(export.coordinations)}
    return tickets, coordinations, scope_table(used, {"tickets": len(tickets), "coordinations": len(coordinations)})


def select_city(export: Export, city_code: str) -> pd.DataFrame:
    """Tickets of one city's own units (kelurahan, kecamatan offices, head unit), every month of the export."""
    areas.check_city(city_code)
    tickets = export.tickets
    mask = ((tickets["city_code"] == city_code) & tickets["unit_type"].isin(CITY_UNIT_TYPES)).fillna(False)
    return tickets[mask.astype(bool)].reset_index(drop=True)
