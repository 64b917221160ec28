"""A month whose lists are too long to print: the report prints the first rows and says where the rest are."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from crmlib.ingest.read import sha256_of
from crmlib.ingest.settings import load_settings
from crmlib.metrics import flag_kinds
from crmlib.pipeline.audit.verify import verify_report
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.request import BuildRequest
from crmlib.report.anomaly_notes import ANNEX_FLAGS_PER_KIND, TICKET_FLAGS_SHOWN

from e2e import month_slice, unmarked, write_export

pytestmark = pytest.mark.e2e
COPIES = 4


@pytest.fixture(scope="module")
def repeated(tmp_path_factory):
    """Jakarta Timur's June 2022 from the sample four times over, with new ticket numbers: every copy closes in
    its original's minute at its original's point, so batch closures and bursts run to over a thousand."""
    root = tmp_path_factory.mktemp("repeated")
    tickets, coordinations = month_slice("JAKARTA TIMUR", "2022-06", root)
    copies = pd.concat([tickets] * COPIES, ignore_index=True)
    copies["No Laporan"] = "JR" + pd.Series(range(len(copies))).astype(str).str.zfill(8)
    data = write_export(copies, root / "laporan.csv")
    coords = write_export(coordinations, root / "koordinasi.csv")
    settings = load_settings(outputs_dir=root / "outputs", cache_dir=root / "cache")
    result = build_report(BuildRequest("jaktim", "2022-06", settings, data, coords, pdf=False), progress=None)
    return settings, result.out_dir, json.loads((result.out_dir / "figures.json").read_text())


def test_the_annex_prints_the_first_flags_of_each_kind_and_its_csv_holds_them_all(repeated):
    _, report, figures = repeated
    counts = {k: n for k, n in figures["anomaly_counts"].items() if n and flag_kinds.by_name(k).level == "ticket"}
    assert counts["batch_closure"] > ANNEX_FLAGS_PER_KIND and counts["duplicate_burst"] > ANNEX_FLAGS_PER_KIND
    listed = pd.read_csv(report / "anomali.csv")
    assert len(listed) == sum(counts.values()) == figures["anomaly_ticket_flags_file"]["rows"]
    assert listed["no"].tolist() == list(range(1, len(listed) + 1))
    assert sha256_of(report / "anomali.csv") == figures["anomaly_ticket_flags_file"]["sha256"]
    shown = pd.DataFrame(figures["anomaly_ticket_flags"])
    assert shown["kind"].value_counts().to_dict() == {k: min(n, ANNEX_FLAGS_PER_KIND) for k, n in counts.items()}
    # The rows shown are the list's own: the same numbers in the CSV.
    assert shown["ticket_id"].tolist() == listed.set_index("no").loc[shown["no"], "ticket_id"].tolist()
    html = unmarked((report / "report.html").read_text())
    assert (f"Ditampilkan <strong>{len(shown):,}</strong> dari <strong>{len(listed):,}</strong> baris; seluruhnya ada "
            "di report.xlsx dan <strong>anomali.csv</strong>.").replace(",", ".") in html


def test_the_workbook_holds_every_listed_flag(repeated):
    _, report, figures = repeated
    book = load_workbook(report / "report.xlsx", read_only=True)
    [name] = [n for n in book.sheetnames if n.endswith("anomaly_ticket_flags")]
    rows = list(book[name].iter_rows(min_row=6, values_only=True))
    assert len(rows) == figures["anomaly_ticket_flags_file"]["rows"]
    assert [c.value for c in next(book[name].iter_rows(min_row=5, max_row=5))] == [
        "No", "No Laporan", "Unit", "Jenis", "Bukti"]


def test_the_anomaly_section_prints_a_few_flags_of_each_kind(repeated):
    _, _, figures = repeated
    printed = [f for f in figures["anomaly_flags"] if f["ticket_id"]]
    kinds = {k for k, n in figures["anomaly_counts"].items() if n and flag_kinds.by_name(k).level == "ticket"}
    assert len(printed) == TICKET_FLAGS_SHOWN and {f["kind"] for f in printed} == kinds


def test_the_report_with_long_lists_verifies_and_names_an_edited_list(repeated):
    settings, report, _ = repeated
    assert verify_report("jaktim", "2022-06", settings).ok
    path = report / "tindak_lanjut_terlambat.csv"
    path.write_text(path.read_text().replace("80.0", "100.0"))
    assert verify_report("jaktim", "2022-06", settings).lists == [
        "list file changed: tindak_lanjut_terlambat.csv no longer has the SHA-256 recorded in figures.json "
        "(late_follow_ups_file)"]
