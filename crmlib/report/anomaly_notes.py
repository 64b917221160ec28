"""The words of the anomaly section: each flag kind in Indonesian, how many units the tests covered, the funnel.

The kinds' labels, levels and test names come from :mod:`crmlib.metrics.flag_kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from crmlib import formatting as fmt
from crmlib.metrics import flag_kinds
from crmlib.report.narrative import RULES_FILE, bold_names, sentence
from crmlib.report.tables import taken_in_turn

__all__ = ["ANNEX_FLAGS_PER_KIND", "HOTSPOTS_SHOWN", "RULES_FILE", "TICKET_FLAGS_SHOWN", "counts_table",
           "coverage_summary", "funnel_summary", "hotspot_table", "hours_text", "kinds_by_city", "labelled",
           "printed_flags", "slowest_medians", "unit_month_flags"]

# The report lists this many ticket flags, the kinds in turn; the annex lists more.
TICKET_FLAGS_SHOWN = 20
# The annex lists this many ticket flags of each kind; all are in the workbook and the annex's CSV file.
ANNEX_FLAGS_PER_KIND = 100
# The report lists the largest hotspots; figures.json and the explorer hold them all.
HOTSPOTS_SHOWN = 5


def counts_table(counts: Mapping[str, int]) -> pd.DataFrame:
    """One row per kind: its Indonesian name, whether it concerns a unit-month or a ticket, and the count.

    >>> counts_table({"volume_spike": 1, "fast_closure": 0}).values.tolist()
    [[1, 'Lonjakan jumlah aduan', 'unit-bulan', 1], [2, 'Selesai terlalu cepat', 'laporan', 0]]
    """
    rows = [{"no": i, "label": flag_kinds.by_name(name).label, "level": flag_kinds.by_name(name).level_label,
             "count": n} for i, (name, n) in enumerate(counts.items(), start=1)]
    return pd.DataFrame(rows, columns=["no", "label", "level", "count"])


def printed_flags(flags: pd.DataFrame, ticket_limit: int) -> pd.DataFrame:
    """The flags the anomaly section prints: every unit-month flag, then at most ``ticket_limit`` ticket flags,
    taken from each kind in turn (:func:`crmlib.report.tables.taken_in_turn`); rows numbered from 0.

    >>> flags = pd.DataFrame({"kind": ["volume_spike", "fast_closure", "fast_closure", "batch_closure"],
    ...                       "ticket_id": [None, "JK1", "JK2", "JK3"]})
    >>> printed_flags(flags, 2)["kind"].tolist()
    ['volume_spike', 'fast_closure', 'batch_closure']
    """
    tickets = flags["ticket_id"].notna()
    return pd.concat([flags[~tickets], taken_in_turn(flags[tickets], "kind", ticket_limit)], ignore_index=True)


def labelled(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags with their kind in Indonesian (column ``label``)."""
    return flags.assign(label=flags["kind"].map(flag_kinds.labels()))


def kinds_by_city(counts: pd.DataFrame, city_name: Callable[[str], str]) -> pd.DataFrame:
    """Counts per city (:func:`crmlib.pipeline.context.anomaly_scan.counts_by_city`) turned for the page: one row
    per kind, its Indonesian ``label`` first, then one column per city named by ``city_name``; ten kinds would
    not fit across the page.

    >>> counts = pd.DataFrame({"city_code": ["jakut", "jakbar"], "volume_spike": [0, 1], "fast_closure": [2, 0]})
    >>> kinds_by_city(counts, str.upper).reset_index().values.tolist()
    [['volume_spike', 'Lonjakan jumlah aduan', 0, 1], ['fast_closure', 'Selesai terlalu cepat', 2, 0]]
    """
    table = counts.set_index("city_code").T.rename(columns=city_name)
    table.insert(0, "label", [flag_kinds.by_name(name).label for name in table.index])
    return table


def unit_month_flags(flags: pd.DataFrame, city_name: Callable[[str], str]) -> pd.DataFrame:
    """The unit-month flags of several cities (with ``city_code``), labelled, with the city's name as ``city``.

    >>> flags = pd.DataFrame({"city_code": ["jakut", "jakbar"], "kind": ["fast_closure", "volume_drop"]})
    >>> unit_month_flags(flags, str.upper)[["city", "kind", "label"]].values.tolist()
    [['JAKBAR', 'volume_drop', 'Penurunan jumlah aduan']]
    """
    chosen = labelled(flags[flags["kind"].isin(flag_kinds.names("unit_month"))]).reset_index(drop=True)
    return chosen.assign(city=chosen["city_code"].map(city_name))


def coverage_summary(coverage: pd.DataFrame, min_baseline_months: int, min_durations: int) -> str:
    """How many units each statistical test covered, and why the others were not tested; each number marked with
    its figure: the rows of ``anomaly_coverage``, and the thresholds ``anomaly_min_baseline_months`` and
    ``anomaly_min_durations``.

    >>> table = pd.DataFrame({"test": ["volume", "slower_completion"], "units": [70, 60], "tested": [70, 40],
    ...                       "baseline_months": [5, 5], "not_tested": [0, 20]})
    >>> import re; print(re.sub(r' data-figure="[^"]*"', "", coverage_summary(table, 3, 5)))
    ... # doctest: +NORMALIZE_WHITESPACE
    Setiap unit dibandingkan dengan <strong>5</strong> bulan sebelumnya. Uji jumlah aduan mencakup
    <strong>70</strong> unit yang menerima aduan pada bulan-bulan itu atau bulan ini. Uji waktu penyelesaian
    mencakup <strong>40</strong> dari <strong>60</strong> unit;
    <strong>20</strong> unit tidak diuji karena kurang dari <strong>5</strong> laporan bulan ini atau pada bulan-bulan
    sebelumnya.
    """
    months = int(coverage["baseline_months"].iloc[0])
    if months < min_baseline_months:
        widest = int(coverage["units"].values.argmax())
        return sentence("Uji statistik belum dilakukan: data sebelum bulan ini baru {n} bulan, kurang dari "
                        "{minimum} bulan yang diperlukan; seluruh {units} unit tidak diuji.",
                        n=fmt.integer(months), minimum=fmt.integer(min_baseline_months),
                        units=fmt.integer(int(coverage["units"].max())),
                        figures={"n": "anomaly_coverage.0.baseline_months", "minimum": "anomaly_min_baseline_months",
                                 "units": f"anomaly_coverage.{widest}.units"})
    parts = [sentence("Setiap unit dibandingkan dengan {n} bulan sebelumnya.", n=fmt.integer(months),
                      figures={"n": "anomaly_coverage.0.baseline_months"})]
    for place, row in enumerate(coverage.itertuples(index=False)):
        what = flag_kinds.coverage_labels()[row.test]
        figures = {slot: f"anomaly_coverage.{place}.{column}"
                   for slot, column in (("n", "tested"), ("units", "units"), ("skipped", "not_tested"))}
        if row.test == "volume":
            parts.append(sentence(f"Uji {what} mencakup {{n}} unit yang menerima aduan pada bulan-bulan itu atau "
                                  "bulan ini.", n=fmt.integer(row.tested), figures=figures))
        elif row.not_tested == 0:
            parts.append(sentence(f"Uji {what} mencakup {{n}} unit.", n=fmt.integer(row.tested), figures=figures))
        else:
            parts.append(sentence(
                f"Uji {what} mencakup {{n}} dari {{units}} unit; {{skipped}} unit tidak diuji karena kurang dari "
                "{minimum} laporan bulan ini atau pada bulan-bulan sebelumnya.",
                n=fmt.integer(row.tested), units=fmt.integer(row.units), skipped=fmt.integer(row.not_tested),
                minimum=fmt.integer(min_durations), figures={**figures, "minimum": "anomaly_min_durations"}))
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


def hotspot_table(hotspots: pd.DataFrame) -> pd.DataFrame:
    """Hotspots as the report lists them: numbered, the place in words and the categories by frequency (names
    only; their counts are in figures.json), keeping the rows' index for the figure marks.

    >>> spots = pd.DataFrame({"hotspot": [1], "kelurahan": ["Galur"], "kecamatan": ["Johar Baru"], "complaints": [9],
    ...                       "categories": [[{"category": "Sampah", "complaints": 4}, {"category": "Jalan",
    ...                                       "complaints": 2}]], "first": [None], "last": [None], "metres": [237.9]})
    >>> hotspot_table(spots)[["no", "place", "categories"]].values.tolist()
    [[1, 'Galur, Kec. Johar Baru', 'Sampah; Jalan']]
    """
    place = [fmt.MISSING if pd.isna(kel) else f"{kel}, Kec. {kec}"
             for kel, kec in zip(hotspots["kelurahan"], hotspots["kecamatan"])]
    names = ["; ".join(c["category"] for c in mix) for mix in hotspots["categories"]]
    return hotspots.assign(no=hotspots["hotspot"], place=place, categories=names)
