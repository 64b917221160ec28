"""Settings as one value: read once from the shipped params/ or an override folder, never re-read behind the caller."""

import shutil

import pytest

from crmlib.errors import SettingsError, UsageError
from crmlib.ingest.cache import settings_digest
from crmlib.ingest.select import check_month
from crmlib.ingest.settings import PARAMS_ENV, city_settings, load_settings, manifest_entry, unfilled
from crmlib.resources import default_params_dir


def test_city_settings_fill_city_name_and_month_values(settings):
    jaktim = city_settings(settings, "jaktim", "2022-06")
    assert jaktim["dpa_nomor"] == "370/P-DPA/2022"
    assert jaktim["cutoff"] == "2022-07-11 08:34"
    assert "Kota Administrasi Jakarta Timur Tahun 2022" in jaktim["kata_pengantar"][0]
    assert len(jaktim["kanal"]) == 14


def test_unrecorded_values_fall_back(settings):
    jaktim = city_settings(settings, "jaktim", "2023-01")
    assert jaktim["dpa_nomor"] is None
    assert jaktim["cutoff"] is None
    assert unfilled(jaktim, "2023-01") == ["dpa_nomor for 2023"]
    # Jakarta Pusat's file sets no DPA number and no signatory: both are placeholders in its report.
    assert unfilled(city_settings(settings, "jakpus", "2022-07"), "2022-07") == ["dpa_nomor for 2022", "penandatangan"]


def test_every_city_has_settings(settings):
    for city in ("jakpus", "jakut", "jakbar", "jaksel", "jaktim", "kepseribu"):
        assert city_settings(settings, city, "2022-07")["pengguna_anggaran"]


@pytest.mark.parametrize("month", ["2022-13", "2022-6", "June", ""])
def test_bad_month_is_a_usage_error(month):
    with pytest.raises(UsageError, match="YYYY-MM"):
        check_month(month)


def test_unknown_city_is_a_usage_error(settings):
    with pytest.raises(UsageError, match="unknown city 'jaktimur'"):
        city_settings(settings, "jaktimur", "2022-06")


def test_override_folder_replaces_files_one_by_one(tmp_path):
    override = tmp_path / "params"
    (override / "cities").mkdir(parents=True)
    jaktim = (default_params_dir() / "cities" / "jaktim.yaml").read_text(encoding="utf-8")
    (override / "cities" / "jaktim.yaml").write_text(jaktim.replace("370/P-DPA/2022", "999/P-DPA/2022"),
                                                     encoding="utf-8")
    settings = load_settings(override, outputs_dir=tmp_path / "out")
    assert city_settings(settings, "jaktim", "2022-06")["dpa_nomor"] == "999/P-DPA/2022"
    # Files the folder does not hold still come from the package.
    entry = manifest_entry(settings)
    assert entry["override_dir"] == str(override.resolve())
    assert entry["files"]["cities/jaktim.yaml"]["from"] == "override"
    assert entry["files"]["rules/crm.yaml"]["from"] == "package"
    assert settings.rules.response_max_hours == 6


def test_override_folder_from_the_environment(tmp_path, monkeypatch):
    override = tmp_path / "params"
    shutil.copytree(default_params_dir() / "rules", override / "rules")
    monkeypatch.setenv(PARAMS_ENV, str(override))
    assert manifest_entry(load_settings())["files"]["rules/crm.yaml"]["from"] == "override"


def test_missing_override_folder_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="params folder does not exist"):
        load_settings(tmp_path / "nowhere")


def test_bad_yaml_in_an_override_names_the_file_and_line(tmp_path):
    (tmp_path / "areas").mkdir()
    (tmp_path / "areas" / "aliases.yaml").write_text("kelurahan:\n  a: [b\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"aliases.yaml, line \d+: not valid YAML"):
        load_settings(tmp_path)


def test_aliases_need_their_prefix_lists(tmp_path):
    (tmp_path / "areas").mkdir()
    (tmp_path / "areas" / "aliases.yaml").write_text("kelurahan: {}\nskpd_prefixes: [DINAS]\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="key 'head_unit_prefixes'"):
        load_settings(tmp_path)


def test_category_aliases_are_texts_and_an_edit_changes_the_cache_key(tmp_path):
    (tmp_path / "categories").mkdir()
    aliases = tmp_path / "categories" / "aliases.yaml"
    aliases.write_text("aliases:\n  Jln: 12\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="aliases.yaml, key 'aliases': expected a mapping 'export spelling: category'"):
        load_settings(tmp_path)
    aliases.write_text("aliases:\n  Jln: Jalan\n", encoding="utf-8")
    settings = load_settings(tmp_path)
    assert dict(settings.category_aliases) == {"Jln": "Jalan"}
    assert settings_digest(settings) != settings_digest(load_settings())


def test_settings_are_read_once_as_values(tmp_path):
    """Editing a file after loading changes nothing in the loaded value, nor its recorded hash."""
    override = tmp_path / "params"
    shutil.copytree(default_params_dir() / "areas", override / "areas")
    settings = load_settings(override)
    before = dict(settings.aliases["kelurahan"]), settings.files["areas/aliases.yaml"].sha256
    (override / "areas" / "aliases.yaml").write_text("kelurahan: {}\nkecamatan: {}\nhead_unit_prefixes: []\n"
                                                     "skpd_prefixes: []\n", encoding="utf-8")
    assert (dict(settings.aliases["kelurahan"]), settings.files["areas/aliases.yaml"].sha256) == before
    assert dict(load_settings(override).aliases["kelurahan"]) == {}


def test_each_load_is_its_own_value():
    """A caller that changes what one load gave, even deep inside, changes nothing in the next load."""
    first = load_settings()
    first.cities["jaktim"]["dpa_nomor"][2022] = "changed"
    first.cities["jaktim"]["cutoff"].clear()
    again = load_settings()
    assert again.cities["jaktim"]["dpa_nomor"][2022] == "370/P-DPA/2022"
    assert again.cities["jaktim"]["cutoff"] == {"2022-06": "2022-07-11 08:34"}


def test_bad_yaml_is_an_error_at_every_load(tmp_path):
    (tmp_path / "areas").mkdir()
    (tmp_path / "areas" / "aliases.yaml").write_text("kelurahan:\n  a: [b\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(SettingsError, match="not valid YAML"):
            load_settings(tmp_path)


def test_outputs_and_cache_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_OUTPUTS", str(tmp_path / "reports"))
    settings = load_settings()
    assert settings.outputs_dir == tmp_path / "reports"
    assert settings.cache_dir == tmp_path / "reports" / ".cache"
    assert load_settings(cache_dir=tmp_path / "c").cache_dir == tmp_path / "c"
