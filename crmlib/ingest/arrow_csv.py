"""Read the mapped columns of a well-formed UTF-8 csv with pyarrow's multithreaded reader.

This is the fast path for large exports. It gives exactly what the record-by-record
reader in :mod:`crmlib.ingest.read` gives, or ``None`` when the file has anything that
reader reports on (a record with the wrong number of cells, a blank record, a cell
near the csv module's field limit, another encoding): the caller then reads the file
that way, so every load problem and error keeps its row number and wording.
"""

from __future__ import annotations

import codecs
import csv

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# Arrow reads this much of the file per block and thread.
BLOCK_BYTES = 1 << 24


def _longest_line(data: bytes) -> int:
    """Bytes in the longest line: no cell on one line can be longer."""
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    bounds = np.concatenate(([-1], ends, [len(data)]))
    return int(np.diff(bounds).max())


def mapped_columns(data: bytes, encoding: str, delimiter: str, head: list[list[str]], header_index: int,
                   positions: list[int], width: int) -> list[pd.Series] | None:
    """The text of each mapped column, one entry per data record, or None when the file needs the record reader.

    ``head`` is the file's first records as the csv module read them; ``positions``
    are the mapped columns' indexes in the header, which is ``width`` cells wide.
    """
    if encoding != "utf-8-sig":
        return None
    # Skipping rows counts lines: records above the header must be one line each and not blank.
    if any(not record or any("\n" in c or "\r" in c for c in record) for record in head[:header_index + 1]):
        return None
    if _longest_line(data) >= csv.field_size_limit():
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    # A final newline ends the last record; more than one would be blank records.
    data = data.rstrip(b"\r\n") + b"\n"

    ragged = False

    def on_ragged(row: pacsv.InvalidRow) -> str:
        nonlocal ragged
        ragged = True
        return "skip"

    names = [f"c{i}" for i in range(width)]
    wanted = [names[p] for p in positions]
    table = pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=header_index + 1, block_size=BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                         invalid_row_handler=on_ragged),
        convert_options=pacsv.ConvertOptions(include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    if ragged or not table.num_rows:
        return None
    # A record whose mapped cells hold no letter or digit may be blank: the record reader decides.
    marked = [pc.match_substring_regex(table.column(name), "[0-9A-Za-z]") for name in wanted]
    if not pc.all(_any_of(marked)).as_py():
        return None
    return [table.column(name).to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get) for name in wanted]


def _any_of(columns: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    result = columns[0]
    for column in columns[1:]:
        result = pc.or_(result, column)
    return result
