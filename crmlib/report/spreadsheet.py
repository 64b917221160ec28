"""Cells for CSV and XLSX files the package writes: text from data never becomes a formula."""

from __future__ import annotations

from typing import Any

import pandas as pd

# A cell opening with one of these is a formula to a spreadsheet (tab and CR too, in some).
FORMULA_OPENINGS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, prefixed with an apostrophe; anything else unchanged.

    >>> safe_text("=HYPERLINK(\\"x\\")"), safe_text("-6,2"), safe_text("Setu"), safe_text(3)
    ('\\'=HYPERLINK("x")', "'-6,2", 'Setu', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_OPENINGS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe by :func:`safe_text`; numbers stay numbers."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object:
            out[column] = out[column].map(safe_text, na_action="ignore")
    return out
