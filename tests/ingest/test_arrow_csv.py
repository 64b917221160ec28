"""The fast csv path gives exactly what the record reader gives, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmlib.errors import InputError
from crmlib.ingest import arrow_csv
from crmlib.ingest.read import read_table
from crmlib.ingest.settings import load_settings, plain

from conftest import CORPUS

HEADER = "No Laporan;Tanggal Laporan Masuk;Kanal;Kategori;Nama SKPD;Status;Isi Laporan"
ROW = 'JK2206010001;01/06/2022 08:00;JAKI;Sampah;KELURAHAN PULO GEBANG;Complete;teks'

# Files the fast path must read itself, each with a reason it is tricky.
WELL_FORMED = {
    "plain": f"{HEADER}\n{ROW}\n",
    "bom and crlf": f"\ufeff{HEADER}\r\n{ROW}\r\n{ROW.replace('0001', '0002')}\r\n",
    "quotes inside and around cells": f'{HEADER}\n"JK2206010001";01/06/2022 08:00;JA"KI;"Sa""mpah";"Kel; A"b;Complete;x\n',
    "a quoted newline in free text": f'{HEADER}\n{ROW[:-4]}"baris\nkedua";\n'.replace(";\n", "\n"),
    "title rows above the header": f"LAPORAN CRM\nPer 11 Juli 2022\n{HEADER}\n{ROW}\n",
    "no final newline": f"{HEADER}\n{ROW}",
    "trailing newlines": f"{HEADER}\n{ROW}\n\n\n",
}

# Files the fast path must hand back to the record reader: it reports on them.
NEEDS_RECORDS = {
    "interior blank row": f"{HEADER}\n{ROW}\n\n{ROW}\n",
    "whitespace-only row": f"{HEADER}\n{ROW}\n ; ;;;;;\n",
    "a missing cell": f"{HEADER}\n{ROW}\nJK2206010002;01/06/2022\n",
    "an extra cell": f"{HEADER}\n{ROW};lebih\n",
    "a blank title row": f"LAPORAN CRM\n\n{HEADER}\n{ROW}\n",
    "blank mapped cells, text elsewhere": f"{HEADER}\n{ROW}\n;;;;;;teks saja\n",
    # Below the header search's 20 records, so only the fast path's own check keeps it from reading the file.
    "a cell past the field limit": f"{HEADER}\n" + f"{ROW}\n" * 25 + f"{ROW[:-4]}{'x' * 140_000}\n",
}
# Of those, the files the record reader refuses, with its error (pyarrow has no field limit: read fast, they would load).
REFUSED = {"a cell past the field limit": r"^laporan\.csv, row 27: a cell holds more than [\d,]+ characters\."}


@pytest.fixture(scope="module")
def mapping() -> dict:
    return plain(load_settings().mapping)


def read_both(path: Path, mapping: dict, monkeypatch) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(frame as read, frame from the record reader alone); the second is None when the fast path stepped aside."""
    calls: list[bool] = []
    real = arrow_csv.mapped_columns

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(arrow_csv, "mapped_columns", spy)
    fast = read_table(path, "tickets", mapping).frame
    monkeypatch.setattr(arrow_csv, "mapped_columns", lambda *args, **kwargs: None)
    slow = read_table(path, "tickets", mapping).frame
    return (fast, slow) if calls == [True] else (fast, None)


@pytest.mark.parametrize("name", WELL_FORMED)
def test_fast_path_reads_well_formed_files_as_the_record_reader(name, tmp_path, mapping, monkeypatch):
    path = tmp_path / "laporan.csv"
    path.write_text(WELL_FORMED[name], encoding="utf-8")
    fast, slow = read_both(path, mapping, monkeypatch)
    assert slow is not None, "the fast path stepped aside"
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize("name", NEEDS_RECORDS)
def test_fast_path_steps_aside_for_what_the_record_reader_reports(name, tmp_path, mapping, monkeypatch):
    path = tmp_path / "laporan.csv"
    path.write_text(NEEDS_RECORDS[name], encoding="utf-8")
    if name in REFUSED:
        with pytest.raises(InputError, match=REFUSED[name]):  # the record reader's own error, naming the row
            read_table(path, "tickets", mapping)
        return
    _, slow = read_both(path, mapping, monkeypatch)
    assert slow is None


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.csv")), ids=lambda p: p.name)
def test_corpus_reads_the_same_either_way(path, mapping, monkeypatch):
    table = "coordinations" if path.name.startswith("coordinations") else "tickets"
    try:
        fast = read_table(path, table, mapping).frame
    except Exception as exc:  # a file the loader refuses is refused the same way without the fast path
        monkeypatch.setattr(arrow_csv, "mapped_columns", lambda *args, **kwargs: None)
        with pytest.raises(type(exc)) as again:
            read_table(path, table, mapping)
        assert str(again.value) == str(exc)
        return
    monkeypatch.setattr(arrow_csv, "mapped_columns", lambda *args, **kwargs: None)
    pd.testing.assert_frame_equal(fast, read_table(path, table, mapping).frame)
