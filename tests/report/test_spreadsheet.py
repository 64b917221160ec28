"""Tests for crmlib.report.spreadsheet: text from data never becomes a formula."""

import pandas as pd

from crmlib.report.spreadsheet import safe_frame


def test_formula_openings_are_neutralised_and_numbers_kept():
    frame = pd.DataFrame({"unit": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tcmd", "Setu", None],
                          "observed": [1.0, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0]})
    safe = safe_frame(frame)
    assert safe["unit"].tolist()[:6] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tcmd", "Setu"]
    assert pd.isna(safe["unit"].iloc[6])
    assert safe["observed"].tolist() == frame["observed"].tolist()  # a negative number is a number, not text
