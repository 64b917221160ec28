"""Load an export: read its tables, clean them, and account for every row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crmlib.ingest.areas import UnitResolver
from crmlib.ingest.clean import accounting_frame, clean_coordinations, clean_tickets
from crmlib.ingest.read import RawTable, read_table
from crmlib.ingest.settings import Settings
from crmlib.schema import (
    COORDINATION_DTYPES,
    EXCLUSION_COLUMNS,
    FLAG_COLUMNS,
    SOURCE_COLUMNS,
    Export,
    ReasonCode,
    empty_frame,
    row_frame_dtypes,
)


def _missing_column_flags(raw: RawTable, table: str) -> pd.DataFrame:
    rows = [
        {"table": table, "source_file": raw.file, "source_row": pd.NA, "ticket_id": pd.NA,
         "column": raw.headers[c], "code": ReasonCode.COLUMN_MISSING.value,
         "reason": "kolom tidak ada di file; nilainya dianggap kosong"}
        for c in raw.missing
    ]
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return out[columns].astype(row_frame_dtypes(columns))


def _source(table: str, raw: RawTable) -> dict[str, object]:
    return {"table": table, "file": raw.file, "sha256": raw.sha256, "rows_read": len(raw.frame),
            "header_row": raw.header_row, "encoding": raw.encoding}


def load_export(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    settings: Settings,
) -> Export:
    """Read, map and clean an export's tickets (and coordinations) into an :class:`Export`.

    Dates outside the rules' plausible window are excluded or emptied, so the
    result depends on the files and settings alone, never on today's date.
    """
    resolver = UnitResolver(settings.aliases)
    raw_t = read_table(tickets_path, "tickets", settings.mapping)
    tickets, excl_t, flags_t = clean_tickets(
        raw_t.frame, source_file=raw_t.file, headers=raw_t.headers, mapping=settings.mapping,
        channels=settings.channels, rules=settings.rules, resolver=resolver, missing=raw_t.missing,
        category_aliases=settings.category_aliases,
    )
    sources = [_source("tickets", raw_t)]
    accounts = [accounting_frame("tickets", raw_t.file, len(raw_t.frame), tickets, excl_t, flags_t)]
    exclusions, flags = [excl_t], [_missing_column_flags(raw_t, "tickets"), flags_t]
    del raw_t  # the raw text columns are not needed past cleaning: a large export is read one table at a time

    if coordinations_path is not None:
        raw_c = read_table(coordinations_path, "coordinations", settings.mapping)
        coordinations, excl_c, flags_c = clean_coordinations(
            raw_c.frame, source_file=raw_c.file, headers=raw_c.headers, mapping=settings.mapping,
            rules=settings.rules, resolver=resolver, missing=raw_c.missing,
        )
        sources.append(_source("coordinations", raw_c))
        accounts.append(accounting_frame("coordinations", raw_c.file, len(raw_c.frame), coordinations, excl_c, flags_c))
        exclusions.append(excl_c)
        flags.extend([_missing_column_flags(raw_c, "coordinations"), flags_c])
        del raw_c
    else:
        coordinations = empty_frame(COORDINATION_DTYPES)

    source_frame = pd.DataFrame(sources, columns=SOURCE_COLUMNS).astype(
        {"table": "string", "file": "string", "sha256": "string", "rows_read": "Int64", "header_row": "Int64",
         "encoding": "string"}
    )
    return Export(
        tickets=tickets,
        coordinations=coordinations,
        exclusions=_concat(exclusions, EXCLUSION_COLUMNS),
        flags=_concat(flags, FLAG_COLUMNS),
        accounting=pd.concat(accounts, ignore_index=True),
        sources=source_frame,
    )
