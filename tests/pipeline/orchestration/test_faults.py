"""Builds under faults: killed, run twice at once, input replaced midway; audits of a broken manifest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmlib.ingest.settings import load_settings
from crmlib.pipeline.context.city import sample_inputs
from crmlib.pipeline.orchestration.cli import main
from crmlib.pipeline.request import BuildRequest

pytestmark = pytest.mark.e2e


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds the marker (a build's children inherit it)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(proc.name))
        except OSError:
            continue
    return found


def build_command(outputs: Path) -> list[str]:
    return [sys.executable, "-m", "crmlib", "build", "--city", "jakpus", "--month", "2022-07", "--no-pdf",
            "--outputs", str(outputs)]


def test_a_killed_build_leaves_no_process_and_its_folder_is_cleaned_next_time(tmp_path):
    marker = f"crm-fault-test-{os.getpid()}"
    env = {**os.environ, "CRM_FAULT_MARKER": marker}
    build = subprocess.Popen(build_command(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    # Kill it once its sections run: a worker has printed a finished section.
    line = build.stdout.readline()
    while line and not line.startswith("["):
        line = build.stdout.readline()
    assert line.startswith("["), "the build never ran a section"
    assert len(processes_with(marker)) > 1  # the build and its workers
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 20
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_with(marker) == []
    month = tmp_path / "jakpus"
    assert list(month.glob(".2022-07.building-*"))  # the killed build's folder
    subprocess.run(build_command(tmp_path), check=True, capture_output=True)
    assert not list(month.glob(".2022-07.building-*"))
    assert (month / "2022-07" / "figures.json").exists()


def test_two_builds_of_one_report_at_once_both_succeed(tmp_path):
    builds = [subprocess.Popen(build_command(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    results = [b.communicate() for b in builds]
    assert [b.returncode for b in builds] == [0, 0], results
    assert any("waiting for another build of jakpus 2022-07" in out for out, _ in results)
    assert sorted(p.name for p in (tmp_path / "jakpus").iterdir()) == [".2022-07.lock", "2022-07"]


def test_an_input_replaced_during_the_build_fails_it(tmp_path, monkeypatch):
    data = tmp_path / "laporan.csv.gz"
    data.write_bytes(sample_inputs()["tickets"].read_bytes())
    import crmlib.pipeline.orchestration.build as build

    real = build.execute_figures

    def replace_midway(*args, **kwargs):
        result = real(*args, **kwargs)
        data.write_bytes(data.read_bytes() + b"\n")  # another export lands under the same name
        return result

    monkeypatch.setattr(build, "execute_figures", replace_midway)
    settings = load_settings(outputs_dir=tmp_path / "out")
    with pytest.raises(Exception, match="laporan.csv.gz: the file changed while the report was being built"):
        build.build_report(BuildRequest("jakpus", "2022-07", settings, data, pdf=False), progress=None)
    assert not (tmp_path / "out" / "jakpus" / "2022-07").exists()


@pytest.mark.parametrize("manifest", ["{not json", '{"inputs": {}}', ""])
def test_verify_of_a_broken_manifest_is_one_line(tmp_path, capsys, manifest):
    report = tmp_path / "jakpus" / "2022-07"
    report.mkdir(parents=True)
    (report / "manifest.json").write_text(manifest, encoding="utf-8")
    (report / "figures.json").write_text("{}", encoding="utf-8")
    assert main(["verify", "--city", "jakpus", "--month", "2022-07", "--outputs", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "manifest.json" in err and err.count("\n") == 1
