"""Every number a report prints is a recorded figure and says which one; verify reads them back."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from crmlib.ingest.settings import load_settings
from crmlib.pipeline.audit.printed import Printed, agrees, differing_printed, printed_figures, resolve, unmarked_numbers
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.orchestration.cli import main
from crmlib.pipeline.request import BuildRequest

# The cover, the foreword, the introduction (its legal basis) and the channels the city runs print settings and
# dates, not figures.
STATIC_SECTIONS = {"00_sampul", "01_pengantar", "02_pendahuluan", "03_pelaksanaan"}


def test_a_mark_is_read_back_with_its_text_and_scale():
    html = ('<table><tr><td data-figure="t.0.mean_hours" data-scale="60">10,63</td>'
            '<td data-row-number="">1</td></tr></table><p><img src="x.png"><br><strong data-figure="n">1.234</strong>'
            ' <b>x</b></p>')
    assert printed_figures(html) == [Printed("t.0.mean_hours", "10,63", 60.0), Printed("n", "1.234", 1.0)]


def test_a_path_reaches_keys_rows_and_lengths_and_misses_what_is_not_there():
    figures = {"split": {"within": 388}, "top": [{"count": 25}, {"count": 19}]}
    assert [resolve(figures, p) for p in ("split.within", "top.1.count", "top.#")] == [388, 19, 2]
    missing = [resolve(figures, p) for p in ("split.later", "top.2.count", "other", "split.within.x")]
    assert not any(agrees(value, Printed("p", "388")) for value in missing)


@pytest.mark.parametrize(("value", "text", "ok"), [
    (76.377953, "76,38%", True),  # 76,377953 rounds half-up to 76,38
    (76.377953, "76,37%", False),
    (2.25, "2,3", True),  # half-up, as the report's formatter rounds
    (2.26, "2,2", False),
    (0.1770833, "10,63", True),  # minutes of a figure in hours, printed at 60 times (below)
    (0.1770833, "10,64", False),
    (1234, "1.234", True),
    (1234, "1.243", False),
    (3, "3 (tiga)", True),  # a count with its words
    (-12.5, "12,5%", True),  # a fall printed without its sign: the mark's scale is -1 (below)
    ("JK2206030245", "JK2206030245", True),
    ("JK2206030245", "JK2206030246", False),
    ("2022-06-03T16:15:00+07:00", "3 Juni 2022 16:15", True),
    (None, "–", True),
    (None, "0", False),
])
def test_a_printed_number_agrees_with_its_figure_only_at_the_decimals_it_prints(value, text, ok):
    scale = -1.0 if isinstance(value, float) and value < 0 else 60.0 if value == 0.1770833 else 1.0
    assert agrees(value, Printed("f", text, scale)) is ok


def test_unmarked_numbers_skip_marks_headings_row_numbers_dates_and_settings_text():
    html = ('<h2>B. Data Aduan Juni 2022</h2><p>Per 11 Juli 2022 08:34 ada <strong data-figure="n">508</strong> '
            'aduan; median <strong>4,5</strong> jam.</p><table><tr><th>P90 (Jam)</th><td data-row-number="">1</td>'
            '<td>7</td></tr></table><ol class="settings-text"><li>Perda Nomor 5 Tahun 2016</li></ol>')
    assert unmarked_numbers(html) == ["4,5", "7"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Both shipped layouts, Jakarta Timur June 2022 (bulanan_crm) and Jakarta Pusat July 2022 (monev_pengaduan),
    and the province overview of June 2022."""
    root = tmp_path_factory.mktemp("printed")
    settings = load_settings(outputs_dir=root / "outputs", cache_dir=root / "cache")
    return settings, [build_report(BuildRequest(subject, month, settings, pdf=False), progress=None).out_dir
                      for subject, month in (("jaktim", "2022-06"), ("jakpus", "2022-07"), ("dki", "2022-06"))]


def _section_html(executed) -> str:
    notebook = nbformat.read(executed, as_version=4)
    return "".join(output.get("data", {}).get("text/html", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.outputs)


@pytest.mark.e2e
def test_every_printed_number_is_its_recorded_figure(reports):
    for report in reports[1]:
        figures = json.loads((report / "figures.json").read_text(encoding="utf-8"))
        html = (report / "report.html").read_text(encoding="utf-8")
        assert len(printed_figures(html)) > 100
        assert differing_printed(html, figures) == [], report


@pytest.mark.e2e
def test_every_number_of_the_data_sections_is_bound_to_a_figure(reports):
    for report in reports[1]:
        sections = [p for p in sorted((report / "executed").glob("*.ipynb")) if p.stem not in STATIC_SECTIONS]
        assert len(sections) >= 2
        unbound = {p.stem: unmarked_numbers(_section_html(p)) for p in sections}
        assert {name: texts for name, texts in unbound.items() if texts} == {}, report


@pytest.mark.e2e
def test_verify_names_the_figure_of_a_number_edited_in_report_html(reports, capsys):
    settings, (jaktim, *_) = reports
    edited_outputs = settings.outputs_dir.parent / "edited"
    shutil.copytree(jaktim, edited_outputs / "jaktim" / "2022-06")
    html = edited_outputs / "jaktim" / "2022-06" / "report.html"
    # The capaian that section 10 prints: 99,961 (seed 002's month), changed to 99,971.
    marked = '<strong data-figure="capaian">99,961</strong>'
    text = html.read_text(encoding="utf-8")
    assert marked in text
    html.write_text(text.replace(marked, marked.replace("99,961", "99,971"), 1), encoding="utf-8")
    code = main(["verify", "--city", "jaktim", "--month", "2022-06", "--outputs", str(edited_outputs)])
    out = capsys.readouterr().out
    assert code == 1
    assert "printed number differs: capaian: report.html shows '99,971', figures.json has 99.961" in out
