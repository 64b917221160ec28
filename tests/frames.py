"""Build small canonical tickets/coordinations frames for tests from a few dicts, and a rules document.

Each dict gives only the columns a test cares about; the others get a neutral
default. Times are 'YYYY-MM-DD HH:MM' strings in Asia/Jakarta (or None).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from crmlib import schema
from crmlib.schema import DATETIME, TZ

# Canonical columns with "datetime" for the tz-aware ones, which these helpers parse from text.
TICKET_DTYPES = {c: "datetime" if d == DATETIME else d for c, d in schema.TICKET_DTYPES.items()}
COORDINATION_DTYPES = {c: "datetime" if d == DATETIME else d for c, d in schema.COORDINATION_DTYPES.items()}

TICKET_DEFAULTS: dict[str, Any] = {
    "created_at": "2022-06-01 08:00",
    "channel": "JAKI",
    "category": "Jalan",
    "subcategory": "Jalan Rusak",
    "city_code": "jaktim",
    "kecamatan": "Matraman",
    "unit_type": "kelurahan",
    "unit": "Kayu Manis",
    "status": "Complete",
    "latitude": -6.2,
    "longitude": 106.86,
    "geotagged": True,
    "responded_at": None,
    "completed_at": None,
    "max_tl_hours": 168.0,
    "rejected_count": 0,
}

COORDINATION_DEFAULTS: dict[str, Any] = {
    "city_code": "jaktim",
    "kecamatan": "Matraman",
    "unit_type": "kelurahan",
    "unit": "Kayu Manis",
    "coordinated_at": "2022-06-01 08:00",
    "processed_at": None,
}


def _build(rows: list[dict[str, Any]], dtypes: dict[str, str], defaults: dict[str, Any], prefix: str) -> pd.DataFrame:
    unknown = {key for row in rows for key in row} - set(dtypes)
    if unknown:
        raise KeyError(f"not a canonical column: {sorted(unknown)}")
    records = []
    for i, row in enumerate(rows, start=1):
        record = {"ticket_id": f"{prefix}{i:04d}", **defaults, "source_row": i + 1}
        record.update(row)
        records.append(record)
    columns: dict[str, pd.Series] = {}
    for column, dtype in dtypes.items():
        values = [record.get(column) for record in records]
        if dtype == "datetime":
            columns[column] = pd.Series(pd.to_datetime(values, format="ISO8601"), dtype="datetime64[ns]").dt.tz_localize(TZ)
        else:
            columns[column] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns)


def tickets(*rows: dict[str, Any]) -> pd.DataFrame:
    """Canonical tickets frame; ticket ids default to JK2206010001, JK2206010002, ..."""
    return _build(list(rows), TICKET_DTYPES, TICKET_DEFAULTS, "JK220601")


def coordinations(*rows: dict[str, Any]) -> pd.DataFrame:
    """Canonical coordinations frame; ticket ids default to JK2206020001, ..."""
    return _build(list(rows), COORDINATION_DTYPES, COORDINATION_DEFAULTS, "JK220602")


def at(hours_after: float, start: str = "2022-06-01 08:00") -> str:
    """Time string `hours_after` hours after `start` (for completed_at etc.)."""
    return (pd.Timestamp(start) + pd.Timedelta(hours=hours_after)).strftime("%Y-%m-%d %H:%M:%S")


# The same rules as params/rules/crm.yaml, with grades nested under `bands:`.
RULES_DOC: dict[str, Any] = {
    "response": {"max_hours": 6, "inclusive": True, "source": "s", "assumed": False},
    "follow_up": {"default_max_hours": 168, "by_category": {"Sampah": 48}, "source": "s", "assumed": True},
    "late_score": {
        "bands": [
            {"max_ratio": 1.0, "score": 100},
            {"max_ratio": 1.5, "score": 80},
            {"max_ratio": 2.0, "score": 60},
            {"max_ratio": math.inf, "score": 40},
        ],
        "source": "s",
    },
    "rejection": {"min_count": 2},
    "capaian": {"method": "mean_follow_up_score", "decimals": 3, "assumed": True},
    "grades": {
        "bands": [
            {"min": 90, "grade": "A"},
            {"min": 80, "grade": "B"},
            {"min": 70, "grade": "C"},
            {"min": 0, "grade": "D"},
        ],
        "source": "s",
    },
    "dates": {"earliest": "2015-01-01", "latest": "2035-12-31", "source": "s", "assumed": True},
    "durations": {"max_days": 90, "source": "s", "assumed": True},
    "anomalies": {"baseline_months": 12, "min_baseline_months": 3, "false_discovery_rate": 0.01, "min_durations": 5,
                  "min_hours_increase": 1,
                  "fast_closure_minutes": 10, "batch_closure_tickets": 3, "burst_tickets": 3, "burst_metres": 100,
                  "burst_hours": 3},
    "arrival_periods": {"periods": [{"start": 0, "name": "dini hari"}, {"start": 6, "name": "pagi"},
                                    {"start": 11, "name": "siang"}, {"start": 15, "name": "sore"},
                                    {"start": 18, "name": "malam"}], "source": "s", "assumed": True},
    "places": {"border_tolerance_metres": 100, "hotspot_radius_metres": 150, "hotspot_min_complaints": 5,
               "map_min_complaints": 5, "source": "s", "assumed": True},
}
