"""The audit's checks and messages, on a small report written by hand; the re-run is replaced.

The end-to-end audit of a real build is in test_build.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import crmlib.verify
from crmlib.cli import main
from crmlib.errors import InputError
from crmlib.execute import SectionError
from crmlib.manifest import sha256_of
from crmlib.paths import PROJECT_ROOT

CORPUS = Path(__file__).parent / "corpus"
FIGURES = {"total_complaints": 3, "synthetic": False}
SETTINGS = ["params/rules/crm.yaml", "params/cities/jaktim.yaml"]


@pytest.fixture
def report(tmp_path, monkeypatch):
    """A built jaktim 2022-06 report: its input, settings copies, manifest and figures; the re-run is a stub."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    tickets = inputs / "laporan.csv"
    shutil.copy(CORPUS / "coordinations_tickets.csv", tickets)
    root = tmp_path / "project"  # stands in for the project folder the settings paths are relative to
    for name in SETTINGS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / name, root / name)
    out = tmp_path / "outputs" / "jaktim" / "2022-06"
    out.mkdir(parents=True)
    manifest = {
        "inputs": {"tickets": {"path": str(tickets), "sha256": sha256_of(tickets)}},
        "params": {"city": "jaktim", "month": "2022-06"},
        "param_files": {name: sha256_of(root / name) for name in SETTINGS},
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "figures.json").write_text(json.dumps(FIGURES))
    monkeypatch.setattr(crmlib.verify, "OUTPUTS_DIR", tmp_path / "outputs")
    monkeypatch.setattr(crmlib.verify, "PROJECT_ROOT", root)
    runs = []

    def rerun_stub(city, month, data, coordinations, work_dir, progress=None):
        runs.append((city, month, Path(data)))
        return [], dict(FIGURES)

    monkeypatch.setattr(crmlib.verify, "execute_figures", rerun_stub)
    return {"tickets": tickets, "root": root, "runs": runs}


def verify(capsys) -> tuple[int, list[str]]:
    code = main(["verify", "--city", "jaktim", "--month", "2022-06"])
    return code, capsys.readouterr().out.splitlines()


def test_unchanged_report_verifies(report, capsys):
    code, lines = verify(capsys)
    assert (code, lines) == (0, ["verified: all 2 figures match"])
    assert report["runs"] == [("jaktim", "2022-06", report["tickets"])]


def test_tampered_settings_file_is_named(report, capsys):
    rules = report["root"] / "params/rules/crm.yaml"
    rules.write_text(rules.read_text() + "\n# response_max_hours edited after the build\n")
    code, lines = verify(capsys)
    assert code == 1
    assert lines == [
        "settings changed: params/rules/crm.yaml",
        "verification FAILED: 0 figure(s) differ, 0 input(s) changed, 1 settings file(s) changed",
    ]
    assert not crmlib.verify.verify_report("jaktim", "2022-06").ok


def test_missing_settings_file_is_named(report, capsys):
    (report["root"] / "params/cities/jaktim.yaml").unlink()
    assert crmlib.verify.verify_report("jaktim", "2022-06").changed_settings == ["params/cities/jaktim.yaml"]


def test_missing_input_is_named_and_not_re_run(report, capsys):
    report["tickets"].unlink()
    code, lines = verify(capsys)
    assert code == 1
    assert lines == [
        f"input missing: the tickets file {report['tickets']} recorded in manifest.json is gone",
        "re-run skipped: input file missing (tickets)",
        "verification FAILED: 0 figure(s) differ, 1 input(s) changed, 0 settings file(s) changed, "
        "figures not compared",
    ]
    assert report["runs"] == []


@pytest.mark.parametrize("error", [
    SectionError("04_data_aduan", "KeyError: 'status'"),
    InputError("laporan.csv", "no complaints for jaktim in 2022-06", fix="check CITY and MONTH"),
])
def test_failed_re_run_is_one_line_after_the_changed_input(report, capsys, monkeypatch, error):
    report["tickets"].write_bytes(report["tickets"].read_bytes() + b"\n")
    printed_before_re_run = []

    def failing_re_run(*args, **kwargs):
        printed_before_re_run.extend(capsys.readouterr().out.splitlines())
        raise error

    monkeypatch.setattr(crmlib.verify, "execute_figures", failing_re_run)
    code, lines = verify(capsys)
    assert code == 1
    assert printed_before_re_run == [
        "input changed: the tickets file no longer matches the SHA-256 recorded in manifest.json"]
    assert lines == [
        f"re-run failed: {error}",
        "verification FAILED: 0 figure(s) differ, 1 input(s) changed, 0 settings file(s) changed, "
        "figures not compared",
    ]


def test_differing_figure_is_named(report, capsys, monkeypatch):
    monkeypatch.setattr(crmlib.verify, "execute_figures", lambda *a, **k: ([], {**FIGURES, "total_complaints": 4}))
    code, lines = verify(capsys)
    assert code == 1
    assert lines[0] == "figure differs: total_complaints: recorded 3, now 4"
