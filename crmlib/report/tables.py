"""The report's recurring tables: counts with shares, a table or NIHIL, the four timing tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from crmlib import formatting as fmt
from crmlib.report.html_blocks import Formatter, caption, nihil, paragraph, table
from crmlib.report.narrative import response_phrases, within_template

COUNT_SHARE_FORMATS: dict[str, Formatter] = {"count": fmt.integer, "share": fmt.percent}


def numbered(frame: pd.DataFrame, column: str = "no") -> pd.DataFrame:
    """The frame with a row number column counting from 1, first (a list file's first column too).

    >>> numbered(pd.DataFrame({"unit": ["Setu", "Cipayung"]})).values.tolist()
    [[1, 'Setu'], [2, 'Cipayung']]
    """
    out = frame.copy()
    out.insert(0, column, range(1, len(frame) + 1))
    return out


def count_share_table(frame: pd.DataFrame, columns: Mapping[str, str],
                      formats: Mapping[str, Formatter] | None = None, *, figure: str | None = None) -> HTML:
    """A table whose ``count`` column prints as a whole number and ``share`` as a percent.

    >>> count_share_table(pd.DataFrame({"label": ["JAKI"], "count": [1234], "share": [76.375]}),
    ...                   {"label": "Kanal", "count": "Jumlah", "share": "Persentase"}).data.count("<td")
    3
    """
    return table(frame, columns, {**COUNT_SHARE_FORMATS, **(formats or {})}, figure=figure)


def office_labels(pivot: pd.DataFrame) -> pd.DataFrame:
    """The status pivot for display: a kecamatan row counts the kecamatan office's own complaints, so it reads
    'Kantor Kecamatan Gambir', not the bare name that a kelurahan below it may share.

    >>> pivot = pd.DataFrame({"row_type": ["kecamatan", "kelurahan"], "label": ["Gambir", "Gambir"]})
    >>> office_labels(pivot)["label"].tolist()
    ['Kantor Kecamatan Gambir', 'Gambir']
    """
    shown = pivot.copy()
    office = shown["row_type"] == "kecamatan"
    shown.loc[office, "label"] = "Kantor Kecamatan " + shown.loc[office, "label"].astype(str)
    return shown


def table_or_nihil(frame: pd.DataFrame, columns: Mapping[str, str],
                   formats: Mapping[str, Formatter] | None = None, *, figure: str | None = None,
                   sources: Mapping[str, tuple[str | None, float | None]] | None = None,
                   figure_rows: Sequence[int | str] | None = None, file: str | None = None) -> HTML:
    """The table, or the word NIHIL when it has no rows, as the reports print an empty list.

    >>> table_or_nihil(pd.DataFrame({"unit": []}), {"unit": "Unit"}).data
    '<p class="nihil">NIHIL</p>'
    """
    return nihil() if frame.empty else table(frame, columns, formats, figure=figure, sources=sources,
                                             figure_rows=figure_rows, file=file)


# A list of tickets or rows prints this many; the rest are in the workbook and the list's CSV file.
LIST_ROWS_SHOWN = 200


def first_of_each(frame: pd.DataFrame, by: str, limit: int) -> pd.DataFrame:
    """The first ``limit`` rows of each value of column ``by``, in the frame's order.

    >>> first_of_each(pd.DataFrame({"kind": ["a", "a", "a", "b"], "n": [1, 2, 3, 4]}), "kind", 2)["n"].tolist()
    [1, 2, 4]
    """
    return frame[frame.groupby(by, sort=False).cumcount() < limit]


def taken_in_turn(frame: pd.DataFrame, by: str, limit: int) -> pd.DataFrame:
    """At most ``limit`` rows, taken from each value of column ``by`` in turn (its first row of each, then its
    second...), so that no value crowds out the others; in the frame's order.

    >>> taken_in_turn(pd.DataFrame({"kind": ["a", "a", "a", "b"], "n": [1, 2, 3, 4]}), "kind", 3)["n"].tolist()
    [1, 2, 4]
    """
    turn = frame.groupby(by, sort=False).cumcount()
    chosen = turn.sort_values(kind="stable").index[:limit]
    return frame[frame.index.isin(chosen)]


def list_table(shown: pd.DataFrame, total: int, columns: Mapping[str, str],
               formats: Mapping[str, Formatter] | None = None, *, figure: str, file: str) -> list[HTML]:
    """A long list as printed: its ``shown`` rows as a table (or NIHIL), and when ``total`` is more, a sentence
    saying how many are shown and that all are in the workbook and in ``file``.

    ``figure`` is the list's name in figures.json, recorded with
    :meth:`crmlib.pipeline.context.figure_book.FigureBook.record_list` (which writes ``file``).

    >>> shown = pd.DataFrame({"ticket_id": ["JK1", "JK2"]})
    >>> [h.data[:40] for h in list_table(shown, 2, {"ticket_id": "No Laporan"}, figure="late", file="late.csv")]
    ['<table class="report"><thead><tr><th>No ']
    >>> import re; print(re.sub(r' data-figure="[^"]*"', "", list_table(shown, 1234, {"ticket_id": "No"},
    ...                          figure="late", file="late.csv")[1].data))  # doctest: +NORMALIZE_WHITESPACE
    <p>Ditampilkan <strong>2</strong> dari <strong>1.234</strong> baris; seluruhnya ada di report.xlsx dan
    <strong>late.csv</strong>.</p>
    """
    printed = [table_or_nihil(shown, columns, formats, figure=figure, file=file)]
    if total > len(shown):
        printed.append(paragraph("Ditampilkan {shown} dari {n} baris; seluruhnya ada di report.xlsx dan {file}.",
                                 shown=fmt.integer(len(shown)), n=fmt.integer(total), file=file,
                                 figures={"shown": f"{figure}.#", "n": f"{figure}_file.rows",
                                          "file": f"{figure}_file.file"}))
    return printed


def _minutes(stats: pd.DataFrame) -> pd.DataFrame:
    return stats.assign(minutes=stats["mean_hours"] * 60, median_minutes=stats["median_hours"] * 60,
                        p90_minutes=stats["p90_hours"] * 60)


def timing_tables(fastest: pd.DataFrame, slowest: pd.DataFrame, *, what: str, count_header: str,
                  month_label: str, slowest_decimals: int = 2, figure: str | None = None) -> list[Any]:
    """Captions and tables of the fastest kelurahan (in minutes) and the slowest (in hours).

    ``what`` names the duration ('koordinasi', 'penyelesaian'). Each table shows
    the mean, the median and the 90th percentile, as the seed reports do for the mean.
    Without any such duration in the month, one sentence says so. ``figure`` is the figures' common
    prefix ('completion' for completion_fastest and completion_slowest).
    """
    base = {"no": "No", "unit": "Nama Kelurahan", "count": count_header}
    in_minutes = {"minutes": "Rerata (Menit)", "median_minutes": "Median (Menit)", "p90_minutes": "P90 (Menit)"}
    in_hours = {"mean_hours": "Rerata (Jam)", "median_hours": "Median (Jam)", "p90_hours": "P90 (Jam)"}
    hours_format = fmt.number_with(slowest_decimals)
    if fastest.empty and slowest.empty:
        return [paragraph("Belum ada data waktu {what} kelurahan pada bulan {bulan}.", what=what, bulan=month_label)]
    fastest_figure, slowest_figure = (f"{figure}_fastest", f"{figure}_slowest") if figure else (None, None)
    return [
        caption(f"{{n}} kelurahan dengan rata-rata waktu {what} tercepat bulan {month_label}",
                n=fmt.count_words(len(fastest)), figures={"n": f"{fastest_figure}.#"} if figure else None),
        table(_minutes(fastest), {**base, **in_minutes},
              {"count": fmt.integer, **{column: fmt.number for column in in_minutes}}, figure=fastest_figure,
              sources={"minutes": ("mean_hours", 60), "median_minutes": ("median_hours", 60),
                       "p90_minutes": ("p90_hours", 60)}),
        caption(f"{{n}} kelurahan dengan rata-rata waktu {what} terlama bulan {month_label}",
                n=fmt.count_words(len(slowest)), figures={"n": f"{slowest_figure}.#"} if figure else None),
        table(slowest, {**base, **in_hours}, {"count": fmt.integer, **{column: hours_format for column in in_hours}},
              figure=slowest_figure),
    ]


def response_groups(split: dict[str, float], sla_hours: float, inclusive: bool) -> pd.DataFrame:
    """The response table's rows: responded within the rule, later, not responded; count and share of all (0-100).

    >>> split = {"total": 4, "within": 2, "later": 1, "not_responded": 1}
    >>> response_groups(split, 6, True).values.tolist()
    [['Direspon dalam 6 jam', 2, 50.0], ['Direspon lebih dari 6 jam', 1, 25.0], ['Belum direspon', 1, 25.0]]
    """
    within, later = response_phrases(sla_hours, inclusive)
    counts = [split["within"], split["later"], split["not_responded"]]
    return pd.DataFrame({"label": [f"Direspon {within}", f"Direspon {later}", "Belum direspon"], "count": counts,
                         "share": [100 * n / split["total"] if split["total"] else float("nan") for n in counts]})


# The kinds of day of crmlib.metrics.arrivals.response_by_arrival_table, as its column prefixes, and their headers.
ARRIVAL_DAY_HEADERS = {"workday": "Hari kerja", "weekend": "Akhir pekan", "holiday": "Hari libur", "all": "Semua hari"}


def arrival_table(arrival: pd.DataFrame, sla_hours: float, inclusive: bool, month_label: str, *,
                  figure: str | None = None) -> list[HTML]:
    """A caption and the table of the share responded within the rule by arrival period (rows, the last one every
    period) and kind of day: for each kind of day its complaints and the percent of them responded within the rule.

    ``arrival`` comes from :func:`crmlib.metrics.arrivals.response_by_arrival_table`; ``figure`` is its name in
    figures.json (the caption's hours print ``response_max_hours``).
    """
    within, _ = response_phrases(sla_hours, inclusive)
    columns = {"period": "Periode", "hours": "Jam masuk (WIB)"}
    formats: dict[str, Formatter] = {"period": str.capitalize}
    for key, header in ARRIVAL_DAY_HEADERS.items():
        columns |= {f"{key}_complaints": f"{header}: aduan", f"{key}_share": f"{header}: {within}"}
        formats |= {f"{key}_complaints": fmt.integer, f"{key}_share": fmt.percent}
    shown = arrival.assign(row_type=["" for _ in range(len(arrival) - 1)] + ["total"])
    return [caption(f"Aduan yang direspon {within_template(inclusive)} menurut waktu masuk dan jenis hari, "
                    "{bulan}", sla=fmt.number(sla_hours, 0), bulan=month_label,
                    figures={"sla": "response_max_hours"} if figure else None),
            table(shown, columns, formats, figure=figure, row_class="row_type")]
