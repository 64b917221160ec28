"""Tests for crmlib.metrics.anomalies on hand-built frames whose answers are worked out in the comments."""

import math

import numpy as np
import pandas as pd
import pytest
import shapely

from crmlib.geometry import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON, degrees_xy, metres_shape
from crmlib.ingest import boundaries
from crmlib.ingest.areas import reference
from crmlib.ingest.rules import rules_from_dict
from crmlib.metrics import anomalies, places
from crmlib.report import data_quality
from crmlib.schema import FLAG_COLUMNS, ReasonCode, row_frame_dtypes

import frames
from frames import at

RULES = rules_from_dict(frames.RULES_DOC)  # fast closure <= 10 min, batch >= 3 a minute, 3+ baseline months, q <= 0.01
T0 = "2022-06-01 08:00"


def test_fast_closures_include_the_boundary():
    # The rules: 10 minutes or less.
    tickets = frames.tickets({"completed_at": at(3 / 60)}, {"completed_at": at(10 / 60)},
                             {"completed_at": at(11 / 60)}, {"completed_at": None})
    flags = anomalies.fast_closures(tickets, RULES)
    assert flags["ticket_id"].tolist() == ["JK2206010001", "JK2206010002"]
    assert flags["evidence"].tolist() == ["selesai 3 menit setelah masuk", "selesai 10 menit setelah masuk"]
    assert flags["month"].tolist() == ["2022-06", "2022-06"]


def test_batch_closures_are_per_unit_and_minute():
    other = {"unit": "Pisangan Baru"}
    tickets = frames.tickets(
        {"completed_at": "2022-06-02 10:15:05"}, {"completed_at": "2022-06-02 10:15:40"},
        {"completed_at": "2022-06-02 10:15:59"}, {"completed_at": "2022-06-02 10:16:00"},  # the next minute
        {**other, "completed_at": "2022-06-02 10:15:10"}, {**other, "completed_at": "2022-06-02 10:15:20"},
    )
    flags = anomalies.batch_closures(tickets, RULES)
    assert flags["ticket_id"].tolist() == ["JK2206010001", "JK2206010002", "JK2206010003"]
    assert set(flags["observed"]) == {3}
    assert flags["evidence"].iloc[0] == "3 laporan unit ini diselesaikan pada menit yang sama (02/06/2022 10:15)"


def test_backlog_aged_counts_from_the_cutoff_against_each_maximum():
    cutoff = pd.Timestamp("2022-06-10 08:00", tz="Asia/Jakarta")
    open_ = {"status": "In Progres"}
    tickets = frames.tickets(
        {**open_, "created_at": "2022-06-01 08:00"},                                         # open 216 h > 168 h
        {**open_, "created_at": "2022-06-05 08:00"},                                         # open 120 h <= 168 h
        {**open_, "created_at": "2022-06-07 08:00", "category": "Sampah", "max_tl_hours": None},  # 72 h > 48 h
        {"created_at": "2022-05-01 08:00", "completed_at": "2022-05-20 08:00"},              # completed
        {"created_at": "2022-05-01 08:00", "completed_at": None},  # Complete, its time emptied: not open
    )
    flags = anomalies.backlog_aged(tickets, cutoff, RULES)
    assert flags["ticket_id"].tolist() == ["JK2206010001", "JK2206010003"]
    assert flags["evidence"].tolist() == ["belum selesai 216 jam setelah masuk; batas 168 jam",
                                          "belum selesai 72 jam setelah masuk; batas 48 jam"]


def loader_flags(*rows: tuple) -> pd.DataFrame:
    """The loader's flags frame from (table, source_row, ticket_id, code, reason) rows."""
    table, source_row, ticket_id, code, reason = zip(*rows)
    return pd.DataFrame({"table": table, "source_file": "t.csv", "source_row": pd.array(source_row, dtype="Int64"),
                         "ticket_id": ticket_id, "column": "Tanggal TL", "code": [str(c) for c in code],
                         "reason": reason}).astype(row_frame_dtypes(FLAG_COLUMNS))


def test_time_order_points_at_the_data_quality_appendix():
    tickets = frames.tickets({})
    flags = loader_flags(
        ("tickets", 2, "JK2206010001", ReasonCode.TIME_BEFORE_PREVIOUS,
         "Tanggal TL sebelum Tanggal Laporan Masuk; Tanggal TL dikosongkan"),
        ("tickets", pd.NA, pd.NA, ReasonCode.COLUMN_MISSING, "kolom tidak ada di file; nilainya dianggap kosong"))
    found = anomalies.time_order(tickets, frames.coordinations(), flags)
    assert found["ticket_id"].tolist() == ["JK2206010001"]
    assert found["evidence"].iloc[0] == ("Tanggal TL sebelum Tanggal Laporan Masuk; Tanggal TL dikosongkan "
                                         "(Lampiran Kualitas Data: laporan baris 2)")


def test_time_order_follows_the_reason_code_not_its_wording():
    # The loader's reason reworded (no " sebelum " in it): the code still makes it a time_order flag, and the
    # data-quality appendix counts it. A reason that says " sebelum " under another code is not one.
    tickets = frames.tickets({}, {})
    flags = loader_flags(
        ("tickets", 2, "JK2206010001", ReasonCode.TIME_BEFORE_PREVIOUS, "Tanggal TL mendahului Tanggal Laporan Masuk"),
        ("tickets", 3, "JK2206010002", ReasonCode.TIME_UNREADABLE, "Tanggal TL sebelum pukul berapa tidak terbaca"))
    found = anomalies.time_order(tickets, frames.coordinations(), flags)
    assert found["ticket_id"].tolist() == ["JK2206010001"]
    assert found["evidence"].iloc[0] == ("Tanggal TL mendahului Tanggal Laporan Masuk "
                                         "(Lampiran Kualitas Data: laporan baris 2)")
    assert data_quality.time_order_rows(flags) == 1


def test_time_order_flags_a_coordination_whose_ticket_is_not_in_the_tickets_file():
    # A provincial agency's ticket coordinated to Kayu Manis, processed before it was coordinated: the loader
    # emptied the processing time and flagged coordination row 4. No ticket JK2206099999 exists here.
    coordinations = frames.coordinations({"ticket_id": "JK2206099999", "source_row": 4},
                                         {"ticket_id": "JK2206099999", "source_row": 5, "unit": "Pal Meriam"})
    flags = loader_flags(("coordinations", 4, "JK2206099999", ReasonCode.TIME_BEFORE_PREVIOUS,
                          "Tanggal Proses sebelum Tanggal Koordinasi; Tanggal Proses dikosongkan"))
    found = anomalies.time_order(frames.tickets(), coordinations, flags)
    assert found[["unit", "ticket_id", "month"]].values.tolist() == [["Kayu Manis", "JK2206099999", "2022-06"]]
    assert found["evidence"].iloc[0] == ("Tanggal Proses sebelum Tanggal Koordinasi; Tanggal Proses dikosongkan "
                                         "(Lampiran Kualitas Data: koordinasi baris 4)")
    assert data_quality.time_order_rows(flags) == 1


def test_evidence_rounds_a_half_up_as_the_report_does():
    # Completed 2 min 30 s and 4 min 30 s after creation: 2.5 and 4.5 minutes. Half-up gives 3 and 5 (Python's
    # own formatting rounds half to even: 2 and 4). Open 216 h 30 min at the cut-off: 216.5 h -> 217.
    tickets = frames.tickets({"completed_at": "2022-06-01 08:02:30"}, {"completed_at": "2022-06-01 08:04:30"},
                             {"status": "In Progres"})
    fast = anomalies.fast_closures(tickets, RULES)
    assert fast["evidence"].tolist() == ["selesai 3 menit setelah masuk", "selesai 5 menit setelah masuk"]
    assert fast["observed"].tolist() == [pytest.approx(2.5), pytest.approx(4.5)]
    cutoff = pd.Timestamp("2022-06-10 08:30", tz="Asia/Jakarta")  # 9 days and 30 minutes after 2022-06-01 08:00
    aged = anomalies.backlog_aged(tickets, cutoff, RULES)
    assert aged["evidence"].tolist() == ["belum selesai 217 jam setelah masuk; batas 168 jam"]


def history(counts: dict[str, list[int]], months: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"unit_type": "kelurahan", "unit": unit, "month": month, "complaints": n}
                         for unit, series in counts.items() for month, n in zip(months, series)])


MONTHS = ["2022-01", "2022-02", "2022-03", "2022-04", "2022-05"]
CITY = pd.DataFrame({"month": MONTHS, "complaints": [100] * 5})


def city_of(counts: dict[str, list[int]]) -> pd.DataFrame:
    return pd.DataFrame({"month": MONTHS, "complaints": [sum(s) for s in zip(*counts.values())]})


def test_volume_spike_and_drop_against_a_steady_baseline():
    # Baseline Jan-Apr: A, B and C have 40 complaints each of the city's 400. May's city total is 110, but A's
    # 30 and C's 0 are far from their shares and are left out of the city's volume: the others (B and R) had
    # 80 of their baseline 320, so the city's volume is 80 / 320 * 400 = 100 and the expected count is
    # (40 + 0.5) * 100 / 400 = 10.125 for A, B and C.
    counts = {"A": [10, 10, 10, 10, 30], "B": [10, 10, 10, 10, 10], "C": [10, 10, 10, 10, 0], "R": [70] * 5}
    flags = anomalies.volume_changes(history(counts, MONTHS), city_of(counts), "2022-05", RULES)
    assert flags[["kind", "unit", "observed"]].values.tolist() == [["volume_spike", "A", 30.0],
                                                                   ["volume_drop", "C", 0.0]]
    assert flags["expected"].tolist() == [10.125, 10.125]
    # P(X <= 0) for a Poisson(10.125) is exp(-10.125); four units tested, C ranks first: q = 4 p.
    assert flags["p_value"].iloc[1] == pytest.approx(math.exp(-10.125))
    assert flags["q_value"].iloc[1] == pytest.approx(4 * math.exp(-10.125))
    assert flags["evidence"].iloc[0] == "30 aduan, 3,0 kali perkiraan 10,1 dari 4 bulan sebelumnya; q < 0,001"


def test_a_unit_silent_in_the_baseline_and_the_month_is_not_tested():
    # Z appears in the history (its complaints predate these months) but has none in them: its spike test would
    # have p = 1. It is not one of the units tested, so A's spike, the smallest of four p-values, has q = 4 p as
    # without Z, not 5 p. (Z's drop test could never pass, so Tarone's rule already left it out.)
    counts = {"A": [10, 10, 10, 10, 30], "B": [10, 10, 10, 10, 10], "C": [10, 10, 10, 10, 0], "R": [70] * 5}
    flags = anomalies.volume_changes(history({**counts, "Z": [0] * 5}, MONTHS), city_of(counts), "2022-05", RULES)
    assert flags[["kind", "unit"]].values.tolist() == [["volume_spike", "A"], ["volume_drop", "C"]]
    assert flags["q_value"].iloc[0] == pytest.approx(4 * flags["p_value"].iloc[0])
    assert flags["q_value"].iloc[1] == pytest.approx(4 * math.exp(-10.125))
    # A unit new this month (no baseline complaint) is tested: expected (0 + 0.5) * 100 / 400 = 0.125 against 6.
    new = anomalies.volume_changes(history({**counts, "N": [0, 0, 0, 0, 6]}, MONTHS),
                                   city_of({**counts, "N": [0, 0, 0, 0, 6]}), "2022-05", RULES)
    assert ["volume_spike", "N"] in new[["kind", "unit"]].values.tolist()


def test_an_overdispersed_baseline_is_not_flagged_for_the_same_count():
    # D alternates 2 and 18 (mean 10, variance 85.3): under a negative binomial 30 is not unusual enough,
    # while A, steady at 10, is flagged for the same 30.
    counts = {"A": [10, 10, 10, 10, 30], "D": [2, 18, 2, 18, 30], "R": [80] * 5}
    flags = anomalies.volume_changes(history(counts, MONTHS), city_of(counts), "2022-05", RULES)
    assert flags["unit"].tolist() == ["A"]


def test_too_short_a_history_is_not_tested():
    counts = {"A": [10, 10, 30]}
    assert anomalies.volume_changes(history(counts, MONTHS[2:]), CITY.iloc[2:], "2022-05", RULES).empty


def durations(unit: str, month: str, hours: list[float]) -> list[dict]:
    start = f"{month}-10 08:00"
    return [{"unit": unit, "created_at": start, "completed_at": at(h, start)} for h in hours]


def test_slower_completion_by_mann_whitney():
    rows = []
    for month in MONTHS[:4]:
        rows += durations("Kayu Manis", month, [2, 2.5, 3, 3.5, 4]) + durations("Utan Kayu", month, [2, 3, 4, 5, 6])
    rows += durations("Kayu Manis", "2022-05", [10, 11, 12, 13, 14])  # every hour above every baseline hour
    rows += durations("Utan Kayu", "2022-05", [2, 3, 4, 5, 6])        # as before
    rows += durations("Pisangan Baru", "2022-05", [50, 60])            # too few to test
    flags = anomalies.slower_durations(frames.tickets(*rows), MONTHS, "2022-05", RULES)
    assert flags["unit"].tolist() == ["Kayu Manis"]
    assert (flags["observed"].iloc[0], flags["expected"].iloc[0]) == (12.0, 3.0)  # medians
    assert flags["evidence"].iloc[0].startswith("median waktu penyelesaian 12,0 jam, 4,0 kali median 4 bulan")


def test_a_baseline_median_of_zero_hours_gives_an_infinite_ratio_in_words():
    # Every baseline follow-up done the moment it came in (0 h); this month's take 2 h: 2 / 0 is said in words,
    # as the report's formatter will not print an infinite number.
    rows = []
    for month in MONTHS[:4]:
        rows += durations("Kayu Manis", month, [0, 0, 0, 0, 0])
    rows += durations("Kayu Manis", "2022-05", [2, 2, 2, 2, 2])
    flags = anomalies.slower_durations(frames.tickets(*rows), MONTHS, "2022-05", RULES)
    assert flags["evidence"].iloc[0].startswith(
        "median waktu penyelesaian 2,0 jam, tak terhingga kali median 4 bulan sebelumnya (0,0 jam); q ")


def test_the_duration_baseline_is_the_calendar_months_before_the_month():
    # Three baseline months: February to April, though March has no ticket at all. January's long hours are
    # outside it, so the baseline is February's and April's ten values (median (3 + 3.2) / 2 = 3.1). May's five
    # are all above them, without ties: Mann-Whitney's exact p is 1 / C(15, 5) = 1 / 3003.
    rules = rules_from_dict({**frames.RULES_DOC, "anomalies": {**frames.RULES_DOC["anomalies"], "baseline_months": 3}})
    rows = durations("Kayu Manis", "2022-01", [10, 11, 12, 13, 14])
    rows += durations("Kayu Manis", "2022-02", [2, 2.5, 3, 3.5, 4])
    rows += durations("Kayu Manis", "2022-04", [2.2, 2.7, 3.2, 3.7, 4.2])
    rows += durations("Kayu Manis", "2022-05", [10, 11, 12, 13, 14])
    flags = anomalies.slower_durations(frames.tickets(*rows), MONTHS, "2022-05", rules)
    assert (flags["observed"].iloc[0], flags["expected"].iloc[0]) == (12.0, pytest.approx(3.1))
    assert flags["p_value"].iloc[0] == pytest.approx(1 / 3003)
    assert "3 bulan sebelumnya" in flags["evidence"].iloc[0]


def test_a_slower_month_must_also_be_longer_by_the_minimum_hours():
    rows = []
    for month in MONTHS[:4]:
        rows += durations("Kayu Manis", month, [0.2, 0.25, 0.3, 0.35, 0.4])
    rows += durations("Kayu Manis", "2022-05", [0.8, 0.9, 1.0, 1.1, 1.2])  # significant, but the median rose 0.7 h
    assert anomalies.slower_durations(frames.tickets(*rows), MONTHS, "2022-05", RULES).empty


def test_no_completed_ticket_gives_no_duration_flag():
    rows = [{"created_at": f"{m}-10 08:00"} for m in MONTHS for _ in range(6)]
    assert anomalies.slower_durations(frames.tickets(*rows), MONTHS, "2022-05", RULES).empty


def geotag(lat_metres: float, lon_metres: float, created: str = "2022-05-10 08:00", **extra) -> dict:
    """A geotagged ticket this many metres north and east of a point in Jakarta Timur."""
    return {"latitude": -6.2 + lat_metres / METRES_PER_DEGREE_LAT,
            "longitude": 106.86 + lon_metres / METRES_PER_DEGREE_LON, "geotagged": True,
            "created_at": created, **extra}


def _east_of(level: str, code: str, metres: float) -> dict:
    """A point this many metres due east of an area's easternmost vertex: every other point of the area lies
    west of that vertex, so the point is exactly ``metres`` from the area."""
    shape = boundaries.shapes(level).set_index("code").at[code, "geometry"]
    x, y = max(shapely.get_coordinates(metres_shape(shape)).tolist())
    longitude, latitude = degrees_xy(np.array([x + metres, y]))
    return {"longitude": float(longitude[0]), "latitude": float(latitude[0]), "geotagged": True}


GAMBIR = {"city_code": "jakpus", "kecamatan": "Gambir", "unit_type": "kelurahan", "unit": "Gambir"}


def test_geotag_outside_its_kelurahan_beyond_the_border_band():
    # The band is 100 m: 60 m east of Gambir's easternmost point is within it, 300 m is not; inside is 0 m.
    inside = boundaries.shapes("kelurahan").set_index("code").at["31.71.01.1001", "geometry"].representative_point()
    tickets = frames.tickets({**GAMBIR, "longitude": inside.x, "latitude": inside.y, "geotagged": True},
                             {**GAMBIR, **_east_of("kelurahan", "31.71.01.1001", 60)},
                             {**GAMBIR, **_east_of("kelurahan", "31.71.01.1001", 300)},
                             {**GAMBIR, **_east_of("kelurahan", "31.71.01.1001", 300), "geotagged": False})
    flags = anomalies.geotags_outside(tickets, RULES)
    assert flags["ticket_id"].tolist() == ["JK2206010003"]
    assert flags["observed"].iloc[0] == pytest.approx(300, abs=0.5)
    assert flags["evidence"].iloc[0].endswith("300 m di luar batas kelurahannya")


def test_geotag_outside_names_the_kelurahan_it_lies_in_or_says_it_is_outside_dki():
    # 300 m east of Gambir lies in its neighbour to the east; 30 km east of Jakarta Timur is in Bekasi.
    placed = frames.tickets({**GAMBIR, **_east_of("kelurahan", "31.71.01.1001", 300)},
                            {"city_code": "jaktim", "kecamatan": None, "unit_type": "kota",
                             "unit": "Walikota Jakarta Timur", **_east_of("kota", "31.75", 30_000)})
    flags = anomalies.geotags_outside(placed, RULES)
    neighbour = places.geotag_places(placed)["at_code"].iloc[0]
    name = reference().set_index("kelurahan_code").at[neighbour, "kelurahan"]
    assert neighbour.startswith("31.71.") and neighbour != "31.71.01.1001"
    assert flags["evidence"].tolist() == [
        f"titik lokasi di Kelurahan {name}, Kec. {reference().set_index('kelurahan_code').at[neighbour, 'kecamatan']}"
        ", 300 m di luar batas kelurahannya",
        "titik lokasi di luar DKI Jakarta, 30,0 km di luar batas wilayah kota/kabupatennya"]


def test_a_kecamatan_unit_is_judged_by_its_kecamatan():
    # 300 m east of kelurahan Gambir's easternmost point may still lie in kecamatan Gambir; 300 m east of the
    # kecamatan's own easternmost point does not.
    kecamatan = {"city_code": "jakpus", "kecamatan": "Gambir", "unit_type": "kecamatan", "unit": "Kecamatan Gambir"}
    tickets = frames.tickets({**kecamatan, **_east_of("kecamatan", "31.71.01", 50)},
                             {**kecamatan, **_east_of("kecamatan", "31.71.01", 250)})
    flags = anomalies.geotags_outside(tickets, RULES)
    assert flags["ticket_id"].tolist() == ["JK2206010002"]
    assert flags["evidence"].iloc[0].endswith("250 m di luar batas kecamatannya")


def test_duplicate_burst_is_each_complaint_within_reach_of_the_first():
    # The rules: 3 complaints, 100 m, 3 hours. The second is 60 m east of the first 45 minutes later, the third
    # 60 m west 90 minutes later: 120 m from each other, but each within 100 m of the first, so a burst of 3.
    t0 = "2022-05-10 08:00"
    tickets = frames.tickets(
        geotag(0, 0, t0), geotag(0, 60, "2022-05-10 08:45"), geotag(0, -60, "2022-05-10 09:30"),
        geotag(0, 0, "2022-05-10 11:30"),          # the first's place 3.5 h later: only the second reaches it
        geotag(0, 150, t0),                         # the first's time, 150 m away
        geotag(10, 10, t0, category="Sampah"),     # another category
    )
    flags = anomalies.duplicate_bursts(tickets, RULES)
    assert flags["ticket_id"].tolist() == ["JK2206010001", "JK2206010002", "JK2206010003"]
    assert set(flags["observed"]) == {3}
    assert flags["evidence"].iloc[0] == "3 aduan kategori yang sama dalam 100 m dan 3 jam dari aduan pertamanya"


def test_duplicate_burst_at_one_point_counts_the_largest_window_without_pairwise_work():
    # 2,000 complaints at one point a minute apart: each window of 3 hours holds 181 of them (both ends
    # included), and every complaint lies in such a window.
    tickets = frames.tickets(*[geotag(0, 0, str(pd.Timestamp("2022-05-10") + pd.Timedelta(minutes=m)))
                               for m in range(2000)])
    flags = anomalies.duplicate_bursts(tickets, RULES)
    assert len(flags) == 2000 and set(flags["observed"]) == {181}


def test_statistical_coverage_counts_the_units_each_test_could_judge():
    rows = []
    for month in MONTHS[:4]:
        rows += durations("Kayu Manis", month, [2, 3, 4, 5, 6]) + durations("Utan Kayu", month, [2, 3])
    rows += durations("Kayu Manis", "2022-05", [2, 3, 4, 5, 6])  # 5 now, 20 before: tested
    rows += durations("Utan Kayu", "2022-05", [2, 3, 4, 5, 6])   # 5 now, 8 before: tested
    rows += durations("Pisangan Baru", "2022-05", [1, 2])         # 2 now, none before: not tested
    rows += durations("Cipinang", "2021-12", [2, 3])               # before the months: no unit of any test
    tickets = frames.tickets(*rows)
    # Responses: none recorded, so no unit has response hours this month.
    table = anomalies.statistical_coverage(tickets, MONTHS, "2022-05", RULES).set_index("test")
    assert table.loc["volume", ["units", "tested", "not_tested", "baseline_months"]].tolist() == [3, 3, 0, 4]
    assert table.loc["slower_completion", ["units", "tested", "not_tested"]].tolist() == [3, 2, 1]
    assert table.loc["slower_response", ["units", "tested"]].tolist() == [0, 0]
    # Two earlier months are too few for any test: every unit is counted as not tested.
    short = anomalies.statistical_coverage(tickets, MONTHS[2:], "2022-05", RULES).set_index("test")
    assert short.loc["volume", ["tested", "not_tested", "baseline_months"]].tolist() == [0, 3, 2]


def test_tarone_leaves_out_units_that_could_never_be_significant():
    # A unit expecting 0.5 complaints has P(X = 0) = 0.61: no drop it shows can pass, so it is left out.
    floors = np.array([math.exp(-0.5), math.exp(-20.0), math.exp(-12.0)])
    assert anomalies.testable(floors, 0.05).tolist() == [False, True, True]
    assert anomalies.testable(np.array([0.5, 0.5]), 0.05).tolist() == [False, False]
