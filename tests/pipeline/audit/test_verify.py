"""The audit's checks and messages, on a small report written by hand; the re-run is replaced.

The end-to-end audit of a real build is in test_build.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

import crmlib.pipeline.audit.verify
from crmlib.errors import InputError
from crmlib.ingest.read import sha256_of
from crmlib.ingest.settings import load_settings, manifest_entry
from crmlib.pipeline.execution.sections import SectionError
from crmlib.pipeline.orchestration.cli import main
from crmlib.resources import default_params_dir

from conftest import CORPUS

FIGURES = {"total_complaints": 3, "synthetic": False}
OVERRIDDEN = ["rules/crm.yaml", "cities/jaktim.yaml"]
REPORT_HTML = '<p>Jumlah pengaduan <strong data-figure="total_complaints">3</strong> pengaduan.</p>'


@pytest.fixture
def report(tmp_path, monkeypatch):
    """A built jaktim 2022-06 report: its input, a settings folder, manifest and figures; the re-run is a stub."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    tickets = inputs / "laporan.csv"
    shutil.copy(CORPUS / "coordinations_tickets.csv", tickets)
    params = tmp_path / "params"  # the build's --params folder
    for name in OVERRIDDEN:
        (params / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(default_params_dir() / name, params / name)
    outputs = tmp_path / "outputs"
    out = outputs / "jaktim" / "2022-06"
    out.mkdir(parents=True)
    manifest = {
        "inputs": {"tickets": {"path": str(tickets), "sha256": sha256_of(tickets)}},
        "params": {"city": "jaktim", "month": "2022-06"},
        "settings": manifest_entry(load_settings(params)),
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "figures.json").write_text(json.dumps(FIGURES))
    (out / "report.html").write_text(REPORT_HTML, encoding="utf-8")
    runs = []

    def rerun_stub(request, work_dir):
        runs.append((request.subject, request.month, request.data, request.settings.override_dir))
        return [], dict(FIGURES)

    monkeypatch.setattr(crmlib.pipeline.audit.verify, "execute_figures", rerun_stub)
    return {"tickets": tickets, "params": params, "outputs": outputs, "runs": runs}


def verify_report(report):
    return crmlib.pipeline.audit.verify.verify_report("jaktim", "2022-06", load_settings(outputs_dir=report["outputs"]))


def verify(capsys, report) -> tuple[int, list[str]]:
    code = main(["verify", "--city", "jaktim", "--month", "2022-06", "--outputs", str(report["outputs"])])
    return code, capsys.readouterr().out.splitlines()


def test_unchanged_report_verifies(report, capsys):
    code, lines = verify(capsys, report)
    assert (code, lines) == (0, ["verified: all 2 figures match"])
    # The re-run used the settings folder the manifest records.
    assert report["runs"] == [("jaktim", "2022-06", report["tickets"], report["params"])]


def test_tampered_settings_file_is_named(report, capsys):
    rules = report["params"] / "rules/crm.yaml"
    rules.write_text(rules.read_text() + "\n# response_max_hours edited after the build\n")
    code, lines = verify(capsys, report)
    assert code == 1
    assert lines == [
        "settings changed: rules/crm.yaml",
        "verification FAILED: 0 figure(s) differ, 0 printed number(s) differ, "
        "0 input(s) changed, 1 settings file(s) changed",
    ]
    assert not verify_report(report).ok


def test_a_settings_file_gone_from_the_folder_is_named(report):
    # Without it the shipped file would be used: another setting than the build's.
    (report["params"] / "cities/jaktim.yaml").unlink()
    assert verify_report(report).changed_settings == ["cities/jaktim.yaml"]


def test_a_settings_folder_gone_is_named_and_not_re_run(report, capsys):
    shutil.rmtree(report["params"])
    code, lines = verify(capsys, report)
    assert code == 1
    assert lines[-3:-1] == ["settings changed: rules/crm.yaml",
                            "re-run skipped: the recorded settings cannot be read (params: "
                            "the params folder does not exist. Fix: check --params or CRM_PARAMS.)"]
    assert report["runs"] == []


def test_missing_input_is_named_and_not_re_run(report, capsys):
    report["tickets"].unlink()
    code, lines = verify(capsys, report)
    assert code == 1
    assert lines == [
        f"input missing: the tickets file {report['tickets']} recorded in manifest.json is gone",
        "re-run skipped: input file missing (tickets)",
        "verification FAILED: 0 figure(s) differ, 0 printed number(s) differ, "
        "1 input(s) changed, 0 settings file(s) changed, "
        "figures not compared",
    ]
    assert report["runs"] == []


@pytest.mark.parametrize("error", [
    SectionError("04_data_aduan", "InputError", "laporan.csv: no complaints for jaktim in 2022-06."),
    InputError("laporan.csv", "no complaints for jaktim in 2022-06", fix="check CITY and MONTH"),
])
def test_failed_re_run_is_one_line_after_the_changed_input(report, capsys, monkeypatch, error):
    report["tickets"].write_bytes(report["tickets"].read_bytes() + b"\n")
    printed_before_re_run = []

    def failing_re_run(*args, **kwargs):
        printed_before_re_run.extend(capsys.readouterr().out.splitlines())
        raise error

    monkeypatch.setattr(crmlib.pipeline.audit.verify, "execute_figures", failing_re_run)
    code, lines = verify(capsys, report)
    assert code == 1
    assert printed_before_re_run == [
        "input changed: the tickets file no longer matches the SHA-256 recorded in manifest.json"]
    assert lines == [
        f"re-run failed: {error}",
        "verification FAILED: 0 figure(s) differ, 0 printed number(s) differ, "
        "1 input(s) changed, 0 settings file(s) changed, "
        "figures not compared",
    ]


def test_a_bug_in_a_re_run_section_shows_its_traceback(report, capsys, monkeypatch):
    def buggy_re_run(*args, **kwargs):
        raise SectionError("07_waktu", "KeyError", "'mean_hours'", "Traceback ...\nKeyError: 'mean_hours'")

    monkeypatch.setattr(crmlib.pipeline.audit.verify, "execute_figures", buggy_re_run)
    code = main(["verify", "--city", "jaktim", "--month", "2022-06", "--outputs", str(report["outputs"])])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Traceback ...\nKeyError: 'mean_hours'\n")
    assert err.endswith("error: section 07_waktu failed: KeyError: 'mean_hours'.\n")


def test_differing_figure_is_named(report, capsys, monkeypatch):
    changed = {**FIGURES, "total_complaints": 4}
    monkeypatch.setattr(crmlib.pipeline.audit.verify, "execute_figures", lambda *a, **k: ([], changed))
    code, lines = verify(capsys, report)
    assert code == 1
    assert lines[0] == "figure differs: total_complaints: recorded 3, now 4"


def test_a_printed_number_edited_in_the_report_is_named_by_its_figure(report, capsys):
    html = report["outputs"] / "jaktim" / "2022-06" / "report.html"
    html.write_text(REPORT_HTML.replace(">3<", ">4<"), encoding="utf-8")
    code, lines = verify(capsys, report)
    assert code == 1
    assert "printed number differs: total_complaints: report.html shows '4', figures.json has 3" in lines
    assert lines[-1].startswith("verification FAILED: 0 figure(s) differ, 1 printed number(s) differ")


def test_a_printed_number_without_its_figure_is_named(report, capsys):
    html = report["outputs"] / "jaktim" / "2022-06" / "report.html"
    html.write_text('<p><strong data-figure="capaian">99,961</strong></p>', encoding="utf-8")
    code, lines = verify(capsys, report)
    assert code == 1 and "printed number differs: capaian: report.html shows '99,961', not in figures.json" in lines


def test_a_list_file_edited_or_gone_is_named(report, capsys, monkeypatch):
    out = report["outputs"] / "jaktim" / "2022-06"
    listed = "no,ticket_id\n1,JK1\n"
    (out / "anomali.csv").write_text(listed)
    figures = {**FIGURES, "anomaly_ticket_flags_file": {
        "file": "anomali.csv", "rows": 1, "sha256": hashlib.sha256(listed.encode()).hexdigest()}}
    (out / "figures.json").write_text(json.dumps(figures))
    monkeypatch.setattr(crmlib.pipeline.audit.verify, "execute_figures", lambda request, work_dir: ([], dict(figures)))
    assert verify_report(report).ok
    (out / "anomali.csv").write_text(listed.replace("JK1", "JK9"))
    code, lines = verify(capsys, report)
    assert code == 1
    assert lines == [
        "list file changed: anomali.csv no longer has the SHA-256 recorded in figures.json (anomaly_ticket_flags_file)",
        "verification FAILED: 0 figure(s) differ, 0 printed number(s) differ, 1 list file(s) changed, "
        "0 input(s) changed, 0 settings file(s) changed",
    ]
    (out / "anomali.csv").unlink()
    assert verify_report(report).lists == ["list file missing: anomali.csv (figure anomaly_ticket_flags)"]
