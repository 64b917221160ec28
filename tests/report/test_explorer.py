"""The explorer's selection and views, on the sample's planted spike (Jakarta Barat, October 2022, kelurahan Tangki)."""

from __future__ import annotations

import pytest

from crmlib.pipeline.context.city import ReportContext, sample_inputs
from crmlib.report import explorer
from crmlib.report.explorer import ALL_KINDS, VIEWS, Explorer

pytestmark = pytest.mark.e2e  # scans a year of a city


@pytest.fixture(scope="module")
def app(shared_settings):
    return Explorer(ReportContext("jakbar", "2022-10", shared_settings, sample_inputs()))


def test_the_default_view_is_the_planted_spike_and_its_unit(app):
    spike = app.flags().query("kind == 'volume_spike'")
    assert spike["unit"].tolist() == ["Tangki"]  # crmlib/sample/planted.py plants it there
    assert app.unit() == "Tangki"
    assert app.flagged_months("Tangki", ["2022-08", "2022-09", "2022-10"]) == ["2022-10"]
    views = app.render()
    assert list(views) == list(VIEWS)
    history = "".join(part.data for part in views["history"])
    assert "bulan dengan catatan tingkat unit: Oktober 2022" in history
    # The map: Tangki outlined, its spike's copies crowd into the month's largest hotspot, listed first.
    caption, table = views["map"][1].data, views["map"][2].data
    assert "wilayah Tangki" in caption and f'alt="{explorer.MAP_ALT}"' in views["map"][0].data
    assert table.index("Tangki, Kec. Taman Sari") < table.index("Keagungan, Kec. Taman Sari")


def test_a_change_of_kind_unit_month_or_city_changes_the_views(app):
    app.select(kind="volume_drop")
    listed = app.flags_view()[-1].data  # the interactive list after the counts of every kind
    assert "Penurunan jumlah aduan" in listed and "Lonjakan jumlah aduan" not in listed
    other = next(unit for unit in app.units() if unit != "Tangki")
    app.select(kind=ALL_KINDS, unit=other)
    assert f"Aduan {other}, Oktober 2022" in app.tickets_view()[0].data
    app.select(month="2022-09", unit=None)  # another month: its own most flagged unit
    assert "September 2022" in app.flags_view()[0].data
    app.select(city="jaktim", month="2022-06")
    assert "Jakarta Timur" in app.backlog_view()[0].data
    assert app.unit() in app.units()


def test_interactive_tables_keep_formulas_as_text():
    import pandas as pd

    html = explorer.interactive(pd.DataFrame({"unit": ["=HYPERLINK(1)"], "n": [1]}), "uji").data
    assert "'=HYPERLINK(1)" in html and "tabel-uji" in html
