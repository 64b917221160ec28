"""The bundled synthetic sample, run through the real loader and metrics, prints the seed reports' figures.

Seed 002 is Jakarta Timur, June 2022; seed 000 is Jakarta Pusat, July 2022.
Expected values are copied from the seed reports as they print them (names in
the seeds' own spelling, compared through ``name_key``; numbers as the printed
strings, compared after the package's half-up display rounding).
"""

from __future__ import annotations

import pandas as pd
import pytest

from crmlib import formatting as fmt
from crmlib import metrics
from crmlib.ingest.areas import head_unit, kelurahan_of, name_key
from crmlib.ingest.load import load_export
from crmlib.ingest.select import select_city_month
from crmlib.metrics import capaian, grade
from crmlib.pipeline.context.city import sample_inputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def export(shared_settings):
    sample = sample_inputs()
    return load_export(sample["tickets"], sample["coordinations"], settings=shared_settings)


@pytest.fixture(scope="module")
def jaktim(export):
    tickets, coordinations, _scope = select_city_month(export, "jaktim", "2022-06")
    return tickets, coordinations


@pytest.fixture(scope="module")
def jakpus(export):
    tickets, coordinations, _scope = select_city_month(export, "jakpus", "2022-07")
    return tickets, coordinations


def keys(names) -> list[str]:
    return [name_key(n) for n in names]


def test_every_row_is_used(export):
    assert export.exclusions.empty
    assert (export.accounting["rows_read"] == export.accounting["rows_used"]).all()


# ---- seed 002: Jakarta Timur, June 2022 -------------------------------------

# "Rekap Pengaduan Bulan Juni 2022", kelurahan rows as printed (all Complete).
SEED_002_PIVOT = {
    "KELURAHAN KAYU MANIS": 3, "KELURAHAN PALMERIAM": 2, "KELURAHAN KEBON MANGGIS": 1,
    "KELURAHAN PISANGAN BARU": 1, "KELURAHAN UTAN KAYU SELATAN": 19, "KELURAHAN UTAN KAYU UTARA": 4,
    "KELURAHAN CIPINANG": 1, "KELURAHAN JATI": 5, "KELURAHAN JATINEGARA KAUM": 1, "KELURAHAN KAYU PUTIH": 5,
    "KELURAHAN PISANGAN TIMUR": 4, "KELURAHAN PULO GADUNG": 8, "KELURAHAN RAWAMANGUN": 25,
    "KELURAHAN BALIMESTER": 1, "KELURAHAN BIDARA CINA": 21, "KELURAHAN CIPINANG BESAR SELATAN": 13,
    "KELURAHAN CIPINANG BESAR UTARA": 2, "KELURAHAN CIPINANG CEMPEDAK": 5, "KELURAHAN CIPINANG MUARA": 11,
    "KELURAHAN KAMPUNG MELAYU": 2, "KELURAHAN RAWA BUNGA": 2, "KELURAHAN BALE KAMBANG": 2,
    "KELURAHAN BATU AMPAR": 9, "KELURAHAN CAWANG": 4, "KELURAHAN CILILITAN": 11, "KELURAHAN DUKUH": 4,
    "KELURAHAN KRAMAT JATI": 3, "KELURAHAN TENGAH": 11, "KELURAHAN BARU": 2, "KELURAHAN CIJANTUNG": 2,
    "KELURAHAN GEDONG": 9, "KELURAHAN KALISARI": 9, "KELURAHAN PEKAYON": 8, "KELURAHAN CAKUNG BARAT": 5,
    "KELURAHAN CAKUNG TIMUR": 8, "KELURAHAN JATINEGARA": 17, "KELURAHAN PENGGILINGAN": 18,
    "KELURAHAN PULO GEBANG": 21, "KELURAHAN RAWA TERATE": 0, "KELURAHAN UJUNG MENTENG": 4,
    "KELURAHAN DUREN SAWIT": 6, "KELURAHAN KLENDER": 7, "KELURAHAN MALAKA JAYA": 1, "KELURAHAN MALAKA SARI": 4,
    "KELURAHAN PONDOK BAMBU": 5, "KELURAHAN PONDOK KELAPA": 19, "KELURAHAN PONDOK KOPI": 5,
    "KELURAHAN CIBUBUR": 19, "KELURAHAN CIRACAS": 10, "KELURAHAN KELAPA DUA WETAN": 15,
    "KELURAHAN RAMBUTAN": 10, "KELURAHAN SUSUKAN": 15, "KELURAHAN CIPINANG MELAYU": 3,
    "KELURAHAN HALIM PERDANA KUSUMA": 6, "KELURAHAN KEBON PALA": 8, "KELURAHAN MAKASAR": 9,
    "KELURAHAN PINANG RANTI": 3, "KELURAHAN BAMBU APUS": 18, "KELURAHAN CEGER": 7, "KELURAHAN CILANGKAP": 6,
    "KELURAHAN CIPAYUNG": 6, "KELURAHAN LUBANG BUAYA": 2, "KELURAHAN MUNJUL": 0,
    "KELURAHAN PONDOK RANGGON": 5, "KELURAHAN SETU": 19,
}  # fmt: skip


def test_002_status_pivot(jaktim):
    tickets, _ = jaktim
    pivot = metrics.status_pivot(tickets, kelurahan_of("jaktim"), head_unit("jaktim"))
    kel = pivot[pivot["row_type"] == "kelurahan"]
    got = dict(zip(keys(kel["label"]), kel["total"].astype(int)))
    assert got == dict(zip(keys(SEED_002_PIVOT), SEED_002_PIVOT.values()))
    assert (kel["Complete"] == kel["total"]).all()
    assert (pivot.loc[pivot["row_type"] == "kecamatan", "total"] == 0).all()  # "KECAMATAN MATRAMAN ... 0"
    assert int(pivot.loc[pivot["row_type"] == "kota", "Complete"].iloc[0]) == 17  # WALIKOTA JAKARTA TIMUR
    total = pivot[pivot["row_type"] == "total"].iloc[0]
    assert (int(total["Complete"]), int(total["total"])) == (508, 508)  # Grand Total
    assert int(total[["Disposisi", "In Progres", "Wait"]].sum()) == 0


def test_002_response_within_six_hours(jaktim, rules):
    tickets, _ = jaktim
    split = metrics.response_split(tickets, rules.response_max_hours)
    assert (split["within"], split["later"]) == (388, 120)
    assert (fmt.percent(split["within_pct"]), fmt.percent(split["later_pct"])) == ("76,38%", "23,62%")


def test_002_top_units(jaktim):
    tickets, _ = jaktim
    top = metrics.top_units(tickets, 5)
    assert keys(top["unit"]) == keys(["Rawamangun", "Bidara Cina", "Pulogebang", "Setu", "Pondok Kelapa"])
    assert top["count"].tolist() == [25, 21, 21, 19, 19]
    assert fmt.percent(top["share"].iloc[0]) == "4,92%"  # Kelurahan Rawamangun, 25 of 508


def test_002_top_categories(jaktim):
    tickets, _ = jaktim
    top = metrics.top_categories(tickets, 6)
    # The seed prints the first one once as 'Pekerja Penanganan ...': a typo for this category.
    assert top["category"].tolist()[:5] == [
        "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan", "Sampah", "Jalan", "Parkir Liar",
        "Gangguan Ketenteraman dan Ketertiban",
    ]  # fmt: skip
    assert top["count"].tolist()[:5] == [92, 75, 62, 48, 42]
    assert top["count"].iloc[5] < 42  # no tie for fifth place
    assert fmt.percent(top["share"].iloc[0]) == "18,11%"


SEED_002_COORD_FASTEST = [  # (name, Jumlah Laporan Koordinasi, Rerata (Menit))
    ("Cipayung", 24, "10,63"), ("Halim Perdana Kusuma", 5, "12,80"), ("Ciracas", 52, "20,15"),
    ("Cipinang Muara", 27, "20,26"), ("Utan Kayu Utara", 12, "23,08"), ("Cipinang Melayu", 19, "24,95"),
    ("Rawa Bunga", 11, "29,09"), ("Bale Kambang", 21, "31,62"), ("Ceger", 28, "35,71"), ("Gedong", 53, "38,00"),
]  # fmt: skip
SEED_002_COORD_SLOWEST = [  # (name, Jumlah Laporan Koordinasi, Rerata (Jam))
    ("Munjul", 10, "9,778"), ("Baru", 5, "9,100"), ("Dukuh", 11, "8,506"), ("Bambu Apus", 21, "8,140"),
    ("Lubang Buaya", 16, "6,851"), ("Jatinegara Kaum", 9, "6,128"), ("Kebon Manggis", 7, "6,067"),
    ("Cipinang Cempedak", 29, "4,280"), ("Cijantung", 19, "4,184"), ("Rawa Terate", 17, "3,933"),
]  # fmt: skip
SEED_002_COMPLETION_FASTEST = [  # (name, count, Rerata (Menit))
    ("Cipayung", 6, "51,17"), ("Jati", 5, "60,80"), ("Gedong", 9, "64,00"), ("Baru", 2, "70,50"),
    ("Kayu Manis", 3, "79,67"), ("Pisangan Baru", 1, "81,00"), ("Pondok Bambu", 5, "86,80"),
    ("Duren Sawit", 6, "90,17"), ("Pekayon", 8, "100,63"), ("Penggilingan", 18, "104,83"),
]  # fmt: skip
SEED_002_COMPLETION_SLOWEST = [  # (name, count, Rerata (Jam))
    ("Kebon Manggis", 1, "67,00"), ("Balimester", 1, "50,10"), ("Cipinang Cempedak", 5, "29,53"),
    ("Pondok Kopi", 5, "21,71"), ("Cakung Barat", 5, "20,42"), ("Bambu Apus", 18, "19,70"),
    ("Kebon Pala", 8, "14,79"), ("Pulogadung", 8, "14,04"), ("Dukuh", 4, "12,83"), ("Kramat Jati", 3, "12,64"),
]  # fmt: skip


def table_rows(table: pd.DataFrame, scale: float, decimals: int) -> list[tuple[str, int, str]]:
    return [
        (name_key(u), int(n), fmt.number(h * scale, decimals))
        for u, n, h in zip(table["unit"], table["count"], table["mean_hours"])
    ]


def expected_rows(seed_rows) -> list[tuple[str, int, str]]:
    return [(name_key(u), n, text) for u, n, text in seed_rows]


def test_002_coordination_tables(jaktim):
    _, coordinations = jaktim
    stats = metrics.kelurahan_coordination_stats(coordinations)
    assert len(stats) == 65  # every kelurahan had coordinations, Munjul and Rawa Terate included
    assert table_rows(metrics.fastest(stats, 10), 60, 2) == expected_rows(SEED_002_COORD_FASTEST)
    assert table_rows(metrics.slowest(stats, 10), 1, 3) == expected_rows(SEED_002_COORD_SLOWEST)


def test_002_completion_tables(jaktim):
    tickets, _ = jaktim
    stats = metrics.kelurahan_completion_stats(tickets)
    assert len(stats) == 63  # Rawa Terate and Munjul own no ticket this month
    assert table_rows(metrics.fastest(stats, 10), 60, 2) == expected_rows(SEED_002_COMPLETION_FASTEST)
    assert table_rows(metrics.slowest(stats, 10), 1, 2) == expected_rows(SEED_002_COMPLETION_SLOWEST)
    # The count column is the pivot's count.
    pivot = dict(zip(keys(SEED_002_PIVOT), SEED_002_PIVOT.values()))
    assert all(pivot[name_key(u)] == n for u, n in zip(stats["unit"], stats["count"]))


def test_002_rejected_follow_ups(jaktim, rules):
    tickets, _ = jaktim
    rejected = metrics.rejected_follow_ups(tickets, rules.rejection_min_count)
    got = [
        (name_key(r.unit), r.ticket_id, r.channel, r.category, fmt.status_label(r.status), int(r.rejected_count))
        for r in rejected.itertuples()
    ]
    assert got == [
        (name_key("Pondok Kopi"), "JK2206080126", "JAKI",
         "Perizinan Bidang Ketentraman, Ketertiban dan Perlindungan Masyarakat", "Selesai", 2),
        (name_key("Setu"), "JK2206130046", "JAKI", "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan",
         "Selesai", 4),
    ]  # fmt: skip


def test_002_late_follow_up(jaktim, rules):
    tickets, _ = jaktim
    late = metrics.late_follow_ups(tickets, rules)
    assert len(late) == 1
    row = late.iloc[0]
    assert row["ticket_id"] == "JK2206030245"
    assert "KELURAHAN " + row["unit"].upper() == "KELURAHAN KEBON MANGGIS"
    assert (row["category"], row["subcategory"]) == ("Sampah", "Sampah Lingkungan")
    assert fmt.datetime_long(row["created_at"]) == "3 Juni 2022 16:15"
    assert fmt.datetime_long(row["completed_at"]) == "6 Juni 2022 11:15"
    assert (fmt.number(row["max_tl_hours"], 0), fmt.number(row["actual_hours"], 0)) == ("48", "67")
    assert fmt.number(row["score"], 0) == "80"


@pytest.mark.xfail(strict=True, reason=(
    "Seed 002 prints capaian 99,948% (= 100 - 20/388). The rules' mean follow-up score over the 508 "
    "complaints gives (507*100 + 80)/508 = 99,961. The seed's formula is unknown; see params/rules/crm.yaml."
))  # fmt: skip
def test_002_capaian(jaktim, rules):
    tickets, _ = jaktim
    assert fmt.number(capaian(tickets, rules), 3) == "99,948"


# ---- seed 000: Jakarta Pusat, July 2022 --------------------------------------


def test_000_totals_and_geotagging(jakpus):
    tickets, _ = jakpus
    assert metrics.total_complaints(tickets) == 255
    assert set(tickets["status"]) == {"Complete"}
    geo = metrics.geotag_counts(tickets)
    assert dict(zip(geo["label"], geo["count"])) == {"Geotagging": 243, "Non geotagging": 12}


def test_000_channels(jakpus):
    tickets, _ = jakpus
    shares = metrics.channel_shares(tickets)
    assert dict(zip(shares["channel"], shares["count"])) == {"JAKI": 243, "Twitter": 6, "Email": 5, "SP4N Lapor": 1}
    assert fmt.number(shares["share"].iloc[0], 0) == "95"  # "Sebanyak 243 Aduan ... atau 95%"


def test_000_categories(jakpus):
    tickets, _ = jakpus
    top = metrics.top_categories(tickets, 2)
    assert (top["category"].iloc[0], int(top["count"].iloc[0])) == ("Sampah", 90)
    assert top["count"].iloc[1] < 90
    subs = metrics.top_subcategories(tickets, "Sampah", None)
    assert subs["subcategory"].tolist() == ["Sampah Lingkungan", "Sampah di Got/Saluran", "Sampah Daun", "Sampah di Trotoar"]


def test_000_top_unit(jakpus):
    tickets, _ = jakpus
    top = metrics.top_units(tickets, 2)
    assert (top["unit_type"].iloc[0], top["unit"].iloc[0], int(top["count"].iloc[0])) == ("kelurahan", "Gambir", 29)
    assert top["count"].iloc[1] < 29
    mix = metrics.category_mix(tickets, "Gambir", "kelurahan")
    assert set(mix["category"]) == {"Sampah", "Jalan"}  # "terdiri dari aduan sampah dan aduan jalan"


def test_000_completion_time(jakpus):
    tickets, _ = jakpus
    hours = metrics.completion_hours(tickets)
    assert fmt.number(metrics.summary_stats(hours)["mean"], 1) == "3,4"
    hist = metrics.completion_histogram(hours)
    counts = dict(zip(hist["label"], hist["count"]))
    assert (counts["0-10"], counts["11-20"], counts["21-30"]) == (224, 21, 8)
    assert counts["31-40"] + counts["41-50"] + counts["51-60"] == 2
    assert sum(counts.values()) == 255
    assert fmt.number(hist["share"].iloc[0], 2) == "87,84"


def test_000_units_under_one_hour(jakpus):
    tickets, _ = jakpus
    stats = metrics.duration_stats(tickets, metrics.completion_hours(tickets))
    assert len(metrics.units_faster_than(stats, 1.0)) == 25


def test_000_no_late_follow_up_capaian_100_grade_a(jakpus, rules):
    tickets, _ = jakpus
    assert metrics.late_follow_ups(tickets, rules).empty  # "NIHIL"
    assert metrics.rejected_follow_ups(tickets, rules.rejection_min_count).empty
    value = capaian(tickets, rules)
    assert fmt.number(value, 0) == "100"
    assert grade(value, rules) == "A"
