"""The report's part on when complaints arrive: its table, its sentences and its heatmap, each printed number marked."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest
import yaml
from matplotlib import pyplot as plt

from crmlib.errors import SettingsError
from crmlib.ingest.settings import load_settings
from crmlib.metrics import arrivals
from crmlib.pipeline.audit.printed import agrees, printed_figures, resolve, unmarked_numbers
from crmlib.pipeline.context.figure_book import to_plain
from crmlib.report import charts, narrative, tables
from crmlib.report.layout import check_layout

FIGURE = "response_by_arrival_table"


def table(rows: list[tuple[int, int, int, int, int, int]]) -> pd.DataFrame:
    """A response_by_arrival_table from (workday, weekend, holiday) complaints and within of each of the five
    shipped periods."""
    names = [("dini hari", 0, 6), ("pagi", 6, 11), ("siang", 11, 15), ("sore", 15, 18), ("malam", 18, 24)]
    long = pd.DataFrame([
        {"period": name, "hours": f"{start:02d}.00-{end:02d}.00", "day_type": day_type, "complaints": n, "within": w,
         "share": 100 * w / n if n else math.nan}
        for (name, start, end), row in zip(names, rows, strict=True)
        for day_type, n, w in zip(arrivals.DAY_TYPES, row[0::2], row[1::2], strict=True)])
    return arrivals.response_by_arrival_table(long)


# Seed-like numbers: the afternoon (sore) is the lowest; no complaint on a holiday.
ROWS = [(10, 9, 4, 4, 0, 0), (20, 15, 5, 3, 0, 0), (10, 8, 2, 2, 0, 0), (10, 5, 4, 2, 0, 0), (8, 7, 2, 1, 0, 0)]


def figures(frame: pd.DataFrame) -> dict:
    return {FIGURE: to_plain(frame), "response_max_hours": 6.0}


def test_the_summary_names_the_lowest_period_and_compares_kinds_of_day_each_number_marked():
    frame = table(ROWS)
    lowest = arrivals.lowest_period(frame)
    assert lowest == 3  # sore: 7 of 14 = 50%
    text = narrative.arrival_summary(frame, lowest, 6, True)
    plain = re.sub(r"<[^>]+>", "", text)
    assert plain == ("Persentase aduan yang direspon dalam 6 jam paling rendah pada aduan yang masuk pada periode sore "
                     "(pukul 15.00-18.00), yaitu 50,00% dari 14 aduan. Menurut jenis hari, persentase aduan yang direspon "
                     "dalam 6 jam adalah 75,86% pada hari kerja (58 aduan), 70,59% pada akhir pekan (17 aduan) dan "
                     "tidak ada aduan yang masuk pada hari libur nasional.")
    assert unmarked_numbers(f"<p>{text}</p>") == []
    marks = printed_figures(text)
    assert {m.figure for m in marks} >= {f"{FIGURE}.3.all_share", f"{FIGURE}.3.hours", f"{FIGURE}.5.workday_share",
                                         f"{FIGURE}.5.weekend_complaints", "response_max_hours"}
    assert all(agrees(resolve(figures(frame), m.figure), m) for m in marks)


def test_the_exclusive_rule_is_worded_as_such():
    text = re.sub(r"<[^>]+>", "", narrative.arrival_summary(table(ROWS), 3, 6, False))
    assert "direspon kurang dari 6 jam paling rendah" in text


def test_the_table_marks_every_cell_with_its_place_in_the_figure():
    frame = table(ROWS)
    caption, shown = tables.arrival_table(frame, 6, True, "Juni 2022", figure=FIGURE)
    html = caption.data + shown.data
    assert unmarked_numbers(html) == []
    marks = printed_figures(html)
    assert all(agrees(resolve(figures(frame), m.figure), m) for m in marks)
    assert f'data-figure="{FIGURE}.5.all_complaints">75<' in html
    assert f'data-figure="{FIGURE}.3.hours">15.00-18.00<' in html
    assert '<td class="num">–</td>' in html  # no share without complaints
    assert '<tr class="total"><td>Semua periode</td>' in html
    assert shown.values["headers"][:4] == ["Periode", "Jam masuk (WIB)", "Hari kerja: aduan", "Hari kerja: dalam 6 jam"]
    assert len(shown.values["rows"]) == 6


def test_the_note_names_the_months_holidays_and_says_the_periods_are_assumed():
    note = re.sub(r"<[^>]+>", "", narrative.arrival_note({dt.date(2022, 7, 10): "Hari Raya Idul Adha",
                                                          dt.date(2022, 7, 30): "Tahun Baru Islam"}, True))
    assert note.startswith("Hari libur nasional bulan ini: Hari Raya Idul Adha (10 Juli 2022) dan Tahun Baru Islam "
                           "(30 Juli 2022); hari libur nasional yang jatuh pada akhir pekan dihitung sebagai hari libur")
    assert "bukan ketentuan resmi" in note and "params/rules/crm.yaml" in note
    assert re.sub(r"<[^>]+>", "", narrative.arrival_note({}, False)).startswith(
        "Tidak ada hari libur nasional pada bulan ini;")
    assert unmarked_numbers(f"<p>{narrative.arrival_note({dt.date(2022, 7, 10): 'Idul Adha'}, True)}</p>") == []


def test_no_complaint_no_lowest_period():
    assert narrative.arrival_summary(table([(0,) * 6] * 5), None, 6, True).startswith("Belum ada aduan yang masuk")


def test_the_heatmap_has_the_days_in_indonesian_the_24_hours_and_counts_while_they_fit():
    counts = arrivals.arrival_counts(pd.DataFrame({"created_at": pd.to_datetime(
        ["2022-06-06 00:30", "2022-06-06 00:40", "2022-06-12 23:10"]).tz_localize("Asia/Jakarta")}))
    fig = charts.arrival_heatmap(counts, "Aduan masuk menurut hari dan jam, Juni 2022")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(arrivals.DAYS)
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(h) for h in range(24)]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2"]  # only the cells with complaints
    assert ax.get_xlabel() == "Jam masuk (WIB)"
    html = charts.to_html(fig, "Peta panas").data
    assert html.startswith("<figure><img") and not plt.fignum_exists(fig.number)
    many = charts.arrival_heatmap(counts * 1000, "x")
    assert len(many.axes[0].texts) == 0  # four digits do not fit a cell: the colours alone
    plt.close(many)


@pytest.mark.parametrize("name", ["bulanan_crm", "monev_pengaduan"])
def test_both_shipped_layouts_show_the_part_on_arrivals_after_the_responses(name):
    part = load_settings().layouts[name].section("07_waktu")
    assert part.heading("arrival") == "### Waktu Masuk Aduan"
    assert part.options.get("arrival", True) is True
    assert list(part.headings).index("arrival") == list(part.headings).index("response") + 1


def test_a_layout_may_leave_the_part_out():
    checked = check_layout(yaml.safe_load("title: X\nsections:\n  - notebook: 07_waktu\n    options: {arrival: false}\n"),
                           "uji", {"07_waktu"}, "layouts/uji.yaml")
    assert checked.section("07_waktu").options["arrival"] is False
    with pytest.raises(SettingsError, match="'07_waktu.options.arrival'"):
        check_layout(yaml.safe_load("title: X\nsections:\n  - notebook: 07_waktu\n    options: {arrival: 1}\n"),
                     "uji", {"07_waktu"}, "layouts/uji.yaml")
