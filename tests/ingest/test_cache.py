"""Tests for crmlib.ingest.cache: keying, round trip, and what may be written."""

import dataclasses
import multiprocessing
import shutil
from types import MappingProxyType

import pandas as pd
import pytest

import crmlib.ingest.cache
from crmlib.ingest.cache import (
    cache_key,
    load_cached,
    load_rows_between,
    load_time_ranges,
    load_values_among,
    read_cache,
    read_frame,
    time_ranges,
    write_cache,
)
from crmlib.ingest.load import load_export
from crmlib.ingest.settings import load_settings
from crmlib.resources import default_params_dir
from crmlib.schema import Export

from conftest import CORPUS


def cached_exports(cache_dir):
    """The names in a cache folder other than its digests folder."""
    return sorted(p.name for p in cache_dir.iterdir() if p.name != "digests")


def test_round_trip_keeps_values_and_dtypes(settings):
    first = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv", settings=settings)
    second = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv", settings=settings)
    for name in ("tickets", "coordinations", "exclusions", "flags", "accounting", "sources"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert len(cached_exports(settings.cache_dir)) == 1  # one key directory, no leftover .partial


def test_a_process_reads_a_published_cache_once_and_callers_cannot_change_what_the_next_gets(settings, monkeypatch):
    paths = (CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv")
    load_cached(*paths, settings=settings)  # loads and publishes
    reads = []
    monkeypatch.setattr(crmlib.ingest.cache, "read_frame",
                        lambda directory, name, city=None, columns=None, filters=None: reads.append((name, columns))
                        or read_frame(directory, name, city, columns, filters))
    crmlib.ingest.cache._read_published.cache_clear()
    first = load_cached(*paths, settings=settings)
    kept = first.tickets.copy()
    first.tickets["extra"] = 1
    first.tickets.loc[0, "unit"] = "EDITED"
    second = load_cached(*paths, settings=settings)
    assert sorted(reads) == sorted((f.name, None) for f in dataclasses.fields(Export))  # each frame once
    pd.testing.assert_frame_equal(second.tickets, kept)
    # Naming a table's columns reads those alone; the other frames still come from what the process kept.
    reads.clear()
    narrow = load_cached(*paths, settings=settings, columns={"coordinations": []})
    assert reads == [("coordinations", [])]
    assert narrow.coordinations.shape == (len(second.coordinations), 0)
    pd.testing.assert_frame_equal(narrow.tickets, kept)


def test_key_changes_with_input_and_settings(tmp_path, settings):
    src = tmp_path / "t.csv"
    shutil.copy(CORPUS / "identical_duplicate.csv", src)
    before = cache_key(src, None, settings)
    assert cache_key(src, None, settings) == before
    src.write_bytes(src.read_bytes() + b"\n")
    assert cache_key(src, None, settings) != before
    other_channels = dataclasses.replace(settings, channels=MappingProxyType({"JAKI": ["JAKI"]}))
    assert cache_key(src, None, other_channels) != cache_key(src, None, settings)


def test_a_copy_under_another_name_reports_its_own_name(tmp_path, settings):
    # same bytes, other name: the quality appendix must name the file the user gave
    copy = tmp_path / "salinan.csv"
    shutil.copy(CORPUS / "identical_duplicate.csv", copy)
    assert cache_key(copy, None, settings) != cache_key(CORPUS / "identical_duplicate.csv", None, settings)
    load_cached(CORPUS / "identical_duplicate.csv", settings=settings)
    export = load_cached(copy, settings=settings)
    assert export.accounting["source_file"].tolist() == ["salinan.csv"]
    assert set(export.exclusions["source_file"]) == {"salinan.csv"}


def test_edited_aliases_are_used_and_cached_under_their_own_key(tmp_path):
    """A long-lived kernel: load, edit the aliases, load again. The second load resolves with the new aliases,
    and a fresh process reading the cache gets what an uncached load gives."""
    params = tmp_path / "params"
    shutil.copytree(default_params_dir() / "areas", params / "areas")
    export = tmp_path / "laporan.csv"
    export.write_text(
        "No Laporan;Tanggal Laporan Masuk;Kanal;Kategori;Nama SKPD;Status\n"
        "JK2206010001;01/06/2022 08:00;JAKI;Sampah;KELURAHAN PULO GEBANG;Complete\n"
        "JK2206010002;01/06/2022 09:00;JAKI;Sampah;KELURAHAN PULOGEBANK;Complete\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_cached(export, settings=load_settings(params, cache_dir=cache))
    assert first.accounting[["rows_used", "rows_excluded"]].values.tolist() == [[1, 1]]

    aliases = params / "areas" / "aliases.yaml"
    aliases.write_text(aliases.read_text(encoding="utf-8").replace(
        "kelurahan:\n", "kelurahan:\n  Pulogebank: Pulo Gebang\n"), encoding="utf-8")
    edited = load_settings(params, cache_dir=cache)
    second = load_cached(export, settings=edited)
    uncached = load_export(export, settings=edited)
    assert second.accounting[["rows_used", "rows_excluded"]].values.tolist() == [[2, 0]]
    pd.testing.assert_frame_equal(second.tickets, uncached.tickets)
    # What the cache now serves under the edited settings is the uncached result.
    pd.testing.assert_frame_equal(read_cache(cache / cache_key(export, None, edited)).tickets, uncached.tickets)


def test_refuses_non_canonical_columns(tmp_path, settings):
    export = load_cached(CORPUS / "identical_duplicate.csv", settings=settings)
    export.tickets = export.tickets.assign(isi_laporan="x")
    with pytest.raises(ValueError, match="isi_laporan"):
        write_cache(export, tmp_path / "other")


def test_two_processes_loading_one_export_share_one_cache(settings):
    tickets = CORPUS / "coordinations_tickets.csv"
    tmp_path = settings.cache_dir
    # fork: the children start at once, without re-importing pandas.
    workers = [multiprocessing.get_context("fork").Process(
        target=load_cached, args=(tickets,), kwargs={"settings": settings}) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert cached_exports(tmp_path) == [cache_key(tickets, None, settings)]  # no .partial-* left behind
    pd.testing.assert_frame_equal(load_cached(tickets, settings=settings).tickets,
                                  load_cached(tickets, settings=settings).tickets)


def test_writer_that_loses_the_race_reads_the_winners_copy(settings, monkeypatch):
    tickets = CORPUS / "coordinations_tickets.csv"
    tmp_path = settings.cache_dir
    final = tmp_path / cache_key(tickets, None, settings)
    real_write = crmlib.ingest.cache.write_cache

    def write_while_another_process_wins(export, partial):
        real_write(export, partial)
        # Meanwhile another writer published its copy, told apart here by having one ticket.
        real_write(crmlib.ingest.cache.Export(**{**vars(export), "tickets": export.tickets.head(1)}), final)
        return partial

    monkeypatch.setattr(crmlib.ingest.cache, "write_cache", write_while_another_process_wins)
    ours = load_cached(tickets, settings=settings)
    assert len(ours.tickets) == 1  # theirs, not ours
    assert cached_exports(tmp_path) == [final.name]  # our side copy was discarded
    assert len(read_cache(final).tickets) == 1  # their copy was left as it was


def test_incomplete_cache_directory_is_replaced(settings):
    tickets = CORPUS / "coordinations_tickets.csv"
    tmp_path = settings.cache_dir
    final = tmp_path / cache_key(tickets, None, settings)
    final.mkdir(parents=True)
    (final / "tickets.parquet").write_bytes(b"half written")
    export = load_cached(tickets, settings=settings)
    assert cached_exports(tmp_path) == [final.name]
    pd.testing.assert_frame_equal(read_cache(final).tickets, export.tickets)


def test_a_city_reads_its_own_rows_and_the_whole_export_reads_back_in_order(tmp_path, settings):
    """Rows of two cities interleaved, and an agency (SKPD) row without a city: one file per city and one for
    rows without a city; a city's read is its rows in file order; the whole read is the loaded export."""
    export = tmp_path / "laporan.csv"
    export.write_text(
        "No Laporan;Tanggal Laporan Masuk;Kanal;Kategori;Nama SKPD;Status\n"
        "JK2206010001;01/06/2022 08:00;JAKI;Sampah;KELURAHAN PULO GEBANG;Complete\n"
        "JK2206010002;01/06/2022 09:00;JAKI;Sampah;KELURAHAN GAMBIR;Complete\n"
        "JK2206010003;02/06/2022 09:00;JAKI;Sampah;DINAS LINGKUNGAN HIDUP;Complete\n"
        "JK2206010004;03/06/2022 09:00;JAKI;Sampah;KELURAHAN CAKUNG BARAT;Complete\n"
        "JK2206010005;04/06/2022 09:00;JAKI;Sampah;KELURAHAN KEBON KELAPA;Complete\n", encoding="utf-8")
    loaded = load_cached(export, settings=settings)  # a miss: loaded, written, and given from memory
    directory = settings.cache_dir / cache_key(export, None, settings)
    assert sorted(p.name for p in (directory / "tickets").iterdir()) == ["jakpus.parquet", "jaktim.parquet",
                                                                          "no-city.parquet"]

    whole = read_cache(directory)
    pd.testing.assert_frame_equal(whole.tickets, loaded.tickets)
    # The folder is one table to a dataset reader, which skips names starting with "_" or ".".
    assert len(pd.read_parquet(directory / "tickets", engine="pyarrow")) == len(loaded.tickets) == 5
    assert read_cache(directory, "jaktim").tickets["ticket_id"].tolist() == ["JK2206010001", "JK2206010004"]
    assert read_cache(directory, "jakpus").tickets["ticket_id"].tolist() == ["JK2206010002", "JK2206010005"]
    nobody = read_cache(directory, "jakbar").tickets
    assert nobody.empty and nobody.dtypes.equals(loaded.tickets.dtypes)
    assert read_cache(directory, "jaktim").accounting.equals(loaded.accounting)  # the small frames are whole

    ranges = load_time_ranges(export, settings=settings).set_index(["table", "column"])
    assert ranges.loc[("tickets", "created_at"), ["rows", "first", "last"]].tolist() == [
        5, pd.Timestamp("2022-06-01 08:00", tz="Asia/Jakarta"), pd.Timestamp("2022-06-04 09:00", tz="Asia/Jakarta")]
    pd.testing.assert_frame_equal(ranges.reset_index(), time_ranges(loaded))

    hit = load_cached(export, settings=settings, city="jaktim")
    miss = load_cached(export, settings=dataclasses.replace(settings, cache_dir=tmp_path / "other"), city="jaktim")
    pd.testing.assert_frame_equal(hit.tickets, miss.tickets)
    times = {"tickets": ["created_at"], "coordinations": ["coordinated_at"]}
    columns = load_cached(export, settings=settings, columns=times)
    assert columns.tickets.columns.tolist() == ["created_at"]
    assert sorted(columns.tickets["created_at"]) == loaded.tickets["created_at"].tolist()  # city by city
    in_memory = load_cached(export, settings=dataclasses.replace(settings, cache_dir=tmp_path / "third"),
                            columns=times)
    pd.testing.assert_frame_equal(in_memory.tickets, loaded.tickets[["created_at"]])

    # From 1 June 09:00 until before 3 June 09:00: the 1 June 09:00 (Gambir) and 2 June (agency) rows; for Jakarta
    # Pusat the first alone. Read with a filter from the cache, and masked in memory without one.
    span = {"table": "tickets", "column": "created_at", "start": pd.Timestamp("2022-06-01 09:00", tz="Asia/Jakarta"),
            "end": pd.Timestamp("2022-06-03 09:00", tz="Asia/Jakarta")}
    for where in (settings, dataclasses.replace(settings, cache_dir=tmp_path / "fourth")):
        rows = load_rows_between(export, settings=where, **span)
        assert rows["ticket_id"].tolist() == ["JK2206010002", "JK2206010003"]
        pd.testing.assert_frame_equal(rows, loaded.tickets.iloc[1:3].reset_index(drop=True))
        assert load_rows_between(export, settings=where, city="jakpus", **span)["ticket_id"].tolist() == [
            "JK2206010002"]
        assert load_rows_between(export, settings=where, city="jakbar", **span).empty

    # A report's tickets of its months only: of Jakarta Timur's, those created from 2 June 09:00 until before
    # 4 June 09:00 are the 3 June row; the other frames are whole. The same from the cache and from memory.
    created = (span["end"] - pd.Timedelta(days=1), span["end"] + pd.Timedelta(days=1))
    for where in (settings, dataclasses.replace(settings, cache_dir=tmp_path / "fifth")):
        window = load_cached(export, settings=where, city="jaktim", created=created)
        pd.testing.assert_frame_equal(window.tickets, loaded.tickets.iloc[[3]].reset_index(drop=True))
        assert window.accounting.equals(loaded.accounting)


def test_values_among_a_whole_table_come_from_every_city_whether_cached_or_not(tmp_path, settings):
    """Three tickets in two cities and one agency (SKPD); asked for four ids, of which one is nobody's and one
    repeats, both the parquet filter (a hit) and the in-memory load (a miss) give the three known ones, once."""
    export = tmp_path / "laporan.csv"
    export.write_text(
        "No Laporan;Tanggal Laporan Masuk;Kanal;Kategori;Nama SKPD;Status\n"
        "JK2206010001;01/06/2022 08:00;JAKI;Sampah;KELURAHAN PULO GEBANG;Complete\n"
        "JK2206010002;01/06/2022 09:00;JAKI;Sampah;KELURAHAN GAMBIR;Complete\n"
        "JK2206010003;02/06/2022 09:00;JAKI;Sampah;DINAS LINGKUNGAN HIDUP;Complete\n", encoding="utf-8")
    asked = pd.Series(["JK2206010003", "JK9999999999", "JK2206010002", "JK2206010001", "JK2206010002", None],
                      dtype="string")
    miss = load_values_among(export, settings=settings, table="tickets", column="ticket_id", values=asked)
    hit = load_values_among(export, settings=settings, table="tickets", column="ticket_id", values=asked)
    assert (settings.cache_dir / cache_key(export, None, settings) / "tickets" / "no-city.parquet").exists()
    for found in (miss, hit):
        assert found.dtype == "string"
        assert sorted(found) == ["JK2206010001", "JK2206010002", "JK2206010003"]
    nothing = load_values_among(export, settings=settings, table="tickets", column="ticket_id",
                                values=pd.Series([], dtype="string"))
    assert nothing.empty
