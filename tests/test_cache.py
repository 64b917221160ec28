"""Tests for crmlib.cache: keying, round trip, and what may be written."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from crmlib.cache import cache_key, load_cached, write_cache

CORPUS = Path(__file__).parent / "corpus"
NOW = pd.Timestamp("2024-01-01", tz="Asia/Jakarta")


def test_round_trip_keeps_values_and_dtypes(tmp_path):
    first = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv",
                        cache_dir=tmp_path, now=NOW)
    second = load_cached(CORPUS / "coordinations_tickets.csv", CORPUS / "coordinations_messy.csv",
                         cache_dir=tmp_path, now=NOW)
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


def test_refuses_non_canonical_columns(tmp_path):
    export = load_cached(CORPUS / "identical_duplicate.csv", cache_dir=tmp_path, now=NOW)
    export.tickets = export.tickets.assign(isi_laporan="x")
    with pytest.raises(ValueError, match="isi_laporan"):
        write_cache(export, tmp_path / "other")
