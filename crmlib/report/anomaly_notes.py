"""The words of the anomaly section: each flag kind in Indonesian, how many units the tests covered, the funnel."""

from __future__ import annotations

import pandas as pd

from crmlib import formatting as fmt
from crmlib.report.narrative import RULES_FILE, bold_names, sentence

__all__ = ["KIND_LABELS", "RULES_FILE", "TICKET_FLAGS_SHOWN", "counts_table", "coverage_summary", "funnel_summary",
           "hours_text", "labelled", "slowest_medians"]

# The report lists this many ticket flags; the annex lists them all.
TICKET_FLAGS_SHOWN = 20

KIND_LABELS = {
    "volume_spike": "Lonjakan jumlah aduan",
    "volume_drop": "Penurunan jumlah aduan",
    "slower_completion": "Penyelesaian lebih lambat",
    "slower_response": "Respon lebih lambat",
    "fast_closure": "Selesai terlalu cepat",
    "batch_closure": "Diselesaikan serentak",
    "time_order": "Urutan waktu tidak wajar",
    "geotag_far": "Titik lokasi jauh dari unit",
    "duplicate_burst": "Aduan serupa beruntun",
    "backlog_aged": "Belum selesai melewati batas",
}
LEVEL_LABELS = {"volume_spike": "unit-bulan", "volume_drop": "unit-bulan", "slower_completion": "unit-bulan",
                "slower_response": "unit-bulan"}
TEST_LABELS = {"volume": "jumlah aduan", "slower_completion": "waktu penyelesaian",
               "slower_response": "waktu respon"}


def counts_table(counts: dict[str, int]) -> pd.DataFrame:
    """One row per kind: its Indonesian name, whether it concerns a unit-month or a ticket, and the count.

    >>> counts_table({"volume_spike": 1, "fast_closure": 0}).values.tolist()
    [[1, 'Lonjakan jumlah aduan', 'unit-bulan', 1], [2, 'Selesai terlalu cepat', 'laporan', 0]]
    """
    rows = [{"no": i, "label": KIND_LABELS[kind], "level": LEVEL_LABELS.get(kind, "laporan"), "count": n}
            for i, (kind, n) in enumerate(counts.items(), start=1)]
    return pd.DataFrame(rows, columns=["no", "label", "level", "count"])


def labelled(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags with their kind in Indonesian (column ``label``)."""
    return flags.assign(label=flags["kind"].map(KIND_LABELS))


def coverage_summary(coverage: pd.DataFrame, min_baseline_months: int, min_durations: int) -> str:
    """How many units each statistical test covered, and why the others were not tested.

    >>> table = pd.DataFrame({"test": ["volume", "slower_completion"], "units": [70, 60], "tested": [70, 40],
    ...                       "baseline_months": [5, 5], "not_tested": [0, 20]})
    >>> coverage_summary(table, 3, 5)  # doctest: +NORMALIZE_WHITESPACE
    'Setiap unit dibandingkan dengan <strong>5</strong> bulan sebelumnya. Uji jumlah aduan mencakup
    <strong>70</strong> unit yang menerima aduan pada bulan-bulan itu atau bulan ini. Uji waktu penyelesaian
    mencakup <strong>40</strong> dari <strong>60</strong> unit;
    <strong>20</strong> unit tidak diuji karena kurang dari 5 laporan bulan ini atau pada bulan-bulan
    sebelumnya.'
    """
    months = int(coverage["baseline_months"].iloc[0])
    if months < min_baseline_months:
        return sentence("Uji statistik belum dilakukan: data sebelum bulan ini baru {n} bulan, kurang dari "
                         f"{min_baseline_months} bulan yang diperlukan; seluruh {{units}} unit tidak diuji.",
                         n=fmt.integer(months), units=fmt.integer(int(coverage["units"].max())))
    parts = [sentence("Setiap unit dibandingkan dengan {n} bulan sebelumnya.", n=fmt.integer(months))]
    for row in coverage.itertuples(index=False):
        what = TEST_LABELS[row.test]
        if row.test == "volume":
            parts.append(sentence(f"Uji {what} mencakup {{n}} unit yang menerima aduan pada bulan-bulan itu atau "
                                  "bulan ini.", n=fmt.integer(row.tested)))
        elif row.not_tested == 0:
            parts.append(sentence(f"Uji {what} mencakup {{n}} unit.", n=fmt.integer(row.tested)))
        else:
            parts.append(sentence(
                f"Uji {what} mencakup {{n}} dari {{units}} unit; {{skipped}} unit tidak diuji karena kurang dari "
                f"{min_durations} laporan bulan ini atau pada bulan-bulan sebelumnya.",
                n=fmt.integer(row.tested), units=fmt.integer(row.units), skipped=fmt.integer(row.not_tested)))
    return " ".join(parts)


def funnel_summary(outside: list[str], what: str) -> str:
    """Names the kelurahan outside the 99.8% limits of a funnel plot, or says there are none.

    >>> funnel_summary(["Setu"], "direspon tepat waktu")
    'Kelurahan di luar batas 99,8%, porsi aduan direspon tepat waktu: <strong>Setu</strong>.'
    >>> funnel_summary([], "diselesaikan tepat waktu")
    'Tidak ada kelurahan di luar batas 99,8% untuk porsi aduan diselesaikan tepat waktu.'
    """
    if not outside:
        return f"Tidak ada kelurahan di luar batas 99,8% untuk porsi aduan {what}."
    return sentence(f"Kelurahan di luar batas 99,8%, porsi aduan {what}: {{names}}.",
                    plain={"names": bold_names(outside)})


def slowest_medians(medians: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n units with the longest Kaplan-Meier median; a median not reached (half or more still open) is the
    longest of all.

    >>> m = pd.DataFrame({"unit": ["A", "B", "C"], "censored_median_hours": [2.0, float("nan"), 5.0]})
    >>> slowest_medians(m, 2)["unit"].tolist()
    ['B', 'C']
    """
    key = medians["censored_median_hours"].astype("float64").fillna(float("inf"))
    order = key.sort_values(ascending=False, kind="stable").index
    return medians.loc[order].head(n).reset_index(drop=True)


def hours_text(hours: float) -> str:
    """Hours with two decimals, or words for a median that was not reached.

    >>> hours_text(3.456), hours_text(float("nan"))
    ('3,46', 'belum tercapai')
    """
    return "belum tercapai" if pd.isna(hours) else fmt.number(hours, 2)
