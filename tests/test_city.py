import pytest

from crmlib.city import check_month, load_city_params


def test_city_settings_fill_city_name_and_month_values():
    settings = load_city_params("jaktim", "2022-06")
    assert settings["dpa_nomor"] == "370/P-DPA/2022"
    assert settings["cutoff"] == "2022-07-11 08:34"
    assert "Kota Administrasi Jakarta Timur Tahun 2022" in settings["kata_pengantar"][0]
    assert len(settings["kanal"]) == 14


def test_unrecorded_values_fall_back():
    settings = load_city_params("jaktim", "2023-01")
    assert settings["dpa_nomor"] == "–"
    assert settings["cutoff"] is None


def test_every_city_has_settings():
    for city in ("jakpus", "jakut", "jakbar", "jaksel", "jaktim", "kepseribu"):
        assert load_city_params(city, "2022-07")["pengguna_anggaran"]


@pytest.mark.parametrize("month", ["2022-13", "2022-6", "June", ""])
def test_bad_month_is_refused(month):
    with pytest.raises(ValueError, match="YYYY-MM"):
        check_month(month)
