"""The seed reports' figures that the two calibrated city-months must reproduce."""

from __future__ import annotations

import datetime as dt

from crmlib.sample.world import PERIZINAN, PPPSU, SAMPAH

# ---- Calibration targets (seed 002: Jakarta Timur, June 2022) ------------------
# Owned tickets per kelurahan as the seed's pivot prints them; Walikota owns 17.
JAKTIM_JUNE_TICKETS = {
    "Kayu Manis": 3, "Palmeriam": 2, "Kebon Manggis": 1, "Pisangan Baru": 1, "Utan Kayu Selatan": 19,
    "Utan Kayu Utara": 4, "Cipinang": 1, "Jati": 5, "Jatinegara Kaum": 1, "Kayu Putih": 5,
    "Pisangan Timur": 4, "Pulo Gadung": 8, "Rawamangun": 25, "Balimester": 1, "Bidara Cina": 21,
    "Cipinang Besar Selatan": 13, "Cipinang Besar Utara": 2, "Cipinang Cempedak": 5, "Cipinang Muara": 11,
    "Kampung Melayu": 2, "Rawa Bunga": 2, "Bale Kambang": 2, "Batu Ampar": 9, "Cawang": 4,
    "Cililitan": 11, "Dukuh": 4, "Kramat Jati": 3, "Tengah": 11, "Baru": 2, "Cijantung": 2,
    "Gedong": 9, "Kalisari": 9, "Pekayon": 8, "Cakung Barat": 5, "Cakung Timur": 8, "Jatinegara": 17,
    "Penggilingan": 18, "Pulo Gebang": 21, "Rawa Terate": 0, "Ujung Menteng": 4, "Duren Sawit": 6,
    "Klender": 7, "Malaka Jaya": 1, "Malaka Sari": 4, "Pondok Bambu": 5, "Pondok Kelapa": 19,
    "Pondok Kopi": 5, "Cibubur": 19, "Ciracas": 10, "Kelapa Dua Wetan": 15, "Rambutan": 10,
    "Susukan": 15, "Cipinang Melayu": 3, "Halim Perdana Kusuma": 6, "Kebon Pala": 8, "Makasar": 9,
    "Pinang Ranti": 3, "Bambu Apus": 18, "Ceger": 7, "Cilangkap": 6, "Cipayung": 6,
    "Lubang Buaya": 2, "Munjul": 0, "Pondok Ranggon": 5, "Setu": 19,
}  # fmt: skip
JAKTIM_JUNE_HEAD_TICKETS = 17
JAKTIM_JUNE_RESPONDED_LATE = 120  # responded after more than 6 hours; 388 within
# (coordinations, total minutes): means print as the seed's fastest/slowest coordination tables.
JAKTIM_JUNE_COORD = {
    "Cipayung": (24, 255), "Halim Perdana Kusuma": (5, 64), "Ciracas": (52, 1048),
    "Cipinang Muara": (27, 547), "Utan Kayu Utara": (12, 277), "Cipinang Melayu": (19, 474),
    "Rawa Bunga": (11, 320), "Bale Kambang": (21, 664), "Ceger": (28, 1000), "Gedong": (53, 2014),
    "Munjul": (10, 5867), "Baru": (5, 2730), "Dukuh": (11, 5614), "Bambu Apus": (21, 10256),
    "Lubang Buaya": (16, 6577), "Jatinegara Kaum": (9, 3309), "Kebon Manggis": (7, 2548),
    "Cipinang Cempedak": (29, 7447), "Cijantung": (19, 4770), "Rawa Terate": (17, 4012),
}  # fmt: skip
# Total completion minutes of the kelurahan in the fastest/slowest completion tables.
JAKTIM_JUNE_COMPLETION = {
    "Cipayung": 307, "Jati": 304, "Gedong": 576, "Baru": 141, "Kayu Manis": 239, "Pisangan Baru": 81,
    "Pondok Bambu": 434, "Duren Sawit": 541, "Pekayon": 805, "Penggilingan": 1887,
    "Kebon Manggis": 4020, "Balimester": 3006, "Cipinang Cempedak": 8859, "Pondok Kopi": 6513,
    "Cakung Barat": 6126, "Bambu Apus": 21276, "Kebon Pala": 7099, "Pulo Gadung": 6739,
    "Dukuh": 3079, "Kramat Jati": 2275,
}  # fmt: skip
# Every other kelurahan's mean lies strictly inside these bounds (minutes), so
# the fastest/slowest tables hold exactly the seed's kelurahan.
JAKTIM_COORD_MID = (50.0, 220.0)  # seed: 10th fastest 38.00 min, 10th slowest 3.933 h
JAKTIM_COMPLETION_MID = (125.0, 690.0)  # seed: 10th fastest 104.83 min, 10th slowest 12.64 h
# Top-5 unit ties are broken by faster mean completion: these must come out in this order.
JAKTIM_TIE_ORDER = (("Bidara Cina", "Pulo Gebang"), ("Setu", "Pondok Kelapa", "Cibubur", "Utan Kayu Selatan"))
JAKTIM_JUNE_CATEGORIES = (
    (PPPSU, 92), (SAMPAH, 75), ("Jalan", 62), ("Parkir Liar", 48),
    ("Gangguan Ketenteraman dan Ketertiban", 42), ("Saluran Air, Kali & Drainase", 36), ("Pohon", 30),
    ("Fasilitas Umum", 26), ("Penerangan Jalan Umum", 24), (PERIZINAN, 21), ("Sosial", 18),
    ("Kesehatan Lingkungan", 14), ("Banjir", 11), ("Kebakaran", 9),
)  # fmt: skip
# The seed's named tickets: (kelurahan, id, created, completion minutes or None, category, subcategory, rejected)
JAKTIM_JUNE_FIXED = (
    ("Kebon Manggis", "JK2206030245", dt.datetime(2022, 6, 3, 16, 15), 4020, SAMPAH, "Sampah Lingkungan", 0),
    ("Pondok Kopi", "JK2206080126", None, None, PERIZINAN, "Bangunan Tanpa Izin", 2),
    ("Setu", "JK2206130046", None, None, PPPSU, "Pemeliharaan Prasarana Umum", 4),
)

# ---- Calibration targets (seed 000: Jakarta Pusat, July 2022) ------------------
JAKPUS_JULY_TOTAL = 255
JAKPUS_JULY_CHANNELS = (("JAKI", 243), ("Twitter", 6), ("Email", 5), ("SP4N Lapor", 1))
JAKPUS_JULY_TOP_UNIT = ("Gambir", 29)
JAKPUS_JULY_FAST_UNITS = 25  # units with mean completion under one hour
JAKPUS_JULY_EXTRA_UNITS = ("Kecamatan Tanah Abang", "Kecamatan Senen")
JAKPUS_JULY_CATEGORIES = (
    (SAMPAH, 90), ("Jalan", 40), ("Parkir Liar", 30), (PPPSU, 25),
    ("Gangguan Ketenteraman dan Ketertiban", 20), ("Saluran Air, Kali & Drainase", 15), ("Pohon", 12),
    ("Penerangan Jalan Umum", 10), ("Fasilitas Umum", 8), (PERIZINAN, 5),
)  # fmt: skip
JAKPUS_JULY_SAMPAH_SUBCATS = (
    ("Sampah Lingkungan", 41), ("Sampah di Got/Saluran", 24), ("Sampah Daun", 15), ("Sampah di Trotoar", 10))
# Completion-time bins in minutes (right-closed) and how many tickets fall in each.
JAKPUS_JULY_LONG = (((600, 1200), 21), ((1200, 1800), 8), ((1800, 3600), 2))
JAKPUS_JULY_TOTAL_MINUTES = 52020  # mean 3.40 h; 3.4 h needs [51255, 52785)
