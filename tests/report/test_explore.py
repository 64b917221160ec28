"""Tests for crmlib.report.explore: a unit's tickets with their flags, and exports that cannot run formulas."""

import pandas as pd
from openpyxl import load_workbook

from crmlib.ingest.rules import rules_from_dict
from crmlib.report import explore

import frames


def test_unit_tickets_carry_their_flag_kinds_and_no_free_text():
    tickets = frames.tickets({}, {}, {"unit": "Utan Kayu"})
    flags = pd.DataFrame({"kind": ["fast_closure", "geotag_outside", "fast_closure", "volume_spike"],
                          "unit": ["Kayu Manis", "Kayu Manis", "Kayu Manis", "Kayu Manis"],
                          "ticket_id": ["JK2206010002", "JK2206010002", "JK2206010002", None]})
    table = explore.unit_tickets(tickets, "Kayu Manis", flags)
    assert table["ticket_id"].tolist() == ["JK2206010001", "JK2206010002"]
    assert table["flags"].tolist() == ["", "fast_closure, geotag_outside"]
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


def test_unit_history_spans_the_months_the_export_covers_up_to_the_month():
    # Kayu Manis: 2 complaints in January, 1 in March; Utan Kayu 1 in March. The export covers January to March;
    # a two-month window up to March is February and March: Kayu Manis has 0 and 1 there, Utan Kayu is not shown.
    tickets = frames.tickets({"created_at": "2022-01-10 08:00"}, {"created_at": "2022-01-11 08:00"},
                             {"created_at": "2022-03-10 08:00"},
                             {"created_at": "2022-03-10 09:00", "unit": "Utan Kayu"})
    rules = rules_from_dict(frames.RULES_DOC)
    covered = ["2022-01", "2022-02", "2022-03"]
    history = explore.unit_history(tickets, rules, covered, "2022-03", "Kayu Manis", months=2)
    assert history[["unit", "month", "complaints"]].values.tolist() == [["Kayu Manis", "2022-02", 0],
                                                                       ["Kayu Manis", "2022-03", 1]]
    # Twelve months back reach 2021-04, but the export begins in January: months before it are not zeros.
    assert explore.unit_history(tickets, rules, covered, "2022-03", "Kayu Manis")["complaints"].tolist() == [2, 0, 1]
