"""Tests for crmlib.report.tables: the recurring tables, on small frames."""

import pandas as pd

from crmlib.report import tables


def test_count_share_table_formats_counts_and_shares():
    frame = pd.DataFrame({"label": ["JAKI", "<b>Qlue</b>"], "count": [1234, 1], "share": [99.919, 0.081]})
    html = tables.count_share_table(frame, {"label": "Kanal", "count": "Jumlah", "share": "Persentase"}).data
    assert '<td class="num">1.234</td><td class="num">99,92%</td>' in html
    assert "&lt;b&gt;Qlue&lt;/b&gt;" in html


def test_table_or_nihil():
    empty = pd.DataFrame({"unit": pd.Series([], dtype="string")})
    assert tables.table_or_nihil(empty, {"unit": "Unit"}).data == '<p class="nihil">NIHIL</p>'
    assert "<td>Setu</td>" in tables.table_or_nihil(pd.DataFrame({"unit": ["Setu"]}), {"unit": "Unit"}).data


def test_timing_tables_show_minutes_for_the_fastest_and_hours_for_the_slowest():
    # Seed 002: Cipayung coordinated 24 tickets in 10,63 minutes on average; Munjul took 9,778 hours.
    fast = pd.DataFrame({"no": [1], "unit": ["Cipayung"], "count": [24], "mean_hours": [10.625 / 60],
                         "median_hours": [0.1], "p90_hours": [0.25]})
    slow = pd.DataFrame({"no": [1], "unit": ["Munjul"], "count": [10], "mean_hours": [9.7775],
                         "median_hours": [9.5], "p90_hours": [12.0]})
    parts = tables.timing_tables(fast, slow, what="koordinasi", count_header="Jumlah Laporan Koordinasi",
                                 month_label="Juni 2022", slowest_decimals=3)
    html = [part.data for part in parts]
    assert html[0] == '<p class="caption">1 (satu) kelurahan dengan rata-rata waktu koordinasi tercepat bulan Juni 2022</p>'
    assert '<td class="num">24</td><td class="num">10,63</td><td class="num">6,00</td><td class="num">15,00</td>' in html[1]
    assert "terlama bulan Juni 2022" in html[2]
    assert ('<td class="num">10</td><td class="num">9,778</td><td class="num">9,500</td>'
            '<td class="num">12,000</td>') in html[3]
    assert "<th>Median (Menit)</th>" in html[1] and "<th>P90 (Jam)</th>" in html[3]
