"""The bundled sample as history: the calibrated months are quiet, and each planted anomaly is found."""

import pandas as pd
import pytest

from crmlib.ingest.cache import load_cached
from crmlib.ingest.select import month_bounds
from crmlib.metrics import flag_kinds, places
from crmlib.metrics.history import export_months
from crmlib.pipeline.context.anomaly_scan import scan_export
from crmlib.pipeline.context.city import sample_inputs
from crmlib.resources import sample_dir
from crmlib.sample import PLANTED

STATISTICAL = flag_kinds.statistical_names()


@pytest.fixture(scope="module")
def export(shared_settings):
    inputs = sample_inputs()
    return load_cached(inputs["tickets"], inputs["coordinations"], settings=shared_settings)


def _scan(export, rules, city: str, month: str) -> pd.DataFrame:
    return scan_export(export, city, month, export.tickets["created_at"].max(), rules, export_months(export.tickets))


def test_one_planted_anomaly_of_each_kind():
    assert sorted(p.kind for p in PLANTED) == sorted(flag_kinds.names())
    assert len({(p.city, p.month) for p in PLANTED}) == len(PLANTED)


@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: p.kind)
def test_the_scan_finds_each_planted_anomaly(export, rules, planted):
    flags = _scan(export, rules, planted.city, f"2022-{planted.month:02d}")
    mine = flags[(flags["kind"] == planted.kind) & (flags["unit"] == planted.unit)]
    expected = {"fast_closure": 1, "time_order": 2, "geotag_outside": 1, "batch_closure": 4, "duplicate_burst": 4,
                "backlog_aged": 3}
    assert len(mine) == expected.get(planted.kind, 1)
    # Rule flags have no chance hits, the planted ones are all there is; but an ordinary month holds a few quick
    # closures, as real ones do (crmlib.sample.ordinary.SHORTEST_FOLLOW_UP), and the flag lists them too.
    if planted.kind not in STATISTICAL and planted.kind != "fast_closure":
        assert (flags["kind"] == planted.kind).sum() == len(mine)


@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: p.kind)
def test_the_rule_flags_alone_are_the_scan_without_its_statistical_kinds(export, rules, planted):
    month = f"2022-{planted.month:02d}"
    flags = _scan(export, rules, planted.city, month)
    alone = scan_export(export, planted.city, month, export.tickets["created_at"].max(), rules,
                        export_months(export.tickets), statistical=False)
    pd.testing.assert_frame_equal(alone, flags[~flags["kind"].isin(STATISTICAL)].reset_index(drop=True))


@pytest.mark.parametrize(("city", "month"), [("jaktim", "2022-06"), ("jakpus", "2022-07")])
def test_the_calibrated_months_do_not_stand_out_from_their_history(export, rules, city, month):
    """The seed months were drawn first, the rest of the year from their habits: no unit-month is unusual."""
    flags = _scan(export, rules, city, month)
    assert flags["kind"].isin(STATISTICAL).sum() == 0
    assert month_bounds(month)[0] > export.tickets["created_at"].min()


def test_the_sample_geotags_lie_in_their_units_area_but_the_planted_one(export, rules):
    """Each geotag lies in its unit's kelurahan, kecamatan or city, or within the border band of it (a phone's fix
    error): only the planted geotag_outside lies farther."""
    placed = places.geotag_places(export.tickets)
    beyond = placed["metres_outside"] > rules.places.border_tolerance_metres
    planted = next(p for p in PLANTED if p.kind == "geotag_outside")
    assert export.tickets.loc[beyond[beyond].index, "unit"].tolist() == [planted.unit]
    assert placed["own_code"].notna().all()
    assert (placed["metres_outside"] == 0).mean() > 0.95


def test_the_sample_readme_lists_each_planted_anomaly():
    text = (sample_dir() / "README.md").read_text(encoding="utf-8")
    for p in PLANTED:
        assert f"| `{p.kind}` |" in text and f"| {p.unit} | {p.what} |" in text, p.kind
