"""The data contract: canonical tables, their columns and dtypes, the statuses and the time zone.

Loading produces these frames, metrics and reports consume them, and the
parquet cache holds nothing else. See ``docs/data-model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

TZ = "Asia/Jakarta"
DATETIME = f"datetime64[ns, {TZ}]"

TICKET_DTYPES: dict[str, str] = {
    "ticket_id": "string",
    "created_at": DATETIME,
    "channel": "string",
    "category": "string",
    "subcategory": "string",
    "city_code": "string",
    "kecamatan": "string",
    "unit_type": "string",
    "unit": "string",
    "status": "string",
    "latitude": "Float64",
    "longitude": "Float64",
    "geotagged": "boolean",
    "responded_at": DATETIME,
    "completed_at": DATETIME,
    "max_tl_hours": "Float64",
    "rejected_count": "Int64",
    "source_row": "Int64",
}
COORDINATION_DTYPES: dict[str, str] = {
    "ticket_id": "string",
    "city_code": "string",
    "kecamatan": "string",
    "unit_type": "string",
    "unit": "string",
    "coordinated_at": DATETIME,
    "processed_at": DATETIME,
    "source_row": "Int64",
}
# One row per excluded row, and one per flag on a used row (or on a whole file: no source_row).
EXCLUSION_COLUMNS = ["table", "source_file", "source_row", "ticket_id", "column", "reason"]
FLAG_COLUMNS = EXCLUSION_COLUMNS
ACCOUNTING_COLUMNS = ["table", "source_file", "rows_read", "rows_used", "rows_excluded", "rows_flagged"]
SOURCE_COLUMNS = ["table", "file", "sha256", "rows_read", "header_row", "encoding"]
TABLES = ("tickets", "coordinations")

# Canonical statuses in display order.
STATUSES = ("Complete", "Disposisi", "Koordinasi", "In Progres", "Menunggu Validasi", "TL Ditolak", "Wait")
# unit_type values: a city's own units, and agencies (SKPD) outside its report.
UNIT_TYPES = ("kelurahan", "kecamatan", "kota", "skpd")
CITY_UNIT_TYPES = ("kelurahan", "kecamatan", "kota")


@dataclass
class Export:
    """A loaded export: canonical tables plus what was left out or flagged, and why."""

    tickets: pd.DataFrame
    coordinations: pd.DataFrame
    exclusions: pd.DataFrame
    flags: pd.DataFrame
    accounting: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SOURCE_COLUMNS))


# The only columns each frame of an Export may hold (and so the only ones cached).
EXPORT_COLUMNS: dict[str, list[str]] = {
    "tickets": list(TICKET_DTYPES),
    "coordinations": list(COORDINATION_DTYPES),
    "exclusions": EXCLUSION_COLUMNS,
    "flags": FLAG_COLUMNS,
    "accounting": ACCOUNTING_COLUMNS,
    "sources": SOURCE_COLUMNS,
}


def empty_frame(dtypes: dict[str, str]) -> pd.DataFrame:
    """A frame with no rows and the given column dtypes.

    >>> empty_frame(COORDINATION_DTYPES).dtypes["coordinated_at"]
    datetime64[ns, Asia/Jakarta]
    """
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in dtypes.items()})


def row_frame_dtypes(columns: list[str]) -> dict[str, str]:
    """Dtypes of an exclusions or flags frame: row numbers are Int64, the rest text."""
    return {c: "Int64" if c == "source_row" else "string" for c in columns}
