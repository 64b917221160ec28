"""Cells for CSV and XLSX files the package writes: text from data never becomes a formula."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmlib.schema import TZ

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


def sheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a sheet or a table shows it: text made safe (:func:`safe_frame`), times as Jakarta wall time
    without a zone (spreadsheets hold none).

    >>> t = pd.DataFrame({"at": pd.to_datetime(["2022-06-01 01:00"]).tz_localize("UTC"), "unit": ["=x"]})
    >>> sheet_frame(t).values.tolist()
    [[Timestamp('2022-06-01 08:00:00'), "'=x"]]
    """
    out = safe_frame(frame)
    for column in out.select_dtypes(include=["datetimetz"]).columns:
        out[column] = out[column].dt.tz_convert(TZ).dt.tz_localize(None)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as the CSV files of a report hold it: UTF-8, comma, a header of the frame's column names, cells
    as :func:`sheet_frame` makes them.

    >>> csv_bytes(pd.DataFrame({"unit": ["=x", "Setu"], "n": [1, pd.NA]}).astype({"n": "Int64"}))
    b"unit,n\\n'=x,1\\nSetu,\\n"
    """
    return sheet_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
