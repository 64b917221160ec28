"""The province overview: the six cities side by side, built and verified like a city report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crmlib.metrics import cities
from crmlib.pipeline.audit.verify import verify_report
from crmlib.pipeline.context.province import PROVINCE
from crmlib.pipeline.orchestration.build import build_report
from crmlib.pipeline.request import BuildRequest

import frames
from frames import at


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
    assert len(figures["city_trends"]) == 6 * 6  # January to June for six cities
    html = (result.out_dir / "report.html").read_text()
    for heading in ("Ikhtisar Pengaduan Masyarakat", "Provinsi DKI Jakarta Juni 2022", "A. Kota Berdampingan",
                    "B. Tren 12 Bulan", "C. Kelurahan se-Provinsi", "D. Catatan Anomali Utama"):
        assert heading in html
    assert verify_report(PROVINCE, "2022-06", settings).ok
