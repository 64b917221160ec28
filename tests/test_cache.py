"""Tests for crmlib.cache: keying, round trip, and what may be written."""

import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest

import crmlib.cache
from crmlib.cache import cache_key, load_cached, read_cache, write_cache

CORPUS = Path(__file__).parent / "corpus"


def test_round_trip_keeps_values_and_dtypes(tmp_path):
    first = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv", cache_dir=tmp_path)
    second = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv",
                         cache_dir=tmp_path)
    for name in ("tickets", "coordinations", "exclusions", "flags", "accounting", "sources"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert len(list(tmp_path.iterdir())) == 1  # one key directory, no leftover .partial


def test_key_changes_with_input_and_mapping(tmp_path):
    src = tmp_path / "t.csv"
    shutil.copy(CORPUS / "identical_duplicate.csv", src)
    before = cache_key(src)
    assert cache_key(src) == before
    src.write_bytes(src.read_bytes() + b"\n")
    assert cache_key(src) != before
    assert cache_key(src, mapping={"x": 1}) != cache_key(src)


def test_a_copy_under_another_name_reports_its_own_name(tmp_path):
    # same bytes, other name: the quality appendix must name the file the user gave
    copy = tmp_path / "salinan.csv"
    shutil.copy(CORPUS / "identical_duplicate.csv", copy)
    assert cache_key(copy) != cache_key(CORPUS / "identical_duplicate.csv")
    load_cached(CORPUS / "identical_duplicate.csv", cache_dir=tmp_path / "cache")
    export = load_cached(copy, cache_dir=tmp_path / "cache")
    assert export.accounting["source_file"].tolist() == ["salinan.csv"]
    assert set(export.exclusions["source_file"]) == {"salinan.csv"}


def test_refuses_non_canonical_columns(tmp_path):
    export = load_cached(CORPUS / "identical_duplicate.csv", cache_dir=tmp_path)
    export.tickets = export.tickets.assign(isi_laporan="x")
    with pytest.raises(ValueError, match="isi_laporan"):
        write_cache(export, tmp_path / "other")


def test_two_processes_loading_one_export_share_one_cache(tmp_path):
    tickets = CORPUS / "coordinations_tickets.csv"
    # fork: the children start at once, without re-importing pandas.
    workers = [multiprocessing.get_context("fork").Process(
        target=load_cached, args=(tickets,), kwargs={"cache_dir": tmp_path}) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert [p.name for p in tmp_path.iterdir()] == [cache_key(tickets)]  # no .partial-* left behind
    pd.testing.assert_frame_equal(load_cached(tickets, cache_dir=tmp_path).tickets,
                                  load_cached(tickets, cache_dir=tmp_path).tickets)


def test_writer_that_loses_the_race_reads_the_winners_copy(tmp_path, monkeypatch):
    tickets = CORPUS / "coordinations_tickets.csv"
    final = tmp_path / cache_key(tickets)
    real_write = crmlib.cache.write_cache

    def write_while_another_process_wins(export, partial):
        real_write(export, partial)
        # Meanwhile another writer published its copy, told apart here by having one ticket.
        real_write(crmlib.cache.Export(**{**vars(export), "tickets": export.tickets.head(1)}), final)
        return partial

    monkeypatch.setattr(crmlib.cache, "write_cache", write_while_another_process_wins)
    ours = load_cached(tickets, cache_dir=tmp_path)
    assert len(ours.tickets) == 1  # theirs, not ours
    assert [p.name for p in tmp_path.iterdir()] == [final.name]  # our side copy was discarded
    assert len(read_cache(final).tickets) == 1  # their copy was left as it was


def test_incomplete_cache_directory_is_replaced(tmp_path):
    tickets = CORPUS / "coordinations_tickets.csv"
    final = tmp_path / cache_key(tickets)
    final.mkdir()
    (final / "tickets.parquet").write_bytes(b"half written")
    export = load_cached(tickets, cache_dir=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [final.name]
    pd.testing.assert_frame_equal(read_cache(final).tickets, export.tickets)
