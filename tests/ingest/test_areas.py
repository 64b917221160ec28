"""Tests for crmlib.ingest.areas: the official list and how export unit names resolve to it."""

import pytest

from crmlib.errors import UsageError
from crmlib.ingest import areas
from crmlib.ingest.areas import UnitRef, UnitResolver
from crmlib.ingest.settings import load_settings

ALIASES = {
    "kelurahan": {"Halim Perdana Kusumah": "Halim Perdana Kusuma"},
    "kecamatan": {"Kramatjati Lama": "Kramat Jati"},
    "head_unit_prefixes": ["WALIKOTA", "WALI KOTA", "BUPATI"],
    "skpd_prefixes": ["DINAS", "SUKU DINAS", "PT"],
}
RESOLVER = UnitResolver(ALIASES)


def test_official_list_counts():
    ref = areas.reference()
    assert len(ref) == 267
    assert ref["kecamatan"].nunique() == 44
    assert sorted(ref["city_code"].unique()) == sorted(areas.CITY_CODES)
    assert len(areas.kelurahan_of("jaktim")) == 65


@pytest.mark.parametrize("raw", ["KELURAHAN PULO GEBANG", "Kel. Pulogebang", "KEL PULO  GEBANG", "pulo-gebang"])
def test_kelurahan_spellings(raw):
    assert RESOLVER.resolve(raw) == UnitRef("jaktim", "kelurahan", "Cakung", "Pulo Gebang")


def test_a_bare_name_shared_by_a_kelurahan_and_a_kecamatan_is_the_kelurahan():
    # Gambir is a kelurahan in kecamatan Gambir; the prefix picks the kecamatan's office.
    assert RESOLVER.resolve("GAMBIR") == UnitRef("jakpus", "kelurahan", "Gambir", "Gambir")
    assert RESOLVER.resolve("KECAMATAN GAMBIR") == UnitRef("jakpus", "kecamatan", "Gambir", "Kecamatan Gambir")
    assert RESOLVER.resolve("Kec. Kramat Jati").unit == "Kecamatan Kramatjati"


def test_a_bare_kecamatan_name_without_a_kelurahan_namesake_is_the_kecamatan():
    assert RESOLVER.resolve("CAKUNG") == UnitRef("jaktim", "kecamatan", "Cakung", "Kecamatan Cakung")


def test_aliases_per_unit_type():
    assert RESOLVER.resolve("KELURAHAN HALIM PERDANA KUSUMAH").unit == "Halim Perdana Kusuma"
    assert RESOLVER.resolve("KECAMATAN KRAMATJATI LAMA").unit == "Kecamatan Kramatjati"
    # An alias of one unit type does not apply to the other.
    assert RESOLVER.resolve("KELURAHAN KRAMATJATI LAMA") is None


def test_head_units_of_every_city():
    assert RESOLVER.resolve("WALIKOTA JAKARTA TIMUR") == UnitRef("jaktim", "kota", None, "Walikota Jakarta Timur")
    assert RESOLVER.resolve("Wali Kota Jakarta Pusat").unit == "Walikota Jakarta Pusat"
    assert RESOLVER.resolve("BUPATI KEPULAUAN SERIBU").unit == "Bupati Kepulauan Seribu"
    assert RESOLVER.resolve("WALIKOTA BANDUNG") is None


def test_agencies_are_skpd_and_keep_their_name():
    assert RESOLVER.resolve("SUKU DINAS BINA MARGA JAKARTA TIMUR", "jaktim") == UnitRef(
        "jaktim", "skpd", None, "SUKU DINAS BINA MARGA JAKARTA TIMUR")
    # A prefix must be a whole word: 'PTSP' is not 'PT ...'.
    assert RESOLVER.resolve("PTSP") is None


def test_the_region_narrows_to_its_own_units():
    assert RESOLVER.resolve("PULO GEBANG", "jaktim").unit == "Pulo Gebang"
    assert RESOLVER.resolve("PULO GEBANG", "jakpus") is None


@pytest.mark.parametrize("raw", [None, "", "   ", "Atlantis", "KELURAHAN"])
def test_unknown_or_blank_is_none(raw):
    assert RESOLVER.resolve(raw) is None


def test_the_shipped_aliases_resolve_their_entries():
    resolver = UnitResolver(load_settings().aliases)
    assert resolver.resolve("KELURAHAN BALE MESTER").unit == "Bali Mester"
    assert resolver.resolve("KOTA ADMINISTRASI JAKARTA BARAT").unit == "Walikota Jakarta Barat"


def test_city_names_and_codes():
    assert areas.city_code_of("JAKARTA TIMUR") == "jaktim"
    assert areas.city_code_of("Kota Administrasi Jakarta Pusat") == "jakpus"
    assert areas.city_code_of("Kabupaten Administrasi Kepulauan Seribu") == "kepseribu"
    assert areas.city_code_of("BANDUNG") is None
    assert areas.city_label("jaktim") == "Kota Administrasi Jakarta Timur"
    assert areas.head_unit("kepseribu") == "Bupati Kepulauan Seribu"
    with pytest.raises(UsageError, match="expected one of jakpus"):
        areas.check_city("bandung")
