"""Read a CRM export (csv, csv.gz or xlsx) into canonical frames.

Reading keeps only the columns the mapping names, so free text and reporter
identity are never held past the header row. Every data row keeps its row
number in the source file (header row of a file without title rows = 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from crmlib.clean import (
    EXCLUSION_COLUMNS,
    FLAG_COLUMNS,
    accounting_frame,
    clean_coordinations,
    clean_tickets,
    empty_coordinations,
)
from crmlib.errors import InputError
from crmlib.paths import PARAMS_DIR
from crmlib.rules import Rules, load_rules

DEFAULT_MAPPING_PATH = PARAMS_DIR / "columns" / "crm_v2.yaml"
DEFAULT_CHANNELS_PATH = PARAMS_DIR / "channels.yaml"
TABLES = ("tickets", "coordinations")
# How far down a sheet the header row may sit below title rows.
HEADER_SEARCH_ROWS = 20
# A header cell: a short label without '@' or long digit runs (not an e-mail or phone number).
_HEADER_LIKE = re.compile(r"(?!.*@)(?!.*\d{5})[^\n]{1,40}")
CSV_DELIMITERS = (";", ",", "\t")
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

SOURCE_COLUMNS = ["table", "file", "sha256", "rows_read", "header_row", "encoding"]


@dataclass
class Export:
    """A loaded export: canonical tables plus what was left out or flagged, and why."""

    tickets: pd.DataFrame
    coordinations: pd.DataFrame
    exclusions: pd.DataFrame
    flags: pd.DataFrame
    accounting: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SOURCE_COLUMNS))


@dataclass
class RawTable:
    """One table as read: mapped columns as strings, before any cleaning."""

    frame: pd.DataFrame  # canonical names + source_row + load_problem
    file: str  # file name only
    sha256: str
    header_row: int
    headers: dict[str, str]  # canonical column -> header as written in the file
    missing: list[str]  # optional canonical columns absent from the file
    encoding: str | None


def header_key(text: Any) -> str:
    """Comparison key for a header: trimmed, whitespace collapsed, case folded.

    >>> header_key("  Max Waktu   TL (Jam) ")
    'max waktu tl (jam)'
    """
    return " ".join(str(text).split()).casefold()


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror})", fix="check the path") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            path, f"not valid YAML ({getattr(exc, 'problem', exc)})", row=mark.line + 1 if mark else None,
            fix="correct the YAML syntax",
        ) from exc


def load_mapping(mapping: Mapping[str, Any] | str | Path | None = None) -> dict[str, Any]:
    """Read and check a column mapping (default ``params/columns/crm_v2.yaml``)."""
    path = Path(mapping) if isinstance(mapping, (str, Path)) else DEFAULT_MAPPING_PATH
    data = dict(mapping) if isinstance(mapping, Mapping) else _read_yaml(path)
    name = path.name if not isinstance(mapping, Mapping) else "<mapping>"
    if not isinstance(data, Mapping) or not isinstance(data.get("tables"), Mapping):
        raise InputError(name, "no 'tables' section", fix="start from params/columns/crm_v2.yaml")
    free = {header_key(h) for h in data.get("free_text") or []}
    for table in TABLES:
        spec = data["tables"].get(table)
        if not isinstance(spec, Mapping) or not isinstance(spec.get("columns"), Mapping):
            raise InputError(name, f"table '{table}' has no 'columns'", fix="list the columns of every table")
        for column, col_spec in spec["columns"].items():
            headers = (col_spec or {}).get("headers")
            if not headers or not all(isinstance(h, str) for h in headers):
                raise InputError(name, f"{table}.{column} has no header spellings", fix="give 'headers: [..]'")
            clash = free.intersection(header_key(h) for h in headers)
            if clash:
                # A free-text column must never be read, even by a mistaken mapping.
                raise InputError(name, f"{table}.{column} maps free-text header(s) {sorted(clash)}",
                                 fix="remove them from the column's headers")
    if not isinstance(data.get("statuses"), Mapping):
        raise InputError(name, "no 'statuses' section", fix="map status spellings to canonical statuses")
    return data


def load_channels(channels: Mapping[str, Any] | str | Path | None = None) -> dict[str, list[str]]:
    """Read the channel spellings (default ``params/channels.yaml``): canonical label -> spellings."""
    if isinstance(channels, Mapping):
        return {str(k): list(v or []) for k, v in channels.items()}
    path = Path(channels) if channels is not None else DEFAULT_CHANNELS_PATH
    data = _read_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError(path, "expected a mapping 'label: [spellings]'", fix="see params/channels.yaml")
    return {str(k): list(v or []) for k, v in data.items()}


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


def _xlsx_rows(path: Path, sheet: str | int | None) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(path, f"not a readable xlsx workbook ({type(exc).__name__})",
                         fix="open it in a spreadsheet and save it again as .xlsx") from exc
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif isinstance(sheet, int):
            ws = book.worksheets[sheet]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise InputError(path, f"no sheet named '{sheet}' (sheets: {', '.join(book.sheetnames)})",
                             fix="set 'sheet' in the column mapping")
        rows: list[list[str]] = []
        expected = 1
        for row in ws.iter_rows(min_row=1, values_only=False):
            # Read-only sheets may skip empty rows; pad so list index = sheet row - 1.
            number = next((c.row for c in row if getattr(c, "row", None)), expected)
            rows.extend([] for _ in range(number - expected))
            rows.append([_cell_text(c.value) for c in row])
            expected = number + 1
        return rows
    finally:
        book.close()


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _csv_rows(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(islice(reader, limit)) if limit else list(reader)


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


def _read_grid(path: Path, data: bytes, sheet: Any, required: list[list[str]]) -> tuple[list[list[str]], int, str | None]:
    """All rows of the file as text cells, the header's index and the encoding used."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".xlsx"] or suffixes[-1:] == [".xlsm"]:
        rows = _xlsx_rows(path, sheet)
        index, _ = _find_header(rows, required)
        return rows, index, None
    if suffixes[-1:] == [".xls"]:
        raise InputError(path, "old .xls workbooks are not read", fix="save the sheet as .xlsx or .csv")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(path, "damaged gzip file", fix="compress the export again or use the plain .csv") from exc
    text, encoding = _decode(data)
    if not text.strip():
        return [], -1, encoding
    # The delimiter is the one under which a header row shows up (decimal commas
    # in data rows make counting characters unreliable).
    best = (-1, -1, CSV_DELIMITERS[0])
    for delimiter in CSV_DELIMITERS:
        index, score = _find_header(_csv_rows(text, delimiter, HEADER_SEARCH_ROWS), required)
        if index >= 0 and (best[0] < 0 or score > best[1] or (score == best[1] and index < best[0])):
            best = (index, score, delimiter)
    index, _, delimiter = best
    try:
        rows = _csv_rows(text, delimiter)
    except csv.Error as exc:
        raise InputError(path, f"not a readable csv file ({exc})", fix="export the table again as csv") from exc
    return rows, index, encoding


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
    rows, header_index, encoding = _read_grid(path, data, spec.get("sheet"), list(required.values()))
    if not any(any(c.strip() for c in r) for r in rows):
        raise InputError(name, "the file is empty", fix=f"export the {table} table again")
    if header_index < 0:
        first = next(i for i, r in enumerate(rows) if any(c.strip() for c in r))
        # Only cells that look like headers are quoted: the row may be data, with a name or phone in it.
        cells = [c.strip() for c in rows[first] if c.strip()]
        found = ", ".join(f"'{c}'" for c in cells if _HEADER_LIKE.fullmatch(c)) or "no header-like cells"
        expected = ", ".join(f"'{s[0]}'" for s in required.values())
        raise InputError(
            name, f"no header row in the first {HEADER_SEARCH_ROWS} rows; expected {expected}; "
            f"row {first + 1} has {len(cells)} cells: {found}",
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

    body = rows[header_index + 1:]
    # Blank rows at the end of a sheet or file are formatting, not data.
    while body and not any(c.strip() for c in body[-1]):
        body.pop()
    if not body:
        raise InputError(name, "the file has a header row but no data rows", row=header_row,
                         fix=f"export the {table} table again with its rows")

    width = len(header)
    frame = pd.DataFrame(
        {column: pd.Series([r[i] if i < len(r) else "" for r in body], dtype="string") for column, i in positions.items()}
    )
    for column in missing:
        frame[column] = pd.Series(pd.NA, index=range(len(body)), dtype="string")
    frame = frame[[c for c in columns if c in frame.columns]]
    frame["source_row"] = pd.array(range(header_row + 1, header_row + 1 + len(body)), dtype="Int64")
    problems = [
        "baris kosong" if not any(c.strip() for c in r)
        else f"baris berisi {len(r)} kolom, header {width} kolom (pemisah di dalam teks?)"
        if len(r) > width and any(c.strip() for c in r[width:]) else None
        for r in body
    ]
    frame["load_problem"] = pd.Series(problems, dtype="string")
    return RawTable(
        frame=frame, file=name, sha256=hashlib.sha256(data).hexdigest(), header_row=header_row,
        headers=headers, missing=missing, encoding=encoding,
    )


def _missing_column_flags(raw: RawTable, table: str) -> pd.DataFrame:
    rows = [
        {"table": table, "source_file": raw.file, "source_row": pd.NA, "ticket_id": pd.NA,
         "column": raw.headers[c], "reason": "kolom tidak ada di file; nilainya dianggap kosong"}
        for c in raw.missing
    ]
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out[columns]
    return out.astype({c: "Int64" if c == "source_row" else "string" for c in columns})


def load_export(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    mapping: Mapping[str, Any] | str | Path | None = None,
    rules: Rules | str | Path | None = None,
    channels: Mapping[str, Any] | str | Path | None = None,
) -> Export:
    """Read, map and clean an export's tickets (and coordinations) into an :class:`Export`.

    Dates outside the rules' plausible window are excluded or emptied, so the
    result depends on the files and settings alone, never on today's date.
    """
    mapping_data = load_mapping(mapping)
    rules_obj = rules if isinstance(rules, Rules) else load_rules(rules)
    channel_data = load_channels(channels)

    raw_t = read_table(tickets_path, "tickets", mapping_data)
    tickets, excl_t, flags_t = clean_tickets(
        raw_t.frame, source_file=raw_t.file, headers=raw_t.headers, mapping=mapping_data,
        channels=channel_data, rules=rules_obj, missing=raw_t.missing,
    )
    sources = [{"table": "tickets", "file": raw_t.file, "sha256": raw_t.sha256, "rows_read": len(raw_t.frame),
                "header_row": raw_t.header_row, "encoding": raw_t.encoding}]
    accounts = [accounting_frame("tickets", raw_t.file, len(raw_t.frame), tickets, excl_t, flags_t)]
    exclusions, flags = [excl_t], [_missing_column_flags(raw_t, "tickets"), flags_t]

    if coordinations_path is not None:
        raw_c = read_table(coordinations_path, "coordinations", mapping_data)
        coordinations, excl_c, flags_c = clean_coordinations(
            raw_c.frame, source_file=raw_c.file, headers=raw_c.headers, mapping=mapping_data,
            rules=rules_obj, missing=raw_c.missing,
        )
        sources.append({"table": "coordinations", "file": raw_c.file, "sha256": raw_c.sha256,
                        "rows_read": len(raw_c.frame), "header_row": raw_c.header_row, "encoding": raw_c.encoding})
        accounts.append(accounting_frame("coordinations", raw_c.file, len(raw_c.frame), coordinations, excl_c, flags_c))
        exclusions.append(excl_c)
        flags.extend([_missing_column_flags(raw_c, "coordinations"), flags_c])
    else:
        coordinations = empty_coordinations()

    source_frame = pd.DataFrame(sources, columns=SOURCE_COLUMNS).astype(
        {"table": "string", "file": "string", "sha256": "string", "rows_read": "Int64", "header_row": "Int64",
         "encoding": "string"}
    )
    return Export(
        tickets=tickets,
        coordinations=coordinations,
        exclusions=_concat(exclusions, EXCLUSION_COLUMNS),
        flags=_concat(flags, FLAG_COLUMNS),
        accounting=pd.concat(accounts, ignore_index=True),
        sources=source_frame,
    )
