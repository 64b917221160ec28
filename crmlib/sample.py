"""Deterministic SYNTHETIC CRM export for 2022, all six regions of DKI Jakarta.

The data is invented. Two city-months are calibrated so that the package,
run on them, reproduces every figure the seed reports publish: Jakarta Timur
June 2022 and Jakarta Pusat July 2022. Every other city-month is plausible
random data with a few late and rejected follow-ups, so each report table has
rows. Same seed -> same frames -> same file bytes.

Run ``python -m crmlib.sample`` to regenerate ``crmlib/data/sample/``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.areas import CITY_CODES, kelurahan_of, name_key
from crmlib.paths import SAMPLE_DIR

YEAR = 2022
TICKETS_FILE = "laporan_sintetis_2022.csv.gz"
COORDINATIONS_FILE = "koordinasi_sintetis_2022.csv.gz"

TICKET_COLUMNS = (
    "No Laporan", "Tanggal Laporan Masuk", "Kanal", "Kategori", "Rincian Masalah",
    "Isi Laporan", "Nama Pelapor", "No HP", "Email Pelapor", "Wilayah", "Kecamatan",
    "Nama SKPD", "Status", "Latitude", "Longitude", "Tanggal Respon", "Tanggal TL",
    "Max Waktu TL (Jam)", "Jumlah TL Ditolak",
)  # fmt: skip
COORDINATION_COLUMNS = ("No Laporan", "Nama SKPD", "Tanggal Koordinasi", "Tanggal Proses")

CITY_EXPORT_NAME = {
    "jakpus": "JAKARTA PUSAT", "jakut": "JAKARTA UTARA", "jakbar": "JAKARTA BARAT",
    "jaksel": "JAKARTA SELATAN", "jaktim": "JAKARTA TIMUR", "kepseribu": "KEPULAUAN SERIBU",
}  # fmt: skip
HEAD_EXPORT_NAME = {c: ("BUPATI " if c == "kepseribu" else "WALIKOTA ") + n for c, n in CITY_EXPORT_NAME.items()}

# Typical tickets per month; the calibrated months override theirs.
BASE_VOLUME = {"jakpus": 255, "jakut": 340, "jakbar": 450, "jaksel": 480, "jaktim": 500, "kepseribu": 16}
VOLUME_RANGE = {
    "jakpus": (230, 280), "jakut": (300, 390), "jakbar": (400, 510),
    "jaksel": (420, 540), "jaktim": (450, 550), "kepseribu": (8, 26),
}  # fmt: skip
# Rough areas (lat_min, lat_max, lon_min, lon_max): inside DKI Jakarta's bounding box.
CITY_BOX = {
    "jakpus": (-6.215, -6.150, 106.800, 106.870), "jakut": (-6.160, -6.100, 106.720, 106.960),
    "jakbar": (-6.230, -6.130, 106.690, 106.800), "jaksel": (-6.350, -6.220, 106.760, 106.860),
    "jaktim": (-6.350, -6.180, 106.860, 106.970), "kepseribu": (-5.950, -5.640, 106.520, 106.700),
}  # fmt: skip

SAMPAH = "Sampah"
PPPSU = "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"
PERIZINAN = "Perizinan Bidang Ketentraman, Ketertiban dan Perlindungan Masyarakat"
# (category, weight in ordinary months, sub-categories with their weights)
CATEGORIES = (
    (SAMPAH, 17, (("Sampah Lingkungan", 45), ("Sampah di Got/Saluran", 27), ("Sampah Daun", 16), ("Sampah di Trotoar", 12))),
    (PPPSU, 15, (("Pemeliharaan Prasarana Umum", 50), ("Pemeliharaan Sarana Umum", 30), ("Kebersihan Lingkungan", 20))),
    ("Jalan", 12, (("Jalan Rusak", 55), ("Jalan Berlubang", 30), ("Trotoar Rusak", 15))),
    ("Parkir Liar", 9, (("Parkir Liar di Badan Jalan", 70), ("Parkir Liar di Trotoar", 30))),
    ("Gangguan Ketenteraman dan Ketertiban", 8, (("Pedagang Kaki Lima", 50), ("Kebisingan", 25), ("Kegiatan Warga Mengganggu", 25))),
    ("Saluran Air, Kali & Drainase", 7, (("Saluran Tersumbat", 50), ("Genangan Air", 30), ("Saluran Rusak", 20))),
    ("Pohon", 6, (("Pemangkasan Pohon", 70), ("Pohon Tumbang", 30))),
    ("Fasilitas Umum", 5, (("Fasilitas Umum Rusak", 60), ("Taman", 40))),
    ("Penerangan Jalan Umum", 5, (("Lampu PJU Mati", 75), ("Tiang PJU Rusak", 25))),
    (PERIZINAN, 4, (("Bangunan Tanpa Izin", 60), ("Reklame Tanpa Izin", 40))),
    ("Sosial", 4, (("Penyandang Masalah Kesejahteraan Sosial", 60), ("Bantuan Sosial", 40))),
    ("Kesehatan Lingkungan", 3, (("Sarang Nyamuk", 60), ("Bau Tidak Sedap", 40))),
    ("Banjir", 3, (("Genangan Banjir", 100),)),
    ("Kebakaran", 2, (("Potensi Kebakaran", 70), ("Alat Pemadam", 30))),
)  # fmt: skip
_SUBCATS = {name: subs for name, _w, subs in CATEGORIES}
# (channel as exported, weight); JAKI and Qlue reports carry the reporter's location.
CHANNELS = (
    ("JAKI", 86.0), ("Qlue", 2.0), ("Twitter", 3.0), ("Email", 2.5), ("SP4N Lapor", 1.0),
    ("Facebook", 1.0), ("SMS", 0.5), ("Balai Warga", 0.5), ("Medsos Gubernur", 0.5),
    ("Kantor Kelurahan", 1.5), ("Kantor Kecamatan", 0.5), ("Kantor Walikota", 0.5),
    ("Balai Kota", 0.3), ("Inspektorat", 0.2),
)  # fmt: skip
GEOTAGGED_CHANNELS = ("JAKI", "Qlue")
# Export spellings besides the official one, used on some rows of these units.
EXPORT_VARIANTS = {
    "Halim Perdana Kusuma": ("KELURAHAN HALIM PERDANA KUSUMAH",),
    "Pulo Gebang": ("KELURAHAN PULOGEBANG",),
    "Kramatjati": ("KELURAHAN KRAMAT JATI",),
    "Balekambang": ("KELURAHAN BALE KAMBANG",),
    "Bali Mester": ("KELURAHAN BALIMESTER",),
    "Pinangranti": ("KELURAHAN PINANG RANTI",),
    "Pulo Gadung": ("KELURAHAN PULOGADUNG",),
}
KECAMATAN_VARIANTS = {"Kramatjati": "KRAMAT JATI", "Pulogadung": "PULO GADUNG"}
_HOUR_WEIGHTS = np.array([1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8, 7, 7, 8, 8, 8, 7, 6, 6, 5, 4, 3, 2], dtype=float)

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
_JAKTIM_COORD_MID = (50.0, 220.0)  # seed: 10th fastest 38.00 min, 10th slowest 3.933 h
_JAKTIM_COMPLETION_MID = (125.0, 690.0)  # seed: 10th fastest 104.83 min, 10th slowest 12.64 h
# Top-5 unit ties are broken by faster mean completion: these must come out in this order.
_JAKTIM_TIE_ORDER = (("Bidara Cina", "Pulo Gebang"), ("Setu", "Pondok Kelapa", "Cibubur", "Utan Kayu Selatan"))
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
JAKPUS_JULY_SAMPAH_SUBCATS = (("Sampah Lingkungan", 41), ("Sampah di Got/Saluran", 24), ("Sampah Daun", 15), ("Sampah di Trotoar", 10))
# Completion-time bins in minutes (right-closed) and how many tickets fall in each.
JAKPUS_JULY_LONG = (((600, 1200), 21), ((1200, 1800), 8), ((1800, 3600), 2))
JAKPUS_JULY_TOTAL_MINUTES = 52020  # mean 3.40 h; 3.4 h needs [51255, 52785)


@dataclass
class _Ticket:
    city: str
    unit_type: str  # kelurahan | kecamatan | kota
    kecamatan: str | None
    unit: str | None  # official kelurahan or kecamatan name; None for the head unit
    created: dt.datetime
    channel: str = "JAKI"
    category: str = SAMPAH
    subcategory: str = "Sampah Lingkungan"
    completion: int | None = None  # minutes
    response: int | None = None  # minutes
    rejected: int = 0
    status: str = "Complete"
    fixed_id: str | None = None
    ticket_id: str = ""
    lat: float | None = None
    lon: float | None = None
    variant: str | None = None


@dataclass
class _Coordination:
    city: str
    kecamatan: str
    unit: str
    coordinated: dt.datetime
    duration: int  # minutes
    ticket: _Ticket | None = None  # None: a ticket of a provincial SKPD, not in the export
    phantom_time: dt.datetime | None = None
    ticket_id: str = ""
    variant: str | None = None


@dataclass
class _World:
    tickets: list[_Ticket] = field(default_factory=list)
    coordinations: list[_Coordination] = field(default_factory=list)


# ---- small helpers ----------------------------------------------------------


def _month_bounds(month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(YEAR, month, 1)
    end = dt.datetime(YEAR + (month == 12), month % 12 + 1, 1)
    return start, end


def _random_times(rng: np.random.Generator, month: int, n: int) -> list[dt.datetime]:
    """n creation times in the month, more by day than by night, minute resolution."""
    start, end = _month_bounds(month)
    days = (end - start).days
    day = rng.integers(0, days, size=n)
    hour = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    minute = rng.integers(0, 60, size=n)
    return [start + dt.timedelta(days=int(d), hours=int(h), minutes=int(m)) for d, h, m in zip(day, hour, minute)]


def _split_sum(rng: np.random.Generator, n: int, total: int, lo: int, hi: int, sigma: float) -> list[int]:
    """n skewed integers in [lo, hi] summing exactly to total."""
    if n == 0:
        assert total == 0
        return []
    if not n * lo <= total <= n * hi:
        raise ValueError(f"cannot split {total} into {n} values in [{lo}, {hi}]")
    weights = rng.lognormal(0.0, sigma, size=n)
    values = np.full(n, float(lo))
    free = np.ones(n, dtype=bool)
    rest = float(total - n * lo)
    # Water-filling: share what is left by weight, clamp at hi, repeat.
    while rest > 1e-9 and free.any():
        share = rest * weights * free / (weights * free).sum()
        room = hi - values
        add = np.minimum(share, room)
        values += add
        rest -= add.sum()
        free &= values < hi - 1e-9
    floors = np.floor(values).astype(int)
    short = total - int(floors.sum())
    order = sorted(range(n), key=lambda i: (-(values[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    result = [int(v) for v in floors]
    assert sum(result) == total and min(result) >= lo and max(result) <= hi
    return result


def _pick_subcategory(rng: np.random.Generator, category: str) -> str:
    subs = _SUBCATS[category]
    weights = np.array([w for _s, w in subs], dtype=float)
    return subs[int(rng.choice(len(subs), p=weights / weights.sum()))][0]


def _max_hours(category: str) -> int:
    return 48 if category == SAMPAH else 168


def _response_within(rng: np.random.Generator, completion: int) -> int:
    """A response time <= 6 h that does not come after the follow-up."""
    top = min(completion, 360)
    return int(rng.integers(1, top + 1)) if top > 1 else 1


def _kelurahan_places(rng: np.random.Generator) -> dict[tuple[str, str], tuple[float, float]]:
    """A rough centre for every kelurahan: kelurahan cluster around their kecamatan."""
    places: dict[tuple[str, str], tuple[float, float]] = {}
    for city in CITY_CODES:
        lat0, lat1, lon0, lon1 = CITY_BOX[city]
        ref = kelurahan_of(city)
        for kec in pd.unique(ref["kecamatan"]):
            klat = rng.uniform(lat0 + 0.01, lat1 - 0.01)
            klon = rng.uniform(lon0 + 0.01, lon1 - 0.01)
            for kel in ref.loc[ref["kecamatan"] == kec, "kelurahan"]:
                lat = float(np.clip(klat + rng.normal(0, 0.008), lat0 + 0.005, lat1 - 0.005))
                lon = float(np.clip(klon + rng.normal(0, 0.008), lon0 + 0.005, lon1 - 0.005))
                places[(city, str(kel))] = (lat, lon)
    return places


def _official(city: str, seed_name: str) -> tuple[str, str]:
    """(kecamatan, kelurahan) official names for a name spelled as in a seed."""
    ref = kelurahan_of(city)
    hit = ref[ref["kelurahan"].map(name_key) == name_key(seed_name)]
    if len(hit) != 1:
        raise KeyError(f"{seed_name!r} is not one kelurahan of {city}")
    return str(hit["kecamatan"].iloc[0]), str(hit["kelurahan"].iloc[0])


# ---- ordinary city-months ---------------------------------------------------


@dataclass
class _CityProfile:
    units: list[tuple[str, str | None, str | None]]  # (unit_type, kecamatan, unit)
    weights: np.ndarray
    coord_rate: dict[str, float]  # kelurahan -> coordinations per month


def _profiles(rng: np.random.Generator) -> dict[str, _CityProfile]:
    profiles = {}
    for city in CITY_CODES:
        ref = kelurahan_of(city)
        units: list[tuple[str, str | None, str | None]] = []
        weights: list[float] = []
        kel_w = rng.gamma(2.0, 1.0, size=len(ref))
        for (kec, kel), w in zip(ref[["kecamatan", "kelurahan"]].itertuples(index=False), kel_w):
            units.append(("kelurahan", str(kec), str(kel)))
            weights.append(float(w) + 0.15)
        mean_w = float(np.mean(weights))
        for kec in pd.unique(ref["kecamatan"]):
            units.append(("kecamatan", str(kec), str(kec)))
            weights.append(0.12 * mean_w)
        units.append(("kota", None, None))
        weights.append(0.035 * sum(weights))
        per_kel = 25.0 * BASE_VOLUME[city] / 500.0 * 65 / len(ref)
        rates = rng.gamma(3.0, per_kel / 3.0, size=len(ref))
        coord_rate = {str(k): float(r) + 0.5 for k, r in zip(ref["kelurahan"], rates)}
        w = np.array(weights)
        profiles[city] = _CityProfile(units, w / w.sum(), coord_rate)
    return profiles


def _volume(rng: np.random.Generator, city: str, month: int) -> int:
    # Rainy months bring more drainage and rubbish complaints; Lebaran (May) fewer.
    season = {1: 1.06, 2: 1.05, 3: 1.0, 4: 0.98, 5: 0.92, 6: 1.0, 7: 1.0, 8: 1.0, 9: 0.99, 10: 1.02, 11: 1.04, 12: 1.03}
    lo, hi = VOLUME_RANGE[city]
    return int(np.clip(round(BASE_VOLUME[city] * season[month] * rng.normal(1.0, 0.05)), lo, hi))


def _ordinary_month(rng: np.random.Generator, world: _World, profile: _CityProfile, city: str, month: int) -> None:
    volume = _volume(rng, city, month)
    counts = rng.multinomial(volume, profile.weights)
    if month == 1:
        # Every kelurahan appears at least once in the year.
        counts = np.where([u[0] == "kelurahan" for u in profile.units], np.maximum(counts, 1), counts)
    cat_w = np.array([w for _c, w, _s in CATEGORIES], dtype=float)
    ch_w = np.array([w for _c, w in CHANNELS], dtype=float)
    month_tickets = []
    for (unit_type, kec, unit), n in zip(profile.units, counts):
        for created in _random_times(rng, month, int(n)):
            category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=cat_w / cat_w.sum()))][0]
            t = _Ticket(city, unit_type, kec, unit, created)
            t.category = category
            t.subcategory = _pick_subcategory(rng, category)
            t.channel = CHANNELS[int(rng.choice(len(CHANNELS), p=ch_w / ch_w.sum()))][0]
            limit = _max_hours(category) * 60
            t.completion = int(np.clip(round(rng.lognormal(np.log(100), 1.2)), 3, limit))
            t.response = (
                _response_within(rng, t.completion)
                if rng.random() < 0.82 or t.completion <= 360
                else int(rng.integers(361, t.completion + 1))
            )
            t.rejected = int(rng.choice(4, p=[0.93, 0.06, 0.008, 0.002]))
            month_tickets.append(t)
    if month_tickets:
        # A few late follow-ups and a rejected-twice ticket so those tables have rows.
        n_late = max(1, int(rng.binomial(len(month_tickets), 0.004)))
        for i in rng.choice(len(month_tickets), size=min(n_late, len(month_tickets)), replace=False):
            t = month_tickets[int(i)]
            t.completion = int(round(_max_hours(t.category) * 60 * rng.uniform(1.05, 2.3)))
            t.response = _response_within(rng, t.completion)
        if not any(t.rejected >= 2 for t in month_tickets):
            month_tickets[int(rng.integers(len(month_tickets)))].rejected = 2
    if month == 12:
        # The export was taken early in January: the last days still have open tickets.
        for t in month_tickets:
            if t.created >= dt.datetime(YEAR, 12, 27) and rng.random() < 0.25:
                t.status = "Wait" if rng.random() < 0.4 else "In Progres"
                t.completion = None
                if t.status == "Wait":
                    t.response = None
    world.tickets.extend(month_tickets)
    _ordinary_coordinations(rng, world, profile, city, month, month_tickets)


def _head_coordinations(
    rng: np.random.Generator, city: str, month: int, tickets: list[_Ticket], kelurahan: list[tuple[str, str]]
) -> list[_Coordination]:
    """Head-unit and kecamatan tickets passed to a kelurahan, when that happens within the month."""
    start, end = _month_bounds(month)
    out = []
    for t in tickets:
        if t.unit_type == "kelurahan" or t.response is None:
            continue
        when = t.created + dt.timedelta(minutes=t.response)
        if when >= end or rng.random() > 0.6:
            continue
        kec, kel = kelurahan[int(rng.integers(len(kelurahan)))]
        out.append(_Coordination(city, kec, kel, when, 0, ticket=t))
    return out


def _ordinary_coordinations(
    rng: np.random.Generator, world: _World, profile: _CityProfile, city: str, month: int, tickets: list[_Ticket]
) -> None:
    ref = kelurahan_of(city)
    kelurahan = [(str(k), str(l)) for k, l in ref[["kecamatan", "kelurahan"]].itertuples(index=False)]
    coords = _head_coordinations(rng, city, month, tickets, kelurahan)
    for kec, kel in kelurahan:
        n = int(rng.poisson(profile.coord_rate[kel]))
        for when in _random_times(rng, month, n):
            coords.append(_Coordination(city, kec, kel, when, 0))
    for c in coords:
        c.duration = int(np.clip(round(rng.lognormal(np.log(70), 1.1)), 1, 60 * 24 * 4))
    world.coordinations.extend(coords)


# ---- Jakarta Timur, June 2022 ----------------------------------------------


def _jaktim_june(rng: np.random.Generator, world: _World) -> None:
    city, month = "jaktim", 6
    kel_tickets = {_official(city, k)[1]: n for k, n in JAKTIM_JUNE_TICKETS.items()}
    completion_sum = {_official(city, k)[1]: s for k, s in JAKTIM_JUNE_COMPLETION.items()}
    fixed = {_official(city, k)[1]: rest for k, *rest in JAKTIM_JUNE_FIXED}

    # Mean completion of every other kelurahan: distinct, strictly inside the bounds,
    # and in the order the top-5 tie rule needs.
    lo, hi = _JAKTIM_COMPLETION_MID
    for kel, n in kel_tickets.items():
        if n and kel not in completion_sum:
            completion_sum[kel] = int(round(rng.uniform(lo, hi) * n))
    _make_distinct(completion_sum, kel_tickets)
    for group in _JAKTIM_TIE_ORDER:
        # Same counts within a group, so permuting the totals permutes the means.
        names = [_official(city, g)[1] for g in group]
        for k, total in zip(names, sorted(completion_sum[k] for k in names)):
            completion_sum[k] = total

    head_n = JAKTIM_JUNE_HEAD_TICKETS
    tickets: list[_Ticket] = []
    for kel, n in kel_tickets.items():
        kec = _official(city, kel)[0]
        values = _split_sum(rng, n, completion_sum.get(kel, 0), 3, 9000, 0.9)
        for created, minutes in zip(_random_times(rng, month, n), values):
            tickets.append(_Ticket(city, "kelurahan", kec, kel, created, completion=minutes))
    for created in _random_times(rng, month, head_n):
        tickets.append(_Ticket(city, "kota", None, None, created, completion=int(rng.integers(30, 1500))))

    # The seed's named tickets.
    for kel, (tid, created, minutes, category, sub, rejected) in fixed.items():
        t = next(x for x in tickets if x.unit == kel and x.fixed_id is None)
        t.fixed_id, t.category, t.subcategory, t.rejected = tid, category, sub, rejected
        day = int(tid[6:8])
        t.created = created or t.created.replace(day=day)
        if minutes is not None:
            t.completion = minutes

    _assign_categories(rng, tickets, JAKTIM_JUNE_CATEGORIES, {})

    # 120 responses after more than 6 h, only where the follow-up came later still.
    candidates = [i for i, t in enumerate(tickets) if t.completion >= 362 and t.fixed_id is None]
    if len(candidates) < JAKTIM_JUNE_RESPONDED_LATE + 2:
        raise AssertionError(f"only {len(candidates)} tickets can be responded late")
    late = set(int(i) for i in rng.choice(candidates, size=JAKTIM_JUNE_RESPONDED_LATE, replace=False))
    boundary = [i for i in candidates if i not in late][:2]  # responded at exactly 6 h: still within
    for i, t in enumerate(tickets):
        if i in late:
            t.response = int(rng.integers(361, min(t.completion, 2400) + 1))
        elif i in boundary:
            t.response = 360
        else:
            t.response = _response_within(rng, t.completion)
    ch_w = np.array([w for _c, w in CHANNELS], dtype=float)
    for t in tickets:
        t.channel = "JAKI" if t.fixed_id else CHANNELS[int(rng.choice(len(CHANNELS), p=ch_w / ch_w.sum()))][0]
        if not t.fixed_id:
            t.rejected = int(rng.random() < 0.07)
    world.tickets.extend(tickets)

    # Coordinations: counts and total minutes per kelurahan.
    plan = dict(JAKTIM_JUNE_COORD)
    plan = {_official(city, k)[1]: v for k, v in plan.items()}
    clo, chi = _JAKTIM_COORD_MID
    ref = kelurahan_of(city)
    for kel in ref["kelurahan"]:
        kel = str(kel)
        if kel not in plan:
            n = int(rng.integers(5, 61))
            plan[kel] = (n, int(round(rng.uniform(clo, chi) * n)))
    coord_counts = {k: v[0] for k, v in plan.items()}
    coord_sums = {k: v[1] for k, v in plan.items()}
    _make_distinct(coord_sums, coord_counts)
    kelurahan = [(str(k), str(l)) for k, l in ref[["kecamatan", "kelurahan"]].itertuples(index=False)]
    via_head = _head_coordinations(rng, city, month, tickets, kelurahan)
    by_kel: dict[str, list[_Coordination]] = {kel: [] for _k, kel in kelurahan}
    for c in via_head:
        if len(by_kel[c.unit]) < coord_counts[c.unit]:
            by_kel[c.unit].append(c)
    for kec, kel in kelurahan:
        missing = coord_counts[kel] - len(by_kel[kel])
        by_kel[kel].extend(_Coordination(city, kec, kel, w, 0) for w in _random_times(rng, month, missing))
        minutes = _split_sum(rng, coord_counts[kel], coord_sums[kel], 1, 2000, 0.8)
        for c, m in zip(by_kel[kel], minutes):
            c.duration = m
        world.coordinations.extend(by_kel[kel])


def _make_distinct(sums: dict[str, int], counts: dict[str, int]) -> None:
    """Nudge totals so no two kelurahan share a mean (ties would make list order arbitrary)."""
    seen: set[Fraction] = set()
    for kel in sorted(sums):
        if counts[kel] == 0:
            continue
        while Fraction(sums[kel], counts[kel]) in seen:
            sums[kel] += 1
        seen.add(Fraction(sums[kel], counts[kel]))


def _assign_categories(
    rng: np.random.Generator, tickets: list[_Ticket], plan: tuple[tuple[str, int], ...],
    subcats: dict[str, tuple[tuple[str, int], ...]], only: dict[str, tuple[str, ...]] | None = None,
) -> None:  # fmt: skip
    """Give tickets exactly the planned category counts.

    Named tickets keep theirs; units in `only` draw from their allowed
    categories first; follow-ups over 48 h cannot be Sampah (that would be late).
    """
    pool = [c for c, n in plan for _ in range(n)]
    for t in tickets:
        if t.fixed_id:
            pool.remove(t.category)
    pool = [pool[int(i)] for i in rng.permutation(len(pool))]
    free = [t for t in tickets if not t.fixed_id]
    only = only or {}
    restricted = [t.unit_type == "kelurahan" and t.unit in only for t in free]
    first = [t for t, r in zip(free, restricted) if r]
    long_ = [t for t, r in zip(free, restricted) if not r and t.completion > 48 * 60]
    rest = [t for t, r in zip(free, restricted) if not r and t.completion <= 48 * 60]
    for t in first:
        allowed = only[t.unit] if t.completion <= 48 * 60 else tuple(c for c in only[t.unit] if c != SAMPAH)
        t.category = pool.pop(next(i for i, c in enumerate(pool) if c in allowed))
    for t in long_:
        t.category = pool.pop(next(i for i, c in enumerate(pool) if c != SAMPAH))
    for t, c in zip(rest, pool):
        t.category = c
    assert len(rest) == len(pool)
    sub_pools = {c: [s for s, n in subs for _ in range(n)] for c, subs in subcats.items()}
    for c in sub_pools:
        sub_pools[c] = [sub_pools[c][int(i)] for i in rng.permutation(len(sub_pools[c]))]
    for t in free:
        t.subcategory = sub_pools[t.category].pop() if t.category in sub_pools else _pick_subcategory(rng, t.category)


# ---- Jakarta Pusat, July 2022 ----------------------------------------------


def _jakpus_july(rng: np.random.Generator, world: _World, profile: _CityProfile) -> None:
    city, month = "jakpus", 7
    ref = kelurahan_of(city)
    top_name, top_n = JAKPUS_JULY_TOP_UNIT
    units: list[tuple[str, str | None, str | None]] = [
        ("kelurahan", str(k), str(l)) for k, l in ref[["kecamatan", "kelurahan"]].itertuples(index=False)
    ]
    units += [("kecamatan", u.removeprefix("Kecamatan "), u.removeprefix("Kecamatan ")) for u in JAKPUS_JULY_EXTRA_UNITS]
    units.append(("kota", None, None))
    others = [u for u in units if u[2] != top_name]
    # Everyone else gets 1..22 tickets, so the top unit stands alone.
    counts = {u: 1 for u in others}
    weights = rng.gamma(2.0, 1.0, size=len(others))
    extra = rng.multinomial(JAKPUS_JULY_TOTAL - top_n - len(others), weights / weights.sum())
    for u, e in zip(others, extra):
        counts[u] += int(e)
    overflow = sum(max(0, n - 22) for n in counts.values())
    for u in others:
        counts[u] = min(counts[u], 22)
    for u in others:
        while overflow and counts[u] < 10:
            counts[u] += 1
            overflow -= 1
    top_unit = next(u for u in units if u[2] == top_name)
    counts = {top_unit: top_n, **counts}
    assert sum(counts.values()) == JAKPUS_JULY_TOTAL

    # Units answering in under an hour on average: all their follow-ups take < 60 min.
    order = [others[int(i)] for i in rng.permutation(len(others))]
    fast = order[:JAKPUS_JULY_FAST_UNITS]
    slow = [u for u in units if u in counts and u not in fast]
    minutes: dict[tuple, list[int]] = {}
    for u in fast:
        minutes[u] = [int(m) for m in rng.integers(8, 56, size=counts[u])]
    # The long follow-ups of the histogram's upper bins go to the slower units.
    long_values: list[int] = []
    for (a, b), n in JAKPUS_JULY_LONG:
        vals = [int(v) for v in rng.integers(a + 1, b + 1, size=n)]
        if a == 600:
            vals[0] = 1200  # exactly 20 h: the "11-20" bin, right-closed
        if a == 1200:
            vals[0] = 1800
        long_values += vals
    slots = [u for u in slow for _ in range(counts[u] - 1)] + [u for u in slow]  # each keeps >= 0 short
    picks = rng.choice(len(slots), size=len(long_values), replace=False)
    placed: dict[tuple, list[int]] = {u: [] for u in slow}
    for p, v in zip(sorted(int(x) for x in picks), long_values):
        placed[slots[p]].append(v)
    for u in slow:
        n_short = counts[u] - len(placed[u])
        short = [int(np.clip(round(rng.lognormal(np.log(80), 0.9)), 5, 599)) for _ in range(n_short)]
        minutes[u] = placed[u] + short
    first_short = next(u for u in slow if counts[u] > len(placed[u]))
    minutes[first_short][len(placed[first_short])] = 600  # exactly 10 h: the "0-10" bin
    _fit_jakpus_minutes(minutes, placed, slow)

    tickets: list[_Ticket] = []
    for u in units:
        if u not in counts:
            continue
        unit_type, kec, name = u
        for created, m in zip(_random_times(rng, month, counts[u]), minutes[u]):
            tickets.append(_Ticket(city, unit_type, kec, name, created, completion=m))
    only = {top_name: (SAMPAH, "Jalan")}
    _assign_categories(rng, tickets, JAKPUS_JULY_CATEGORIES, {SAMPAH: JAKPUS_JULY_SAMPAH_SUBCATS}, only)
    channels = [c for c, n in JAKPUS_JULY_CHANNELS for _ in range(n)]
    for t, i in zip(tickets, rng.permutation(len(channels))):
        t.channel = channels[int(i)]
        t.response = _response_within(rng, t.completion) if rng.random() < 0.9 or t.completion <= 360 else int(
            rng.integers(361, t.completion + 1)
        )
        t.rejected = int(rng.random() < 0.05)
    world.tickets.extend(tickets)
    _ordinary_coordinations(rng, world, profile, city, month, tickets)


def _fit_jakpus_minutes(minutes: dict, placed: dict, slow: list) -> None:
    """Keep each slower unit's mean >= 65 min and hit the month's total exactly."""

    def shorts(u):  # indices of adjustable short follow-ups (not the pinned 600)
        return [i for i in range(len(placed[u]), len(minutes[u])) if minutes[u][i] != 600]

    for u in slow:
        need = 65 * len(minutes[u]) - sum(minutes[u])
        for i in shorts(u):
            if need <= 0:
                break
            add = min(need, 599 - minutes[u][i])
            minutes[u][i] += add
            need -= add
        assert sum(minutes[u]) >= 65 * len(minutes[u]), u
    diff = JAKPUS_JULY_TOTAL_MINUTES - sum(sum(v) for v in minutes.values())
    step = 1 if diff > 0 else -1
    while diff:
        moved = False
        for u in slow:
            for i in shorts(u):
                if not diff:
                    break
                new = minutes[u][i] + step
                if 5 <= new <= 599 and (step > 0 or sum(minutes[u]) + step >= 65 * len(minutes[u])):
                    minutes[u][i] = new
                    diff -= step
                    moved = True
        if not moved:
            raise AssertionError("cannot reach the July total")


# ---- ids, places, export formatting ----------------------------------------


def _assign_ids(rng: np.random.Generator, world: _World) -> None:
    """'JK' + YYMMDD + a province-wide daily sequence, shared with tickets outside this export."""
    start2022 = dt.datetime(YEAR, 1, 1)
    for c in world.coordinations:
        if c.ticket is None:
            back = int(rng.integers(10, 60 * 36))
            c.phantom_time = max(start2022, c.coordinated - dt.timedelta(minutes=back))
    days: dict[dt.date, list[tuple[dt.datetime, int, object]]] = {}
    for i, t in enumerate(world.tickets):
        days.setdefault(t.created.date(), []).append((t.created, i, t))
    for j, c in enumerate(world.coordinations):
        if c.ticket is None:
            days.setdefault(c.phantom_time.date(), []).append((c.phantom_time, len(world.tickets) + j, c))
    for day in sorted(days):
        items = sorted(days[day], key=lambda x: (x[0], x[1]))
        pinned = {int(x[2].fixed_id[8:]) for x in items if isinstance(x[2], _Ticket) and x[2].fixed_id}
        size = len(items) + int(rng.integers(150, 350))
        size = max(size, max(pinned, default=0) + 20)
        free = np.array([s for s in range(1, size + 1) if s not in pinned])
        seqs = np.sort(rng.choice(free, size=len(items) - len(pinned), replace=False))
        it = iter(int(s) for s in seqs)
        stem = "JK" + day.strftime("%y%m%d")
        for _time, _i, obj in items:
            if isinstance(obj, _Ticket):
                obj.ticket_id = obj.fixed_id or f"{stem}{next(it):04d}"
            else:
                obj.ticket_id = f"{stem}{next(it):04d}"
    for c in world.coordinations:
        if c.ticket is not None:
            c.ticket_id = c.ticket.ticket_id


def _place_and_spell(rng: np.random.Generator, world: _World) -> None:
    places = _kelurahan_places(rng)
    kec_centre: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for (city, kel), p in places.items():
        kec = str(kelurahan_of(city).set_index("kelurahan").loc[kel, "kecamatan"])
        kec_centre.setdefault((city, kec), []).append(p)
    for t in world.tickets:
        if t.unit_type == "kelurahan" and t.unit in EXPORT_VARIANTS and rng.random() < 0.4:
            t.variant = EXPORT_VARIANTS[t.unit][int(rng.integers(len(EXPORT_VARIANTS[t.unit])))]
        if t.channel not in GEOTAGGED_CHANNELS:
            continue
        if t.unit_type == "kelurahan":
            lat, lon = places[(t.city, t.unit)]
        elif t.unit_type == "kecamatan":
            pts = kec_centre[(t.city, t.kecamatan)]
            lat, lon = pts[int(rng.integers(len(pts)))]
        else:
            pts = [p for (c, _k), p in sorted(places.items()) if c == t.city]
            lat, lon = pts[int(rng.integers(len(pts)))]
        t.lat = lat + rng.uniform(-0.004, 0.004)
        t.lon = lon + rng.uniform(-0.004, 0.004)
    for c in world.coordinations:
        if c.unit in EXPORT_VARIANTS and rng.random() < 0.4:
            c.variant = EXPORT_VARIANTS[c.unit][0]


def _when(x: dt.datetime | None) -> str:
    return "" if x is None else x.strftime("%d/%m/%Y %H:%M")


def _decimal_comma(x: float | None) -> str:
    return "" if x is None else f"{x:.4f}".replace(".", ",")


def _unit_export_name(t: _Ticket) -> str:
    if t.unit_type == "kota":
        return HEAD_EXPORT_NAME[t.city]
    if t.unit_type == "kecamatan":
        return "KECAMATAN " + KECAMATAN_VARIANTS.get(t.unit, t.unit.upper())
    return t.variant or "KELURAHAN " + t.unit.upper()


def _tickets_frame(world: _World) -> pd.DataFrame:
    rows = []
    for t in sorted(world.tickets, key=lambda x: x.ticket_id):
        rows.append(
            (
                t.ticket_id, _when(t.created), t.channel, t.category, t.subcategory,
                "", "", "", "",  # placeholders filled below, by row number
                CITY_EXPORT_NAME[t.city],
                "" if t.kecamatan is None else (KECAMATAN_VARIANTS.get(t.kecamatan, t.kecamatan.upper()) if t.variant else t.kecamatan.upper()),
                _unit_export_name(t), t.status, _decimal_comma(t.lat), _decimal_comma(t.lon),
                _when(None if t.response is None else t.created + dt.timedelta(minutes=t.response)),
                _when(None if t.completion is None else t.created + dt.timedelta(minutes=t.completion)),
                str(_max_hours(t.category)), str(t.rejected),
            )
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(TICKET_COLUMNS), dtype="string")
    n = np.arange(1, len(frame) + 1)
    frame["Isi Laporan"] = pd.array([f"Isi laporan sintetis {i:06d}" for i in n], dtype="string")
    frame["Nama Pelapor"] = pd.array([f"Pelapor {i:06d}" for i in n], dtype="string")
    frame["No HP"] = pd.array([f"0800{i:06d}" for i in n], dtype="string")
    frame["Email Pelapor"] = pd.array([f"pelapor{i:06d}@contoh.invalid" for i in n], dtype="string")
    return frame


def _coordinations_frame(world: _World) -> pd.DataFrame:
    rows = [
        (c.ticket_id, c.variant or "KELURAHAN " + c.unit.upper(), _when(c.coordinated),
         _when(c.coordinated + dt.timedelta(minutes=c.duration)))
        for c in world.coordinations
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(COORDINATION_COLUMNS), dtype="string")
    key = pd.to_datetime(frame["Tanggal Koordinasi"], format="%d/%m/%Y %H:%M")
    order = np.lexsort((frame["Nama SKPD"].to_numpy(dtype=str), frame["No Laporan"].to_numpy(dtype=str), key.to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


# ---- public API ---------------------------------------------------------------


def generate(seed: int = 2022) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the synthetic export (tickets, coordinations) as text frames, export headers and spellings.

    Example: ``tickets, coordinations = generate()``; ``write_sample()`` saves them.
    """
    rng = np.random.default_rng(seed)
    world = _World()
    profiles = _profiles(rng)
    for month in range(1, 13):
        for city in CITY_CODES:
            if (city, month) == ("jaktim", 6):
                _jaktim_june(rng, world)
            elif (city, month) == ("jakpus", 7):
                _jakpus_july(rng, world, profiles[city])
            else:
                _ordinary_month(rng, world, profiles[city], city, month)
    _assign_ids(rng, world)
    _place_and_spell(rng, world)
    return _tickets_frame(world), _coordinations_frame(world)


def _gzip_csv(frame: pd.DataFrame, inner_name: str) -> bytes:
    text = frame.to_csv(sep=";", index=False, lineterminator="\n")
    buffer = io.BytesIO()
    # A fixed name and mtime=0 in the gzip header: same frame -> same bytes.
    with gzip.GzipFile(filename=inner_name, mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def export_bytes(seed: int = 2022) -> tuple[bytes, bytes]:
    """The gzipped CSV bytes of both files, as write_sample writes them."""
    tickets, coordinations = generate(seed)
    return (
        _gzip_csv(tickets, TICKETS_FILE.removesuffix(".gz")),
        _gzip_csv(coordinations, COORDINATIONS_FILE.removesuffix(".gz")),
    )


def write_sample(out_dir: Path | str | None = None, seed: int = 2022) -> tuple[Path, Path]:
    """Write both sample files into out_dir (default: the package's sample folder); return their paths."""
    out = SAMPLE_DIR if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / TICKETS_FILE, out / COORDINATIONS_FILE)
    for path, data in zip(paths, export_bytes(seed)):
        path.write_bytes(data)
    return paths


def main() -> None:
    """Regenerate the bundled sample files."""
    for path in write_sample():
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
