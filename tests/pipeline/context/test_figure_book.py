import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from crmlib.pipeline.context.figure_book import FigureBook, compare, dumps, list_files, merge, to_plain


def test_to_plain_makes_json_data():
    stamp = pd.Timestamp("2022-06-03 16:15", tz="Asia/Jakarta")
    frame = pd.DataFrame({"unit": pd.Series(["Setu"], dtype="string"), "hours": pd.Series([pd.NA], dtype="Float64"),
                          "at": [stamp]})
    assert to_plain(frame) == [{"unit": "Setu", "hours": None, "at": "2022-06-03T16:15:00+07:00"}]
    assert to_plain({"n": np.int64(508), "ok": np.bool_(True), "x": float("nan")}) == {"n": 508, "ok": True, "x": None}
    # 388 / 508 * 100 = 76.377952755... -> six decimals
    assert to_plain(388 / 508 * 100) == 76.377953


def test_book_writes_each_record_and_refuses_a_changed_value(tmp_path):
    path = tmp_path / "f.json"
    book = FigureBook(path)
    assert book.record("total_complaints", np.int64(508)) == 508
    book.record("total_complaints", 508)  # same value again is fine
    assert json.loads(path.read_text()) == {"total_complaints": 508}
    with pytest.raises(ValueError, match="total_complaints"):
        book.record("total_complaints", 509)


def test_merge_and_compare():
    merged = merge([{"a": 1, "b": [1, 2]}, {"b": [1, 2], "c": "x"}])
    assert merged == {"a": 1, "b": [1, 2], "c": "x"}
    with pytest.raises(ValueError, match="'a'"):
        merge([{"a": 1}, {"a": 2}])
    assert compare(merged, {"a": 1, "b": [1, 3]}) == ["b", "c"]
    assert compare(merged, dict(merged)) == []


def test_dumps_is_stable():
    assert dumps({"b": 1, "a": "é"}) == '{\n  "a": "é",\n  "b": 1\n}\n'


def test_a_long_list_records_the_rows_shown_and_writes_every_row_beside_the_figures(tmp_path):
    book = FigureBook(tmp_path / "08_tindak_lanjut.json")
    late = pd.DataFrame({"no": [1, 2, 3], "ticket_id": ["JK1", "=JK2", "JK3"],
                         "created_at": pd.to_datetime(["2022-06-03 09:15"] * 3).tz_localize("UTC")})
    shown = book.record_list("late_follow_ups", late, late.tail(2), file="terlambat.csv")
    assert shown["no"].tolist() == [2, 3] and shown.index.tolist() == [0, 1]
    # Every row, text made safe for a spreadsheet, times as Jakarta wall time (09:15 UTC is 16:15 WIB).
    content = (tmp_path / "terlambat.csv").read_bytes()
    assert content.decode().splitlines() == ["no,ticket_id,created_at", "1,JK1,2022-06-03 16:15:00",
                                             "2,'=JK2,2022-06-03 16:15:00", "3,JK3,2022-06-03 16:15:00"]
    recorded = json.loads((tmp_path / "08_tindak_lanjut.json").read_text())
    assert [r["ticket_id"] for r in recorded["late_follow_ups"]] == ["=JK2", "JK3"]
    assert recorded["late_follow_ups_file"] == {"file": "terlambat.csv", "rows": 3,
                                                "sha256": hashlib.sha256(content).hexdigest()}
    assert list_files(recorded) == [{"figure": "late_follow_ups", **recorded["late_follow_ups_file"]}]
