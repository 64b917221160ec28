"""Anomaly flags: each function returns the rows of one kind of flag, with its evidence as numbers and words.

Rule flags (fast_closure, batch_closure, backlog_aged, time_order) mark
tickets by a threshold from the rules file. Place flags: geotag_outside, a
geotag lying outside its unit's kelurahan, kecamatan or city polygon by more
than the border band (:mod:`crmlib.metrics.places`); duplicate_burst,
complaints of one category close in place and time (a k-d tree over metres
on a local plane). Statistical flags compare a
unit-month with the unit's own previous months: the ``baseline_months``
calendar months before it that the history covers (at least
``min_baseline_months``), a month without the unit's complaints counting as 0:

- volume_spike, volume_drop: one-sided test of the month's count against
  the baseline rate scaled to the city's total that month; Poisson, or
  negative binomial (method of moments) where the baseline months vary more
  than a Poisson count would. Assumes months are independent given the rate.
- slower_completion, slower_response: one-sided Mann-Whitney U of this
  month's hours against the baseline months' hours (no distribution assumed;
  tickets are taken as independent); effect size: the ratio of medians. A
  significant unit is flagged when its median also rose by at least
  ``min_hours_increase`` hours.

Each statistical kind is corrected for testing every unit of the city with
Benjamini-Hochberg (scipy.stats.false_discovery_control); a unit-month is
flagged when its q-value is at most ``false_discovery_rate``. The count tests
cover the units with a complaint in the baseline or the month: a unit silent
in both has nothing to test (its spike p is 1), and counting it would make the
correction depend on how many years the export reaches back. Of those, units
whose smallest reachable p-value could never pass are left out of the
correction first (Tarone's rule, :func:`testable`). Flags name tickets by
number and never quote free text; their numbers are written by
:func:`crmlib.formatting.number`, half-up as everywhere in the report.
The kinds themselves (names, levels, labels, rules) are declared in
:mod:`crmlib.metrics.flag_kinds`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from scipy import stats

from crmlib import formatting as fmt
from crmlib.geometry import metres_xy
from crmlib.ingest.areas import reference
from crmlib.ingest.rules import Rules
from crmlib.metrics import flag_kinds
from crmlib.metrics.durations import UNIT_KEYS, completion_hours, response_hours, still_open
from crmlib.metrics.history import month_of
from crmlib.metrics.places import geotag_places, geotagged
from crmlib.metrics.scores import effective_max_tl_hours

# Added to a unit's baseline count: a unit with no complaint in its baseline still has a small expected rate.
BASELINE_PRIOR = 0.5


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=flag_kinds.FLAG_COLUMNS).astype(flag_kinds.FLAG_DTYPES)


def empty_flags() -> pd.DataFrame:
    """A flag frame without rows (the columns and dtypes every flag function returns)."""
    return _frame([])


def _times(observed: float, expected: float) -> str:
    """observed / expected with one decimal ('3,0'); a ratio to nothing is infinite, said in words."""
    ratio = observed / expected if expected else math.inf
    return fmt.number(ratio, 1) if math.isfinite(ratio) else "tak terhingga"


def _ticket_flags(kind: str, tickets: pd.DataFrame, mask: pd.Series, observed: pd.Series,
                  evidence: Callable[[pd.Series], Iterable[str]]) -> pd.DataFrame:
    """One flag per ticket where ``mask`` holds; ``evidence(mask)`` words those tickets' flags (only theirs:
    formatting every ticket's numbers would cost more than the test)."""
    chosen = tickets[mask]
    return _frame([{
        "kind": kind, "unit_type": row.unit_type, "unit": row.unit, "month": month, "ticket_id": row.ticket_id,
        "observed": value, "evidence": text,
    } for row, month, value, text in zip(chosen.itertuples(index=False), month_of(chosen["created_at"]),
                                         observed[mask], evidence(mask))])


def fast_closures(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Tickets completed within ``fast_closure_minutes`` of their creation (observed: minutes)."""
    minutes = completion_hours(tickets).astype("float64") * 60
    mask = pd.Series(minutes <= rules.anomalies.fast_closure_minutes, index=tickets.index).fillna(False)
    return _ticket_flags("fast_closure", tickets, mask, minutes,
                         lambda at: [f"selesai {fmt.integer(m)} menit setelah masuk" for m in minutes[at]])


def batch_closures(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Tickets of a unit completed in the same minute as ``batch_closure_tickets`` - 1 others or more
    (observed: tickets in that minute)."""
    minute = tickets["completed_at"].dt.floor("min")
    size = tickets.groupby([*UNIT_KEYS, minute], dropna=True)["ticket_id"].transform("size")
    size = size.reindex(tickets.index)
    mask = (size >= rules.anomalies.batch_closure_tickets).fillna(False)
    return _ticket_flags("batch_closure", tickets, mask, size.astype("float64"), lambda at: [
        f"{fmt.integer(n)} laporan unit ini diselesaikan pada menit yang sama ({m:%d/%m/%Y %H:%M})"
        for n, m in zip(size[at], minute[at])])


def backlog_aged(tickets: pd.DataFrame, cutoff: pd.Timestamp, rules: Rules) -> pd.DataFrame:
    """Tickets still open at the cut-off and older than their maximum follow-up time (observed: hours open)."""
    age = (cutoff - tickets["created_at"]).dt.total_seconds() / 3600
    maximum = effective_max_tl_hours(tickets, rules).astype("float64")
    mask = (still_open(tickets) & (age > maximum)).fillna(False)
    return _ticket_flags("backlog_aged", tickets, mask, age, lambda at: [
        f"belum selesai {fmt.integer(a)} jam setelah masuk; batas {fmt.integer(m)} jam"
        for a, m in zip(age[at], maximum[at])])


def time_order_mask(flags: pd.DataFrame) -> pd.Series:
    """The loader's flags on a ticket or coordination row for a time before the one it follows, by their reason
    code (the wording of the reason may change)."""
    code = flag_kinds.by_name("time_order").loader_code
    return ((flags["code"] == code).fillna(False) & flags["source_row"].notna()
            & flags["table"].isin(list(TIME_ORDER_TABLES))).astype(bool)


# Where a time_order flag comes from: the table, its rows' time that names the month, and how the appendix
# names the table.
TIME_ORDER_TABLES = {"tickets": ("created_at", "laporan"), "coordinations": ("coordinated_at", "koordinasi")}


def time_order(tickets: pd.DataFrame, coordinations: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """The rows of the month that the loader flagged for a time before the one it follows (the time was emptied
    there): each ticket of ``tickets``, and each coordination of ``coordinations``, whether or not its ticket is
    in the tickets file (most are a provincial agency's ticket coordinated to a kelurahan).

    The evidence names the data-quality appendix's row, and the appendix says these rows are flags here.
    """
    early = flags[time_order_mask(flags)]
    rows = []
    # A ticket is one row, found by its id whatever file it came from; a coordination by its ticket and row.
    for table, frame, keys in (("tickets", tickets, ["ticket_id"]),
                               ("coordinations", coordinations, ["ticket_id", "source_row"])):
        when, label = TIME_ORDER_TABLES[table]
        owners = frame[[*keys, "unit_type", "unit", when]].drop_duplicates(keys)
        found = early[early["table"] == table].merge(owners, on=keys, how="inner")
        rows += [{"kind": "time_order", "unit_type": flag["unit_type"], "unit": flag["unit"], "month": month,
                  "ticket_id": flag["ticket_id"],
                  "evidence": f"{flag['reason']} (Lampiran Kualitas Data: {label} baris {flag['source_row']})"}
                 for (_, flag), month in zip(found.iterrows(), month_of(found[when]))]
    return _frame(rows)


OWN_AREA_WORDS = {"kelurahan": "kelurahannya", "kecamatan": "kecamatannya", "kota": "wilayah kota/kabupatennya"}


def _metres_text(metres: float) -> str:
    return f"{fmt.integer(metres)} m" if metres < 1000 else f"{fmt.number(metres / 1000, 1)} km"


def _place_names(codes: pd.Series) -> list[str]:
    """Where each kelurahan code lies, in words ('di luar DKI Jakarta' for none); the list is indexed once."""
    areas = reference().set_index("kelurahan_code")
    return ["di luar DKI Jakarta" if pd.isna(code)
            else f"di Kelurahan {areas.at[code, 'kelurahan']}, Kec. {areas.at[code, 'kecamatan']}" for code in codes]


def geotags_outside(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Tickets geotagged more than ``border_tolerance_metres`` outside their unit's area: a kelurahan's polygon,
    a kecamatan's, the city's for its head unit (observed: metres outside; the evidence names the kelurahan the
    point lies in)."""
    tolerance = rules.places.border_tolerance_metres
    placed = geotag_places(tickets, near_metres=tolerance)
    far = placed["metres_outside"] > tolerance
    chosen = tickets.loc[placed.index[far.to_numpy()]]
    return _frame([{
        "kind": "geotag_outside", "unit_type": row.unit_type, "unit": row.unit, "month": month,
        "ticket_id": row.ticket_id, "observed": metres,
        "evidence": f"titik lokasi {place}, {_metres_text(metres)} di luar batas {OWN_AREA_WORDS[row.unit_type]}"}
        for row, month, metres, place in zip(chosen.itertuples(index=False), month_of(chosen["created_at"]),
                                             placed.loc[far, "metres_outside"], _place_names(placed.loc[far, "at_code"]))])


def _range_max(values: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """``max(values[first[j]:last[j] + 1])`` for each j (first <= last), by a sparse table: O(n log n) for all.

    >>> _range_max(np.array([3, 1, 4, 1, 5]), np.array([0, 1, 3]), np.array([1, 3, 3])).tolist()
    [3, 4, 1]
    """
    table = [values]
    while 2 ** len(table) <= len(values):
        half = 2 ** (len(table) - 1)
        table.append(np.maximum(table[-1][:-half], table[-1][half:]))
    level = np.floor(np.log2(last - first + 1)).astype(int)
    out = np.empty(len(first), dtype=values.dtype)
    for lv in np.unique(level):
        at = level == lv
        out[at] = np.maximum(table[lv][first[at]], table[lv][last[at] - 2 ** lv + 1])
    return out


def duplicate_bursts(tickets: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Complaints of one category that lie within ``burst_metres`` of a first one and within ``burst_hours``
    after it, at least ``burst_tickets`` with the first: every complaint of such a burst is flagged (observed: the
    complaints of the largest burst it belongs to).

    Within r metres means within r of the burst's first complaint (each to the first, not every pair): what an
    administrator checks from the first report of a spot. Complaints at one point are one spot whose times are
    searched, so thousands sharing a coordinate cost no pairwise work.
    """
    from scipy.spatial import cKDTree

    config = rules.anomalies
    window = np.timedelta64(int(round(config.burst_hours * 3600)), "s")
    chosen = geotagged(tickets)
    xy = metres_xy(chosen["longitude"], chosen["latitude"])
    frame = pd.DataFrame({"category": chosen["category"].astype("string").to_numpy(), "x": xy[:, 0], "y": xy[:, 1],
                          "at": chosen["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(),
                          "row": np.arange(len(chosen))})
    largest = np.zeros(len(frame), dtype=int)  # the largest burst each complaint belongs to; 0: none
    for _, part in frame.dropna(subset=["category"]).groupby("category", sort=True):
        if len(part) < config.burst_tickets:
            continue
        spots = [spot.sort_values("at", kind="stable") for _, spot in part.groupby(["x", "y"], sort=True)]
        times = [spot["at"].to_numpy() for spot in spots]
        rows = [spot["row"].to_numpy() for spot in spots]
        centres = np.array([[spot["x"].iloc[0], spot["y"].iloc[0]] for spot in spots])
        for first, reach in enumerate(cKDTree(centres).query_ball_point(centres, r=config.burst_metres)):
            # Each complaint at this spot opens a window: of every spot in reach, the complaints from its time
            # until the window closes (a contiguous run of that spot's sorted times).
            opens = times[first]
            runs = {q: (np.searchsorted(times[q], opens, "left"), np.searchsorted(times[q], opens + window, "right"))
                    for q in reach}
            size = sum(hi - lo for lo, hi in runs.values())
            size = np.where(size >= config.burst_tickets, size, 0)
            if not size.any():
                continue
            for q, (lo, hi) in runs.items():
                # The windows holding a complaint of spot q form a contiguous run of windows, as both ends only
                # move forward: the largest burst it belongs to is a maximum over that run.
                at = np.arange(len(times[q]))
                earliest, latest = np.searchsorted(hi, at, "right"), np.searchsorted(lo, at, "right") - 1
                held = earliest <= latest
                best = _range_max(size, earliest[held], latest[held])
                members = rows[q][held]
                largest[members] = np.maximum(largest[members], best)
    flagged = np.flatnonzero(largest)
    found = chosen.iloc[flagged]
    return _frame([{"kind": "duplicate_burst", "unit_type": row.unit_type, "unit": row.unit, "month": month,
                    "ticket_id": row.ticket_id, "observed": float(n),
                    "evidence": f"{fmt.integer(n)} aduan kategori yang sama dalam {fmt.compact(config.burst_metres)} m "
                                f"dan {fmt.compact(config.burst_hours)} jam dari aduan pertamanya"}
                   for row, month, n in zip(found.itertuples(index=False), month_of(found["created_at"]),
                                            largest[flagged])])


def _baseline_months(months: list[str], month: str, rules: Rules) -> list[str]:
    earlier = [m for m in months if m < month]
    return earlier[-rules.anomalies.baseline_months:]


def volume_changes(history: pd.DataFrame, city_history: pd.DataFrame, month: str, rules: Rules) -> pd.DataFrame:
    """volume_spike and volume_drop flags of one month, from :func:`crmlib.metrics.history.monthly_history`
    per unit and for the city; units with too short a baseline are not tested.

    observed: the month's complaints; expected: the baseline rate at the city's volume that month.
    """
    months = sorted(city_history["month"])
    baseline = _baseline_months(months, month, rules)
    city = city_history.set_index("month")["complaints"].astype(float)
    if len(baseline) < rules.anomalies.min_baseline_months or not city[baseline].sum():
        return _frame([])
    counts = history.pivot_table(index=list(UNIT_KEYS), columns="month", values="complaints", aggfunc="sum",
                                 fill_value=0).astype(float)
    counts = counts[_active(counts, baseline, month)]
    base_total = counts.reindex(columns=baseline, fill_value=0).sum(axis=1)
    now = counts[month] if month in counts else pd.Series(0.0, index=counts.index)
    volume = _city_volume(now, base_total, city[month], city[baseline].sum())
    expected_counts = _expected(base_total, city[baseline].sum(), volume)
    # Each baseline month brought to this month's city volume: their spread tells Poisson from overdispersed.
    # All units at once; a month without city complaints is left out.
    city_months = city[baseline].replace(0, np.nan).to_numpy()
    kept = ~np.isnan(city_months)
    scaled = counts.reindex(columns=baseline, fill_value=0).to_numpy()[:, kept] / city_months[kept] * volume
    with np.errstate(invalid="ignore", divide="ignore"):  # fewer than two months: no spread, so Poisson
        mean = scaled.mean(axis=1) if kept.any() else np.full(len(counts), np.nan)
        variance = scaled.var(axis=1, ddof=1) if kept.sum() > 1 else np.full(len(counts), np.nan)
    observed, expected = now.to_numpy(), expected_counts.reindex(counts.index).to_numpy()
    spike, drop, drop_floor = (stats.poisson.sf(observed - 1, expected), stats.poisson.cdf(observed, expected),
                               stats.poisson.cdf(0, expected))
    over = (variance > mean) & (mean > 0)
    if over.any():
        size = mean[over] ** 2 / (variance[over] - mean[over])
        chance = size / (size + expected[over])
        spike[over] = stats.nbinom.sf(observed[over] - 1, size, chance)
        drop[over] = stats.nbinom.cdf(observed[over], size, chance)
        drop_floor[over] = stats.nbinom.cdf(0, size, chance)
    tested = [{"unit_type": unit_type, "unit": unit, "observed": observed[i], "expected": expected[i],
               "spike": float(spike[i]), "drop": float(drop[i]), "spike_floor": 0.0, "drop_floor": float(drop_floor[i])}
              for i, (unit_type, unit) in enumerate(counts.index)]
    return pd.concat([_significant(tested, kind, month, len(baseline), rules)
                      for kind in ("volume_spike", "volume_drop")], ignore_index=True)


def _active(counts: pd.DataFrame, baseline: list[str], month: str) -> pd.Series:
    """Units (rows of a unit-by-month count table) with a complaint in the baseline months or the month."""
    return counts.reindex(columns=[*baseline, month], fill_value=0).sum(axis=1) > 0


def _expected(base_total: pd.Series, city_base: float, volume: float) -> pd.Series:
    """Each unit's expected complaints: its baseline share of the city (with the prior) at this volume."""
    return (base_total + BASELINE_PRIOR) / city_base * volume


def _city_volume(now: pd.Series, base_total: pd.Series, city_now: float, city_base: float) -> float:
    """The city's complaints this month as the units' expectations should scale to.

    Units far from their baseline share (p < 0.001 either way under Poisson)
    are left out one at a time, the farthest first, so one unit's spike does
    not make all the others look low.
    """
    if not city_base:
        return np.nan
    kept = pd.Series(True, index=now.index)
    volume = city_now
    while kept.sum() > 1:
        expected = _expected(base_total, city_base, volume)
        p = np.minimum(stats.poisson.sf(now - 1, expected), stats.poisson.cdf(now, expected))
        p = pd.Series(p, index=now.index)[kept]
        if p.min() >= 0.001:
            break
        kept[p.idxmin()] = False
        rest_base = city_base - base_total[~kept].sum()
        if rest_base <= 0:
            break
        volume = (city_now - now[~kept].sum()) / rest_base * city_base
    return volume


def testable(floors: np.ndarray, alpha: float) -> np.ndarray:
    """Which tests to correct together: Tarone's rule for discrete tests.

    A count test has a smallest p-value it can reach (a unit expecting 0,5
    complaints cannot show a significant drop even with none). With K the
    smallest number such that at most K tests can reach alpha / K, only those
    tests enter the correction; the rest could never be significant and only
    dilute it (Tarone 1990; with Benjamini-Hochberg as in Gilbert 2005).

    >>> testable(np.array([0.6, 0.6, 0.001, 0.0]), 0.05).tolist()
    [False, False, True, True]
    """
    for k in range(1, len(floors) + 1):
        chosen = floors <= alpha / k
        if chosen.sum() <= k:
            return chosen
    return np.ones(len(floors), dtype=bool)


def _significant(tested: list[dict], kind: str, month: str, baseline_months: int, rules: Rules) -> pd.DataFrame:
    if not tested:
        return _frame([])
    column = "spike" if kind == "volume_spike" else "drop"
    alpha = rules.anomalies.false_discovery_rate
    tested = [t for t, keep in zip(tested, testable(np.array([t[f"{column}_floor"] for t in tested]), alpha))
              if keep]
    if not tested:
        return _frame([])
    p = np.array([t[column] for t in tested])
    q = stats.false_discovery_control(p, method="bh")
    rows = []
    for test, p_value, q_value in zip(tested, p, q):
        if q_value <= alpha:
            rows.append({"kind": kind, "unit_type": test["unit_type"], "unit": test["unit"], "month": month,
                         "observed": test["observed"], "expected": test["expected"], "p_value": p_value,
                         "q_value": q_value, "evidence": (
                             f"{fmt.integer(test['observed'])} aduan, {_times(test['observed'], test['expected'])} kali "
                             f"perkiraan {fmt.number(test['expected'], 1)} dari {baseline_months} bulan sebelumnya; "
                             f"q {_p_text(q_value)}")})
    return _frame(rows)


def _p_text(p: float) -> str:
    return "< 0,001" if p < 0.001 else "= " + fmt.number(p, 3)


def _duration_samples(tickets: pd.DataFrame, months: list[str], month: str, rules: Rules, what: str
                      ) -> tuple[list[str], list[tuple[str, str, np.ndarray, np.ndarray]]]:
    """The baseline months, and per unit its hours this month and in those months."""
    hours = (completion_hours if what == "completion" else response_hours)(tickets).astype("float64")
    data = tickets[list(UNIT_KEYS)].assign(month=month_of(tickets["created_at"]), hours=hours
                                           ).dropna(subset=["hours"])
    baseline = _baseline_months(months, month, rules)
    # Positions per unit, then two masks: indexing each unit's frame twice was most of a report's scan.
    hours_of = data["hours"].to_numpy()
    is_now = (data["month"] == month).to_numpy(dtype=bool)
    is_before = data["month"].isin(baseline).to_numpy(dtype=bool)
    positions = data.groupby(list(UNIT_KEYS)).indices
    samples = [(unit_type, unit, hours_of[at[is_now[at]]], hours_of[at[is_before[at]]])
               for (unit_type, unit), at in sorted(positions.items())]
    return baseline, samples


def _long_enough(now: np.ndarray, before: np.ndarray, rules: Rules) -> bool:
    return min(len(now), len(before)) >= rules.anomalies.min_durations


def slower_durations(tickets: pd.DataFrame, months: list[str], month: str, rules: Rules,
                     what: str = "completion") -> pd.DataFrame:
    """slower_completion (or, with what='response', slower_response) flags of one month; ``months`` are every
    month the history covers up to ``month``, as for :func:`statistical_coverage`.

    observed and expected: the median hours this month and in the baseline months.
    """
    baseline, samples = _duration_samples(tickets, months, month, rules, what)
    kind = f"slower_{what}"
    if len(baseline) < rules.anomalies.min_baseline_months:
        return _frame([])
    tested = []
    for unit_type, unit, now, before in samples:
        if not _long_enough(now, before, rules):
            continue
        result = stats.mannwhitneyu(now, before, alternative="greater")
        tested.append({"unit_type": unit_type, "unit": unit, "observed": float(np.median(now)),
                       "expected": float(np.median(before)), "p": float(result.pvalue)})
    if not tested:
        return _frame([])
    q = stats.false_discovery_control(np.array([t["p"] for t in tested]), method="bh")
    label = "penyelesaian" if what == "completion" else "respon"
    rows = []
    for test, q_value in zip(tested, q):
        increase = test["observed"] - test["expected"]
        if q_value <= rules.anomalies.false_discovery_rate and increase >= rules.anomalies.min_hours_increase:
            rows.append({"kind": kind, "unit_type": test["unit_type"], "unit": test["unit"], "month": month,
                         "observed": test["observed"], "expected": test["expected"], "p_value": test["p"],
                         "q_value": q_value, "evidence": (
                             f"median waktu {label} {fmt.number(test['observed'], 1)} jam, "
                             f"{_times(test['observed'], test['expected'])} kali median "
                             f"{len(baseline)} bulan sebelumnya ({fmt.number(test['expected'], 1)} jam); "
                             f"q {_p_text(q_value)}")})
    return _frame(rows)


def statistical_coverage(tickets: pd.DataFrame, months: list[str], month: str, rules: Rules) -> pd.DataFrame:
    """Per statistical test: the units it could judge, how many were tested, and the baseline months.

    ``tickets`` are a city's tickets up to ``month``; ``months`` every month the history covers up to it. The
    volume test's units are those with a complaint in the baseline or the month, those of the hours tests the
    units with hours this month. Counts are not tested with fewer than ``min_baseline_months`` earlier months;
    hours also not with fewer than ``min_durations`` values this month or in the baseline.
    """
    baseline = _baseline_months(months, month, rules)
    short = len(baseline) < rules.anomalies.min_baseline_months
    in_window = month_of(tickets["created_at"]).isin([*baseline, month]).to_numpy(dtype=bool)
    units = len(tickets.loc[in_window, list(UNIT_KEYS)].drop_duplicates())
    rows = [{"test": "volume", "units": units, "tested": 0 if short else units, "baseline_months": len(baseline)}]
    for what in ("completion", "response"):
        _, samples = _duration_samples(tickets, months, month, rules, what)
        present = [s for s in samples if len(s[2])]
        tested = 0 if short else sum(_long_enough(now, before, rules) for _t, _u, now, before in present)
        rows.append({"test": f"slower_{what}", "units": len(present), "tested": tested,
                     "baseline_months": len(baseline)})
    table = pd.DataFrame(rows)
    return table.assign(not_tested=table["units"] - table["tested"])
