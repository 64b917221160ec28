"""The data contract: canonical tables, their columns and dtypes, the statuses and the time zone.

Loading produces these frames, metrics and reports consume them, and the
parquet cache holds nothing else. See ``docs/data-model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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
# One row per excluded row, and one per flag on a used row (or on a whole file: no source_row). ``code`` is a
# ReasonCode value (code selects rows), ``reason`` its Indonesian wording for the reader.
EXCLUSION_COLUMNS = ["table", "source_file", "source_row", "ticket_id", "column", "code", "reason"]
FLAG_COLUMNS = EXCLUSION_COLUMNS


class ReasonCode(StrEnum):
    """Why the loader excluded or flagged a row: a short stable code beside the reason's Indonesian text.

    Code that selects rows (the time_order anomaly flag, the data-quality appendix) reads the code, so the
    wording may change freely. A code is never free text. One code serves an exclusion and a flag alike
    where only the consequence differs (an unreadable required time excludes the row, an optional one is
    emptied): the frame, ``exclusions`` or ``flags``, tells which.
    """

    # The row as read: blank, or its cells do not line up with the header.
    BLANK_ROW = "blank_row"
    EXTRA_CELLS = "extra_cells"
    MISSING_CELLS = "missing_cells"
    # Ticket number, unit and status.
    TICKET_ID_BLANK = "ticket_id_blank"
    TICKET_ID_INVALID = "ticket_id_invalid"
    UNIT_BLANK = "unit_blank"
    UNKNOWN_UNIT = "unknown_unit"
    CITY_MISMATCH = "city_mismatch"
    STATUS_BLANK = "status_blank"
    UNKNOWN_STATUS = "unknown_status"
    # Times.
    TIME_BLANK = "time_blank"
    TIME_UNREADABLE = "time_unreadable"
    TIME_IMPLAUSIBLE = "time_implausible"
    TIME_ISOLATED = "time_isolated"
    TIME_BEFORE_PREVIOUS = "time_before_previous"
    TIME_TOO_LONG_AFTER = "time_too_long_after"
    COMPLETE_WITHOUT_COMPLETION = "complete_without_completion"
    # Copies and clashes of one ticket.
    DUPLICATE_IDENTICAL = "duplicate_identical"
    DUPLICATE_CONFLICTING = "duplicate_conflicting"
    # Labels, numbers and places of a used row.
    UNKNOWN_CHANNEL = "unknown_channel"
    LABEL_BLANK = "label_blank"
    MAX_TL_NOT_NUMBER = "max_tl_not_number"
    MAX_TL_NOT_POSITIVE = "max_tl_not_positive"
    MAX_TL_TOO_LONG = "max_tl_too_long"
    COORDINATE_UNREADABLE = "coordinate_unreadable"
    COORDINATES_OUTSIDE = "coordinates_outside"
    ONE_COORDINATE = "one_coordinate"
    REJECTED_COUNT_INVALID = "rejected_count_invalid"
    # Notes on a whole file's column (no row).
    COLUMN_MISSING = "column_missing"
    DATE_ORDER_MIXED = "date_order_mixed"
    DATE_ORDER_NOT_AS_MAPPED = "date_order_not_as_mapped"
    SPELLINGS_MERGED = "spellings_merged"


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
