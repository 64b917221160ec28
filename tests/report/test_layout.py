"""Layouts: what a layout file may say, and the one-line errors for what it may not."""

from __future__ import annotations

import pytest
import yaml

from crmlib.errors import SettingsError
from crmlib.ingest.settings import load_settings
from crmlib.report.layout import check_layout

NOTEBOOKS = {"00_sampul", "04_data_aduan", "09_kanal"}


def layout(text: str):
    return check_layout(yaml.safe_load(text), "uji", NOTEBOOKS, "layouts/uji.yaml")


def test_a_layout_lists_sections_with_headings_sentences_and_options():
    checked = layout("""
title: Laporan Uji
running_footer: true
sections:
  - notebook: 00_sampul
  - notebook: 09_kanal
    headings: {section: "## E. Kanal"}
    sentences: {summary: "Kanal terbanyak {kanal}: {jumlah} aduan."}
    options: {pie: false}
""")
    assert (checked.title, checked.running_footer, checked.notebooks) == ("Laporan Uji", True, ["00_sampul", "09_kanal"])
    part = checked.section("09_kanal")
    assert part.heading("section") == "## E. Kanal" and part.heading("trend") is None
    assert part.sentence("summary", kanal="JAKI", jumlah="243", bulan="Juli") == "Kanal terbanyak JAKI: 243 aduan."
    assert part.options["pie"] is False
    # A notebook the layout does not list has nothing.
    assert checked.section("04_data_aduan").headings == {}


@pytest.mark.parametrize("text, message", [
    ("sections: [{notebook: 00_sampul}]", "no 'title'"),
    ("title: X\nsections: []", "no 'sections' list"),
    ("title: X\nfooter: true\nsections: [{notebook: 00_sampul}]", "unknown key footer"),
    ("title: X\nsections: [{notebook: 99_tidak_ada}]", "section 1: no notebook '99_tidak_ada'"),
    ("title: X\nsections: [{notebook: 00_sampul}, {notebook: 00_sampul}]", "listed twice: 00_sampul"),
    ("title: X\nsections: [{notebook: 09_kanal, headings: {section: 'E. Kanal'}}]", "heading 'section' of 09_kanal"),
    ("title: X\nsections: [{notebook: 09_kanal, sentences: {summary: 'Kanal {kanal'}}]", "sentence 'summary' of 09_kanal"),
    ("title: X\nsections: [{notebook: 09_kanal, heading: {}}]", "unknown key heading"),
])
def test_a_wrong_layout_fails_in_one_line_naming_its_file(text, message):
    with pytest.raises(SettingsError) as info:
        layout(text)
    assert message in str(info.value) and "uji.yaml" in str(info.value) and "\n" not in str(info.value)


def test_a_sentence_with_a_slot_the_section_does_not_give_names_the_slots_it_does():
    part = layout("title: X\nsections: [{notebook: 09_kanal, sentences: {summary: 'Kanal {saluran}.'}}]").section("09_kanal")
    with pytest.raises(SettingsError) as info:
        part.sentence("summary", kanal="JAKI", jumlah="243")
    assert "uses {saluran}, which this section does not give (it gives jumlah, kanal)" in str(info.value)


def test_each_city_names_a_shipped_layout_and_a_missing_one_is_an_error(tmp_path):
    settings = load_settings()
    assert {code: city["layout"] for code, city in settings.cities.items()}["jakpus"] == "monev_pengaduan"
    assert settings.cities["jaktim"]["layout"] == "bulanan_crm"
    (tmp_path / "cities").mkdir()
    (tmp_path / "cities" / "jakut.yaml").write_text("layout: tidak_ada\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path)
    assert str(info.value).startswith("jakut.yaml: layout 'tidak_ada' is not a layout file")
