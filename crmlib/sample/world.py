"""The shared model of the synthetic export (tickets, coordinations) and the random draws every month uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from crmlib.ingest.areas import kelurahan_of, name_key

YEAR = 2022  # the export covers one calendar year

SAMPAH = "Sampah"
PPPSU = "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"
PERIZINAN = "Perizinan Bidang Ketentraman, Ketertiban dan Perlindungan Masyarakat"
# (category, weight in ordinary months, sub-categories with their weights)
CATEGORIES = (
    (SAMPAH, 17, (("Sampah Lingkungan", 45), ("Sampah di Got/Saluran", 27), ("Sampah Daun", 16), ("Sampah di Trotoar", 12))),
    (PPPSU, 15, (("Pemeliharaan Prasarana Umum", 50), ("Pemeliharaan Sarana Umum", 30), ("Kebersihan Lingkungan", 20))),
    ("Jalan", 12, (("Jalan Rusak", 55), ("Jalan Berlubang", 30), ("Trotoar Rusak", 15))),
    ("Parkir Liar", 9, (("Parkir Liar di Badan Jalan", 70), ("Parkir Liar di Trotoar", 30))),
    ("Gangguan Ketenteraman dan Ketertiban", 8,
     (("Pedagang Kaki Lima", 50), ("Kebisingan", 25), ("Kegiatan Warga Mengganggu", 25))),
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
_HOUR_WEIGHTS = np.array([1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8, 7, 7, 8, 8, 8, 7, 6, 6, 5, 4, 3, 2], dtype=float)


@dataclass
class Ticket:
    """One ticket as the generator builds it, before ids and export spellings."""

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
class Coordination:
    """One hand-over of a ticket to a kelurahan, with how long the kelurahan took."""

    city: str
    kecamatan: str
    unit: str
    coordinated: dt.datetime
    duration: int  # minutes
    ticket: Ticket | None = None  # None: a ticket of a provincial SKPD, not in the export
    phantom_time: dt.datetime | None = None
    ticket_id: str = ""
    variant: str | None = None


@dataclass
class World:
    """Everything generated so far: all tickets and coordinations of the year."""

    tickets: list[Ticket] = field(default_factory=list)
    coordinations: list[Coordination] = field(default_factory=list)


def month_bounds(month: int) -> tuple[dt.datetime, dt.datetime]:
    """Start of the month and start of the next one.

    >>> month_bounds(12)
    (datetime.datetime(2022, 12, 1, 0, 0), datetime.datetime(2023, 1, 1, 0, 0))
    """
    start = dt.datetime(YEAR, month, 1)
    end = dt.datetime(YEAR + (month == 12), month % 12 + 1, 1)
    return start, end


def random_times(rng: np.random.Generator, month: int, n: int) -> list[dt.datetime]:
    """n creation times in the month, more by day than by night, minute resolution."""
    start, end = month_bounds(month)
    days = (end - start).days
    day = rng.integers(0, days, size=n)
    hour = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    minute = rng.integers(0, 60, size=n)
    return [start + dt.timedelta(days=int(d), hours=int(h), minutes=int(m)) for d, h, m in zip(day, hour, minute)]


def split_sum(rng: np.random.Generator, n: int, total: int, lo: int, hi: int, sigma: float) -> list[int]:
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


def pick_subcategory(rng: np.random.Generator, category: str) -> str:
    """A sub-category of category, drawn by the ordinary-month weights."""
    subs = _SUBCATS[category]
    weights = np.array([w for _s, w in subs], dtype=float)
    return subs[int(rng.choice(len(subs), p=weights / weights.sum()))][0]


def max_hours(category: str) -> int:
    """The follow-up deadline in hours: rubbish is urgent, everything else gets a week."""
    return 48 if category == SAMPAH else 168


def response_within(rng: np.random.Generator, completion: int) -> int:
    """A response time <= 6 h that does not come after the follow-up."""
    top = min(completion, 360)
    return int(rng.integers(1, top + 1)) if top > 1 else 1


def official(city: str, seed_name: str) -> tuple[str, str]:
    """(kecamatan, kelurahan) official names for a name spelled as in a seed."""
    ref = kelurahan_of(city)
    hit = ref[ref["kelurahan"].map(name_key) == name_key(seed_name)]
    if len(hit) != 1:
        raise KeyError(f"{seed_name!r} is not one kelurahan of {city}")
    return str(hit["kecamatan"].iloc[0]), str(hit["kelurahan"].iloc[0])


def make_distinct(sums: dict[str, int], counts: dict[str, int]) -> None:
    """Nudge totals so no two kelurahan share a mean (ties would make list order arbitrary)."""
    seen: set[Fraction] = set()
    for kel in sorted(sums):
        if counts[kel] == 0:
            continue
        while Fraction(sums[kel], counts[kel]) in seen:
            sums[kel] += 1
        seen.add(Fraction(sums[kel], counts[kel]))
