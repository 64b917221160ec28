"""The province overview: the six cities side by side, built and verified like a city report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crmlib.metrics import cities
from crmlib.pipeline.audit.verify import verify_report
from crmlib.pipeline.context.city import sample_inputs
from crmlib.pipeline.context.province import PROVINCE
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.request import BuildRequest

import frames
from e2e import unmarked
from frames import at

# The export's region names, as its `Wilayah` column spells them.
REGIONS = {"JAKARTA PUSAT": "jakpus", "JAKARTA UTARA": "jakut", "JAKARTA BARAT": "jakbar", "JAKARTA SELATAN": "jaksel",
           "JAKARTA TIMUR": "jaktim", "KEPULAUAN SERIBU": "kepseribu"}


def test_cities_side_by_side_take_each_citys_own_month(rules):
    # City A: 2 tickets in June (one responded in 1 h, one in 8 h); city B: 1 ticket in May, none in June.
    a = frames.tickets({"responded_at": at(1), "completed_at": at(2)}, {"responded_at": at(8), "completed_at": at(10)})
    b = frames.tickets({"created_at": "2022-05-10 08:00", "responded_at": at(1, "2022-05-10 08:00"),
                        "completed_at": at(3, "2022-05-10 08:00")})
    histories = cities.city_histories({"a": a, "b": b}, rules, ["2022-05", "2022-06"])
    side = cities.cities_side_by_side(histories, "2022-06", rules).set_index("city_code")
    assert side.loc["a", ["complaints", "responded_within_share", "median_completion_hours"]].tolist() == [2, 50.0, 6.0]
    assert side.loc["b", "complaints"] == 0 and pd.isna(side.loc["b", "capaian"]) and pd.isna(side.loc["b", "grade"])
    assert histories.groupby("city_code").size().to_dict() == {"a": 2, "b": 2}


@pytest.mark.e2e
def test_the_province_report_builds_and_verifies(settings):
    result = build_report(BuildRequest(PROVINCE, "2022-06", settings, pdf=False), progress=None)
    assert result.out_dir == settings.outputs_dir / "dki" / "2022-06"
    figures = json.loads((result.out_dir / "figures.json").read_text())
    side = {row["city_code"]: row for row in figures["cities_side_by_side"]}
    assert list(side) == ["jakpus", "jakut", "jakbar", "jaksel", "jaktim", "kepseribu"]
    assert side["jaktim"]["complaints"] == 508  # seed 002's month, as the city report counts it
    # Not through the package: each city's complaints of the month counted in the sample export itself, by its region
    # column and the day each complaint came in.
    raw = pd.read_csv(sample_inputs()["tickets"], sep=";", usecols=["Wilayah", "Tanggal Laporan Masuk"], dtype=str)
    month = pd.to_datetime(raw["Tanggal Laporan Masuk"], format="%d/%m/%Y %H:%M").dt.strftime("%Y-%m")
    counted = raw.loc[month == "2022-06", "Wilayah"].map(REGIONS).value_counts().to_dict()
    assert {code: row["complaints"] for code, row in side.items()} == counted
    assert len(figures["city_trends"]) == 6 * 6  # January to June for six cities
    # The map: every official kelurahan once, and its complaints with those of kecamatan and city units are all.
    assert len(figures["map_kelurahan"]) == 267 == len({row["code"] for row in figures["map_kelurahan"]})
    on_map = sum(row["complaints"] for row in figures["map_kelurahan"])
    assert on_map + figures["map_summary"]["not_on_kelurahan"] == sum(counted.values())
    html = unmarked((result.out_dir / "report.html").read_text())
    for heading in ("Ikhtisar Pengaduan Masyarakat", "Provinsi DKI Jakarta Juni 2022", "A. Kota Berdampingan",
                    "B. Tren 12 Bulan", "C. Kelurahan se-Provinsi", "D. Peta Kelurahan se-Provinsi",
                    "E. Catatan Anomali Utama"):
        assert heading in html
    # The audit re-runs the sections and compares with figures.json: one figure edited there is named, and only it.
    figures_path = result.out_dir / "figures.json"
    edited = json.loads(figures_path.read_text())
    next(row for row in edited["cities_side_by_side"] if row["city_code"] == "jaktim")["complaints"] += 1
    figures_path.write_text(json.dumps(edited))
    audit = verify_report(PROVINCE, "2022-06", settings)
    assert not audit.ok
    assert audit.differing == ["cities_side_by_side"]
    assert (audit.rerun_error, audit.changed_inputs, audit.changed_settings) == (None, [], [])
    # Every other number printed in report.html is still its figure.
    assert [line for line in audit.printed if "cities_side_by_side" not in line] == []
