"""The status recap table: complaints per unit and status, laid out as in the seed report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from crmlib.ingest.areas import name_key
from crmlib.schema import STATUSES

DEFAULT_STATUS_COLUMNS = ("Complete", "Disposisi", "In Progres", "Wait")
GRAND_TOTAL = "Grand Total"


def status_columns(tickets: pd.DataFrame, statuses: Sequence[str] | None = None) -> list[str]:
    """Status columns: the given (or default) ones, then any other status present (canonical order, then A-Z)."""
    base = list(DEFAULT_STATUS_COLUMNS if statuses is None else statuses)
    present = set(tickets["status"].dropna().unique())
    extra = [s for s in STATUSES if s in present and s not in base]
    extra += sorted(present - set(base) - set(STATUSES))
    return base + extra


def _row_keys(tickets: pd.DataFrame, head_unit: str) -> pd.Series:
    """A key per ticket naming its pivot row; NA when the unit is not this city's kelurahan/kecamatan/head unit."""
    kind = tickets["unit_type"]
    key = pd.Series(pd.NA, index=tickets.index, dtype="string")
    key = key.mask(kind == "kelurahan", "kelurahan|" + tickets["kecamatan"] + "|" + tickets["unit"])
    # A kecamatan office's unit reads 'Kecamatan X'; its row is found by the kecamatan column.
    key = key.mask(kind == "kecamatan", "kecamatan|" + tickets["kecamatan"])
    return key.mask((kind == "kota") & (tickets["unit"] == head_unit), "kota")


def status_pivot(
    tickets: pd.DataFrame,
    kelurahan_ref: pd.DataFrame,
    head_unit: str,
    statuses: Sequence[str] | None = None,
    kelurahan_order: Literal["name", "reference"] = "name",
) -> pd.DataFrame:
    """Complaints per unit and status: columns row_type, no, kecamatan, label, <status...>, total.

    For each kecamatan of kelurahan_ref (reference order): the kecamatan
    office's row, then its kelurahan numbered 1..n (A-Z as in the seed, or
    reference order), zero rows kept; then the head unit, then 'Grand Total'.
    Raises ValueError if a ticket's status is missing or its unit has no row.
    """
    if tickets["status"].isna().any():
        missing = tickets.loc[tickets["status"].isna(), "ticket_id"].tolist()
        raise ValueError(f"status_pivot: status missing for ticket(s) {missing[:10]}; the loader must exclude them.")
    columns = status_columns(tickets, statuses)
    keys = _row_keys(tickets, head_unit)

    layout: list[dict] = []
    for kecamatan in kelurahan_ref["kecamatan"].drop_duplicates():
        layout.append({"row_type": "kecamatan", "no": pd.NA, "kecamatan": kecamatan, "label": kecamatan,
                       "_key": f"kecamatan|{kecamatan}"})
        names = kelurahan_ref.loc[kelurahan_ref["kecamatan"] == kecamatan, "kelurahan"].tolist()
        if kelurahan_order == "name":
            names = sorted(names, key=name_key)
        for no, kelurahan in enumerate(names, start=1):
            layout.append({"row_type": "kelurahan", "no": no, "kecamatan": kecamatan, "label": kelurahan,
                           "_key": f"kelurahan|{kecamatan}|{kelurahan}"})
    layout.append({"row_type": "kota", "no": pd.NA, "kecamatan": pd.NA, "label": head_unit, "_key": "kota"})

    known = {row["_key"] for row in layout}
    unplaced = keys.isna() | ~keys.isin(known)
    if unplaced.any():
        bad = tickets.loc[unplaced, ["ticket_id", "unit_type", "unit"]].head(10).to_dict("records")
        raise ValueError(f"status_pivot: {int(unplaced.sum())} ticket(s) owned by a unit outside this city's "
                         f"kelurahan/kecamatan/head unit, e.g. {bad}; filter the frame to the city first.")

    counts = pd.crosstab(keys, tickets["status"]).reindex(columns=columns, fill_value=0)
    table = pd.DataFrame(layout)
    body = counts.reindex(table["_key"], fill_value=0).reset_index(drop=True)
    table = pd.concat([table.drop(columns="_key"), body], axis=1)
    total_row = {"row_type": "total", "no": pd.NA, "kecamatan": pd.NA, "label": GRAND_TOTAL,
                 **{c: int(body[c].sum()) for c in columns}}
    table = pd.concat([table, pd.DataFrame([total_row])], ignore_index=True)
    table = table.astype({"row_type": "string", "no": "Int64", "kecamatan": "string", "label": "string",
                          **{c: "Int64" for c in columns}})
    return table.assign(total=table[columns].sum(axis=1).astype("Int64"))


def pivot_statuses(pivot: pd.DataFrame) -> list[str]:
    """The status columns of a :func:`status_pivot`, in its order.

    >>> pivot_statuses(pd.DataFrame(columns=["row_type", "no", "kecamatan", "label", "Complete", "Wait", "total"]))
    ['Complete', 'Wait']
    """
    return [c for c in pivot.columns if c not in ("row_type", "no", "kecamatan", "label", "total")]
