"""The synthetic sample generator: determinism, coverage, volumes, placeholders, and its helpers."""

from __future__ import annotations

import gzip
import io
import re

import numpy as np
import pandas as pd
import pytest

from crmlib import sample
from crmlib.ingest.areas import UnitResolver, city_code_of, reference
from crmlib.ingest.settings import load_settings
from crmlib.resources import sample_dir
from crmlib.sample import export, world

resolve_unit = UnitResolver(load_settings().aliases).resolve


# ---- helpers, on tiny hand-worked inputs --------------------------------------


def test_split_sum_hits_total_within_bounds():
    rng = np.random.default_rng(0)
    values = world.split_sum(rng, 4, 100, 3, 60, 0.9)
    assert len(values) == 4 and sum(values) == 100
    assert all(3 <= v <= 60 for v in values)


def test_split_sum_single_value_and_tight_bounds():
    rng = np.random.default_rng(0)
    assert world.split_sum(rng, 1, 4020, 3, 9000, 0.9) == [4020]
    # 3 values in [5, 5] can only sum to 15 as 5+5+5
    assert world.split_sum(rng, 3, 15, 5, 5, 0.9) == [5, 5, 5]
    with pytest.raises(ValueError):
        world.split_sum(rng, 3, 16, 5, 5, 0.9)  # 16 > 3*5


def test_make_distinct_nudges_later_name_on_a_tied_mean():
    # A: 10/1 = 10; B: 20/2 = 10 -> tie; B (later by name) becomes 21/2 = 10.5
    sums, counts = {"B": 20, "A": 10, "C": 0}, {"A": 1, "B": 2, "C": 0}
    world.make_distinct(sums, counts)
    assert sums == {"B": 21, "A": 10, "C": 0}


def test_response_within_never_after_follow_up():
    rng = np.random.default_rng(1)
    # completion 4 min: response in [1, 4]; completion 1000 min: response in [1, 360]
    assert all(1 <= world.response_within(rng, 4) <= 4 for _ in range(50))
    assert all(1 <= world.response_within(rng, 1000) <= 360 for _ in range(50))


def test_gzip_csv_is_byte_stable_and_names_its_content():
    frame = pd.DataFrame({"a": ["1", ""], "b": ["x;y", "2"]})
    data = export.gzip_csv(frame, "tiny.csv")
    assert data == export.gzip_csv(frame, "tiny.csv")
    assert data[4:8] == b"\0\0\0\0"  # mtime field of the gzip header
    assert b"tiny.csv\0" in data[:30]  # the original file name field
    # ';' inside a cell is quoted; the empty cell stays empty
    assert gzip.decompress(data).decode() == 'a;b\n1;"x;y"\n;2\n'


def test_when_and_decimal_comma():
    import datetime as dt

    assert export._when(dt.datetime(2022, 6, 3, 16, 15)) == "03/06/2022 16:15"
    assert export._when(None) == ""
    assert export._decimal_comma(-6.22514) == "-6,2251"
    assert export._decimal_comma(None) == ""


# ---- the generated export -----------------------------------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """One generation, through write_sample as `make sample` runs it: the two files' bytes."""
    paths = sample.write_sample(tmp_path_factory.mktemp("sample"))
    assert [p.name for p in paths] == [sample.TICKETS_FILE, sample.COORDINATIONS_FILE]
    return tuple(p.read_bytes() for p in paths)


@pytest.fixture(scope="module")
def frames(fresh):
    tickets_gz, coordinations_gz = fresh
    read = lambda data: pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False, compression="gzip")
    return read(tickets_gz), read(coordinations_gz)


def test_shipped_sample_is_what_the_generator_makes(fresh):
    """The generator is deterministic: this process makes the bytes committed from another."""
    shipped = tuple((sample_dir() / name).read_bytes() for name in (sample.TICKETS_FILE, sample.COORDINATIONS_FILE))
    assert shipped == fresh, "the bundled sample is stale: run `make sample` and commit it"
    assert sum(len(b) for b in fresh) < 5_000_000


def test_headers(frames):
    tickets, coordinations = frames
    assert tuple(tickets.columns) == sample.TICKET_COLUMNS
    assert tuple(coordinations.columns) == sample.COORDINATION_COLUMNS


def test_ticket_ids_unique_and_dated(frames):
    tickets, _ = frames
    assert tickets["No Laporan"].is_unique
    assert tickets["No Laporan"].str.fullmatch(r"JK\d{10}").all()
    # JK + YYMMDD: the date the ticket came in
    created = pd.to_datetime(tickets["Tanggal Laporan Masuk"], format="%d/%m/%Y %H:%M")
    assert (tickets["No Laporan"].str[2:8] == created.dt.strftime("%y%m%d")).all()


def test_all_regions_months_and_kelurahan(frames):
    tickets, coordinations = frames
    assert set(tickets["Wilayah"]) == set(sample.CITY_EXPORT_NAME.values())
    created = pd.to_datetime(tickets["Tanggal Laporan Masuk"], format="%d/%m/%Y %H:%M")
    assert set(created.dt.year) == {2022} and set(created.dt.month) == set(range(1, 13))
    units = tickets[["Wilayah", "Nama SKPD"]].drop_duplicates()
    resolved = [resolve_unit(u, city_code_of(w)) for w, u in zip(units["Wilayah"], units["Nama SKPD"])]
    assert all(r is not None for r in resolved)
    kelurahan = {(r.city_code, r.unit) for r in resolved if r.unit_type == "kelurahan"}
    assert len(kelurahan) == 267 == len(reference())
    assert {r.unit_type for r in resolved} == {"kelurahan", "kecamatan", "kota"}
    assert all(resolve_unit(u) is not None for u in coordinations["Nama SKPD"].unique())


def test_aliases_are_exercised(frames):
    tickets, _ = frames
    spelled = set(tickets["Nama SKPD"])
    for alias in ("KELURAHAN HALIM PERDANA KUSUMAH", "KELURAHAN PULOGEBANG", "KELURAHAN KRAMAT JATI",
                  "KELURAHAN BALE KAMBANG", "KELURAHAN PULO GEBANG"):  # fmt: skip
        assert alias in spelled


def test_monthly_volumes_are_plausible(frames):
    tickets, _ = frames
    month = pd.to_datetime(tickets["Tanggal Laporan Masuk"], format="%d/%m/%Y %H:%M").dt.month
    per = tickets.groupby([tickets["Wilayah"], month]).size()
    volume_planted = {(p.city, p.month) for p in sample.PLANTED if p.kind in ("volume_spike", "volume_drop")}
    for city, name in sample.CITY_EXPORT_NAME.items():
        lo, hi = sample.VOLUME_RANGE[city]
        counts = per[name].drop([m for c, m in volume_planted if c == city])
        # January adds one ticket to each kelurahan that drew none, hence the slack
        assert counts.between(lo, hi + 20).all(), (city, counts.to_dict())
    assert per["JAKARTA TIMUR"][6] == 508 and per["JAKARTA PUSAT"][7] == 255


def test_geotag_only_for_jaki_and_qlue(frames):
    tickets, _ = frames
    has_point = (tickets["Latitude"] != "") & (tickets["Longitude"] != "")
    assert (has_point == tickets["Kanal"].isin(sample.GEOTAGGED_CHANNELS)).all()


def test_open_tickets_only_near_year_end(frames):
    tickets, _ = frames
    created = pd.to_datetime(tickets["Tanggal Laporan Masuk"], format="%d/%m/%Y %H:%M")
    backlog = next(p for p in sample.PLANTED if p.kind == "backlog_aged")
    planted = (tickets["Wilayah"] == sample.CITY_EXPORT_NAME[backlog.city]) & (created.dt.month == backlog.month) & (
        tickets["Status"] != "Complete")
    assert planted.sum() == 3
    tickets, created = tickets[~planted], created[~planted]
    open_ = tickets["Status"] != "Complete"
    assert set(tickets.loc[open_, "Status"]) == {"In Progres", "Wait"}
    assert (created[open_] >= "2022-12-01").all()
    assert (tickets.loc[open_, "Tanggal TL"] == "").all()
    assert (tickets.loc[tickets["Status"] == "Wait", "Tanggal Respon"] == "").all()


def test_ordinary_months_have_late_and_rejected_follow_ups(frames):
    tickets, _ = frames
    t = tickets[tickets["Tanggal TL"] != ""]
    created = pd.to_datetime(t["Tanggal Laporan Masuk"], format="%d/%m/%Y %H:%M")
    done = pd.to_datetime(t["Tanggal TL"], format="%d/%m/%Y %H:%M")
    late = (done - created).dt.total_seconds() / 3600 > t["Max Waktu TL (Jam)"].astype(int)
    rejected = t["Jumlah TL Ditolak"].astype(int) >= 2
    key = t["Wilayah"] + " " + created.dt.month.astype(str)
    assert key[late].nunique() >= 60 and key[rejected].nunique() >= 60  # of 72 city-months


def test_placeholders_are_synthetic(frames):
    tickets, _ = frames
    n = pd.Series(range(1, len(tickets) + 1)).map("{:06d}".format)
    assert (tickets["Nama Pelapor"] == "Pelapor " + n).all()
    assert (tickets["No HP"] == "0800" + n).all()
    assert (tickets["Email Pelapor"] == "pelapor" + n + "@contoh.invalid").all()
    assert (tickets["Isi Laporan"] == "Isi laporan sintetis " + n).all()


def test_shipped_readme_says_synthetic():
    text = (sample_dir() / "README.md").read_text(encoding="utf-8")
    assert re.search(r"SYNTHETIC", text)
