import pandas as pd

from crmlib import narrative


def test_response_summary_with_seed_002_figures():
    # seed 002: 508 complaints, 388 within 6 h (76,38%), 120 later (23,62%)
    split = {"within": 388, "later": 120, "not_responded": 0, "total": 508,
             "within_pct": 100 * 388 / 508, "later_pct": 100 * 120 / 508}
    text = narrative.response_summary(508, 99.961, split, "Juni 2022", 6, 14)
    assert "<strong>508</strong> pengaduan dengan nilai capaian <strong>99,961%</strong>" in text
    assert "<strong>388</strong> aduan (<strong>76,38%</strong>) yang direspon dalam <strong>6</strong> jam" in text
    assert "<strong>120</strong> aduan (<strong>23,62%</strong>)" in text
    assert "belum direspon" not in text


def test_top_share_with_seed_002_top_unit():
    # 25 / 508 = 4,92%
    text = narrative.top_share("UKPD", "Rawamangun", 25, 508, "Juni 2022")
    assert "<strong>Rawamangun</strong> dengan <strong>25</strong> aduan (<strong>4,92%</strong>)" in text


def test_completion_summary_with_seed_000_histogram():
    histogram = pd.DataFrame({"label": ["0-10", "11-20"], "count": [224, 31], "share": [100 * 224 / 255, 100 * 31 / 255]})
    stats = {"count": 255, "mean": 3.4, "median": 1.2, "p90": 9.96}
    text = narrative.completion_summary(stats, histogram)
    assert "<strong>3,4</strong> jam" in text
    assert "<strong>224</strong> aduan atau <strong>87,84%</strong>" in text
    assert "persentil ke-90 <strong>10,0</strong> jam" in text


def test_late_and_rejected_summaries_say_when_there_is_none():
    empty = pd.DataFrame({"unit": pd.Series(dtype="string")})
    assert "<strong>100%</strong> aduan diselesaikan tepat waktu" in narrative.late_summary(empty, 255)
    assert "tidak ada tindak lanjut" in narrative.rejected_summary(empty, 2, "Juli 2022")
    late = pd.DataFrame({"unit": ["Kebon Manggis"]})
    assert "<strong>Kebon Manggis</strong>" in narrative.late_summary(late, 508)


def test_capaian_summary_matches_seed_000_wording():
    text = narrative.capaian_summary("Walikota Jakarta Pusat", "Juli 2022", 100.0, "A")
    assert text == ("Capaian <strong>Walikota Jakarta Pusat</strong> secara kumulatif pada bulan "
                    "<strong>Juli 2022</strong> adalah <strong>100</strong> dengan Peringkat <strong>A</strong>.")


def test_join_names():
    assert narrative.join_names([]) == ""
    assert narrative.join_names(["Setu"]) == "Setu"
    assert narrative.join_names(["Pondok Kopi", "Setu"]) == "Pondok Kopi dan Setu"
