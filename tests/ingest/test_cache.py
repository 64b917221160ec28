"""Tests for crmlib.ingest.cache: keying, round trip, and what may be written."""

import dataclasses
import multiprocessing
import shutil
from types import MappingProxyType

import pandas as pd
import pytest

import crmlib.ingest.cache
from crmlib.ingest.cache import cache_key, load_cached, read_cache, write_cache
from crmlib.ingest.load import load_export
from crmlib.ingest.settings import load_settings
from crmlib.resources import default_params_dir

from conftest import CORPUS


def test_round_trip_keeps_values_and_dtypes(settings):
    first = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv", settings=settings)
    second = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv", settings=settings)
    for name in ("tickets", "coordinations", "exclusions", "flags", "accounting", "sources"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert len(list(settings.cache_dir.iterdir())) == 1  # one key directory, no leftover .partial


def test_a_process_reads_a_published_cache_once_and_callers_cannot_change_what_the_next_gets(settings, monkeypatch):
    paths = (CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv")
    load_cached(*paths, settings=settings)  # loads and publishes
    reads = []
    monkeypatch.setattr(crmlib.ingest.cache, "read_cache",
                        lambda directory: reads.append(directory) or read_cache(directory))
    crmlib.ingest.cache._read_published.cache_clear()
    first = load_cached(*paths, settings=settings)
    kept = first.tickets.copy()
    first.tickets["extra"] = 1
    first.tickets.loc[0, "unit"] = "EDITED"
    second = load_cached(*paths, settings=settings)
    assert len(reads) == 1
    pd.testing.assert_frame_equal(second.tickets, kept)


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
    assert [p.name for p in tmp_path.iterdir()] == [cache_key(tickets, None, settings)]  # no .partial-* left behind
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
    assert [p.name for p in tmp_path.iterdir()] == [final.name]  # our side copy was discarded
    assert len(read_cache(final).tickets) == 1  # their copy was left as it was


def test_incomplete_cache_directory_is_replaced(settings):
    tickets = CORPUS / "coordinations_tickets.csv"
    tmp_path = settings.cache_dir
    final = tmp_path / cache_key(tickets, None, settings)
    final.mkdir(parents=True)
    (final / "tickets.parquet").write_bytes(b"half written")
    export = load_cached(tickets, settings=settings)
    assert [p.name for p in tmp_path.iterdir()] == [final.name]
    pd.testing.assert_frame_equal(read_cache(final).tickets, export.tickets)
