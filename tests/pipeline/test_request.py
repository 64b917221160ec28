"""A build request and the kinds of report: what a build of a city and of the province overview is made of."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmlib.errors import UsageError
from crmlib.pipeline.kinds import CITY, PROVINCE_OVERVIEW, kind_of
from crmlib.pipeline.request import BuildRequest


def test_a_request_gives_the_sections_their_inputs_as_absolute_paths_and_knows_where_it_goes(settings, tmp_path,
                                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    request = BuildRequest("jaktim", "2022-06", settings, "laporan.csv")
    assert request.data == Path("laporan.csv") and request.kind is CITY
    assert request.parameters() == {"city": "jaktim", "month": "2022-06", "data": str(tmp_path / "laporan.csv"),
                                    "coordinations": None, "params_dir": None, "cache_dir": str(settings.cache_dir)}
    assert request.out_dir == settings.outputs_dir / "jaktim" / "2022-06"
    # The shipped layout's fifteen sections, in report order; tests may give their own.
    assert [p.stem for p in request.section_notebooks()][:3] == ["00_sampul", "01_pengantar", "02_pendahuluan"]
    assert len(request.section_notebooks()) == 16
    assert BuildRequest("jaktim", "2022-06", settings, notebooks=[Path("a.ipynb")]).section_notebooks() == [
        Path("a.ipynb")]


def test_the_province_overview_is_its_own_kind_with_its_own_sections(settings):
    request = BuildRequest("dki", "2022-06", settings)
    assert request.kind is PROVINCE_OVERVIEW and kind_of("jakpus") is CITY
    assert [p.stem for p in request.section_notebooks()] == ["00_ikhtisar", "01_anomali"]
    assert request.out_dir == settings.outputs_dir / "dki" / "2022-06"
    assert (PROVINCE_OVERVIEW.subject_label("dki"), CITY.subject_label("jaktim")) == (
        "Provinsi DKI Jakarta", "Kota Administrasi Jakarta Timur")
    assert not PROVINCE_OVERVIEW.has_city_settings and CITY.has_city_settings


@pytest.mark.parametrize(("subject", "month", "message"), [
    ("jaktim", "2022-13", "month '2022-13' is not YYYY-MM"),
    ("bandung", "2022-06", "unknown city 'bandung'"),
    ("dki", "22-06", "month '22-06' is not YYYY-MM"),
])
def test_what_reads_no_export_is_checked_before_any_worker_starts(settings, subject, month, message):
    request = BuildRequest(subject, month, settings)
    with pytest.raises(UsageError, match=message):
        request.kind.check(request.subject, request.month, request.data, request.coordinations, settings=settings)
