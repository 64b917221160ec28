"""The data-quality appendix: row accounting, and the rows excluded or flagged, with reasons."""

from __future__ import annotations

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics.anomalies import time_order_mask
from crmlib.schema import Export

ACCOUNTING_COLUMNS = {
    "table": "Tabel",
    "source_file": "Berkas",
    "rows_read": "Baris terbaca",
    "rows_used": "Dipakai",
    "rows_excluded": "Dikeluarkan",
    "rows_flagged": "Dipakai dengan catatan",
    "rows_in_scope": "Dalam kota dan bulan ini",
    "rows_outside": "Di luar kota/bulan ini",
}
COUNT_COLUMNS = [c for c in ACCOUNTING_COLUMNS if c.startswith("rows_")]
DETAIL_COLUMNS = {"table": "Tabel", "source_file": "Berkas", "source_row": "Baris", "ticket_id": "No Laporan",
                  "column": "Kolom", "reason": "Alasan"}
TABLE_LABELS = {"tickets": "Laporan", "coordinations": "Koordinasi"}


def row_accounting(export: Export, scope: pd.DataFrame) -> pd.DataFrame:
    """Per table: rows read = used + excluded, and how the used rows split by city and month.

    ``scope`` comes from :func:`crmlib.ingest.select.select_city_month`.
    """
    table = export.accounting.merge(scope[["table", "rows_in_scope", "rows_outside"]], on="table", how="left")
    return table.assign(table=table["table"].map(TABLE_LABELS).fillna(table["table"]))[list(ACCOUNTING_COLUMNS)]


def source_names(export: Export) -> list[str]:
    """File names the export was read from, in table order."""
    return [str(name) for name in export.accounting["source_file"]]


def by_reason(rows: pd.DataFrame) -> pd.DataFrame:
    """Count excluded or flagged rows per table and reason, most frequent first.

    >>> rows = pd.DataFrame({"table": ["tickets"] * 3, "reason": ["a", "b", "a"]})
    >>> by_reason(rows).to_dict("records")
    [{'table': 'Laporan', 'reason': 'a', 'rows': 2}, {'table': 'Laporan', 'reason': 'b', 'rows': 1}]
    """
    if rows.empty:
        return pd.DataFrame({"table": pd.Series(dtype="string"), "reason": pd.Series(dtype="string"),
                             "rows": pd.Series(dtype="Int64")})
    counts = rows.groupby(["table", "reason"], sort=False).size().rename("rows").reset_index()
    counts = counts.sort_values(["rows", "table", "reason"], ascending=[False, True, True], kind="stable")
    counts = counts.assign(table=counts["table"].map(TABLE_LABELS).fillna(counts["table"]),
                           rows=counts["rows"].astype("Int64"))
    return counts.reset_index(drop=True)


def detail(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows by table, file and row number, with the appendix's columns (:data:`DETAIL_COLUMNS`)."""
    ordered = rows.sort_values(["table", "source_file", "source_row"], kind="stable")
    shown = ordered.assign(table=ordered["table"].map(TABLE_LABELS).fillna(ordered["table"]))
    return shown[list(DETAIL_COLUMNS)].reset_index(drop=True)


def time_order_rows(flags: pd.DataFrame) -> int:
    """How many of these flags are also anomaly flags of kind time_order (the report says so in both places)."""
    return int(time_order_mask(flags).sum())


def flags_in_scope(flags: pd.DataFrame, tickets: pd.DataFrame, coordinations: pd.DataFrame) -> pd.DataFrame:
    """Flags on the rows this report uses, plus flags on a whole file (no row number).

    >>> flags = pd.DataFrame({"table": ["tickets", "tickets", "coordinations"], "source_row": [2, 9, pd.NA],
    ...                       "reason": ["a", "b", "c"]})
    >>> flags_in_scope(flags, pd.DataFrame({"source_row": [2]}), pd.DataFrame({"source_row": []}))["reason"].tolist()
    ['a', 'c']
    """
    rows = flags["source_row"]
    used = ((flags["table"] == "tickets") & rows.isin(tickets["source_row"])) | (
        (flags["table"] == "coordinations") & rows.isin(coordinations["source_row"]))
    return flags[used.fillna(False).astype(bool) | rows.isna()].reset_index(drop=True)


def coordinations_without_ticket(coordinations: pd.DataFrame, ticket_ids: pd.Series) -> int:
    """Coordinations whose ticket is not among ``ticket_ids``, the tickets table's (usually owned by another SKPD).

    >>> coordinations_without_ticket(pd.DataFrame({"ticket_id": ["A", "B", "C"]}), pd.Series(["B"]))
    2
    """
    return int((~coordinations["ticket_id"].isin(ticket_ids.dropna())).sum())


def categories_without_rule(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The categories of these tickets with no maximum follow-up time of their own in the rules: ``category``, its
    ``complaints`` and the default ``max_hours`` a ticket of it gets when the export gives no usable maximum (the
    loader flags each such row); most complaints first.

    >>> from crmlib.ingest.settings import load_settings
    >>> tickets = pd.DataFrame({"category": ["Sampah", "Jalan", "Jalan", "Pohon"]})
    >>> categories_without_rule(tickets, load_settings().rules).values.tolist()
    [['Jalan', 2, 168.0], ['Pohon', 1, 168.0]]
    """
    own = tickets["category"].map({c: rules.has_own_rule(c) for c in tickets["category"].dropna().unique()})
    counts = tickets.loc[~own.fillna(False).astype(bool), "category"].value_counts()
    table = pd.DataFrame({"category": counts.index.astype(str), "complaints": counts.to_numpy().astype(int)})
    table["max_hours"] = float(rules.default_max_hours)
    return table.sort_values(["complaints", "category"], ascending=[False, True], kind="stable", ignore_index=True)
