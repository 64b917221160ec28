"""Layouts: what a layout file may say, and the one-line errors for what it may not."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from crmlib.errors import SettingsError
from crmlib.ingest.settings import load_settings
from crmlib.report.layout import SectionLayout, check_layout
from crmlib.resources import default_params_dir

NOTEBOOKS = {"00_sampul", "04_data_aduan", "05_kategori", "09_kanal"}


def layout(text: str):
    return check_layout(yaml.safe_load(text), "uji", NOTEBOOKS, "layouts/uji.yaml")


def test_a_layout_lists_sections_with_headings_sentences_and_options():
    checked = layout("""
title: Laporan Uji
running_footer: true
sections:
  - notebook: 00_sampul
  - notebook: 09_kanal
    headings: {section: "## E. Kanal {bulan}"}
    sentences: {summary: "Kanal terbanyak {kanal}: {jumlah} aduan."}
  - notebook: 04_data_aduan
    options: {status_table: false, geotag_status: true}
""")
    assert (checked.title, checked.running_footer, checked.notebooks) == (
        "Laporan Uji", True, ["00_sampul", "09_kanal", "04_data_aduan"])
    part = checked.section("09_kanal")
    assert part.heading("section") == "## E. Kanal {bulan}" and part.heading("chapter") is None
    assert part.sentence("summary", kanal="JAKI", jumlah="243", bulan="Juli") == "Kanal terbanyak JAKI: 243 aduan."
    assert dict(checked.section("04_data_aduan").options) == {"status_table": False, "geotag_status": True}
    # A notebook the layout does not list has nothing.
    assert checked.section("05_kategori").headings == {}


@pytest.mark.parametrize("text, message", [
    ("sections: [{notebook: 00_sampul}]", "no 'title'"),
    ("title: X\nsections: []", "no 'sections' list"),
    ("title: X\nfooter: true\nsections: [{notebook: 00_sampul}]", "unknown key footer"),
    ("title: X\nsections: [{notebook: 99_tidak_ada}]", "section 1: no notebook '99_tidak_ada'"),
    ("title: X\nsections: [{notebook: 00_sampul}, {notebook: 00_sampul}]", "listed twice: 00_sampul"),
    ("title: X\nsections: [{notebook: 09_kanal, headings: {section: 'E. Kanal'}}]", "heading 'section' of 09_kanal"),
    ("title: X\nsections: [{notebook: 09_kanal, sentences: {summary: 'Kanal {kanal'}}]", "sentence 'summary' of 09_kanal"),
    ("title: X\nsections: [{notebook: 09_kanal, heading: {}}]", "unknown key heading"),
    ("title: X\nsections: [{notebook: 09_kanal, sentences: {summary: 'Kanal {}'}}]", "the sentence uses {}"),
])
def test_a_wrong_layout_fails_in_one_line_naming_its_file(text, message):
    with pytest.raises(SettingsError) as info:
        layout(text)
    assert message in str(info.value) and "uji.yaml" in str(info.value) and "\n" not in str(info.value)


# Each key a section does not know, named with the file and the nearest key it does know.
@pytest.mark.parametrize("section, message", [
    # an unknown option: no option is near 'opsi_salah', so every option is listed
    ("{notebook: 04_data_aduan, options: {status_table: false, opsi_salah: true}}",
     "uji.yaml, key '04_data_aduan.options.opsi_salah': 04_data_aduan has no option 'opsi_salah'. "
     "Fix: use one of status_table, response_summary, geotag_status."),
    ("{notebook: 04_data_aduan, options: {status_tabel: false}}",
     "uji.yaml, key '04_data_aduan.options.status_tabel': 04_data_aduan has no option 'status_tabel'. "
     "Fix: write 'status_table' (its options: status_table, response_summary, geotag_status)."),
    ("{notebook: 00_sampul, options: {wide: true}}",
     "uji.yaml, key '00_sampul.options.wide': 00_sampul has no option 'wide'. Fix: remove it (00_sampul takes no options)."),
    # an option of the wrong type ('ya' is text in YAML; 1 is a number, not true)
    ("{notebook: 04_data_aduan, options: {status_table: ya}}",
     "uji.yaml, key '04_data_aduan.options.status_table': expected true or false, got 'ya'. "
     "Fix: write true or false (default true)."),
    ("{notebook: 04_data_aduan, options: {geotag_status: 1}}",
     "uji.yaml, key '04_data_aduan.options.geotag_status': expected true or false, got 1. "
     "Fix: write true or false (default false)."),
    # a slot its section does not fill
    ("{notebook: 09_kanal, sentences: {summary: 'Kanal {kanal} pada {bulann}.'}}",
     "uji.yaml, key '09_kanal.sentences.summary': the sentence uses {bulann}, which this section does not give "
     "(it gives kanal, jumlah, bulan, nama_bulan, persen, kota). Fix: write {bulan}."),
    ("{notebook: 09_kanal, headings: {section: '## E. Kanal {bulann}'}}",
     "uji.yaml, key '09_kanal.headings.section': the heading uses {bulann}; a heading may use {bulan}, {kota}. "
     "Fix: write {bulan}."),
    # an unknown heading, sentence, notebook
    ("{notebook: 09_kanal, headings: {sectoin: '## E. Kanal'}}",
     "uji.yaml, key '09_kanal.headings.sectoin': 09_kanal has no heading 'sectoin'. "
     "Fix: write 'section' (its headings: chapter, section)."),
    ("{notebook: 09_kanal, sentences: {ringkasan: 'Kanal {kanal}.'}}",
     "uji.yaml, key '09_kanal.sentences.ringkasan': 09_kanal has no sentence 'ringkasan'. Fix: use one of summary."),
    ("{notebook: 09_kanall}",
     "uji.yaml: section 1: no notebook '09_kanall' (there are 00_sampul, 04_data_aduan, 05_kategori, 09_kanal). "
     "Fix: write '09_kanal'."),
])
def test_a_key_its_section_does_not_know_is_one_line_naming_file_key_and_nearest(section, message):
    with pytest.raises(SettingsError) as info:
        layout(f"title: X\nsections: [{section}]")
    assert str(info.value) == message


def test_a_sentence_filled_with_other_slots_than_its_template_uses_names_the_slots_it_has():
    """The guard when a section is run on a layout that was not checked (the check above stops it at load)."""
    part = SectionLayout("09_kanal", sentences={"summary": "Kanal {saluran}."}, source="layouts/uji.yaml")
    with pytest.raises(SettingsError) as info:
        part.sentence("summary", kanal="JAKI", jumlah="243")
    assert "uses {saluran}, which this section does not give (it gives jumlah, kanal)" in str(info.value)


# The headings the section notebooks wrote as markdown cells until a layout could name them.
MOVED_HEADINGS = {
    "01_pengantar": {"chapter": "# Kata Pengantar", "daftar_isi": "# Daftar Isi"},
    "07_waktu": {"coordination_by_kelurahan": "### Waktu Koordinasi per Kelurahan",
                 "completion_by_kelurahan": "### Waktu Penyelesaian per Kelurahan",
                 "completion_spread": "### Sebaran Waktu Penyelesaian"},
    "11_anomali": {"unit_flags": "### Catatan Tingkat Unit", "fair_comparison": "### Perbandingan Adil antar Kelurahan",
                   "ticket_flags": "### Catatan Tingkat Laporan"},
    "13_kualitas_data": {"excluded": "### Baris yang Dikeluarkan", "flagged": "### Catatan pada Baris yang Dipakai",
                         "capaian_rule": "### Aturan Capaian"},
}


@pytest.mark.parametrize("name", ["bulanan_crm", "monev_pengaduan"])
def test_both_shipped_layouts_give_the_headings_the_notebooks_used_to_write(settings, name):
    """A heading a layout leaves out is not printed: both formats keep these, word for word."""
    for notebook, headings in MOVED_HEADINGS.items():
        assert headings.items() <= dict(settings.layouts[name].section(notebook).headings).items(), notebook


def test_a_layout_override_with_an_unknown_option_stops_the_build_in_one_line(tmp_path):
    """`make report` with a layout whose section has `opsi_salah: true`: exit 2, one line, nothing built."""
    shipped = (default_params_dir() / "layouts" / "bulanan_crm.yaml").read_text(encoding="utf-8")
    section = "  - notebook: 04_data_aduan\n"
    assert shipped.count(section) == 1 and "options" not in shipped.split(section)[1].split("- notebook")[0]
    (tmp_path / "params" / "layouts").mkdir(parents=True)
    (tmp_path / "params" / "layouts" / "bulanan_crm.yaml").write_text(
        shipped.replace(section, f"{section}    options:\n      opsi_salah: true\n"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crmlib", "build", "--city", "jaktim", "--month", "2022-06",
                           "--params", str(tmp_path / "params"), "--outputs", str(tmp_path / "out"), "--no-pdf"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == ("error: bulanan_crm.yaml, key '04_data_aduan.options.opsi_salah': 04_data_aduan has no "
                           "option 'opsi_salah'. Fix: use one of status_table, response_summary, geotag_status.\n")
    assert not (tmp_path / "out" / "jaktim").exists()  # stopped when the settings were read, before any section


def test_each_city_names_a_shipped_layout_and_a_missing_one_is_an_error(tmp_path):
    settings = load_settings()
    assert {code: city["layout"] for code, city in settings.cities.items()}["jakpus"] == "monev_pengaduan"
    assert settings.cities["jaktim"]["layout"] == "bulanan_crm"
    (tmp_path / "cities").mkdir()
    (tmp_path / "cities" / "jakut.yaml").write_text("layout: tidak_ada\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path)
    assert str(info.value).startswith("jakut.yaml: layout 'tidak_ada' is not a layout file")
