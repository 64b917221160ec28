"""`python -m crmlib backlog`: the recap on stdout, every row in the CSV and XLSX, and one-line errors."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import crmlib.pipeline.context.backlog
from crmlib.pipeline.deliverables.backlog_files import HEADER_ROW
from crmlib.pipeline.orchestration.cli import main


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmlib", "backlog", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize(("args", "message"), [
    (["--city", "jakpus", "--at", "2022-13-01 08:00"], "error: --at '2022-13-01 08:00' is not 'YYYY-MM-DD HH:MM'"),
    (["--city", "jakpus", "--at", "2022-07-31"], "error: --at '2022-07-31' is not 'YYYY-MM-DD HH:MM'"),
    (["--city", "jakpus", "--at", "31/07/2022 08:00"], "error: --at '31/07/2022 08:00' is not 'YYYY-MM-DD HH:MM'"),
    (["--city", "bandung"], "error: unknown city 'bandung'"),
    (["--city", "jakpus", "--data", "missing.csv"], "error: missing.csv: file not found"),
])
def test_what_needs_no_export_is_one_line_and_exit_2(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["backlog", *args, "--outputs", str(tmp_path)]) == 2
    printed = capsys.readouterr()
    assert printed.err.startswith(message), printed.err
    assert printed.err.count("\n") == 1 and not printed.out
    assert not (tmp_path / ".cache").exists()  # refused before the export is read


def test_a_bad_at_is_one_line_and_exit_2_from_the_command(tmp_path):
    done = _run("--city", "jakpus", "--at", "2022-13-01 08:00", "--outputs", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == ("error: --at '2022-13-01 08:00' is not 'YYYY-MM-DD HH:MM' (Jakarta time, "
                           "e.g. '2022-08-09 08:00')\n")
    assert not done.stdout


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("backlog")


@pytest.fixture(scope="module")
def sample_run(outputs) -> subprocess.CompletedProcess:
    done = _run("--city", "jakpus", "--at", "2022-07-31 23:59", "--outputs", str(outputs), cwd=outputs)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.e2e
def test_the_sample_recap_and_its_files(sample_run, outputs):
    lines = sample_run.stdout.splitlines()
    assert lines[:2] == ["Rekap aduan belum selesai, Kota Administrasi Jakarta Pusat, 31 Juli 2022 23:59",
                         "DATA SINTETIS: contoh buatan, bukan data CRM yang sebenarnya."]
    total = int(re.fullmatch(r"Belum selesai: ([\d.]+) aduan; belum direspons > 6 jam: [\d.]+; "
                             r"lewat batas waktu TL: [\d.]+\.", lines[2]).group(1).replace(".", ""))
    folder = outputs / "jakpus" / "backlog"
    csv_path, xlsx_path = folder / "backlog-20220731-2359.csv", folder / "backlog-20220731-2359.xlsx"
    # The files' paths on stderr, so that stdout is the recap alone.
    assert sample_run.stderr.splitlines() == [f"written to {csv_path}", f"written to {xlsx_path}"]
    csv = pd.read_csv(csv_path, dtype=str, encoding="utf-8")
    assert len(csv) == total > 0
    assert set(csv["No Laporan"]) >= {line[2:14] for line in lines if line.startswith("- ")}
    sheet = load_workbook(xlsx_path).active
    assert sheet.max_row == HEADER_ROW + total
    assert [sheet.cell(HEADER_ROW + n, 1).value for n in range(1, total + 1)] == csv["No Laporan"].tolist()


@pytest.mark.e2e
def test_an_at_before_the_first_complaint_is_one_line(sample_run, outputs):
    done = _run("--city", "jakpus", "--at", "2021-12-31 23:00", "--outputs", str(outputs), cwd=outputs)
    assert done.returncode == 2
    assert done.stderr == ("error: --at '2021-12-31 23:00' is before the export's first complaint "
                           "(1 Januari 2022 05:10); choose a time the export covers\n"), done.stderr


@pytest.mark.e2e
def test_the_default_time_is_the_exports_latest_and_a_later_at_warns(sample_run, outputs, capsys):
    assert main(["backlog", "--city", "jakpus", "--outputs", str(outputs)]) == 0
    assert capsys.readouterr().out.startswith(
        "Rekap aduan belum selesai, Kota Administrasi Jakarta Pusat, 9 Januari 2023 21:55\n")
    assert main(["backlog", "--city", "jakpus", "--at", "2023-02-01 08:00", "--outputs", str(outputs)]) == 0
    assert capsys.readouterr().err.startswith(
        "warning: --at '2023-02-01 08:00' is after the export's latest time (9 Januari 2023 21:55): complaints "
        "completed since then still count as open\n")


@pytest.mark.e2e
def test_a_unit_name_read_as_a_formula_is_stored_as_text(sample_run, outputs, monkeypatch, capsys):
    """The loader only keeps official unit names, so the hostile name is put into the backlog the command writes."""
    real = crmlib.pipeline.context.backlog.open_backlog

    def hostile(*args, **kwargs):
        rows = real(*args, **kwargs)
        return rows.assign(unit=rows["unit"].astype(object).where(rows.index > 0, '=HYPERLINK("http://x","klik")'))

    monkeypatch.setattr(crmlib.pipeline.context.backlog, "open_backlog", hostile)
    assert main(["backlog", "--city", "jakpus", "--at", "2022-07-31 23:59", "--outputs", str(outputs)]) == 0
    assert "Kelurahan =HYPERLINK" in capsys.readouterr().out  # plain text in the recap: nothing to escape
    folder = outputs / "jakpus" / "backlog"
    cell = load_workbook(folder / "backlog-20220731-2359.xlsx").active.cell(HEADER_ROW + 1, 3)
    assert cell.value == "'=HYPERLINK(\"http://x\",\"klik\")" and cell.data_type == "s"
    assert pd.read_csv(folder / "backlog-20220731-2359.csv", dtype=str)["Unit"][0].startswith("'=")
