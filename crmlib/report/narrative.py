"""Sentences of the report with computed numbers, in Bahasa Indonesia.

Each function takes figures already computed by :mod:`crmlib.metrics` and
returns an escaped HTML fragment; the wording follows the seed reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import Any

import pandas as pd
from IPython.display import HTML

from crmlib import formatting as fmt
from crmlib.ingest import settings
from crmlib.report.html_blocks import bound, text

# The rules file as the report names it: 'params/rules/crm.yaml'.
RULES_FILE = f"params/{settings.RULES_FILE}"


def join_names(names: list[str]) -> str:
    """'A', 'A dan B', 'A, B dan C'.

    >>> join_names(["Pondok Kopi", "Setu", "Gedong"])
    'Pondok Kopi, Setu dan Gedong'
    """
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " dan " + names[-1]


def bold_names(names: list[str]) -> str:
    """Names in bold, escaped, joined as :func:`join_names` joins them.

    >>> bold_names(["Setu", "<Gedong>"])
    '<strong>Setu</strong> dan <strong>&lt;Gedong&gt;</strong>'
    """
    return join_names([f"<strong>{text(name)}</strong>" for name in names])


def capaian_text(value: float) -> str:
    """Capaian with up to three decimals, trailing zeros dropped.

    >>> capaian_text(99.948), capaian_text(100.0)
    ('99,948', '100')
    """
    shown = fmt.number(value, 3)
    return shown.rstrip("0").rstrip(",") if "," in shown else shown


def sentence(template: str, plain: dict[str, str] | None = None, *, figures: dict[str, str] | None = None,
             **values: Any) -> str:
    """Fill a template with bold, escaped values; ``plain`` fills slots with fragments already escaped, ``figures``
    names the figure each slot prints (:func:`~crmlib.report.html_blocks.bound`).

    >>> sentence("Ada {n} aduan {kanal}.", figures={"n": "total_complaints"}, n="508", kanal="<JAKI>")
    'Ada <strong data-figure="total_complaints">508</strong> aduan <strong>&lt;JAKI&gt;</strong>.'
    """
    figures = figures or {}
    return escape(template).format(**{k: bound(v, figures.get(k)) for k, v in values.items()}, **(plain or {}))


# The two response groups, by the rule's boundary (response.inclusive): when a response at
# exactly {sla} hours is within, 'lebih dari' is exact for the rest; otherwise it is not.
_RESPONSE_PHRASES = {True: ("dalam {sla} jam", "lebih dari {sla} jam"),
                     False: ("kurang dari {sla} jam", "{sla} jam atau lebih")}


def response_phrases(sla_hours: float, inclusive: bool) -> tuple[str, str]:
    """How the response groups (within, later) are named for a table; see :func:`response_summary`.

    >>> response_phrases(6, True), response_phrases(6, False)
    (('dalam 6 jam', 'lebih dari 6 jam'), ('kurang dari 6 jam', '6 jam atau lebih'))
    """
    sla = fmt.number(sla_hours, 0)
    within, later = _RESPONSE_PHRASES[inclusive]
    return within.format(sla=sla), later.format(sla=sla)


def within_template(inclusive: bool) -> str:
    """How the group responded within the rule is named, with the rule's hours as the slot ``{sla}``.

    >>> within_template(True), within_template(False)
    ('dalam {sla} jam', 'kurang dari {sla} jam')
    """
    return _RESPONSE_PHRASES[inclusive][0]


def capaian_caveat(capaian_assumed: bool, grades_assumed: bool = False) -> str:
    """' (dihitung dengan rumus asumsi: ...)' while the rules are assumed, else ''; said once, where capaian first
    appears, in words: the rule and its file are in the data-quality annex (:func:`capaian_rule`).

    >>> capaian_caveat(False)
    ''
    """
    parts = (["dihitung dengan rumus asumsi: rata-rata nilai tindak lanjut"] if capaian_assumed else []) + (
        ["batas peringkat juga asumsi" if capaian_assumed else "batas peringkat merupakan asumsi"]
        if grades_assumed else [])
    if not parts:
        return ""
    return escape(" (" + "; ".join([*parts, "rumusnya dijelaskan di Lampiran Kualitas Data"]) + ")")


def capaian_rule(*, capaian_assumed: bool, grades_assumed: bool) -> str:
    """How capaian is computed, whether that is assumed, and the settings file it comes from: for the annex."""
    note = {(True, True): " Rumus ini dan batas peringkatnya masih asumsi karena ketentuan resminya belum tersedia.",
            (True, False): " Rumus ini masih asumsi karena rumus resminya belum tersedia.",
            (False, True): " Batas peringkat masih asumsi karena ketentuan resminya belum tersedia.",
            (False, False): ""}[(capaian_assumed, grades_assumed)]
    return sentence("Capaian dihitung sebagai rata-rata nilai tindak lanjut seluruh aduan yang selesai."
                    f"{note} Aturan nilai dan peringkat diambil dari {{file}}.", file=RULES_FILE)


# The figures the response summary prints; its section records them under these names.
RESPONSE_FIGURES = {"total": "total_complaints", "capaian": "capaian", "kanal": "channels_offered",
                    "within": "response_split.within", "within_pct": "response_split.within_pct",
                    "later": "response_split.later", "later_pct": "response_split.later_pct",
                    "sla": "response_max_hours"}


def response_summary(total: int, capaian: float, split: dict[str, float], month_label: str,
                     sla_hours: float, channels: int, *, inclusive: bool, capaian_assumed: bool,
                     grades_assumed: bool = False) -> str:
    """'... jumlah pengaduan sebanyak 508 pengaduan dengan nilai capaian 99,961% ...'."""
    within, later = _RESPONSE_PHRASES[inclusive]
    # Without a completed complaint there is no follow-up score, so no capaian to print.
    capaian_part = ("dengan nilai capaian {capaian}{caveat}" if not pd.isna(capaian)
                    else "(nilai capaian belum dapat dihitung karena belum ada aduan yang selesai)")
    return sentence(
        f"Jumlah pengaduan pada bulan {{bulan}} sebanyak {{total}} pengaduan {capaian_part} "
        "dari {kanal} kanal pengaduan dalam aplikasi CRM. Dari {total} aduan, terdapat {within} aduan "
        f"({{within_pct}}) yang direspon {within} dan {{later}} aduan ({{later_pct}}) yang direspon {later}.",
        plain={"caveat": capaian_caveat(capaian_assumed, grades_assumed)}, figures=RESPONSE_FIGURES,
        bulan=month_label, total=fmt.integer(total), capaian=capaian_text(capaian) + "%", kanal=channels,
        within=fmt.integer(split["within"]), within_pct=fmt.percent(split["within_pct"]),
        later=fmt.integer(split["later"]), later_pct=fmt.percent(split["later_pct"]),
        sla=fmt.number(sla_hours, 0),
    ) + (sentence(" {n} aduan belum direspon.", n=fmt.integer(split["not_responded"]),
                  figures={"n": "response_split.not_responded"}) if split["not_responded"] else "")


def exclusions_note(excluded_rows: int, source_file: str) -> str:
    """'12 baris dari seluruh berkas X dikeluarkan ...' when the loader excluded ticket rows, else ''.

    Excluded rows cannot be placed in a city and month (often their date or
    unit is what was wrong), so the count is of the whole file and says so.
    """
    if not excluded_rows:
        return ""
    return sentence(
        "Selain itu, {n} baris laporan dari seluruh berkas {file} (tidak hanya kota dan bulan ini) dikeluarkan "
        "dari perhitungan, lihat Lampiran Kualitas Data.",
        n=fmt.integer(excluded_rows), file=source_file, figures={"n": "excluded_ticket_rows"},
    )


def ties_note(names: list[str], count: int, figure: str | None = None) -> str:
    """'Cibubur dan Utan Kayu Selatan juga 19 aduan.': what ties with the last row of a top-N list; '' for none.
    ``figure`` is the count's figure (the last row's count)."""
    if not names:
        return ""
    return sentence("{names} juga {count} aduan.", plain={"names": bold_names(names)}, count=fmt.integer(count),
                    figures={"count": figure} if figure else None)


def complete_phrase(complete: int, total: int) -> str:
    """How many of the month's complaints are complete, as the Jakarta Pusat report says it.

    >>> complete_phrase(255, 255), complete_phrase(250, 255)
    ('dengan status complete', '(<span data-figure="status_counts.Complete">250</span> di antaranya dengan status complete)')
    """
    if complete == total:
        return "dengan status complete"
    return f"({bound(fmt.integer(complete), 'status_counts.Complete', tag='span')} di antaranya dengan status complete)"


def top_share(kind: str, name: str, count: int, total: int, month_label: str, tied: list[str] | None = None,
              figure: str | None = None) -> str:
    """'... {kind} dengan jumlah aduan tertinggi adalah X dengan 25 aduan (4,92%) dari 508 ...'; the others with as
    many complaints are named too (``tied``). ``figure`` is the ranking whose first row this is ('top_units')."""
    also = f" Jumlah yang sama juga tercatat pada {bold_names(tied)}." if tied else ""
    return sentence(
        f"{kind} dengan jumlah aduan tertinggi adalah {{name}} dengan {{count}} aduan ({{pct}}) "
        "dari {total} total pengaduan selama bulan {bulan}.",
        name=name, count=fmt.integer(count), pct=fmt.percent(100 * count / total),
        total=fmt.integer(total), bulan=month_label,
        figures={"count": f"{figure}.0.count", "pct": f"{figure}.0.share", "total": "total_complaints"} if figure else None,
    ) + also


# The figures the completion summary prints.
COMPLETION_FIGURES = {"mean": "completion_hours_stats.mean", "median": "completion_hours_stats.median",
                      "p90": "completion_hours_stats.p90", "n": "completion_hours_stats.count",
                      "first": "completion_histogram.0.count", "share": "completion_histogram.0.share",
                      "label": "completion_histogram.0.label"}


def completion_summary(stats: dict[str, float], histogram: pd.DataFrame) -> str:
    """Mean, median and p90 completion time, and the share finished in the first bin; or that none is completed.

    >>> completion_summary({"count": 0}, pd.DataFrame())
    'Belum ada aduan yang selesai, sehingga waktu penyelesaian belum dapat dihitung.'
    """
    if not stats["count"]:
        return sentence("Belum ada aduan yang selesai, sehingga waktu penyelesaian belum dapat dihitung.")
    first = histogram.iloc[0]
    return sentence(
        "Rata-rata waktu yang dibutuhkan untuk menyelesaikan 1 aduan adalah {mean} jam (median {median} jam, "
        "persentil ke-90 {p90} jam). Dari {n} aduan yang selesai, sebanyak {first} aduan atau {share} "
        "diselesaikan dalam rentang waktu {label} jam.",
        mean=fmt.number(stats["mean"], 1), median=fmt.number(stats["median"], 1), p90=fmt.number(stats["p90"], 1),
        n=fmt.integer(stats["count"]), first=fmt.integer(first["count"]), share=fmt.percent(first["share"]),
        label=first["label"], figures=COMPLETION_FIGURES,
    )


def response_time_summary(stats: dict[str, float]) -> str:
    """'Waktu respon rata-rata 1,23 jam, median ..., persentil ke-90 ... jam.', or that no complaint was responded to.

    >>> response_time_summary({"count": 0})
    'Belum ada aduan yang direspon, sehingga waktu respon belum dapat dihitung.'
    """
    if not stats["count"]:
        return sentence("Belum ada aduan yang direspon, sehingga waktu respon belum dapat dihitung.")
    return sentence("Waktu respon rata-rata {mean} jam, median {median} jam, persentil ke-90 {p90} jam.",
                    mean=fmt.number(stats["mean"]), median=fmt.number(stats["median"]), p90=fmt.number(stats["p90"]),
                    figures={k: f"response_hours_stats.{k}" for k in ("mean", "median", "p90")})


def _change(now: int, change: float | None, figure: str) -> str:
    """'naik 27,0%' in bold, the percent marked with its figure (printed without its sign)."""
    if change is None:
        return "<strong>naik dari nol</strong>" if now else "<strong>tetap nol</strong>"
    word = "naik" if change > 0 else "turun" if change < 0 else "tetap"
    if not change:
        return f"<strong>{word}</strong>"
    # A fall prints without its sign: the mark's scale of -1 says so.
    shown = bound(fmt.percent(abs(change), 1), figure, scale=-1 if change < 0 else None, tag="span")
    return f"<strong>{word} {shown}</strong>"


def comparison_summary(comparison: dict[str, dict | None]) -> str:
    """This month's complaints and on-time responses against the previous month and a year earlier;
    a month the export does not cover is said to be missing.

    >>> text = comparison_summary({
    ...     "current": {"month": "2022-06", "complaints": 508, "responded_within_share": 76.38},
    ...     "previous": {"month": "2022-05", "complaints": 400, "responded_within_share": 80.0,
    ...                  "complaints_change_pct": 27.0},
    ...     "year_ago": None})
    >>> import re; print(re.sub(r' data-figure="[^"]*"', "", text))  # doctest: +NORMALIZE_WHITESPACE
    Jumlah aduan bulan <strong>Juni 2022</strong> (<strong>508</strong>) <strong>naik <span>27,0%</span></strong>
    dari bulan <strong>Mei 2022</strong> (<strong>400</strong>); aduan yang direspon tepat waktu
    <strong>76,38%</strong> (sebelumnya <strong>80,00%</strong>). Data bulan <strong>Juni 2021</strong> tidak
    tercakup dalam ekspor, sehingga perbandingan dengan tahun sebelumnya belum dapat dibuat.
    """
    now = comparison["current"]
    month = pd.Period(now["month"], "M")
    parts = []
    for key, other_month in (("previous", month - 1), ("year_ago", month - 12)):
        other = comparison[key]
        label = fmt.month_label(other_month)
        if other is None:
            parts.append(sentence(" Data bulan {bulan} tidak tercakup dalam ekspor, sehingga perbandingan dengan "
                                   + ("bulan sebelumnya" if key == "previous" else "tahun sebelumnya")
                                   + " belum dapat dibuat.", bulan=label))
            continue
        parts.append(sentence(
            (" " if parts else "") + "Jumlah aduan bulan {bulan} ({n}) {change} dari bulan {lalu} ({m}); aduan yang "
            "direspon tepat waktu {share} (sebelumnya {share_before}).",
            plain={"change": _change(now["complaints"], other["complaints_change_pct"],
                                     f"month_comparison.{key}.complaints_change_pct")},
            bulan=fmt.month_label(now["month"]), n=fmt.integer(now["complaints"]), lalu=label,
            m=fmt.integer(other["complaints"]), share=fmt.percent(now["responded_within_share"]),
            share_before=fmt.percent(other["responded_within_share"]),
            figures={"n": "month_comparison.current.complaints", "m": f"month_comparison.{key}.complaints",
                     "share": "month_comparison.current.responded_within_share",
                     "share_before": f"month_comparison.{key}.responded_within_share"}))
    return "".join(parts).strip()


def rejected_summary(rejected: pd.DataFrame, min_count: int, month_label: str) -> str:
    """Which units had follow-ups rejected min_count times or more, or that none had."""
    if rejected.empty:
        return sentence("Pada bulan {bulan} tidak ada tindak lanjut yang ditolak {k} kali atau lebih.",
                        bulan=month_label, k=min_count, figures={"k": "rejection_min_count"})
    units = join_names(list(dict.fromkeys(rejected["unit"].astype(str))))
    return sentence(
        "Tindak lanjut pengaduan bulan {bulan} yang ditolak {k} kali atau lebih dan menjadi bahan laporan "
        "Biro Pemerintahan ke Inspektorat Provinsi DKI Jakarta ada pada {units} ({n} laporan).",
        bulan=month_label, k=min_count, units=units, n=fmt.integer(len(rejected)),
        figures={"k": "rejection_min_count", "n": "rejected_follow_up_count"},
    )


# What the late summary prints: the counts of follow_up_counts (recorded as 'follow_ups') and the late ones.
_LATE_FIGURES = {"n": "follow_ups.completed", "on_time": "follow_ups.on_time", "pct": "follow_ups.on_time_share",
                 "late": "late_follow_up_count"}


def late_summary(late: pd.DataFrame, completed: int, not_completed: int) -> str:
    """Of the completed complaints: how many on time, which units were late; then how many are not completed."""
    if len(late) > completed:
        raise ValueError(f"late_summary: {len(late)} late follow-ups but only {completed} completed complaints.")
    # Open complaints have no follow-up time yet: they are neither on time nor late.
    end = sentence("; {m} aduan belum selesai.", m=fmt.integer(not_completed),
                   figures={"m": "follow_ups.not_completed"}) if not_completed else "."
    if not completed:
        return sentence("Belum ada aduan yang selesai, sehingga ketepatan waktu tindak lanjut belum dapat dinilai") + end
    if late.empty:
        return sentence("Dari {n} aduan yang sudah selesai, {pct} aduan diselesaikan tepat waktu",
                        n=fmt.integer(completed), pct=fmt.percent(100, 0), figures=_LATE_FIGURES) + end
    units = join_names(list(dict.fromkeys(late["unit"].astype(str))))
    on_time = completed - len(late)
    return sentence(
        "Dari {n} aduan yang sudah selesai, {on_time} aduan ({pct}) diselesaikan tepat waktu dan {late} aduan "
        "melebihi waktu maksimal tindak lanjut, yaitu pada {units}, sehingga nilai tindak lanjutnya di bawah 100",
        n=fmt.integer(completed), on_time=fmt.integer(on_time), pct=fmt.percent(100 * on_time / completed),
        late=fmt.integer(len(late)), units=units, figures=_LATE_FIGURES,
    ) + end


def capaian_verdict(capaian: float) -> str:
    """How the conclusions judge the month's capaian: the maximum is called so.

    >>> capaian_verdict(100.0), capaian_verdict(99.961)
    ('telah berjalan dengan baik dengan memperoleh nilai maksimal yaitu', 'memperoleh hasil')
    """
    return "telah berjalan dengan baik dengan memperoleh nilai maksimal yaitu" if capaian >= 100 else "memperoleh hasil"


# The figures behind the conclusions' slots (:func:`conclusion_values`).
CONCLUSION_FIGURES = {"capaian": "capaian", "peringkat": "grade", "cepat": "completion_histogram.0.share",
                      "batas": "completion_histogram.0.upper", "total": "total_complaints",
                      "tepat_waktu": "follow_ups.on_time_share"}


def conclusion_values(city_label: str, capaian: float, grade: str | None, histogram: pd.DataFrame, total: int,
                      completed: int, late: int) -> dict[str, str]:
    """The slots a layout's conclusions may use: the verdict, capaian and grade, the share completed within the
    first bin, the complaints, and the share of completed ones on time.

    >>> histogram = pd.DataFrame({"label": ["0-10", "11-20"], "count": [224, 31], "share": [87.843, 12.157]})
    >>> conclusion_values("Kota X", 100.0, "A", histogram, 255, 255, 0)["cepat"]
    '87,84%'
    """
    return {
        "kota": city_label, "penilaian": capaian_verdict(capaian), "capaian": capaian_text(capaian),
        "peringkat": grade or fmt.MISSING, "cepat": fmt.percent(histogram["share"].iloc[0]),
        "batas": histogram["label"].iloc[0].split("-")[-1], "total": fmt.integer(total),
        "tepat_waktu": fmt.percent(100 * (completed - late) / completed, 0) if completed else fmt.MISSING,
    }


def capaian_summary(city_label: str, month_label: str, capaian: float, grade: str | None) -> str:
    """'Capaian Walikota ... pada Bulan Juli 2022 adalah 100 dengan Peringkat A.'; without a completed complaint,
    that there is no capaian yet."""
    if grade is None or pd.isna(capaian):
        return sentence("Capaian {kota} pada bulan {bulan} belum dapat dihitung karena belum ada aduan yang selesai, "
                         "sehingga belum ada nilai tindak lanjut.", kota=city_label, bulan=month_label)
    return sentence(
        "Capaian {kota} secara kumulatif pada bulan {bulan} adalah {capaian} dengan Peringkat {grade}.",
        kota=city_label, bulan=month_label, capaian=capaian_text(capaian), grade=grade,
        figures={"capaian": "capaian", "grade": "grade"},
    )


# The kinds of day of crmlib.metrics.arrivals.response_by_arrival_table (its column prefixes), as the report names them.
_ARRIVAL_DAYS = {"workday": "hari kerja", "weekend": "akhir pekan", "holiday": "hari libur nasional"}


def arrival_summary(table: pd.DataFrame, lowest: int | None, sla_hours: float, inclusive: bool,
                    figure: str = "response_by_arrival_table") -> str:
    """The arrival period with the lowest share responded within the rule, then that share on workdays, weekends
    and public holidays; or that no complaint arrived.

    ``table`` comes from :func:`crmlib.metrics.arrivals.response_by_arrival_table` (recorded as ``figure``, its last
    row every period), ``lowest`` from :func:`crmlib.metrics.arrivals.lowest_period`.

    >>> arrival_summary(pd.DataFrame(), None, 6, True)
    'Belum ada aduan yang masuk, sehingga waktu respon menurut waktu masuk belum dapat dihitung.'
    """
    if lowest is None:
        return sentence("Belum ada aduan yang masuk, sehingga waktu respon menurut waktu masuk belum dapat dihitung.")
    within = within_template(inclusive)
    sla = {"sla": fmt.number(sla_hours, 0)}
    row, total, last = table.iloc[lowest], table.iloc[-1], len(table) - 1
    first = sentence(
        f"Persentase aduan yang direspon {within} paling rendah pada aduan yang masuk pada periode {{periode}} "
        "(pukul {jam}), yaitu {persen} dari {n} aduan.",
        periode=row["period"], jam=row["hours"], persen=fmt.percent(row["all_share"]),
        n=fmt.integer(row["all_complaints"]), **sla,
        figures={"jam": f"{figure}.{lowest}.hours", "persen": f"{figure}.{lowest}.all_share",
                 "n": f"{figure}.{lowest}.all_complaints", "sla": "response_max_hours"})
    parts = [sentence(f"{{persen}} pada {name} ({{n}} aduan)", persen=fmt.percent(total[f"{key}_share"]),
                      n=fmt.integer(total[f"{key}_complaints"]),
                      figures={"persen": f"{figure}.{last}.{key}_share", "n": f"{figure}.{last}.{key}_complaints"})
             if total[f"{key}_complaints"] else sentence(f"tidak ada aduan yang masuk pada {name}")
             for key, name in _ARRIVAL_DAYS.items()]
    second = sentence(f"Menurut jenis hari, persentase aduan yang direspon {within} adalah {{hari}}.",
                      plain={"hari": join_names(parts)}, **sla, figures={"sla": "response_max_hours"})
    return f"{first} {second}"


def arrival_note(holidays: Mapping[dt.date, str], periods_assumed: bool) -> str:
    """Which days of the month are public holidays, how a holiday on a weekend and cuti bersama are counted, and
    whether the periods of the day are assumed.

    >>> arrival_note({dt.date(2022, 6, 1): "Hari Lahir Pancasila"}, False)  # doctest: +NORMALIZE_WHITESPACE
    'Hari libur nasional bulan ini: <strong>Hari Lahir Pancasila</strong> (1 Juni 2022); hari libur nasional yang
    jatuh pada akhir pekan dihitung sebagai hari libur, sedangkan cuti bersama dihitung sebagai hari kerja.'
    """
    days = join_names([f"{bound(name)} ({text(fmt.date_long(day))})" for day, name in holidays.items()])
    head = (f"Hari libur nasional bulan ini: {days}; " if holidays
            else escape("Tidak ada hari libur nasional pada bulan ini; "))
    note = head + escape("hari libur nasional yang jatuh pada akhir pekan dihitung sebagai hari libur, sedangkan "
                         "cuti bersama dihitung sebagai hari kerja.")
    if periods_assumed:
        note += sentence(" Pembagian periode waktu dalam tabel mengikuti kebiasaan umum, bukan ketentuan resmi; "
                         "batasnya diatur dalam {file}.", file=RULES_FILE)
    return note


def items(sentences: list[str]) -> HTML:
    """Numbered conclusions."""
    return HTML("<ol>" + "".join(f"<li>{s}</li>" for s in sentences) + "</ol>")
