"""A hostile export: personal data must not leak, script must not run, figures must repeat."""

from __future__ import annotations

import json

import pytest

from crmlib.build import build_report, execute_figures
from crmlib.cache import DEFAULT_CACHE_DIR
from crmlib.figures import dumps
from e2e import month_slice, output_texts, write_export

# Unique strings planted in the free-text and identity columns; none may reach an output.
MARKERS = {
    "Isi Laporan": "ISIRAHASIA5b1e",
    "Nama Pelapor": "NAMARAHASIA77c2",
    "No HP": "0812RAHASIA9931",
    "Email Pelapor": "surel.rahasia.4d0a@contoh.invalid",
}
SCRIPT_CATEGORY = '<script>alert("kategori")</script>'
SCRIPT_UNIT = "KELURAHAN <script>alert(1)</script>"
IMG_CHANNEL = "<img src=x onerror=alert(2)>"
QUOTED = "Sampah \"kutip\" & 'apostrof' 😀"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    tickets, coordinations = month_slice("JAKARTA TIMUR", "2022-06", root)
    for column, marker in MARKERS.items():
        tickets[column] = [f"{marker} {i}" for i in range(len(tickets))]
    tickets.loc[0:99, "Kategori"] = SCRIPT_CATEGORY  # 100 rows: the top category
    tickets.loc[0:49, "Rincian Masalah"] = QUOTED  # its top sub-category
    tickets.loc[100, "Nama SKPD"] = SCRIPT_UNIT
    tickets.loc[101, "Kanal"] = IMG_CHANNEL
    data = write_export(tickets, root / "laporan.csv")
    coords = write_export(coordinations, root / "koordinasi.csv")
    report = build_report("jaktim", "2022-06", data, coords, out_root=root / "outputs", progress=None).out_dir
    return root, report, data, coords


def test_no_personal_data_in_any_output(hostile):
    _, report, _, _ = hostile
    texts = output_texts(report, DEFAULT_CACHE_DIR)
    assert any(name.endswith(".pdf") for name in texts) and any(name.endswith(".parquet") for name in texts)
    assert any(name.endswith(".ipynb") for name in texts)
    # the PDF's text layer is readable: the check below could find a marker there
    assert "Kebon Manggis" in next(text for name, text in texts.items() if name.endswith(".pdf"))
    for name, text in texts.items():
        for marker in MARKERS.values():
            assert marker not in text, f"{marker} leaked into {name}"


def test_data_text_is_escaped_in_html(hostile):
    html = (hostile[1] / "report.html").read_text()
    assert "<script" not in html.lower()
    assert "<img src=x" not in html and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    # Shown as text. (The HTML export may write quotes in text nodes unescaped; they are inert there.)
    assert '&lt;script&gt;alert("kategori")&lt;/script&gt;</td>' in html  # the top category
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # an unknown channel, kept and flagged
    assert "Sampah \"kutip\" &amp; 'apostrof' 😀" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the unknown unit, in the exclusion reasons


def test_hostile_rows_are_accounted_for(hostile):
    _, report, _, _ = hostile
    figures = json.loads((report / "figures.json").read_text())
    tickets = next(r for r in figures["row_accounting"] if r["table"] == "Laporan")
    assert tickets["rows_read"] == 508 and tickets["rows_used"] == 507 and tickets["rows_excluded"] == 1
    assert figures["total_complaints"] == 507
    assert [r["rows"] for r in figures["exclusions_by_reason"]] == [1]
    assert SCRIPT_UNIT in figures["exclusions_by_reason"][0]["reason"]
    assert ("Laporan", 1) in [(r["table"], r["rows"]) for r in figures["flags_by_reason"]
                              if IMG_CHANNEL in r["reason"]]


@pytest.mark.slow
def test_ten_runs_give_byte_identical_figures(hostile, tmp_path):
    root, report, data, coords = hostile
    recorded = (report / "figures.json").read_bytes()
    for run in range(9):  # the fixture's build is the first of ten
        _, figures = execute_figures("jaktim", "2022-06", data, coords, tmp_path / f"run{run}", progress=None)
        assert dumps(figures).encode("utf-8") == recorded, f"run {run + 2} differs"
