"""Tests for crmlib.report.explore: a unit's tickets with their flags, and exports that cannot run formulas."""

import pandas as pd
from openpyxl import load_workbook

from crmlib.report import explore

import frames


def test_unit_tickets_carry_their_flag_kinds_and_no_free_text():
    tickets = frames.tickets({}, {}, {"unit": "Utan Kayu"})
    flags = pd.DataFrame({"kind": ["fast_closure", "geotag_far", "fast_closure", "volume_spike"],
                          "unit": ["Kayu Manis", "Kayu Manis", "Kayu Manis", "Kayu Manis"],
                          "ticket_id": ["JK2206010002", "JK2206010002", "JK2206010002", None]})
    table = explore.unit_tickets(tickets, "Kayu Manis", flags)
    assert table["ticket_id"].tolist() == ["JK2206010001", "JK2206010002"]
    assert table["flags"].tolist() == ["", "fast_closure, geotag_far"]
    assert list(table.columns) == [*explore.TICKET_COLUMNS, "flags"]
    assert explore.most_flagged_unit(flags, tickets) == "Kayu Manis"


def test_exports_write_text_from_data_as_text(tmp_path):
    selection = frames.tickets({"category": "=HYPERLINK(\"http://contoh.invalid\")"})[["ticket_id", "created_at",
                                                                                       "category"]]
    xlsx = explore.export_selection(selection, tmp_path / "pilihan.xlsx")
    sheet = load_workbook(xlsx).active
    assert sheet["C2"].value == "'=HYPERLINK(\"http://contoh.invalid\")" and sheet["C2"].data_type == "s"
    csv = explore.export_selection(selection, tmp_path / "pilihan.csv")
    assert "'=HYPERLINK" in csv.read_text(encoding="utf-8")


def test_a_unit_with_unit_level_flags_only_has_empty_ticket_kinds():
    tickets = frames.tickets({}, {})
    flags = pd.DataFrame({"kind": pd.array(["volume_spike"], dtype="string"),
                          "unit": pd.array(["Kayu Manis"], dtype="string"),
                          "ticket_id": pd.array([pd.NA], dtype="string")})
    assert explore.unit_tickets(tickets, "Kayu Manis", flags)["flags"].tolist() == ["", ""]
