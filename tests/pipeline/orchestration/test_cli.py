"""The command line's error policy: what the user must fix is one line; a bug keeps its traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

import crmlib.pipeline.orchestration.build
from crmlib.pipeline.orchestration.cli import main
from crmlib.resources import default_params_dir


@pytest.mark.parametrize(("args", "message"), [
    (["--city", "jaktim", "--month", "2022-13"], "error: month '2022-13' is not YYYY-MM"),
    (["--city", "bandung", "--month", "2022-06"], "error: unknown city 'bandung'"),
    (["--city", "jaktim", "--month", "2021-06"], "error: laporan_sintetis_2022.csv.gz: no complaints for jaktim in 2021-06"),
    (["--city", "jaktim", "--month", "2022-06", "--data", "missing.csv"], "error: missing.csv: file not found"),
    (["--city", "jaktim", "--month", "2022-06", "--params", "no-such-folder"],
     "error: no-such-folder: the params folder does not exist"),
    (["--city", "jaktim", "--month", "2022-06", "--data", "ekspor"], "error: ekspor: is a folder, not a file"),
    (["--city", "jaktim", "--month", "2022-06", "--data", "kosong.csv"], "error: kosong.csv: the file is empty"),
    (["--city", "jaktim", "--month", "2022-06", "--data", "tanggal_kata.csv"],
     "error: tanggal_kata.csv: no complaints for jaktim in 2022-06, and 2 of the file's 2 rows were excluded; "
     "e.g. row 2: Tanggal Laporan Masuk tidak terbaca: 'June 1st 2022 08:00'"),
    (["--city", "jaktim", "--month", "2022-06", "--coordinations", "kosong.csv"],
     "error: a coordinations file (COORD, --coordinations) needs its tickets file (DATA, --data)"),
])
def test_user_errors_print_one_line_without_traceback(args, message, tmp_path):
    (tmp_path / "kosong.csv").write_bytes(b"")
    (tmp_path / "ekspor").mkdir()
    (tmp_path / "tanggal_kata.csv").write_text(  # every date in a format no reader knows
        "No Laporan;Tanggal Laporan Masuk;Kanal;Kategori;Nama SKPD;Status\n"
        "JK2206010001;June 1st 2022 08:00;JAKI;Sampah;KELURAHAN PULO GEBANG;Wait\n"
        "JK2206020001;June 2nd 2022 09:00;JAKI;Jalan;KELURAHAN CAKUNG BARAT;Wait\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crmlib", "build", *args, "--outputs", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_broken_settings_file_is_one_line_naming_file_and_key(tmp_path, capsys):
    (tmp_path / "rules").mkdir()
    shipped = (default_params_dir() / "rules" / "crm.yaml").read_text(encoding="utf-8")
    assert "  max_hours: 6\n" in shipped
    (tmp_path / "rules" / "crm.yaml").write_text(shipped.replace("  max_hours: 6\n", "  max_hours: -6\n"),
                                                 encoding="utf-8")
    code = main(["build", "--city", "jaktim", "--month", "2022-06", "--params", str(tmp_path),
                 "--outputs", str(tmp_path / "out")])
    assert code == 2
    assert capsys.readouterr().err == ("error: crm.yaml, key 'response.max_hours': expected a number > 0, got -6. "
                                       "Fix: correct it in the rules file.\n")


@pytest.mark.parametrize("bug", [ValueError("cannot reshape array"), KeyError("unit_type"), AssertionError()])
def test_a_bug_is_not_passed_off_as_a_user_error(bug, tmp_path, monkeypatch):
    """A ValueError from our code or pandas is a bug: it leaves main() with its traceback."""
    def broken_build(*args, **kwargs):
        raise bug

    monkeypatch.setattr(crmlib.pipeline.orchestration.build, "build_report", broken_build)
    with pytest.raises(type(bug)):
        main(["build", "--city", "jaktim", "--month", "2022-06", "--outputs", str(tmp_path)])


def test_make_passes_paths_with_spaces_whole():
    checkout = Path(__file__).resolve().parents[3]
    done = subprocess.run(["make", "-n", "-o", ".venv/.installed", "report", "DATA=my exports/laporan juni.csv",
                           "COORD=my exports/koordinasi juni.csv"], cwd=checkout, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '--data "my exports/laporan juni.csv" --coordinations "my exports/koordinasi juni.csv"' in " ".join(
        done.stdout.split())


def test_unset_report_settings_are_one_warning_line_per_city(settings, capsys):
    from crmlib.pipeline.orchestration.cli import _warn_unfilled

    _warn_unfilled(settings, ["jaktim", "jakpus", "dki"], ["2022-06", "2022-07", "2023-01"])
    lines = capsys.readouterr().err.splitlines()
    # Jakarta Timur sets its 2022 DPA number and its signatory, not a 2023 number; Jakarta Pusat sets neither.
    assert lines == [
        "warning: jaktim: not set in params/cities/jaktim.yaml: dpa_nomor for 2023; the report shows a placeholder "
        "to fill in",
        "warning: jakpus: not set in params/cities/jakpus.yaml: dpa_nomor for 2022, penandatangan, dpa_nomor for "
        "2023; the report shows a placeholder to fill in",
    ]
