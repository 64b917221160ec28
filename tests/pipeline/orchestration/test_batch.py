"""Batches: many reports through one pool, a failed report that does not stop the others, the index, verify-all."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from crmlib.pipeline.deliverables.index_page import index_html
from crmlib.pipeline.execution.sections import SectionError, section_pool
from crmlib.pipeline.orchestration import batch
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.orchestration.cli import main
from crmlib.pipeline.request import BuildRequest
from crmlib.resources import section_notebooks
from crmlib.schema import TZ

from e2e import month_slice, write_export


def test_index_escapes_folder_names_and_marks_the_sample():
    rows = [{"city": "jaktim", "month": "2022-06", "link": "jaktim/2022-06", "complaints": 508, "capaian": 99.961,
             "grade": "A", "synthetic": True},
            {"city": "<b>x</b>", "month": "2022-07", "link": "<b>x</b>/2022-07", "complaints": None, "capaian": None,
             "grade": None, "synthetic": False}]
    html = index_html(rows)
    assert "<td>Kota Administrasi Jakarta Timur</td><td>2022-06</td><td class=\"num\">508</td>" in html
    assert "<td class=\"num\">99,961%</td><td>A</td><td>sampel sintetis</td>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "<p>2 laporan.</p>" in html
    # Every deliverable of a report is linked, the editable ones too.
    assert ('<a href="jaktim/2022-06/report.docx">DOCX</a> · <a href="jaktim/2022-06/report.xlsx">XLSX</a>') in html


def test_a_year_covers_the_months_the_export_holds():
    tickets = pd.DataFrame({"created_at": pd.to_datetime(["2022-11-30", "2022-12-01", "2023-01-02"]).tz_localize(TZ)})
    assert batch.batch_months(tickets, None, "2022") == ["2022-11", "2022-12"]
    with pytest.raises(batch.UsageError, match="holds no complaint in 2021"):
        batch.batch_months(tickets, None, "2021")
    with pytest.raises(batch.UsageError, match="either a month"):
        batch.batch_months(tickets, "2022-11", "2022")


@pytest.mark.e2e
def test_build_all_goes_on_past_a_failed_report_and_writes_the_index(tmp_path, capsys, settings):
    # An export of Jakarta Timur, June 2022 only: Kepulauan Seribu has no complaint in it and fails alone.
    tickets, coordinations = month_slice("JAKARTA TIMUR", "2022-06", tmp_path)
    data = write_export(tickets, tmp_path / "laporan.csv")
    coords = write_export(coordinations, tmp_path / "koordinasi.csv")
    outputs = tmp_path / "out"
    code = main(["build-all", "--month", "2022-06", "--cities", "kepseribu,jaktim", "--data", str(data),
                 "--coordinations", str(coords), "--outputs", str(outputs), "--no-pdf", "--workers", "2"])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    # One line per report as it ends, in any order; then the summary in the order asked.
    finished = sorted(line.split()[:3] for line in lines[:2])
    assert finished == [["jaktim", "2022-06", "ok"], ["kepseribu", "2022-06", "FAILED"]]
    assert "no complaint" in next(line for line in lines[:2] if line.startswith("kepseribu"))
    assert lines[2].split() == ["city", "month", "status", "seconds", "complaints", "capaian", "grade"]
    assert lines[3].split()[:3] == ["kepseribu", "2022-06", "FAILED"]
    assert lines[4].split()[:3] == ["jaktim", "2022-06", "ok"] and lines[4].split()[4] == "508"
    assert lines[-1] == "1 of 2 reports built; 1 failed"
    index = (outputs / "index.html").read_text()
    assert 'href="jaktim/2022-06/report.html"' in index and "kepseribu" not in index

    assert main(["verify-all", "--outputs", str(outputs)]) == 0
    verified = capsys.readouterr().out.splitlines()
    assert verified[0].startswith("jaktim     2022-06  verified: all ") and verified[-1] == "1 of 1 reports verified"


@pytest.mark.e2e
def test_a_hung_section_fails_its_report_and_the_pool_goes_on(tmp_path, settings):
    sleepy = tmp_path / "99_sleepy.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(600)")])
    notebook.metadata["kernelspec"] = {"name": "crm-reports", "display_name": "crm-reports", "language": "python"}
    nbformat.write(notebook, sleepy)
    cover = [p for p in section_notebooks() if p.name.startswith("00_")]
    with section_pool(1) as pool:
        with pytest.raises(SectionError, match="section 99_sleepy failed: TimeoutError: a cell ran longer than the "
                                               "limit of 3 s"):
            build_report(BuildRequest("jaktim", "2022-06", settings, pdf=False, notebooks=[*cover, sleepy],
                                      section_timeout=3), progress=None, pool=pool)
        # The same worker builds the next report.
        done = build_report(BuildRequest("jaktim", "2022-06", settings, pdf=False, notebooks=cover, section_timeout=60),
                            progress=None, pool=pool)
    assert (done.out_dir / "figures.json").exists()


@pytest.mark.e2e
def test_a_report_built_in_a_shared_pool_has_its_pdf(settings):
    # A batch's own process builds two reports at once, so a pool worker prints the PDF.
    first = [p for p in section_notebooks() if p.name.startswith(("00_", "01_"))]
    with section_pool(1) as pool:
        done = build_report(BuildRequest("jakpus", "2022-07", settings, notebooks=first), progress=None, pool=pool)
    pdf = done.out_dir / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-") and done.timings["pdf"] > 0
