"""Sentences of the report with computed numbers, in Bahasa Indonesia.

Each function takes figures already computed by :mod:`crmlib.metrics` and
returns an escaped HTML fragment; the wording follows the seed reports.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd
from IPython.display import HTML

from crmlib import fmt
from crmlib.show import text


def join_names(names: list[str]) -> str:
    """'A', 'A dan B', 'A, B dan C'.

    >>> join_names(["Pondok Kopi", "Setu", "Gedong"])
    'Pondok Kopi, Setu dan Gedong'
    """
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " dan " + names[-1]


def capaian_text(value: float) -> str:
    """Capaian with up to three decimals, trailing zeros dropped.

    >>> capaian_text(99.948), capaian_text(100.0)
    ('99,948', '100')
    """
    shown = fmt.number(value, 3)
    return shown.rstrip("0").rstrip(",") if "," in shown else shown


def _sentence(template: str, **values: Any) -> str:
    """Fill a template with bold, escaped values."""
    return escape(template).format(**{k: f"<strong>{text(v)}</strong>" for k, v in values.items()})


def response_summary(total: int, capaian: float, split: dict[str, float], month_label: str,
                     sla_hours: float, channels: int) -> str:
    """'... jumlah pengaduan sebanyak 508 pengaduan dengan nilai capaian 99,961% ...'."""
    return _sentence(
        "Jumlah pengaduan pada bulan {bulan} sebanyak {total} pengaduan dengan nilai capaian {capaian} "
        "dari {kanal} kanal pengaduan dalam aplikasi CRM. Dari {total} aduan, terdapat {within} aduan "
        "({within_pct}) yang direspon dalam {sla} jam dan {later} aduan ({later_pct}) yang direspon "
        "lebih dari {sla} jam.",
        bulan=month_label, total=fmt.integer(total), capaian=capaian_text(capaian) + "%", kanal=channels,
        within=fmt.integer(split["within"]), within_pct=fmt.percent(split["within_pct"]),
        later=fmt.integer(split["later"]), later_pct=fmt.percent(split["later_pct"]),
        sla=fmt.number(sla_hours, 0),
    ) + (_sentence(" {n} aduan belum direspon.", n=fmt.integer(split["not_responded"]))
         if split["not_responded"] else "")


def top_share(kind: str, name: str, count: int, total: int, month_label: str) -> str:
    """'... {kind} dengan jumlah aduan tertinggi adalah X dengan 25 aduan (4,92%) dari 508 ...'."""
    return _sentence(
        f"{kind} dengan jumlah aduan tertinggi adalah {{name}} dengan {{count}} aduan ({{pct}}) "
        "dari {total} total pengaduan selama bulan {bulan}.",
        name=name, count=fmt.integer(count), pct=fmt.percent(100 * count / total),
        total=fmt.integer(total), bulan=month_label,
    )


def completion_summary(stats: dict[str, float], histogram: pd.DataFrame) -> str:
    """Mean, median and p90 completion time, and the share finished in the first bin."""
    first = histogram.iloc[0]
    return _sentence(
        "Rata-rata waktu yang dibutuhkan untuk menyelesaikan 1 aduan adalah {mean} jam (median {median} jam, "
        "persentil ke-90 {p90} jam). Dari {n} aduan yang selesai, sebanyak {first} aduan atau {share} "
        "diselesaikan dalam rentang waktu {label} jam.",
        mean=fmt.number(stats["mean"], 1), median=fmt.number(stats["median"], 1), p90=fmt.number(stats["p90"], 1),
        n=fmt.integer(stats["count"]), first=fmt.integer(first["count"]), share=fmt.percent(first["share"]),
        label=first["label"],
    )


def rejected_summary(rejected: pd.DataFrame, min_count: int, month_label: str) -> str:
    """Which units had follow-ups rejected min_count times or more, or that none had."""
    if rejected.empty:
        return _sentence("Pada bulan {bulan} tidak ada tindak lanjut yang ditolak {k} kali atau lebih.",
                         bulan=month_label, k=min_count)
    units = join_names(list(dict.fromkeys(rejected["unit"].astype(str))))
    return _sentence(
        "Tindak lanjut pengaduan bulan {bulan} yang ditolak {k} kali atau lebih dan menjadi bahan laporan "
        "Biro Pemerintahan ke Inspektorat Provinsi DKI Jakarta ada pada {units} ({n} laporan).",
        bulan=month_label, k=min_count, units=units, n=fmt.integer(len(rejected)),
    )


def late_summary(late: pd.DataFrame, total: int) -> str:
    """How many follow-ups were late and where, or that all were on time."""
    if late.empty:
        return _sentence("Dari {total} aduan, {pct} aduan diselesaikan tepat waktu.",
                         total=fmt.integer(total), pct=fmt.percent(100, 0))
    units = join_names(list(dict.fromkeys(late["unit"].astype(str))))
    return _sentence(
        "Terdapat {n} aduan yang waktu tindak lanjutnya melebihi waktu maksimal, yaitu pada {units}, "
        "sehingga nilai tindak lanjutnya di bawah 100.",
        n=fmt.integer(len(late)), units=units,
    )


def capaian_summary(city_label: str, month_label: str, capaian: float, grade: str) -> str:
    """'Capaian Walikota ... pada Bulan Juli 2022 adalah 100 dengan capaian Peringkat A.'"""
    return _sentence(
        "Capaian {kota} secara kumulatif pada bulan {bulan} adalah {capaian} dengan Peringkat {grade}.",
        kota=city_label, bulan=month_label, capaian=capaian_text(capaian), grade=grade,
    )


def items(sentences: list[str]) -> HTML:
    """Numbered conclusions."""
    return HTML("<ol>" + "".join(f"<li>{s}</li>" for s in sentences) + "</ol>")
