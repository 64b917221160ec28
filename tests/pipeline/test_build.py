"""End-to-end: build the seed months from the bundled sample, audit them, and break them.

At the end, without a build: synthetic detection and the cut-off time, on small files and frames.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import crmlib.build
import crmlib.verify
from crmlib.build import build_report, cutoff_params
from crmlib.context import SAMPLE_COORDINATIONS, SAMPLE_TICKETS, ReportContext, is_synthetic, latest_in_export
from crmlib.execute import SectionError, section_notebooks
from crmlib.load import Export
from crmlib.manifest import sha256_of
from crmlib.paths import PARAMS_DIR
from crmlib.rules import load_rules
from crmlib.verify import verify_report
import frames
from e2e import read_export, write_export

CORPUS_TICKETS = Path(__file__).parent / "corpus" / "coordinations_tickets.csv"


@pytest.fixture(scope="module")
def jaktim(tmp_path_factory):
    """Jakarta Timur, June 2022, built from a copy of the sample so the audit can tamper with it."""
    root = tmp_path_factory.mktemp("jaktim")
    data, coords = root / "laporan.csv.gz", root / "koordinasi.csv.gz"
    shutil.copy(SAMPLE_TICKETS, data)
    shutil.copy(SAMPLE_COORDINATIONS, coords)
    result = build_report("jaktim", "2022-06", data, coords, out_root=root / "outputs", progress=None)
    return root, result.out_dir, data


def test_build_writes_every_deliverable(jaktim):
    _, report, data = jaktim
    assert (report / "report.pdf").read_bytes().startswith(b"%PDF")
    executed = sorted(p.name for p in (report / "executed").glob("*.ipynb"))
    assert executed == [p.name for p in section_notebooks()]
    manifest = json.loads((report / "manifest.json").read_text())
    assert manifest["inputs"]["tickets"]["sha256"] == sha256_of(data)
    # A copy of the sample is still the sample; the cut-off is jaktim.yaml's for 2022-06.
    assert manifest["params"] == {"city": "jaktim", "month": "2022-06", "synthetic_sample": True,
                                  "cutoff": "2022-07-11T08:34:00+07:00", "cutoff_source": "settings"}
    assert "params/rules/crm.yaml" in manifest["param_files"]
    assert manifest["packages"]["papermill"] != "not installed"
    assert not list(report.parent.glob(".*building*")), "the temporary build folder was left behind"


def test_figures_carry_seed_002(jaktim):
    figures = json.loads((jaktim[1] / "figures.json").read_text())
    assert figures["total_complaints"] == 508
    assert figures["response_split"]["within"] == 388 and figures["response_split"]["later"] == 120
    assert [(r["unit"], r["count"]) for r in figures["top_units"]] == [
        ("Rawamangun", 25), ("Bidara Cina", 21), ("Pulo Gebang", 21), ("Setu", 19), ("Pondok Kelapa", 19)]
    late = figures["late_follow_ups"]
    assert [(r["ticket_id"], r["unit"], r["max_tl_hours"], r["actual_hours"], r["score"]) for r in late] == [
        ("JK2206030245", "Kebon Manggis", 48.0, 67.0, 80.0)]
    assert [(r["ticket_id"], r["rejected_count"]) for r in figures["rejected_follow_ups"]] == [
        ("JK2206080126", 2), ("JK2206130046", 4)]
    assert figures["grade"] == "A"
    assert figures["synthetic"] is True


def test_html_shows_seed_002_tables(jaktim):
    html = (jaktim[1] / "report.html").read_text()
    for shown in [
        "Per Tanggal 11 Juli 2022 08:34",
        "<strong>388</strong> aduan (<strong>76,38%</strong>)",
        "<strong>120</strong> aduan (<strong>23,62%</strong>)",
        # fastest coordination: Cipayung, 24 coordinations, 10,63 minutes
        '<td class="num">24</td><td class="num">10,63</td>',
        # slowest coordination: Munjul, 10 coordinations, 9,778 hours
        '<td class="num">10</td><td class="num">9,778</td>',
        # fastest completion: Cipayung 6 tickets 51,17 minutes; slowest: Kebon Manggis 1 ticket 67,00 hours
        '<td class="num">6</td><td class="num">51,17</td>',
        '<td>Kebon Manggis</td><td class="num">1</td><td class="num">67,00</td>',
        "<td>3 Juni 2022 16:15</td><td>6 Juni 2022 11:15</td>",
        '<td class="num">92</td><td class="num">18,11%</td>',
        '<p class="banner synthetic-notice">DATA SINTETIS: semua angka',
    ]:
        assert shown in html, shown
    assert "<script" not in html.lower()


def test_verify_passes_then_names_a_tampered_input_and_settings(jaktim, monkeypatch):
    root, _, data = jaktim
    assert verify_report("jaktim", "2022-06", out_root=root / "outputs").ok
    exported = read_export(data)
    # Kebon Manggis' late ticket now took 2 hours less (65 h instead of 67 h)
    row = exported["No Laporan"] == "JK2206030245"
    exported.loc[row, "Tanggal TL"] = "06/06/2022 09:15"
    write_export(exported, data.with_suffix("")).replace(data)
    # The settings are checked against a copy of the project's, one of them edited after the build.
    project = root / "project"
    shutil.copytree(PARAMS_DIR, project / "params")
    with open(project / "params" / "rules" / "crm.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# edited after the build\n")
    monkeypatch.setattr(crmlib.verify, "PROJECT_ROOT", project)
    result = verify_report("jaktim", "2022-06", out_root=root / "outputs")
    assert result.changed_inputs == ["tickets"]
    assert result.changed_settings == ["params/rules/crm.yaml"]
    assert result.rerun_error is None and not result.ok
    assert "late_follow_ups" in result.differing and "completion_slowest" in result.differing
    assert "total_complaints" not in result.differing
    # The edited copy is no longer the sample's bytes.
    assert "synthetic" in result.differing and result.fresh["synthetic"] is False


def test_jakpus_july_shows_seed_000(tmp_path):
    report = build_report("jakpus", "2022-07", out_root=tmp_path, pdf=False, progress=None).out_dir
    figures = json.loads((report / "figures.json").read_text())
    assert figures["total_complaints"] == 255
    assert [(r["label"], r["count"]) for r in figures["geotagging"]] == [("Geotagging", 243), ("Non geotagging", 12)]
    assert [(r["channel"], r["count"]) for r in figures["channels"]] == [
        ("JAKI", 243), ("Twitter", 6), ("Email", 5), ("SP4N Lapor", 1)]
    assert [r["count"] for r in figures["completion_histogram"]][:3] == [224, 21, 8]
    assert figures["units_under_1_hour_count"] == 25
    assert figures["late_follow_up_count"] == 0 and (figures["capaian"], figures["grade"]) == (100.0, "A")
    html = (report / "report.html").read_text()
    assert "DATA SINTETIS" in html
    assert "<strong>224</strong> aduan atau <strong>87,84%</strong>" in html
    assert "rata-rata</span>" not in html and "<strong>3,4</strong> jam" in html
    # no late and no rejected follow-ups: each table prints NIHIL
    late = html[html.index("Nilai Tindak Lanjut di Bawah 100"):html.index("Tindak Lanjut yang Ditolak Berulang")]
    rejected = html[html.index("Tindak Lanjut yang Ditolak Berulang"):html.index('id="g-data-kanal-aduan"')]
    assert '<p class="nihil">NIHIL</p>' in late and '<p class="nihil">NIHIL</p>' in rejected
    assert "adalah <strong>100</strong> dengan Peringkat <strong>A</strong>" in html


def test_failed_build_leaves_the_previous_report(tmp_path, monkeypatch):
    first = build_report("jakpus", "2022-07", out_root=tmp_path, pdf=False, progress=None).out_dir
    before = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    broken = tmp_path / "99_broken.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('section broke')")])
    notebook.metadata["kernelspec"] = {"name": "crm-reports", "display_name": "crm-reports", "language": "python"}
    nbformat.write(notebook, broken)
    monkeypatch.setattr(crmlib.build, "section_notebooks", lambda: [*section_notebooks(), broken])
    with pytest.raises(SectionError, match="section 99_broken failed: RuntimeError: section broke"):
        build_report("jakpus", "2022-07", out_root=tmp_path, pdf=False, progress=None)
    after = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    assert after == before
    # the failed attempt is kept aside for inspection, with the notebook that broke
    assert sorted(p.name for p in first.parent.iterdir()) == [".2022-07.failed", "2022-07"]
    assert (first.parent / ".2022-07.failed" / "executed" / "99_broken.ipynb").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--city", "jaktim", "--month", "2022-13"], "error: month '2022-13' is not YYYY-MM"),
    (["--city", "bandung", "--month", "2022-06"], "error: unknown city 'bandung'"),
    (["--city", "jaktim", "--month", "2021-06"], "error: laporan_sintetis_2022.csv.gz: no complaints for jaktim in 2021-06"),
    (["--city", "jaktim", "--month", "2022-06", "--data", "missing.csv"], "error: missing.csv: file not found"),
])
def test_cli_prints_one_line_without_traceback(args, message):
    done = subprocess.run([sys.executable, "-m", "crmlib", "build", *args], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# Synthetic detection and the cut-off time: small files and frames, no build.

def test_copy_of_the_sample_is_synthetic_and_an_edited_copy_is_not(tmp_path):
    copy = tmp_path / "export.csv.gz"
    shutil.copy(SAMPLE_TICKETS, copy)
    assert is_synthetic(SAMPLE_TICKETS) and is_synthetic(copy)
    edited = bytearray(copy.read_bytes())
    edited[-1] ^= 0xFF  # same size, other bytes
    copy.write_bytes(bytes(edited))
    assert not is_synthetic(copy)
    copy.write_bytes(b"No Laporan;Status\n")
    assert not is_synthetic(copy)


def small_export(with_coordinations: bool = True) -> Export:
    """Two June tickets in jaktim; a jakpus coordination processed on 1 July 10:05, the latest time of all."""
    ticket_rows = frames.tickets(
        {"created_at": "2022-06-01 08:00", "responded_at": "2022-06-01 09:30", "completed_at": "2022-06-03 16:15"},
        {"created_at": "2022-06-29 22:10"},
    )
    coordination_rows = frames.coordinations(
        {"city_code": "jakpus", "coordinated_at": "2022-06-30 07:00", "processed_at": "2022-07-01 10:05"})
    if not with_coordinations:
        coordination_rows = coordination_rows.iloc[0:0]
    return Export(ticket_rows, coordination_rows, exclusions=pd.DataFrame(), flags=pd.DataFrame(),
                  accounting=pd.DataFrame())


def context_of(export: Export, cutoff: str | None, tickets_path=SAMPLE_TICKETS) -> ReportContext:
    return ReportContext(city="jaktim", month="2022-06", tickets=export.tickets, coordinations=export.coordinations,
                         export=export, scope=pd.DataFrame(), kelurahan=pd.DataFrame(), rules=load_rules(),
                         settings={"cutoff": cutoff}, inputs={"tickets": tickets_path})


def test_latest_time_covers_the_whole_export():
    assert latest_in_export(small_export()) == pd.Timestamp("2022-07-01 10:05", tz="Asia/Jakarta")
    # without the coordination: the second ticket's creation (29 June 22:10) beats the first's completion (3 June)
    assert latest_in_export(small_export(with_coordinations=False)) == pd.Timestamp("2022-06-29 22:10",
                                                                                    tz="Asia/Jakarta")


@pytest.mark.parametrize(("setting", "label", "params"), [
    ("2022-07-11 08:34", "11 Juli 2022 08:34", {"cutoff": "2022-07-11T08:34:00+07:00", "cutoff_source": "settings"}),
    ("2022-08-09", "9 Agustus 2022", {"cutoff": "2022-08-09", "cutoff_source": "settings"}),
    (None, "1 Juli 2022 10:05 (data terakhir dalam ekspor)",
     {"cutoff": "2022-07-01T10:05:00+07:00", "cutoff_source": "export"}),
])
def test_cutoff_from_settings_else_from_the_export(setting, label, params):
    context = context_of(small_export(), setting)
    assert context.cutoff_label == label
    assert cutoff_params(context) == params


def test_no_cutoff_without_settings_or_times():
    export = small_export(with_coordinations=False)
    context = context_of(Export(export.tickets.iloc[0:0], export.coordinations, export.exclusions, export.flags,
                                export.accounting), None)
    assert context.cutoff_label is None
    assert cutoff_params(context) == {"cutoff": None, "cutoff_source": None}


def test_context_is_synthetic_by_content(tmp_path):
    copy = tmp_path / "laporan.csv.gz"
    shutil.copy(SAMPLE_TICKETS, copy)
    assert context_of(small_export(), None, copy).synthetic
    assert not context_of(small_export(), None, CORPUS_TICKETS).synthetic
