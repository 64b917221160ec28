"""Read one table of a CRM export (csv, csv.gz or xlsx) into text columns named by the mapping.

Reading keeps only the columns the mapping names, so free text and reporter
identity are never held past the header row. Every data row keeps its row
number in the source file (header row of a file without title rows = 1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import hashlib
import io
import math
import operator
import os
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.errors import InputError
from crmlib.ingest import arrow_csv
from crmlib.ingest.settings import header_key
from crmlib.schema import ReasonCode

# How far down a sheet the header row may sit below title rows.
HEADER_SEARCH_ROWS = 20
CSV_DELIMITERS = (";", ",", "\t")
# Records turned into columns at a time: bounds the memory a large export takes while it is read.
CHUNK_ROWS = 100_000
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# A record's load problem: its reason code and the reason in words; such a row is excluded when cleaned.
Problem = tuple[ReasonCode, str]
BLANK_ROW: Problem = (ReasonCode.BLANK_ROW, "baris kosong")


def sha256_of(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_digest(path: str | Path, memo_dir: str | Path | None = None) -> str:
    """SHA-256 of a file, hashed once while its size and modification time (to the nanosecond) stay the same.

    The digest is remembered in this process and, with ``memo_dir``, in a file there for other processes: a
    build and each of its pool workers key the cache with it, and a 500 MB export takes half a second to hash.
    """
    stat = Path(path).stat()
    return _digest_of(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns,
                      None if memo_dir is None else str(memo_dir))


@lru_cache(maxsize=8)
def _digest_of(path: str, size: int, mtime_ns: int, memo_dir: str | None) -> str:
    if memo_dir is None:
        return sha256_of(path)
    memo = Path(memo_dir) / hashlib.sha256(f"{path}\0{size}\0{mtime_ns}".encode()).hexdigest()
    if memo.exists():
        known = memo.read_text(encoding="ascii").strip()
        if re.fullmatch(r"[0-9a-f]{64}", known):
            return known
    digest = sha256_of(path)
    memo.parent.mkdir(parents=True, exist_ok=True)
    partial = memo.with_name(f"{memo.name}.{os.getpid()}.partial")
    partial.write_text(digest, encoding="ascii")
    os.replace(partial, memo)  # readers see the whole digest or none
    return digest


@dataclass
class RawTable:
    """One table as read: mapped columns as strings, before any cleaning."""

    frame: pd.DataFrame  # canonical names + source_row + load_problem (its text) and load_problem_code
    file: str  # file name only
    sha256: str
    header_row: int
    headers: dict[str, str]  # canonical column -> header as written in the file
    missing: list[str]  # optional canonical columns absent from the file
    encoding: str | None


def _cell_text(value: Any) -> str:
    # xlsx cells arrive typed; turn them into the text a csv export would hold.
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _sheet_rows(ws) -> list[list[str]]:
    rows: list[list[str]] = []
    expected = 1
    for row in ws.iter_rows(min_row=1, values_only=False):
        # Read-only sheets may skip empty rows; pad so list index = sheet row - 1.
        number = next((c.row for c in row if getattr(c, "row", None)), expected)
        rows.extend([] for _ in range(number - expected))
        rows.append([_cell_text(c.value) for c in row])
        expected = number + 1
    return rows


def _xlsx_grid(name: str, data: bytes, sheet: str | int | None,
               required: list[list[str]]) -> tuple[list[list[str]], int]:
    """The rows of the sheet holding the table: the named one, else the first whose rows hold the header."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(name, f"not a readable xlsx workbook ({type(exc).__name__})",
                         fix="open it in a spreadsheet and save it again as .xlsx") from exc
    try:
        if sheet is not None:
            if isinstance(sheet, int) and 0 <= sheet < len(book.worksheets):
                sheets = [book.worksheets[sheet]]
            elif sheet in book.sheetnames:
                sheets = [book[sheet]]
            else:
                raise InputError(name, f"no sheet named '{sheet}' (sheets: {', '.join(book.sheetnames)})",
                                 fix="set 'sheet' in the column mapping")
        else:
            sheets = book.worksheets
        first: list[list[str]] = []
        for ws in sheets:
            rows = _sheet_rows(ws)
            index, _ = _find_header(rows, required)
            if index >= 0:
                return rows, index
            first = first or rows
        return first, -1
    finally:
        book.close()


def _decodes(data: bytes, encoding: str) -> bool:
    """True when the bytes are valid in the encoding, checked in pieces (no copy of the whole file as text)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), 1 << 22):
            decoder.decode(data[start:start + (1 << 22)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(data: bytes) -> str:
    # Excel's "Unicode text" export is UTF-16 with a byte-order mark.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and _decodes(data, "utf-16"):
        return "utf-16"
    return next(e for e in ENCODINGS if _decodes(data, e))  # latin-1 reads any bytes


def _csv_records(name: str, data: bytes, encoding: str, delimiter: str) -> Iterator[list[str]]:
    """The file's records as lists of cells; a record the csv reader refuses is an error naming its row."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    count = 0
    try:
        for count, row in enumerate(reader, start=1):  # noqa: B007 - count names the failing row below
            yield row
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        raise InputError(name, f"a cell holds more than {csv.field_size_limit():,} characters" if too_long
                         else f"not a readable csv record ({exc})", row=count + 1,
                         fix="check that row in the export (a quote left open swallows the rows after it)") from exc


def _header_score(row: list[str], required: list[list[str]]) -> int:
    keys = {header_key(c) for c in row if c.strip()}
    return sum(any(header_key(h) in keys for h in spellings) for spellings in required)


def _find_header(rows: list[list[str]], required: list[list[str]]) -> tuple[int, int]:
    """(index, score) of the first row matching at least half the required columns, else (-1, best)."""
    need = max(1, math.ceil(len(required) / 2))
    best = 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(row, required)
        if score >= need:
            return i, score
        best = max(best, score)
    return -1, best


@dataclass
class _Source:
    """A table's first rows (to find its header in) and a way to read all its records."""

    head: list[list[str]]  # the first HEADER_SEARCH_ROWS records
    header_index: int  # -1 when no header row was found
    encoding: str | None
    is_csv: bool
    records: Callable[[], Iterator[list[str]]]  # every record of the table, the head included
    data: bytes = b""  # a csv's bytes, uncompressed
    delimiter: str = ""


def _workbook_source(name: str, data: bytes, sheet: Any, required: list[list[str]]) -> _Source:
    rows, index = _xlsx_grid(name, data, sheet, required)
    return _Source(rows[:HEADER_SEARCH_ROWS], index, None, False, lambda: iter(rows))


def _open_source(name: str, data: bytes, sheet: Any, required: list[list[str]]) -> _Source:
    """Tell the format by content, not name (an xlsx saved as .csv is still a workbook), and find the header.

    A csv is read as a stream of records, so a large export is never held whole as text or as rows.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(name, "damaged gzip file", fix="compress the export again or use the plain .csv") from exc
    if data[:4] == b"PK\x03\x04":
        return _workbook_source(name, data, sheet, required)
    if data[:4] == b"\xd0\xcf\x11\xe0":  # an OLE compound file: the old binary workbook
        raise InputError(name, "old .xls workbooks are not read", fix="save the sheet as .xlsx or .csv")
    encoding = _encoding(data)
    # The delimiter is the one under which a header row shows up (decimal commas
    # in data rows make counting characters unreliable).
    heads: dict[str, list[list[str]]] = {}
    best, delimiter = (-1, -1), CSV_DELIMITERS[0]
    for candidate in CSV_DELIMITERS:
        heads[candidate] = list(islice(_csv_records(name, data, encoding, candidate), HEADER_SEARCH_ROWS))
        index, score = _find_header(heads[candidate], required)
        if index >= 0 and (best[0] < 0 or score > best[1] or (score == best[1] and index < best[0])):
            best, delimiter = (index, score), candidate
    return _Source(heads[delimiter], best[0], encoding, True, lambda: _csv_records(name, data, encoding, delimiter),
                   data, delimiter)


def _body_columns(records: Iterator[list[str]], positions: list[int], width: int, needed: int,
                  is_csv: bool) -> tuple[list[pd.Series], list[Problem | None]]:
    """Read the data records in chunks, keeping only the mapped cells (free text is dropped as it is read).

    Returns one text column per position and each record's load problem (None when fine).
    """
    parts: list[list[pd.Series]] = [[] for _ in positions]
    rows: list[tuple[str, ...]] = []
    problems: list[Problem | None] = []
    # A record that has every mapped cell (nearly all) gives them in one call.
    take = operator.itemgetter(*positions) if len(positions) > 1 else lambda record: (record[positions[0]],)
    reach = max(positions) + 1

    def flush() -> None:
        columns = list(zip(*rows)) if rows else [() for _ in positions]
        for part, cells in zip(parts, columns):
            part.append(pd.Series(cells, dtype="string"))
        rows.clear()

    for record in records:
        length = len(record)
        rows.append(take(record) if length >= reach else tuple(record[p] if p < length else "" for p in positions))
        problems.append(
            BLANK_ROW if not any(map(str.strip, record))
            else (ReasonCode.EXTRA_CELLS, f"baris berisi {length} kolom, header {width} kolom (pemisah di dalam teks?)")
            if length > width and any(map(str.strip, record[width:]))
            # A missing cell would shift every later value into the wrong column.
            else (ReasonCode.MISSING_CELLS, f"baris berisi {length} kolom, header {needed} kolom (sel hilang)")
            if is_csv and length < needed
            else None)
        if len(problems) % CHUNK_ROWS == 0:
            flush()
    flush()
    return [pd.concat(part, ignore_index=True) for part in parts], problems


def _known_headers(mapping: Mapping[str, Any]) -> set[str]:
    """Header keys the mapping names, for any table, free-text ones included."""
    known = {header_key(h) for h in mapping.get("free_text") or []}
    for spec in mapping["tables"].values():
        known |= {header_key(h) for col in spec["columns"].values() for h in col["headers"]}
    return known


def read_table(path: str | Path, table: str, mapping: Mapping[str, Any]) -> RawTable:
    """Read one table of an export: mapped columns only, as strings, with source rows."""
    path = Path(path)
    name = path.name
    spec = mapping["tables"][table]
    columns: Mapping[str, Any] = spec["columns"]
    required = {c: s["headers"] for c, s in columns.items() if s.get("required")}
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(name, "file not found", fix=f"check the path '{path}'") from exc
    except OSError as exc:
        raise InputError(name, f"cannot read the file ({exc.strerror})", fix="check the file's permissions") from exc
    if not data.strip():
        raise InputError(name, "the file is empty", fix=f"export the {table} table again")
    source = _open_source(name, data, spec.get("sheet"), list(required.values()))
    rows, header_index, encoding, is_csv = source.head, source.header_index, source.encoding, source.is_csv
    if not any(any(c.strip() for c in r) for r in rows):
        raise InputError(name, "the file is empty", fix=f"export the {table} table again")
    if header_index < 0:
        first = next(i for i, r in enumerate(rows) if any(c.strip() for c in r))
        # Only cells that are headers the mapping knows are quoted: the row may be data, with a name or phone in it.
        cells = [c.strip() for c in rows[first] if c.strip()]
        known = _known_headers(mapping)
        headers_found = [c for c in cells if header_key(c) in known]
        found = (", ".join(f"'{c}'" for c in headers_found) if headers_found
                 else "none like a header")
        expected = ", ".join(f"'{s[0]}'" for s in required.values())
        raise InputError(
            name, f"no header row in the first {HEADER_SEARCH_ROWS} rows; expected {expected}; "
            f"row {first + 1} has {len(cells)} cells, {found}",
            fix=f"use the {mapping.get('name', 'mapped')} export layout or add the header spellings to the column mapping",
        )
    header = rows[header_index]
    header_row = header_index + 1
    keys = [header_key(c) for c in header]

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    missing: list[str] = []
    for column, col_spec in columns.items():
        for spelling in col_spec["headers"]:
            hits = [i for i, k in enumerate(keys) if k == header_key(spelling)]
            if len(hits) > 1:
                raise InputError(
                    name, f"the header appears {len(hits)} times (columns {', '.join(str(h + 1) for h in hits)})",
                    row=header_row, column=header[hits[0]].strip(), fix="keep one column with this header",
                )
            if hits:
                positions[column], headers[column] = hits[0], header[hits[0]].strip()
                break
        else:
            if col_spec.get("required"):
                found = ", ".join(f"'{c.strip()}'" for c in header if c.strip())
                raise InputError(
                    name,
                    f"required column missing (accepted headers: {', '.join(repr(h) for h in col_spec['headers'])}); "
                    f"found columns: {found}",
                    row=header_row, column=col_spec["headers"][0],
                    fix="export the full table or add the file's header to the column mapping",
                )
            missing.append(column)
            headers[column] = col_spec["headers"][0]

    width = len(header)
    # Cells a csv row must have: up to the last named header (a trailing delimiter adds an empty one).
    needed = max(i for i, c in enumerate(header) if c.strip()) + 1
    names = list(positions)
    body = None
    if is_csv:
        body = arrow_csv.mapped_columns(source.data, encoding, source.delimiter, rows, header_index,
                                        [positions[c] for c in names], width)
        problems: list[Problem | None] = [None] * (len(body[0]) if body else 0)
    if body is None:
        body, problems = _body_columns(islice(source.records(), header_index + 1, None),
                                       [positions[c] for c in names], width, needed, is_csv)
    count = len(problems)
    # Blank rows at the end of a sheet or file are formatting, not data.
    while count and problems[count - 1] == BLANK_ROW:
        count -= 1
    if not count:
        raise InputError(name, "the file has a header row but no data rows", row=header_row,
                         fix=f"export the {table} table again with its rows")
    frame = pd.DataFrame({column: cells.iloc[:count] for column, cells in zip(names, body)})
    for column in missing:
        frame[column] = pd.Series(pd.NA, index=range(count), dtype="string")
    frame = frame[[c for c in columns if c in frame.columns]]
    frame["source_row"] = pd.array(range(header_row + 1, header_row + 1 + count), dtype="Int64")
    # Nearly every row has no problem: only the few that do are written.
    text, code = (pd.Series(pd.NA, index=frame.index, dtype="string") for _ in range(2))
    at = [i for i, problem in enumerate(problems[:count]) if problem]
    if at:
        text.iloc[at] = [problems[i][1] for i in at]
        code.iloc[at] = [problems[i][0].value for i in at]
    frame["load_problem"], frame["load_problem_code"] = text, code
    return RawTable(
        frame=frame, file=name, sha256=hashlib.sha256(data).hexdigest(), header_row=header_row,
        headers=headers, missing=missing, encoding=encoding,
    )
