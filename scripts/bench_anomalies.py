"""Benchmark the anomaly flags on injected anomalies: recall and precision per kind, and the clean sample's flags.

From the bundled sample, with a fixed seed, known anomalies are planted into a
copy of the canonical tickets of several ordinary city-months, with effect
sizes drawn per case; every flag is then computed and compared with what was
planted. Run with `make bench-anomalies`. It is a measurement, not a test.

Planted per city-month: a kelurahan's month x2.5-4 (baseline of 5 a month or
more); its completion hours x3-5; 10 completions within 1-4 minutes; 4
closures of one unit in one minute; 5 geotags moved 4-6 km; 4 complaints of
one category within 40 m and 90 minutes; 3 tickets left open past their maximum.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.ingest.cache import load_cached
from crmlib.ingest.select import month_bounds, select_city
from crmlib.ingest.settings import load_settings
from crmlib.metrics.anomalies import METRES_PER_DEGREE_LON
from crmlib.metrics.history import month_of
from crmlib.pipeline.anomaly_scan import KINDS, scan_export
from crmlib.pipeline.context import sample_inputs
from crmlib.schema import Export

CASES = [("jakbar", "2022-09"), ("jaksel", "2022-10"), ("jakut", "2022-08"), ("jaktim", "2022-11"),
         ("jakpus", "2022-05"), ("jakbar", "2022-04")]
STATISTICAL = ("volume_spike", "volume_drop", "slower_completion", "slower_response")


def _new_ids(frame: pd.DataFrame, tag: str) -> pd.Series:
    return ("ZZ" + tag + pd.Series(range(len(frame)), index=frame.index).astype(str).str.zfill(6)).astype("string")


def plant(tickets: pd.DataFrame, city: str, month: str, cutoff: pd.Timestamp, rng: np.random.Generator
          ) -> tuple[pd.DataFrame, dict[str, set]]:
    """A copy of the tickets with one anomaly of each kind planted in the city-month; what was planted, per kind
    (ticket ids, or the unit for unit-month kinds)."""
    tickets = tickets.copy()
    planted: dict[str, set] = defaultdict(set)
    start, end = month_bounds(month)
    in_month = (tickets["city_code"] == city) & tickets["created_at"].between(start, end, inclusive="left")
    kelurahan = tickets[in_month & (tickets["unit_type"] == "kelurahan")]
    history = tickets[(tickets["city_code"] == city) & (tickets["created_at"] < start)
                      & (tickets["unit_type"] == "kelurahan")]
    monthly = history.groupby("unit").size() / max(1, month_of(history["created_at"]).nunique())
    busy = [u for u in kelurahan["unit"].unique() if monthly.get(u, 0) >= 5]
    spike_unit, slow_unit = rng.choice(busy, size=2, replace=False)

    # volume_spike: the unit's month times 2.5-4, by copies of its tickets under new numbers
    own = tickets[in_month & (tickets["unit"] == spike_unit)]
    copies = [own.assign(ticket_id=_new_ids(own, f"S{k}")) for k in range(int(round(rng.uniform(1.5, 3.0))))]
    tickets = pd.concat([tickets, *copies], ignore_index=True)
    planted["volume_spike"].add(spike_unit)

    # slower_completion: the unit's completion hours times 3-5
    slow = in_month.reindex(tickets.index, fill_value=False) & (tickets["unit"] == slow_unit) \
        & tickets["completed_at"].notna()
    factor = rng.uniform(3, 5)
    tickets.loc[slow, "completed_at"] = tickets.loc[slow, "created_at"] + (
        tickets.loc[slow, "completed_at"] - tickets.loc[slow, "created_at"]) * factor
    planted["slower_completion"].add(slow_unit)

    month_rows = tickets.index[in_month.reindex(tickets.index, fill_value=False)
                               & ~tickets["unit"].isin([spike_unit, slow_unit])]
    free = list(rng.permutation(month_rows))

    def take(n: int, where=None) -> list[int]:
        chosen = [i for i in free if where is None or where(i)][:n]
        for i in chosen:
            free.remove(i)
        return chosen

    completed = lambda i: pd.notna(tickets.at[i, "completed_at"])  # noqa: E731
    # fast_closure: 10 completions within 1-4 minutes
    for i in take(10, completed):
        tickets.at[i, "completed_at"] = tickets.at[i, "created_at"] + pd.Timedelta(minutes=int(rng.integers(1, 5)))
        planted["fast_closure"].add(tickets.at[i, "ticket_id"])
    # batch_closure: 4 tickets of one unit closed in one minute
    unit = tickets.loc[free[0], "unit"]
    batch = take(4, lambda i: tickets.at[i, "unit"] == unit)
    moment = tickets.loc[batch, "created_at"].max() + pd.Timedelta(hours=3)
    for k, i in enumerate(batch):
        tickets.at[i, "completed_at"] = moment + pd.Timedelta(seconds=10 * k)
        planted["batch_closure"].add(tickets.at[i, "ticket_id"])
    # geotag_far: 5 geotags moved 4-6 km east
    for i in take(5, lambda i: bool(tickets.at[i, "geotagged"])):
        tickets.at[i, "longitude"] += rng.uniform(4000, 6000) / METRES_PER_DEGREE_LON
        planted["geotag_far"].add(tickets.at[i, "ticket_id"])
    # duplicate_burst: 4 complaints of one category within 40 m and 90 minutes, as new tickets at one place
    seed = tickets.loc[take(1, lambda i: bool(tickets.at[i, "geotagged"]))[0]]
    burst = pd.DataFrame([seed] * 4)
    burst["ticket_id"] = _new_ids(burst, "B")
    burst["category"] = "Uji Kerumunan"
    burst["latitude"] = burst["latitude"] + rng.uniform(-15, 15, 4) / 110_574
    burst["created_at"] = seed["created_at"] + pd.to_timedelta(rng.uniform(0, 90, 4), unit="min")
    burst["responded_at"] = burst["created_at"] + pd.Timedelta(minutes=30)
    burst["completed_at"] = burst["created_at"] + pd.Timedelta(hours=5)
    tickets = pd.concat([tickets, burst.astype(tickets.dtypes.to_dict())], ignore_index=True)
    planted["duplicate_burst"].update(burst["ticket_id"])
    # backlog_aged: 3 tickets of the month's first days left open
    early = lambda i: tickets.at[i, "created_at"] < start + pd.Timedelta(days=5) and completed(i)  # noqa: E731
    for i in take(3, early):
        tickets.at[i, "completed_at"] = pd.NaT
        planted["backlog_aged"].add(tickets.at[i, "ticket_id"])
    assert cutoff >= end
    return tickets, planted


def _found(flags: pd.DataFrame, kind: str) -> set:
    rows = flags[flags["kind"] == kind]
    return set(rows["unit"] if kind in STATISTICAL else rows["ticket_id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(cache_dir=Path(tmp) / "cache")
        sample = sample_inputs()
        export = load_cached(sample["tickets"], sample["coordinations"], settings=settings)
    rules = settings.rules
    planted_total, found_total, flagged_total = defaultdict(int), defaultdict(int), defaultdict(int)
    for city, month in CASES:
        cutoff = month_bounds(month)[1] + pd.Timedelta(days=10)
        tickets, planted = plant(export.tickets, city, month, cutoff, rng)
        injected = Export(tickets, export.coordinations, export.exclusions, export.flags, export.accounting)
        flags = scan_export(injected, city, month, cutoff, rules)
        for kind in planted:
            found = _found(flags, kind)
            planted_total[kind] += len(planted[kind])
            found_total[kind] += len(found & planted[kind])
            flagged_total[kind] += len(found)
    print(f"planted anomalies in {len(CASES)} city-months, seed {args.seed}")
    print(f"  {'kind':<18} {'planted':>7} {'found':>6} {'recall':>7} {'flags':>6} {'precision':>9}")
    for kind in KINDS:
        if kind not in planted_total:
            continue
        recall = found_total[kind] / planted_total[kind]
        precision = found_total[kind] / flagged_total[kind] if flagged_total[kind] else float("nan")
        mark = "ok" if recall >= 0.9 and precision >= 0.9 else "UNDER"
        print(f"  {kind:<18} {planted_total[kind]:>7} {found_total[kind]:>6} {recall:>7.2f} {flagged_total[kind]:>6} "
              f"{precision:>9.2f}  {mark}")

    # The clean sample: statistical flags per city-month, every city and month with a year of history or less.
    counts = []
    for city in sorted(set(export.tickets["city_code"].dropna())):
        months = sorted(month_of(select_city(export, city)["created_at"]).unique())
        for month in months[3:]:
            flags = scan_export(export, city, month, month_bounds(month)[1], rules)
            counts.append(int(flags["kind"].isin(STATISTICAL).sum()))
    print(f"clean sample: {np.mean(counts):.2f} statistical flags per city-month over {len(counts)} city-months "
          f"(max {max(counts)}; the calibrated seed months included); target <= 1")


if __name__ == "__main__":
    main()
