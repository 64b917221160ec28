"""Tests for crmlib.metrics, each on a tiny hand-built frame with hand-worked answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmlib import metrics as m
from crmlib.ingest.rules import rules_from_dict

import frames
from frames import at

RULES = rules_from_dict({
    "response": {"max_hours": 6, "inclusive": True},
    "follow_up": {"default_max_hours": 168, "by_category": {"Sampah": 48}},
    "late_score": {"bands": [{"max_ratio": 1.0, "score": 100}, {"max_ratio": 1.5, "score": 80},
                             {"max_ratio": 2.0, "score": 60}, {"max_ratio": math.inf, "score": 40}]},
    "rejection": {"min_count": 2},
    "capaian": {"method": "mean_follow_up_score", "decimals": 3},
    "grades": [{"min": 90, "grade": "A"}, {"min": 0, "grade": "D"}],
    "dates": {"earliest": "2015-01-01", "latest": "2035-12-31"},
    "durations": {"max_days": 90},
    "anomalies": frames.RULES_DOC["anomalies"],
    "arrival_periods": frames.RULES_DOC["arrival_periods"],
    "places": frames.RULES_DOC["places"],
})

# A made-up city: kecamatan 'Timur' (kelurahan 'Zeta', 'Alfa', 'Timur') then 'Barat' (kelurahan 'Mawar').
# 'Timur' is both a kecamatan and one of its kelurahan, as Cipayung is in Jakarta Timur.
REF = pd.DataFrame({
    "city_code": "xx", "city_name": "Kota X",
    "kecamatan": ["Timur", "Timur", "Timur", "Barat"],
    "kelurahan": ["Zeta", "Alfa", "Timur", "Mawar"],
    "kelurahan_code": ["1.1", "1.2", "1.3", "2.1"],
}).astype("string")
HEAD = "Walikota X"


def kel(unit: str, kecamatan: str = "Timur", **extra) -> dict:
    return {"unit_type": "kelurahan", "kecamatan": kecamatan, "unit": unit, **extra}


def kec(unit: str, **extra) -> dict:
    return {"unit_type": "kecamatan", "kecamatan": unit, "unit": f"Kecamatan {unit}", **extra}


def kota(**extra) -> dict:
    return {"unit_type": "kota", "kecamatan": None, "unit": HEAD, **extra}


# ---------------------------------------------------------------- status pivot

def test_status_pivot_layout_and_counts():
    t = frames.tickets(
        kel("Zeta"), kel("Zeta", status="Wait"), kel("Timur"),  # Timur kelurahan: 1 Complete
        kec("Timur", status="Disposisi"),  # the kecamatan office, not the kelurahan of the same name
        kel("Mawar", "Barat", status="In Progres"),
        kota(), kota(),
    )
    p = m.status_pivot(t, REF, HEAD)
    assert list(p.columns) == ["row_type", "no", "kecamatan", "label", "Complete", "Disposisi", "In Progres",
                               "Wait", "total"]
    # reference order of kecamatan; kelurahan A-Z inside (Alfa, Timur, Zeta); zero rows kept
    assert p["label"].tolist() == ["Timur", "Alfa", "Timur", "Zeta", "Barat", "Mawar", HEAD, "Grand Total"]
    assert p["row_type"].tolist() == ["kecamatan", "kelurahan", "kelurahan", "kelurahan", "kecamatan",
                                      "kelurahan", "kota", "total"]
    assert p["no"].tolist()[1:4] == [1, 2, 3] and p["no"].iloc[5] == 1 and pd.isna(p["no"].iloc[0])
    assert p["Complete"].tolist() == [0, 0, 1, 1, 0, 0, 2, 4]  # Zeta 1, Timur-kel 1, kota 2 -> 4
    assert p["Disposisi"].tolist() == [1, 0, 0, 0, 0, 0, 0, 1]
    assert p["Wait"].tolist() == [0, 0, 0, 1, 0, 0, 0, 1]
    assert p["total"].tolist() == [1, 0, 1, 2, 0, 1, 2, 7]  # grand total = 7 tickets in
    assert p["Complete"].dtype == "Int64"


def test_status_pivot_reference_order_and_extra_status():
    t = frames.tickets(kel("Alfa", status="TL Ditolak"), kel("Alfa", status="Selesai?"))
    p = m.status_pivot(t, REF, HEAD, kelurahan_order="reference")
    assert p["label"].tolist()[:4] == ["Timur", "Zeta", "Alfa", "Timur"]
    # defaults, then canonical extras, then unknown ones A-Z: nothing is dropped
    assert list(p.columns)[4:-1] == ["Complete", "Disposisi", "In Progres", "Wait", "TL Ditolak", "Selesai?"]
    assert p["total"].iloc[-1] == 2


def test_status_pivot_explicit_statuses():
    t = frames.tickets(kel("Alfa"), kel("Alfa", status="Wait"))
    p = m.status_pivot(t, REF, HEAD, statuses=["Complete"])
    assert list(p.columns)[4:] == ["Complete", "Wait", "total"]  # Wait present, so appended


def test_status_pivot_rejects_foreign_unit():
    t = frames.tickets(kel("Alfa"), {"unit_type": "skpd", "kecamatan": None, "unit": "Dinas Y"},
                       kel("Alfa", kecamatan="Barat"))  # Alfa is not in Barat
    with pytest.raises(ValueError, match="2 ticket"):
        m.status_pivot(t, REF, HEAD)


# ---------------------------------------------------------------- counts

def test_total_and_geotag_counts():
    t = frames.tickets({"geotagged": True}, {"geotagged": True}, {"geotagged": True}, {"geotagged": False})
    assert m.total_complaints(t) == 4
    g = m.geotag_counts(t)
    assert g["label"].tolist() == ["Geotagging", "Non geotagging"]
    assert g["count"].tolist() == [3, 1]
    assert g["share"].tolist() == [75.0, 25.0]  # 3/4, 1/4


def test_top_counts_tie_rule():
    t = frames.tickets(
        # Bravo and Alfa 2 each, Charlie 2 too: Charlie fastest (mean 1 h), Alfa and Bravo both 5 h -> name
        {"category": "Bravo", "completed_at": at(4)}, {"category": "Bravo", "completed_at": at(6)},
        {"category": "Alfa", "completed_at": at(5)}, {"category": "Alfa", "completed_at": at(5)},
        {"category": "Charlie", "completed_at": at(1)}, {"category": "Charlie", "completed_at": None},
        {"category": "Delta", "completed_at": at(1)}, {"category": "Delta", "completed_at": at(1)},
        {"category": "Delta", "completed_at": at(1)},
        {"category": "Echo", "completed_at": None}, {"category": "Echo", "completed_at": None},  # no mean: last of the 2s
    )
    top = m.top_counts(t, "category", n=4)
    assert top["category"].tolist() == ["Delta", "Charlie", "Alfa", "Bravo"]
    assert top["rank"].tolist() == [1, 2, 3, 4]
    assert top["count"].tolist() == [3, 2, 2, 2]
    assert top["share"].iloc[0] == pytest.approx(100 * 3 / 11)
    assert m.top_counts(t, "category", n=None)["category"].iloc[-1] == "Echo"


def test_tied_past_names_what_ties_with_the_last_row_shown():
    # counts 3, 2, 2, 2, 1: a top 2 ends on a 2, and two more have 2
    t = frames.tickets(*[{"category": c} for c in ["A", "A", "A", "B", "B", "C", "C", "D", "D", "E"]])
    ranking = m.top_counts(t, "category", n=None)
    assert m.tied_past(ranking, 2)["category"].tolist() == ["C", "D"]
    assert m.tied_past(ranking, 4).empty  # the 4th (a 2) is followed by a 1
    assert m.tied_past(ranking, 1).empty
    assert m.tied_past(ranking, 9).empty  # fewer rows than n


def test_top_units_keeps_same_named_units_apart():
    t = frames.tickets(kel("Timur"), kel("Timur"), kec("Timur"), kel("Alfa"))
    top = m.top_units(t)
    assert list(top.columns) == ["rank", "unit_type", "unit", "count", "share"]
    assert top[["unit_type", "unit", "count"]].values.tolist() == [
        # Alfa < Kecamatan Timur on the tie
        ["kelurahan", "Timur", 2], ["kelurahan", "Alfa", 1], ["kecamatan", "Kecamatan Timur", 1]]
    assert top["share"].tolist() == [50.0, 25.0, 25.0]


def test_top_categories_and_subcategories():
    t = frames.tickets(
        {"category": "Sampah", "subcategory": "Sampah Lingkungan"},
        {"category": "Sampah", "subcategory": "Sampah Lingkungan"},
        {"category": "Sampah", "subcategory": "Sampah Daun"},
        {"category": "Jalan", "subcategory": "Jalan Rusak"},
    )
    assert m.top_categories(t, n=1)[["category", "count"]].values.tolist() == [["Sampah", 3]]
    sub = m.top_subcategories(t, "Sampah")
    assert sub["subcategory"].tolist() == ["Sampah Lingkungan", "Sampah Daun"]
    assert sub["share"].tolist() == pytest.approx([200 / 3, 100 / 3])  # of the 3 Sampah tickets


def test_category_mix():
    t = frames.tickets(kel("Alfa", category="Sampah"), kel("Alfa", category="Jalan"),
                       kel("Alfa", category="Sampah"), kel("Zeta", category="Parkir"),
                       kel("Timur", category="Jalan"), kec("Timur", category="Sampah"))
    mix = m.category_mix(t, "Alfa")
    assert list(mix.columns) == ["category", "count", "share"]
    assert mix.values.tolist() == [["Sampah", 2, pytest.approx(200 / 3)], ["Jalan", 1, pytest.approx(100 / 3)]]
    # the kelurahan Timur and the office 'Kecamatan Timur' are told apart by name
    assert m.category_mix(t, "Timur")["category"].tolist() == ["Jalan"]
    assert m.category_mix(t, "Kecamatan Timur", unit_type="kecamatan")["category"].tolist() == ["Sampah"]
    # a unit_type that does not match the name finds nothing: an error, not an empty table
    with pytest.raises(ValueError, match="Timur"):
        m.category_mix(t, "Timur", unit_type="kecamatan")


def test_channel_shares():
    t = frames.tickets(*[{"channel": c} for c in ["JAKI"] * 5 + ["Twitter", "Email", "Email", "Twitter"]])
    c = m.channel_shares(t)
    # Email and Twitter tie at 2: name order
    assert c.values.tolist() == [["JAKI", 5, pytest.approx(500 / 9)], ["Email", 2, pytest.approx(200 / 9)],
                                 ["Twitter", 2, pytest.approx(200 / 9)]]


# ---------------------------------------------------------------- durations

def test_hours_series():
    t = frames.tickets({"responded_at": at(0.5), "completed_at": at(67)}, {"responded_at": None})
    assert m.response_hours(t).tolist()[0] == 0.5
    assert m.completion_hours(t).tolist()[0] == 67.0
    assert m.completion_hours(t).dtype == "Float64" and m.completion_hours(t).isna().tolist() == [False, True]
    c = frames.coordinations({"processed_at": at(0.25)}, {"processed_at": None})
    assert m.coordination_hours(c).iloc[0] == 0.25 and pd.isna(m.coordination_hours(c).iloc[1])


def test_response_split():
    t = frames.tickets(*[{"responded_at": at(h)} for h in (0.1, 6, 6.01, 30)], {"responded_at": None})
    s = m.response_split(t, 6, inclusive=True)
    # <= 6: 0.1 and 6 -> 2; > 6: 2; not responded 1; of 5
    assert s == {"within": 2, "later": 2, "not_responded": 1, "total": 5, "within_pct": 40.0, "later_pct": 40.0}


def test_response_split_at_exactly_the_limit_follows_inclusive():
    # 1 h, exactly 6 h (created 08:00, responded 14:00), 5 h 59 min, 8 h; nothing unanswered.
    t = frames.tickets(*[{"responded_at": at(h)} for h in (1, 6, 5 + 59 / 60, 8)])
    assert m.response_hours(t).iloc[1] == 6.0
    inclusive = m.response_split(t, 6, inclusive=True)
    strict = m.response_split(t, 6, inclusive=False)
    # inclusive (<= 6): 1, 6, 5:59 within -> 3 (75%); 8 later -> 1 (25%)
    assert (inclusive["within"], inclusive["later"], inclusive["within_pct"], inclusive["later_pct"]) == (3, 1, 75.0, 25.0)
    # strict (< 6): the response at exactly 6 h flips to later -> 2 within (50%), 2 later (50%)
    assert (strict["within"], strict["later"], strict["within_pct"], strict["later_pct"]) == (2, 2, 50.0, 50.0)
    assert inclusive["not_responded"] == strict["not_responded"] == 0


def test_response_split_default_is_inclusive_as_the_bundled_rules(rules):
    t = frames.tickets({"responded_at": at(6)})
    assert m.response_split(t, 6)["within"] == 1
    assert rules.response_inclusive is True  # params/rules/crm.yaml: inclusive: true


def test_response_split_seed_shares():
    t = frames.tickets(*[{"responded_at": at(1)}] * 388, *[{"responded_at": at(7)}] * 120)
    s = m.response_split(t, 6)
    assert (s["within"], s["later"], s["total"]) == (388, 120, 508)
    assert s["within_pct"] == pytest.approx(76.377952756)  # 388/508


def test_summary_stats():
    s = m.summary_stats(pd.Series([1.0, 2.0, 3.0, 10.0, None], dtype="Float64"))
    # mean 16/4 = 4; median (2+3)/2 = 2.5; p90: rank 0.9*3 = 2.7 -> 3 + 0.7*(10-3) = 7.9
    assert s["count"] == 4 and s["mean"] == 4.0 and s["median"] == 2.5
    assert s["p90"] == pytest.approx(7.9)
    empty = m.summary_stats(pd.Series([], dtype="Float64"))
    assert empty["count"] == 0 and math.isnan(empty["mean"])


def test_duration_stats_groups_by_unit_type_and_unit():
    t = frames.tickets(kel("Timur", completed_at=at(1)), kel("Timur", completed_at=at(3)),
                       kel("Timur", completed_at=None),  # not counted
                       kec("Timur", completed_at=at(10)))
    s = m.duration_stats(t, m.completion_hours(t))
    assert list(s.columns) == ["unit_type", "unit", "count", "mean_hours", "median_hours", "p90_hours"]
    assert s[["unit_type", "count", "mean_hours"]].values.tolist() == [["kecamatan", 1, 10.0], ["kelurahan", 2, 2.0]]
    # p90 of [1, 3]: rank 0.9 -> 1 + 0.9*2 = 2.8
    assert s["p90_hours"].iloc[1] == pytest.approx(2.8)
    by_cat = m.duration_stats(t, m.completion_hours(t), by="category")
    assert by_cat[["category", "count"]].values.tolist() == [["Jalan", 3]]


def test_duration_stats_interleaved_groups_and_a_missing_key():
    # Each group's rows are apart in the frame; a row without a unit is a group of its own, listed last.
    frame = pd.DataFrame({"unit": pd.array(["A", "B", "A", "B", "A", None], dtype="string")})
    hours = pd.Series([1.0, 4.0, 3.0, 8.0, 5.0, 2.0], dtype="Float64")
    s = m.duration_stats(frame, hours, by="unit")
    assert s["unit"].tolist() == ["A", "B", pd.NA]
    assert s["count"].tolist() == [3, 2, 1]
    assert s["mean_hours"].tolist() == [3.0, 6.0, 2.0] and s["median_hours"].tolist() == [3.0, 6.0, 2.0]
    # p90 of [1, 3, 5]: rank 0.9*2 = 1.8 -> 3 + 0.8*(5-3) = 4.6; of [4, 8]: rank 0.9 -> 4 + 0.9*4 = 7.6
    assert s["p90_hours"].tolist() == pytest.approx([4.6, 7.6, 2.0])


def test_kelurahan_coordination_and_completion_stats():
    c = frames.coordinations(kel("Alfa", processed_at=at(0.25)), kel("Alfa", processed_at=at(0.75)),
                             kec("Timur", processed_at=at(2)))
    s = m.kelurahan_coordination_stats(c)
    assert s[["unit", "count", "mean_hours"]].values.tolist() == [["Alfa", 2, 0.5]]  # (0.25+0.75)/2
    t = frames.tickets(kel("Zeta", completed_at=at(4)), kota(completed_at=at(1)))
    assert m.kelurahan_completion_stats(t)[["unit", "mean_hours"]].values.tolist() == [["Zeta", 4.0]]


def stats_frame(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame({"unit_type": "kelurahan", "unit": [r[0] for r in rows],
                         "count": pd.Series([r[1] for r in rows], dtype="Int64"),
                         "mean_hours": pd.Series([r[2] for r in rows], dtype="Float64")})


def test_fastest_and_slowest():
    s = stats_frame([("Dukuh", 4, 2.0), ("Baru", 5, 1.0), ("Cawang", 9, 1.0), ("Alfa", 9, 1.0), ("Setu", 1, 9.0)])
    f = m.fastest(s, n=3)
    # mean 1.0 for Baru(5), Cawang(9), Alfa(9): count desc -> Alfa, Cawang (name), then Baru
    assert f["unit"].tolist() == ["Alfa", "Cawang", "Baru"] and f["no"].tolist() == [1, 2, 3]
    sl = m.slowest(s, n=3)
    # mean desc: Setu 9, Dukuh 2, then the 1.0s by name: Alfa
    assert sl["unit"].tolist() == ["Setu", "Dukuh", "Alfa"]
    assert list(sl.columns)[0] == "no"


def test_units_faster_than():
    s = stats_frame([("A", 1, 0.5), ("B", 1, 1.0), ("C", 2, 0.99)])
    assert m.units_faster_than(s)["unit"].tolist() == ["A", "C"]  # 1.0 is not < 1.0
    assert m.units_faster_than(s, hours=2)["no"].tolist() == [1, 2, 3]


def test_completion_histogram_bins_are_right_closed():
    hours = pd.Series([0, 10, 10.01, 20, 35, None], dtype="Float64")
    h = m.completion_histogram(hours)
    assert h["label"].tolist() == ["0-10", "11-20", "21-30", "31-40", "41-50", "51-60"]
    # [0,10]: 0, 10; (10,20]: 10.01, 20; (30,40]: 35; NA not counted -> 5 values
    assert h["count"].tolist() == [2, 2, 0, 1, 0, 0]
    assert h["share"].tolist() == [40.0, 40.0, 0.0, 20.0, 0.0, 0.0]
    assert h["lower"].tolist()[:2] == [0.0, 10.0] and h["upper"].tolist()[:2] == [10.0, 20.0]


def test_completion_histogram_grows_and_rejects_negative():
    h = m.completion_histogram(pd.Series([75.0]), min_bins=6)
    assert len(h) == 8 and h["label"].iloc[-1] == "71-80" and h["count"].iloc[-1] == 1  # ceil(75/10) = 8 bins
    with pytest.raises(ValueError, match="negative"):
        m.completion_histogram(pd.Series([-1.0]))


def test_completion_histogram_seed_share():
    h = m.completion_histogram(pd.Series([1.0] * 224 + [15.0] * 21 + [25.0] * 8 + [35.0] * 2))
    assert h["count"].tolist() == [224, 21, 8, 2, 0, 0]
    assert h["share"].iloc[0] == pytest.approx(100 * 224 / 255)  # 87.84...


# ---------------------------------------------------------------- follow-ups

def test_late_follow_ups():
    t = frames.tickets(
        {"ticket_id": "JK2206030245", "category": "Sampah", "subcategory": "Sampah Lingkungan",
         "max_tl_hours": 48.0, "created_at": "2022-06-03 16:15", "completed_at": "2022-06-06 11:15"},  # 67 h -> 80
        {"ticket_id": "JK2206010002", "max_tl_hours": 10.0, "completed_at": at(25)},  # 2.5x -> 40
        {"ticket_id": "JK2206010001", "max_tl_hours": 10.0, "completed_at": at(25)},  # same score: id order
        {"ticket_id": "JK2206010003", "max_tl_hours": 10.0, "completed_at": at(10)},  # exactly on time: not late
        {"ticket_id": "JK2206010004", "max_tl_hours": 10.0, "completed_at": None},  # open: not late
    )
    late = m.late_follow_ups(t, RULES)
    assert list(late.columns) == ["ticket_id", "unit_type", "unit", "category", "subcategory", "created_at",
                                  "completed_at", "max_tl_hours", "actual_hours", "score"]
    assert late["ticket_id"].tolist() == ["JK2206010001", "JK2206010002", "JK2206030245"]
    assert late.iloc[2][["max_tl_hours", "actual_hours", "score"]].tolist() == [48.0, 67.0, 80.0]


def test_late_follow_ups_uses_rule_max_when_missing():
    t = frames.tickets({"category": "Sampah", "max_tl_hours": None, "completed_at": at(50)})  # 50 > 48
    assert m.late_follow_ups(t, RULES)["max_tl_hours"].tolist() == [48.0]


def test_rejected_follow_ups():
    t = frames.tickets(
        kel("Setu", ticket_id="JK2206130046", rejected_count=4),
        kel("Pondok Kopi", ticket_id="JK2206080126", rejected_count=2),
        kel("Pondok Kopi", ticket_id="JK2206080001", rejected_count=1),  # below 2
        kel("Alfa", ticket_id="JK2206080002", rejected_count=None),
    )
    r = m.rejected_follow_ups(t, 2)
    assert list(r.columns) == ["unit", "ticket_id", "channel", "category", "status", "rejected_count"]
    assert r[["unit", "ticket_id", "rejected_count"]].values.tolist() == [
        ["Pondok Kopi", "JK2206080126", 2], ["Setu", "JK2206130046", 4]]
