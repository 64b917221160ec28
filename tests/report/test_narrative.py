import pandas as pd
import pytest

from crmlib.report import narrative

from e2e import unmarked


def test_each_number_of_the_response_summary_is_marked_with_its_figure():
    split = {"within": 388, "later": 120, "not_responded": 2, "total": 510, "within_pct": 76.08, "later_pct": 23.53}
    text = narrative.response_summary(510, 99.961, split, "Juni 2022", 6, 14, inclusive=True, capaian_assumed=False)
    assert '<strong data-figure="total_complaints">510</strong>' in text
    assert '<strong data-figure="capaian">99,961%</strong>' in text
    assert '<strong data-figure="response_split.within_pct">76,08%</strong>' in text
    assert '<strong data-figure="response_split.not_responded">2</strong> aduan belum direspon' in text
    assert '<strong data-figure="channels_offered">14</strong>' in text


def test_response_summary_with_seed_002_figures():
    # seed 002: 508 complaints, 388 within 6 h (76,38%), 120 later (23,62%)
    split = {"within": 388, "later": 120, "not_responded": 0, "total": 508,
             "within_pct": 100 * 388 / 508, "later_pct": 100 * 120 / 508}
    text = unmarked(narrative.response_summary(508, 99.961, split, "Juni 2022", 6, 14, inclusive=True,
                                               capaian_assumed=False))
    assert "<strong>508</strong> pengaduan dengan nilai capaian <strong>99,961%</strong> dari" in text
    assert "<strong>388</strong> aduan (<strong>76,38%</strong>) yang direspon dalam <strong>6</strong> jam" in text
    assert "<strong>120</strong> aduan (<strong>23,62%</strong>) yang direspon lebih dari <strong>6</strong> jam." in text
    assert "belum direspon" not in text
    assert "asumsi" not in text


def test_response_summary_wording_follows_the_boundary_and_counts_unanswered():
    # 10 complaints: 6 under 6 h (60%), 3 at 6 h or more (30%), 1 not responded
    split = {"within": 6, "later": 3, "not_responded": 1, "total": 10, "within_pct": 60.0, "later_pct": 30.0}
    text = unmarked(narrative.response_summary(10, 100.0, split, "Juni 2022", 6, 3, inclusive=False, capaian_assumed=False))
    assert "<strong>6</strong> aduan (<strong>60,00%</strong>) yang direspon kurang dari <strong>6</strong> jam" in text
    assert "<strong>3</strong> aduan (<strong>30,00%</strong>) yang direspon <strong>6</strong> jam atau lebih." in text
    assert text.endswith(" <strong>1</strong> aduan belum direspon.")


def test_response_phrases_name_the_groups_for_both_boundaries():
    assert narrative.response_phrases(6, True) == ("dalam 6 jam", "lebih dari 6 jam")
    assert narrative.response_phrases(6, False) == ("kurang dari 6 jam", "6 jam atau lebih")


def test_capaian_caveat_is_said_in_words_without_a_file_path():
    split = {"within": 1, "later": 0, "not_responded": 0, "total": 1, "within_pct": 100.0, "later_pct": 0.0}
    text = unmarked(narrative.response_summary(1, 100.0, split, "Juni 2022", 6, 1, inclusive=True, capaian_assumed=True,
                                      grades_assumed=True))
    assert ("nilai capaian <strong>100%</strong> (dihitung dengan rumus asumsi: rata-rata nilai tindak lanjut; "
            "batas peringkat juga asumsi; rumusnya dijelaskan di Lampiran Kualitas Data) dari <strong>1</strong> "
            "kanal") in text
    assert "params/" not in text and ".yaml" not in text
    assert narrative.capaian_caveat(False, False) == ""
    assert narrative.capaian_caveat(False, True) == (
        " (batas peringkat merupakan asumsi; rumusnya dijelaskan di Lampiran Kualitas Data)")


def test_capaian_rule_names_the_rule_and_its_file_for_the_annex():
    text = narrative.capaian_rule(capaian_assumed=True, grades_assumed=False)
    assert text == ("Capaian dihitung sebagai rata-rata nilai tindak lanjut seluruh aduan yang selesai. Rumus ini "
                    "masih asumsi karena rumus resminya belum tersedia. Aturan nilai dan peringkat diambil dari "
                    "<strong>params/rules/crm.yaml</strong>.")
    assert "asumsi" not in narrative.capaian_rule(capaian_assumed=False, grades_assumed=False)


def test_ties_note_with_seed_002_kelurahan():
    # Jakarta Timur, June 2022: four kelurahan have 19 complaints; the top 5 shows two of them.
    assert narrative.ties_note(["Cibubur", "Utan Kayu Selatan"], 19) == (
        "<strong>Cibubur</strong> dan <strong>Utan Kayu Selatan</strong> juga <strong>19</strong> aduan.")
    assert narrative.ties_note([], 19) == ""


def test_top_share_names_the_others_tied_for_first():
    text = narrative.top_share("Kategori aduan", "Sampah", 3, 9, "Juni 2022", tied=["Jalan", "Pohon <2>"])
    assert text.endswith("<strong>Juni 2022</strong>. Jumlah yang sama juga tercatat pada <strong>Jalan</strong> "
                         "dan <strong>Pohon &lt;2&gt;</strong>.")
    assert narrative.top_share("Kategori aduan", "Sampah", 3, 9, "Juni 2022", tied=[]).endswith("Juni 2022</strong>.")


def test_top_share_with_seed_002_top_unit():
    # 25 / 508 = 4,92%
    text = narrative.top_share("UKPD", "Rawamangun", 25, 508, "Juni 2022")
    assert "<strong>Rawamangun</strong> dengan <strong>25</strong> aduan (<strong>4,92%</strong>)" in text


def test_completion_summary_with_seed_000_histogram():
    histogram = pd.DataFrame({"label": ["0-10", "11-20"], "count": [224, 31], "share": [100 * 224 / 255, 100 * 31 / 255]})
    stats = {"count": 255, "mean": 3.4, "median": 1.2, "p90": 9.96}
    text = unmarked(narrative.completion_summary(stats, histogram))
    assert "<strong>3,4</strong> jam" in text
    assert "<strong>224</strong> aduan atau <strong>87,84%</strong>" in text
    assert "persentil ke-90 <strong>10,0</strong> jam" in text


def test_rejected_summary_says_when_there_is_none():
    empty = pd.DataFrame({"unit": pd.Series(dtype="string")})
    assert "tidak ada tindak lanjut" in narrative.rejected_summary(empty, 2, "Juli 2022")


def test_late_summary_all_on_time_is_over_completed_complaints_only():
    # 255 complaints, 250 completed and none late -> 100% of the 250; 5 still open
    empty = pd.DataFrame({"unit": pd.Series(dtype="string")})
    text = unmarked(narrative.late_summary(empty, 250, 5))
    assert text == ("Dari <strong>250</strong> aduan yang sudah selesai, <strong>100%</strong> aduan diselesaikan "
                    "tepat waktu; <strong>5</strong> aduan belum selesai.")
    # all 255 completed: as the seed 000 sentence, without an open count
    assert unmarked(narrative.late_summary(empty, 255, 0)).endswith("<strong>100%</strong> aduan diselesaikan tepat waktu.")


def test_late_summary_with_late_follow_ups():
    # 8 completed, 3 late (Kebon Manggis twice, named once; Setu once): 8 - 3 = 5 on time = 62,50%; 2 open
    late = pd.DataFrame({"unit": ["Kebon Manggis", "Setu", "Kebon Manggis"]})
    text = unmarked(narrative.late_summary(late, 8, 2))
    assert "Dari <strong>8</strong> aduan yang sudah selesai, <strong>5</strong> aduan (<strong>62,50%</strong>)" in text
    assert "<strong>3</strong> aduan melebihi waktu maksimal tindak lanjut" in text
    assert "yaitu pada <strong>Kebon Manggis dan Setu</strong>" in text
    assert text.endswith("; <strong>2</strong> aduan belum selesai.")


def test_late_summary_nothing_completed_and_inconsistent_counts():
    empty = pd.DataFrame({"unit": pd.Series(dtype="string")})
    text = unmarked(narrative.late_summary(empty, 0, 4))
    assert text.startswith("Belum ada aduan yang selesai") and text.endswith("; <strong>4</strong> aduan belum selesai.")
    with pytest.raises(ValueError, match="late_summary"):
        narrative.late_summary(pd.DataFrame({"unit": ["A", "B"]}), 1, 0)


def test_late_summary_escapes_unit_names():
    text = unmarked(narrative.late_summary(pd.DataFrame({"unit": ["<b>X</b>"]}), 1, 0))
    assert "&lt;b&gt;X&lt;/b&gt;" in text and "<b>" not in text


def test_capaian_summary_matches_seed_000_wording():
    text = unmarked(narrative.capaian_summary("Walikota Jakarta Pusat", "Juli 2022", 100.0, "A"))
    assert text == ("Capaian <strong>Walikota Jakarta Pusat</strong> secara kumulatif pada bulan "
                    "<strong>Juli 2022</strong> adalah <strong>100</strong> dengan Peringkat <strong>A</strong>.")


def test_capaian_caveat_follows_the_bundled_rules(rules):
    # params/rules/crm.yaml marks capaian assumed: the report says so where capaian first appears
    assert "rumus asumsi" in narrative.capaian_caveat(rules.assumed["capaian"], rules.assumed["grades"])


def test_exclusions_note():
    # 1.234 rows excluded from the whole tickets file; the file name is escaped
    text = unmarked(narrative.exclusions_note(1234, "laporan<1>.csv"))
    assert text == ("Selain itu, <strong>1.234</strong> baris laporan dari seluruh berkas "
                    "<strong>laporan&lt;1&gt;.csv</strong> (tidak hanya kota dan bulan ini) dikeluarkan dari "
                    "perhitungan, lihat Lampiran Kualitas Data.")
    assert narrative.exclusions_note(0, "laporan.csv") == ""


def test_join_names():
    assert narrative.join_names([]) == ""
    assert narrative.join_names(["Setu"]) == "Setu"
    assert narrative.join_names(["Pondok Kopi", "Setu"]) == "Pondok Kopi dan Setu"
