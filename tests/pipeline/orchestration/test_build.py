"""End-to-end: build the seed months from the bundled sample, audit them, and break them."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html import escape, unescape

import nbformat
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from crmlib.ingest.read import sha256_of
from crmlib.ingest.settings import load_settings
from crmlib.metrics import flag_kinds
from crmlib.pipeline.audit.verify import verify_report
from crmlib.pipeline.context.city import sample_inputs
from crmlib.pipeline.execution.sections import SectionError
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.request import BuildRequest
from crmlib.resources import default_params_dir, section_notebooks
from crmlib.sample import PLANTED

from e2e import read_export, unmarked, write_export

pytestmark = pytest.mark.e2e
SAMPLE = sample_inputs()


@pytest.fixture(scope="module")
def jaktim(tmp_path_factory):
    """Jakarta Timur, June 2022, built from a copy of the sample and of the rules, so the audit can tamper with both."""
    root = tmp_path_factory.mktemp("jaktim")
    data, coords = root / "laporan.csv.gz", root / "koordinasi.csv.gz"
    shutil.copy(SAMPLE["tickets"], data)
    shutil.copy(SAMPLE["coordinations"], coords)
    shutil.copytree(default_params_dir() / "rules", root / "params" / "rules")
    settings = load_settings(root / "params", outputs_dir=root / "outputs")
    result = build_report(BuildRequest("jaktim", "2022-06", settings, data, coords), progress=None)
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
    assert manifest["settings"]["override_dir"] == str(jaktim[0] / "params")
    assert manifest["settings"]["files"]["rules/crm.yaml"]["from"] == "override"
    assert manifest["settings"]["files"]["cities/jaktim.yaml"]["from"] == "package"
    assert manifest["packages"]["papermill"] != "not installed"
    # The long lists' files too, each with every row of its list (tests/pipeline/orchestration/test_long_lists.py).
    assert sorted(manifest["deliverables"]) == ["anomali.csv", "baris_bercatatan.csv", "baris_dikeluarkan.csv",
                                                "figures.json", "report.docx", "report.html", "report.pdf",
                                                "report.xlsx", "tindak_lanjut_ditolak.csv", "tindak_lanjut_terlambat.csv"]
    assert manifest["deliverables"]["anomali.csv"]["sha256"] == sha256_of(report / "anomali.csv")
    assert manifest["deliverables"]["report.xlsx"]["sha256"] == sha256_of(report / "report.xlsx")
    assert not list(report.parent.glob(".*building*")), "the temporary build folder was left behind"


def test_workbook_holds_seed_002_tables_as_numbers(jaktim):
    book = load_workbook(jaktim[1] / "report.xlsx")
    units = book["05 top_units"]
    assert units["A3"].value == "Angka di figures.json: top_units"
    assert [c.value for c in units[5]] == ["No", "Nama UKPD", "Total Laporan", "Persentase"]
    assert [(r[1], r[2]) for r in units.iter_rows(min_row=6, values_only=True)] == [
        ("Rawamangun", 25), ("Bidara Cina", 21), ("Pulo Gebang", 21), ("Setu", 19), ("Pondok Kelapa", 19)]
    late = book["15 late_follow_ups"]  # after 08 response_by_arrival_table
    row = dict(zip([c.value for c in late[5]], next(late.iter_rows(min_row=6, values_only=True))))
    assert (row["No. Laporan"], row["Nama SKPD"], row["Waktu TL (Jam)"], row["Nilai TL"]) == (
        "JK2206030245", "Kebon Manggis", 67, 80)
    assert row["Tgl Masuk"] == dt.datetime(2022, 6, 3, 16, 15)
    named = [book[name]["A3"].value for name in book.sheetnames[1:]]
    figures = {line.split(": ")[-1] for line in named if "figures.json:" in line}
    assert {"status_pivot", "top_categories", "channels", "completion_histogram", "row_accounting"} <= figures


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
    html = unmarked((jaktim[1] / "report.html").read_text())
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


def test_word_document_has_every_heading_and_the_seed_tables(jaktim):
    report = jaktim[1]
    html = unmarked((report / "report.html").read_text())
    doc = Document(report / "report.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h[1-3] id=[^>]*>(.*?)</h[1-3]>", html)]
    rows = {tuple(c.text for c in t.rows[0].cells): [[c.text for c in r.cells] for r in t.rows[1:]] for t in doc.tables}
    assert [(r[1], r[2]) for r in rows[("No", "Nama UKPD", "Total Laporan", "Persentase")]] == [
        ("Rawamangun", "25"), ("Bidara Cina", "21"), ("Pulo Gebang", "21"), ("Setu", "19"), ("Pondok Kelapa", "19")]
    late = next(body for header, body in rows.items() if "No. Laporan" in header)
    assert late[0][1:3] == ["JK2206030245", "Kebon Manggis"] and late[0][-2:] == ["67", "80"]
    assert len(doc.inline_shapes) == html.count("<img ")


def test_verify_passes_then_names_a_tampered_input_and_settings(jaktim):
    root, _, data = jaktim
    settings = load_settings(outputs_dir=root / "outputs")
    assert verify_report("jaktim", "2022-06", settings).ok
    exported = read_export(data)
    # Kebon Manggis' late ticket now took 2 hours less (65 h instead of 67 h)
    row = exported["No Laporan"] == "JK2206030245"
    exported.loc[row, "Tanggal TL"] = "06/06/2022 09:15"
    write_export(exported, data.with_suffix("")).replace(data)
    # The build's rules file, edited after the build.
    with open(root / "params" / "rules" / "crm.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# edited after the build\n")
    result = verify_report("jaktim", "2022-06", settings)
    assert result.changed_inputs == ["tickets"]
    assert result.changed_settings == ["rules/crm.yaml"]
    assert result.rerun_error is None and not result.ok
    assert "late_follow_ups" in result.differing and "completion_slowest" in result.differing
    assert "total_complaints" not in result.differing
    # The edited copy is no longer the sample's bytes.
    assert "synthetic" in result.differing and result.fresh["synthetic"] is False


def outline(html: str) -> list[str]:
    """The report's chapters and sections (levels 1 and 2), as printed."""
    return [unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h[12] id=[^>]*>(.*?)</h[12]>", html)]


def plain_text(html: str) -> str:
    """The report's words, tags removed and spaces collapsed; bold values read as the sentence reads."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    body = re.sub(r"</?(p|td|th|tr|li|h[1-3]|div|table|caption)\b[^>]*>", " ", body)  # blocks and cells part words
    return " ".join(unescape(re.sub(r"<[^>]+>", "", body)).split())


# Seed 002's outline (BAB II's "B. Hasil Pelaksanaan" is split into its parts, B-H), then this package's
# anomaly section and annexes.
SEED_002_OUTLINE = [
    "Kata Pengantar", "Daftar Isi", "BAB I Pendahuluan", "A. Latar Belakang", "B. Maksud dan Tujuan", "C. Dasar Hukum",
    "BAB II Hasil Pelaksanaan", "A. Pelaksanaan", "B. Data Aduan", "C. Data Kategori", "D. Data Unit Kerja",
    "E. Waktu Respon, Koordinasi dan Penyelesaian", "F. Tindak Lanjut Terlambat dan Ditolak", "G. Data Kanal Aduan",
    "H. Capaian", "I. Anomali dan Catatan untuk Ditindaklanjuti", "BAB III Penutup", "A. Kesimpulan", "B. Saran",
    "Lampiran: Kualitas Data", "Lampiran: Catatan Anomali",
]
# Seed 000's outline, word for word, then the anomaly section after its F and the annexes.
SEED_000_OUTLINE = [
    "Kata Pengantar", "Daftar Isi", "BAB I Pendahuluan", "A. Latar Belakang", "B. Maksud, Tujuan dan Sasaran",
    "C. Dasar Hukum", "D. Waktu Pelaksanaan", "E. Hasil Kegiatan", "BAB II Analisa Data", "A. Data Aduan",
    "B. Data Kategori", "C. Data Unit Kerja", "D. Data Waktu Penyelesaian", "E. Data Kanal Aduan",
    "F. Capaian Bulan Juli 2022", "G. Anomali dan Catatan untuk Ditindaklanjuti", "BAB III Penutup",
    "A. Saran dan Evaluasi", "Lampiran: Kualitas Data", "Lampiran: Catatan Anomali",
]


def test_jaktim_june_keeps_seed_002_layout(jaktim):
    html = unmarked((jaktim[1] / "report.html").read_text())
    assert outline(html) == SEED_002_OUTLINE
    assert "<title>Laporan Bulanan CRM Kota Administrasi Jakarta Timur Juni 2022</title>" in html
    assert "Halaman " not in html.split("</style>")[0]  # page numbers only, no running footer


def test_jakpus_july_shows_seed_000(settings):
    report = build_report(BuildRequest("jakpus", "2022-07", settings, pdf=False), progress=None).out_dir
    figures = json.loads((report / "figures.json").read_text())
    assert figures["total_complaints"] == 255
    assert [(r["label"], r["count"]) for r in figures["geotagging"]] == [("Geotagging", 243), ("Non geotagging", 12)]
    assert [(r["channel"], r["count"]) for r in figures["channels"]] == [
        ("JAKI", 243), ("Twitter", 6), ("Email", 5), ("SP4N Lapor", 1)]
    assert [r["count"] for r in figures["completion_histogram"]][:3] == [224, 21, 8]
    assert figures["units_under_1_hour_count"] == 25
    assert figures["late_follow_up_count"] == 0 and (figures["capaian"], figures["grade"]) == (100.0, "A")
    html = unmarked((report / "report.html").read_text())
    assert "DATA SINTETIS" in html
    assert outline(html) == SEED_000_OUTLINE
    # Its own title, and a running footer with the title, the month and the page.
    assert "<title>Laporan Monitoring dan Evaluasi Pengelolaan Pengaduan Masyarakat Kota Administrasi Jakarta Pusat " \
           "Juli 2022</title>" in html
    assert '@bottom-center { content: "Laporan Monitoring dan Evaluasi Pengelolaan Pengaduan Masyarakat Juli 2022 ' \
           '\xb7 Halaman " counter(page); }' in html
    text = plain_text(html)
    for sentence in [
        "pada Bulan Juli 2022.",  # D. Waktu Pelaksanaan
        "Jumlah pengaduan yang menjadi kewenangan Walikota Jakarta Pusat Periode Juli 2022 sebanyak 255 pengaduan "
        "dengan status complete yang ditarik dari sistem crm.jakarta.go.id pada Tanggal Cut Off sistem yakni "
        "9 Agustus 2022.",
        "No Data Jumlah Persentase Status 1 Geotagging 243 95,29% Complete 2 Non geotagging 12 4,71% Complete",
        "diketahui bahwa jumlah aduan terbanyak terkait masalah Sampah yakni 90 aduan.",
        "jumlah aduan terbanyak berasal dari Gambir yakni 29 aduan.",
        "menyelesaikan 1 aduan adalah 3,4 jam.",
        "sebanyak 224 aduan atau 87,84% aduan diselesaikan dalam rentang waktu 0-10 jam.",
        "Selain itu, terdapat 25 unit kerja yang menyelesaikan aduan rata-rata kurang dari 1 jam:",
        "Berikut disajikan data kelurahan terlama yang menyelesaikan aduan lebih dari batas waktu maksimal "
        "penyelesaian aduan. NIHIL",
        "Sebanyak 243 aduan pada Bulan Juli atau 95% warga percaya kanal JAKI",
        "secara kumulatif pada Bulan Juli 2022 adalah 100 dengan capaian Peringkat A.",
        "telah berjalan dengan baik dengan memperoleh nilai maksimal yaitu dengan capaian 100 dan Peringkat A. Selain "
        "itu, dilihat dari data penyelesaian pengaduan terdapat 87,84% aduan dapat diselesaikan kurang dari 10 jam. "
        "Dari 255 aduan, 100% aduan diselesaikan tepat waktu.",
        "Dari kondisi tersebut maka kegiatan pemantauan terhadap akun CRM",
    ]:
        assert sentence in text, sentence
    # Seed 002's blocks that seed 000 does not have.
    assert "Rekap Pengaduan Bulan" not in text and "Hasil Pelaksanaan" not in text
    # Capaian is said once, with how it is computed, where it first appears (F).
    assert text.count("dihitung dengan rumus asumsi") == 1
    assert text.index("dihitung dengan rumus asumsi") > text.index("F. Capaian Bulan Juli 2022")


def test_failed_build_leaves_the_previous_report(tmp_path, settings):
    first = build_report(BuildRequest("jakpus", "2022-07", settings, pdf=False), progress=None).out_dir
    before = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    broken = tmp_path / "99_broken.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('section broke')")])
    notebook.metadata["kernelspec"] = {"name": "crm-reports", "display_name": "crm-reports", "language": "python"}
    nbformat.write(notebook, broken)
    with pytest.raises(SectionError, match="section 99_broken failed: RuntimeError: section broke") as caught:
        build_report(BuildRequest("jakpus", "2022-07", settings, pdf=False, notebooks=[*section_notebooks(), broken]),
                     progress=None)
    assert not caught.value.user_error and "section broke" in caught.value.traceback
    after = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    assert after == before
    # the failed attempt is kept aside for inspection, with the notebook that broke
    assert sorted(p.name for p in first.parent.iterdir()) == [".2022-07.failed", ".2022-07.lock", "2022-07"]
    assert (first.parent / ".2022-07.failed" / "executed" / "99_broken.ipynb").exists()


def test_a_month_with_only_required_columns_and_nothing_completed_builds(tmp_path, settings):
    """No completion, response, coordination or coordinate: every section says so and the report is made."""
    data = tmp_path / "minimal.csv"
    data.write_text(
        "No Laporan;Tanggal Laporan Masuk;Kanal;Kategori;Nama SKPD;Status\n"
        "JK2206010001;01/06/2022 08:00;JAKI;Sampah;KELURAHAN PULO GEBANG;Wait\n"
        "JK2206020001;02/06/2022 09:00;Twitter;Jalan;KELURAHAN CAKUNG BARAT;In Progres\n"
        "JK2206150001;15/06/2022 10:00;JAKI;Sampah;KECAMATAN CAKUNG;Wait\n", encoding="utf-8")
    report = build_report(BuildRequest("jaktim", "2022-06", settings, data, pdf=False), progress=None).out_dir
    figures = json.loads((report / "figures.json").read_text())
    assert (figures["total_complaints"], figures["capaian"], figures["grade"]) == (3, None, None)
    html = unmarked((report / "report.html").read_text())
    for sentence in [
        "(nilai capaian belum dapat dihitung karena belum ada aduan yang selesai)",
        "Belum ada aduan yang direspon, sehingga waktu respon belum dapat dihitung.",
        "Belum ada data waktu <strong>koordinasi</strong> kelurahan pada bulan <strong>Juni 2022</strong>.",
        "Belum ada aduan yang selesai, sehingga waktu penyelesaian belum dapat dihitung.",
        "belum dapat dihitung karena belum ada aduan yang selesai, sehingga belum ada nilai tindak lanjut.",
        "Belum ada aduan yang selesai, sehingga ketepatan waktu tindak lanjut belum dapat dinilai",
    ]:
        assert sentence in html, sentence


def test_the_seed_month_has_an_anomaly_section_without_unit_flags(jaktim):
    figures = json.loads((jaktim[1] / "figures.json").read_text())
    # Not from the scan: the sample plants no anomaly in the seed month (crmlib/sample/planted.py), whose units were
    # drawn first and the rest of their year from their habits. So no unit-month is flagged; the only flags are
    # the month's follow-ups completed within 10 minutes of entry, counted here from the export's own times.
    assert [p for p in PLANTED if (p.city, p.month) == ("jaktim", 6)] == []
    export = pd.read_csv(sample_inputs()["tickets"], sep=";", dtype=str, keep_default_na=False)
    created, done = (pd.to_datetime(export[c], format="%d/%m/%Y %H:%M", errors="coerce")
                     for c in ("Tanggal Laporan Masuk", "Tanggal TL"))
    june = (export["Wilayah"] == "JAKARTA TIMUR") & (created.dt.strftime("%Y-%m") == "2022-06")
    quick = sorted(export.loc[june & ((done - created).dt.total_seconds() <= 600), "No Laporan"])
    assert figures["anomaly_counts"] == dict.fromkeys(flag_kinds.names(), 0) | {"fast_closure": len(quick)}
    assert sorted(f["ticket_id"] for f in figures["anomaly_flags"]) == quick
    assert [r["baseline_months"] for r in figures["anomaly_coverage"]] == [5, 5, 5]
    html = unmarked((jaktim[1] / "report.html").read_text())
    # The headings' last occurrences: the first are in the table of contents.
    section = html[html.rindex("I. Anomali dan Catatan untuk Ditindaklanjuti"):html.rindex("BAB III Penutup")]
    unit_level = section[section.index("Catatan Tingkat Unit"):section.index("Perbandingan Adil antar Kelurahan")]
    assert "NIHIL" in unit_level
    assert "Setiap unit dibandingkan dengan <strong>5</strong> bulan sebelumnya." in section


def test_a_planted_spike_is_reported_with_its_evidence(settings):
    """Jakarta Barat, October 2022: the sample's planted spike (Tangki, about three times its usual month)."""
    sections = [p for p in section_notebooks() if p.name.startswith(("00_", "11_", "14_"))]
    result = build_report(BuildRequest("jakbar", "2022-10", settings, pdf=False, notebooks=sections), progress=None)
    figures = json.loads((result.out_dir / "figures.json").read_text())
    spikes = [f for f in figures["anomaly_flags"] if f["kind"] == "volume_spike"]
    assert [(f["unit"], f["ticket_id"], f["month"]) for f in spikes] == [("Tangki", None, "2022-10")]
    assert spikes[0]["observed"] > 2.5 * spikes[0]["expected"] and spikes[0]["q_value"] < 0.001
    html = unmarked((result.out_dir / "report.html").read_text())
    assert f"<td>Tangki</td><td>Lonjakan jumlah aduan</td><td>{escape(spikes[0]['evidence'])}</td>" in html
