"""The figure book: every number quoted in the report, recorded by name.

Each section notebook records its figures into a JSON file of its own; the
build merges them into ``figures.json``, which ``make verify`` compares.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlib.report.spreadsheet import csv_bytes

FLOAT_DIGITS = 6


def to_plain(value: Any) -> Any:
    """Turn a figure into plain JSON data: floats rounded, timestamps ISO, frames as row lists.

    >>> to_plain(np.float64(2) / 3)
    0.666667
    >>> to_plain(pd.DataFrame({"unit": ["Setu"], "count": [19]}))
    [{'unit': 'Setu', 'count': 19}]
    """
    if isinstance(value, pd.DataFrame):
        return [{str(k): to_plain(v) for k, v in row.items()} for row in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # NaN and the open end of a histogram bin (inf) are not JSON numbers.
        return None if not math.isfinite(value) else round(float(value), FLOAT_DIGITS)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


class FigureBook:
    """Collects named figures of one section and writes them to a JSON file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.figures: dict[str, Any] = {}

    def record(self, name: str, value: Any) -> Any:
        """Record a figure under a unique name and return the value unchanged."""
        plain = to_plain(value)
        if name in self.figures and self.figures[name] != plain:
            raise ValueError(f"figure {name!r} recorded twice with different values")
        self.figures[name] = plain
        if self.path is not None:
            self.path.write_text(dumps(self.figures), encoding="utf-8")
        return value

    def record_list(self, name: str, rows: pd.DataFrame, shown: pd.DataFrame, file: str) -> pd.DataFrame:
        """Record a list too long to print whole: the rows ``shown`` under ``name``, and every row written to
        ``file`` beside the figures file (the build moves it beside the report), with its name, length and SHA-256
        under ``{name}_file`` (:func:`list_file_entry`).

        A report prints ``shown`` and says how many more rows the file holds; ``make verify`` checks the file
        against its SHA-256. Returns ``shown`` with its rows numbered from 0, as recorded.
        """
        content = csv_bytes(rows)
        if self.path is not None:
            (self.path.parent / file).write_bytes(content)
        self.record(f"{name}_file", list_file_entry(file, len(rows), content))
        return self.record(name, shown.reset_index(drop=True))


def list_file_entry(file: str, rows: int, content: bytes) -> dict[str, Any]:
    """What figures.json records of a list file: its name, how many rows it holds, and its SHA-256.

    >>> list_file_entry("anomali.csv", 0, b"unit")["sha256"][:12]
    '385cfdbc00ec'
    """
    return {"file": file, "rows": rows, "sha256": hashlib.sha256(content).hexdigest()}


def list_files(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The list files a report's figures record (:meth:`FigureBook.record_list`), each with its ``figure``."""
    return [{"figure": name[:-len("_file")], **value} for name, value in sorted(figures.items())
            if name.endswith("_file") and isinstance(value, dict) and {"file", "rows", "sha256"} <= set(value)]


def dumps(figures: dict[str, Any]) -> str:
    """Serialise figures the same way every time (sorted keys, fixed indent)."""
    return json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge the figures of several sections; a name must carry one value."""
    merged: dict[str, Any] = {}
    for part in parts:
        for name, value in part.items():
            if name in merged and merged[name] != value:
                raise ValueError(f"figure {name!r} differs between sections")
            merged[name] = value
    return merged


def compare(recorded: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Names of figures that differ, are missing, or are new, in sorted order.

    >>> compare({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 0})
    ['b', 'c']
    """
    names = sorted(set(recorded) | set(fresh))
    return [n for n in names if recorded.get(n, _MISSING) != fresh.get(n, _MISSING)]


_MISSING = object()
