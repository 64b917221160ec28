"""The figure book: every number quoted in the report, recorded by name.

Each section notebook records its figures into a JSON file of its own; the
build merges them into ``figures.json``, which ``make verify`` compares.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
