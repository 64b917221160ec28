"""Benchmark the anomaly flags on injected anomalies: recall and precision per kind, and the clean sample's flags.

From the bundled sample, with a fixed seed, known anomalies are planted into a
copy of the canonical tickets of 20 ordinary city-months drawn at random, with
effect sizes drawn per case; every flag is then computed and compared with what
was planted. Flags the clean export already has in that city-month do not
count either way, nor do slower follow-ups in the units whose responses or
batch closures were planted, or a spike in the unit a burst was planted in
(those are real effects of the plants). Run with
`make bench-anomalies`. It is a measurement, not a test.

Planted per city-month: a kelurahan with 5 or more complaints a month brought
to 3-4 times its average; one with 10 or more cut to 0-20% of its month; in two
busy kelurahan (12 tickets or more this month where there are such), follow-up
hours x3-5 and response hours x4-8, drawn from the unit's own earlier months.
What a slowdown shows varies around its multiplier (the month's hours are drawn
anew), so each is sized by the month's median against the unit's baseline
median: the recall table counts those of x4 or more, and a second table gives
the recall by size (a slowdown of less than the rules' minimum increase is no
anomaly by the rules);
5-10 completions within 1 minute to the fast-closure threshold, and 2 just past
it; 3-5 closures of one unit in one minute; 6 kelurahan geotags moved across
their nearest border to 40 m, 80 m, 150 m, 300 m, 1 km and 5 km outside it (the
first two within the rules' border band); 3-5 complaints of one category each
within the burst radius and window of the first, and a near miss of 3 that is
no burst; 2-4 tickets of the month's first days left open; 2-4 coordinations of
tickets the tickets file lacks processed 1 minute to 2 days before they were
coordinated, and 2 processed in that minute or the next, put through the
loader's cleaning as the raw rows of a file. Plants just past a threshold are no
anomaly: a flag on them counts against precision.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.geometry import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON
from crmlib.ingest.areas import UnitResolver
from crmlib.ingest.cache import load_cached
from crmlib.ingest.clean import clean_coordinations
from crmlib.ingest.read import RawTable, read_table
from crmlib.ingest.rules import Rules
from crmlib.ingest.select import in_city_month, month_bounds, select_city
from crmlib.ingest.settings import Settings, load_settings
from crmlib.metrics import flag_kinds
from crmlib.metrics.history import export_months, month_of
from crmlib.pipeline.context.anomaly_scan import scan_export
from crmlib.pipeline.context.city import sample_inputs
from crmlib.sample import PLANTED, YEAR
from crmlib.sample.places import across_border
from crmlib.schema import TZ, Export

# The benchmark's city-months are drawn from these: ordinary months with at least three earlier months, of the
# cities with enough complaints, none calibrated or with an anomaly planted in the sample itself.
CITIES = ("jakbar", "jakpus", "jaksel", "jaktim", "jakut")
EXCLUDED = {("jaktim", "2022-06"), ("jakpus", "2022-07")} | {(p.city, f"{YEAR}-{p.month:02d}") for p in PLANTED}
# Metres outside the kelurahan a moved geotag lands: within the border band, just across it, a block or two
# into the neighbour, another part of the city.
GEOTAG_METRES = (40, 80, 150, 300, 1000, 5000)
PLACE_KINDS = ("geotag_outside",)
# A planted slowdown's size as the month shows it: its median against the unit's baseline median (the planted
# multiplier applies to hours drawn from the unit's own baseline, so the month's median varies around it).
SIZE_BINS = (("x<2", 2.0), ("x2-3", 3.0), ("x3-4", 4.0), ("x4+", float("inf")))
# The headline's slowdowns: four times the unit's usual median or more (and at least the rules' minimum increase).
SLOWDOWN_SIZE = "x4+"
ELIGIBLE = [(c, f"{YEAR}-{m:02d}") for c in CITIES for m in range(4, 13) if (c, f"{YEAR}-{m:02d}") not in EXCLUDED]


def _new_ids(frame: pd.DataFrame, tag: str) -> pd.Series:
    return ("ZZ" + tag + pd.Series(range(len(frame)), index=frame.index).astype(str).str.zfill(6)).astype("string")


def plant(tickets: pd.DataFrame, city: str, month: str, cutoff: pd.Timestamp, rng: np.random.Generator, rules: Rules,
          ) -> tuple[pd.DataFrame, dict[str, set], dict[str, set], dict[str, float], dict[str, tuple[float, float]]]:
    """A copy of the tickets with one anomaly of each kind planted in the city-month; what was planted, per kind
    (ticket ids, or the unit for unit-month kinds), what a plant changed besides (counted neither way), the
    moved geotags' metres outside their kelurahan, and the slowdowns' size as the month shows it
    (:func:`_median_change`)."""
    tickets = tickets.copy()
    geotag_metres: dict[str, float] = {}
    planted: dict[str, set] = defaultdict(set)
    also = {"slower_completion": set(), "volume_spike": set(), "geotag_outside": set(), "fast_closure": set()}
    start, end = month_bounds(month)
    in_month = (tickets["city_code"] == city) & tickets["created_at"].between(start, end, inclusive="left")
    kelurahan = tickets[in_month & (tickets["unit_type"] == "kelurahan")]
    history = tickets[(tickets["city_code"] == city) & (tickets["created_at"] < start)
                      & (tickets["created_at"] >= start - pd.DateOffset(months=12)) & (tickets["unit_type"] == "kelurahan")]
    monthly = history.groupby("unit").size() / max(1, month_of(history["created_at"]).nunique())
    units = sorted(kelurahan["unit"].unique())
    # A spike is planted where the baseline is 5 a month or more; a drop or slower times where it is 10 or more,
    # since fewer complaints cannot show them against every other unit of the city.
    spike_unit = rng.choice([u for u in units if 5 <= monthly.get(u, 0)])
    large = [u for u in units if 10 <= monthly.get(u, 0) and u != spike_unit]
    drop_unit = rng.choice(large)
    # Slower times are planted where the month has 12 tickets or more (fewer can hardly show a 3-fold median),
    # else in the month's two busiest units.
    month_size = kelurahan["unit"].value_counts()
    candidates = [u for u in month_size.index if u not in (spike_unit, drop_unit)]
    busy = [u for u in candidates if month_size[u] >= 12]
    slow_unit, late_unit = rng.choice(busy if len(busy) >= 2 else candidates[:2], size=2, replace=False)
    this_month = lambda: in_month.reindex(tickets.index, fill_value=False)  # noqa: E731

    # volume_spike: the unit's month brought to 3-4 times its baseline average, by copies of its baseline
    # tickets (so their times are the unit's usual ones) moved into the month, a few hundred metres away
    own = tickets[in_month & (tickets["unit"] == spike_unit)]
    target = int(round(monthly[spike_unit] * rng.uniform(3, 4)))
    extra = history[history["unit"] == spike_unit].sample(max(0, target - len(own)), replace=True,
                                                          random_state=rng).reset_index(drop=True)
    created = start + pd.to_timedelta(rng.uniform(0, (end - start).total_seconds() - 60, len(extra)), unit="s")
    moved = pd.Series(created, index=extra.index) - extra["created_at"]
    extra = extra.assign(ticket_id=_new_ids(extra, "S"), created_at=extra["created_at"] + moved,
                         responded_at=extra["responded_at"] + moved, completed_at=extra["completed_at"] + moved,
                         latitude=extra["latitude"] + rng.uniform(-300, 300, len(extra)) / 110_574)
    tickets = pd.concat([tickets, extra.astype(tickets.dtypes.to_dict())], ignore_index=True)
    planted["volume_spike"].add(spike_unit)
    # The copies keep their tickets' times and places, moved: some were quick closures, some leave their kelurahan.
    also["fast_closure"].update(extra["ticket_id"])
    also["geotag_outside"].update(extra["ticket_id"])

    # volume_drop: the unit keeps 0-20% of its month
    own = tickets.index[this_month() & (tickets["unit"] == drop_unit)]
    tickets = tickets.drop(rng.permutation(own)[:len(own) - int(len(own) * rng.uniform(0, 0.2))])
    planted["volume_drop"].add(drop_unit)

    # slower_completion, slower_response: the unit's hours of the month drawn from its own baseline months and
    # multiplied (a response made later delays the follow-up by as much)
    def stretch(unit: str, column: str, factor: float) -> None:
        rows = this_month() & (tickets["unit"] == unit) & tickets[column].notna()
        own = history[(history["unit"] == unit) & history[column].notna()]
        usual = (own[column] - own["created_at"]).sample(int(rows.sum()), replace=True, random_state=rng)
        new = tickets.loc[rows, "created_at"] + usual.to_numpy() * factor
        if column == "responded_at":
            tickets.loc[rows, "completed_at"] += new - tickets.loc[rows, column]
        tickets.loc[rows, column] = new

    stretch(slow_unit, "completed_at", rng.uniform(3, 5))
    planted["slower_completion"].add(slow_unit)
    stretch(late_unit, "responded_at", rng.uniform(4, 8))
    planted["slower_response"].add(late_unit)
    also["slower_completion"].add(late_unit)

    month_rows = tickets.index[this_month() & ~tickets["unit"].isin([spike_unit, drop_unit, slow_unit, late_unit])]
    free = list(rng.permutation(month_rows))

    def take(n: int, where=None) -> list[int]:
        chosen = [i for i in free if where is None or where(i)][:n]
        for i in chosen:
            free.remove(i)
        return chosen

    completed = lambda i: pd.notna(tickets.at[i, "completed_at"])  # noqa: E731
    minutes_taken = lambda i: (tickets.at[i, "completed_at"] - tickets.at[i, "created_at"]).total_seconds() / 60  # noqa: E731
    # fast_closure: 5-10 completions within 1 minute to the rules' threshold, and 2 just past it (no anomaly: a
    # flag on them is a false one), on tickets that took longer than that
    limit = rules.anomalies.fast_closure_minutes
    slow_enough = lambda i: completed(i) and minutes_taken(i) > limit + 5  # noqa: E731
    for k, i in enumerate(take(int(rng.integers(5, 11)) + 2, slow_enough)):
        minutes = int(rng.integers(1, limit + 1)) if k >= 2 else int(rng.integers(limit + 1, limit + 6))
        tickets.at[i, "completed_at"] = tickets.at[i, "created_at"] + pd.Timedelta(minutes=minutes)
        tickets.at[i, "responded_at"] = min(tickets.at[i, "responded_at"], tickets.at[i, "completed_at"])
        if minutes <= limit:
            planted["fast_closure"].add(tickets.at[i, "ticket_id"])
    # batch_closure: 3-5 tickets of one unit created close together, closed within one minute 2 hours after the
    # last; the earlier ones wait longer, so the unit may also be slower
    size = int(rng.integers(3, 6))
    unit = next(u for u in pd.unique(tickets.loc[free, "unit"])
                if pd.notna(u) and sum(tickets.at[i, "unit"] == u for i in free) >= size)
    own = tickets.loc[[i for i in free if tickets.at[i, "unit"] == unit]].sort_values("created_at")
    spans = own["created_at"].diff(size - 1).shift(-(size - 1))
    also["slower_completion"].add(unit)
    first = own.index.get_loc(spans.idxmin())
    batch = take(size, lambda i: i in set(own.index[first:first + size]))
    moment = tickets.loc[batch, "created_at"].max().floor("min") + pd.Timedelta(hours=2)
    for k, i in enumerate(batch):
        tickets.at[i, "completed_at"] = moment + pd.Timedelta(seconds=10 * k)
        tickets.at[i, "responded_at"] = min(tickets.at[i, "responded_at"], tickets.at[i, "completed_at"])
        planted["batch_closure"].add(tickets.at[i, "ticket_id"])
    # geotags: one kelurahan geotag moved across its kelurahan's nearest border to each distance outside it; those
    # within the rules' border band are no anomaly (a flag on them is a false one)
    band = rules.places.border_tolerance_metres
    for metres in GEOTAG_METRES:
        i = take(1, lambda i: bool(tickets.at[i, "geotagged"]) and tickets.at[i, "unit_type"] == "kelurahan")[0]
        tickets.at[i, "longitude"], tickets.at[i, "latitude"] = across_border(
            city, tickets.at[i, "unit"], tickets.at[i, "longitude"], tickets.at[i, "latitude"], metres)
        geotag_metres[tickets.at[i, "ticket_id"]] = metres
        if metres > band:
            planted["geotag_outside"].add(tickets.at[i, "ticket_id"])
    # duplicate_burst: 3-5 complaints of one category, each within the rules' radius and window of the first
    # (up to 97% of each); and 3 of another category that each miss one of them by a fifth to a half (no burst:
    # a flag on them is a false one). New tickets at a geotagged ticket's place.
    radius, window = rules.anomalies.burst_metres, rules.anomalies.burst_hours
    seed = tickets.loc[take(1, lambda i: bool(tickets.at[i, "geotagged"]))[0]]
    earlier = tickets[(tickets["city_code"] == city) & (tickets["created_at"] < start)]

    def group(size: int, category: str, tag: str, reach: np.ndarray, later: np.ndarray) -> pd.DataFrame:
        rows = pd.DataFrame([seed] * size)
        rows["ticket_id"] = _new_ids(rows, tag)
        rows["category"] = category
        angle = rng.uniform(0, 2 * np.pi, size)
        rows["latitude"] = rows["latitude"] + reach * np.sin(angle) / METRES_PER_DEGREE_LAT
        rows["longitude"] = rows["longitude"] + reach * np.cos(angle) / METRES_PER_DEGREE_LON
        rows["created_at"] = seed["created_at"] + pd.to_timedelta(later, unit="h")
        # Each handled as the unit's complaints usually are: a response and follow-up time of its own earlier ones
        # (the city's, for a unit without earlier complaints).
        own = earlier[earlier["unit"] == seed["unit"]]
        usual = (own if len(own) else earlier).sample(size, replace=True, random_state=rng)
        for column in ("responded_at", "completed_at"):
            rows[column] = rows["created_at"] + (usual[column] - usual["created_at"]).to_numpy()
        return rows

    size = int(rng.integers(3, 6))
    reach, later = np.r_[0, rng.uniform(0.1, 0.97, size - 1)] * radius, np.r_[0, rng.uniform(0, 0.97, size - 1)] * window
    burst = group(size, "Uji Kerumunan", "B", reach, later)
    # The near miss: its second complaint too far, its third too late, so no three are within both of a first.
    miss = group(3, "Uji Kerumunan Lain", "M", np.array([0, rng.uniform(1.2, 1.5) * radius, 0.5 * radius]),
                 np.array([0, 0.5 * window, rng.uniform(1.2, 1.5) * window]))
    added = pd.concat([burst, miss])
    added.index = pd.RangeIndex(tickets.index.max() + 1, tickets.index.max() + 1 + len(added))  # the free rows keep theirs
    tickets = pd.concat([tickets, added.astype(tickets.dtypes.to_dict())])
    planted["duplicate_burst"].update(burst["ticket_id"])
    also["volume_spike"].add(seed["unit"])  # the added complaints add to its unit's month
    # and take the unit's usual times (some are quick closures), at points that may cross a border
    also["fast_closure"].update(added["ticket_id"])
    also["geotag_outside"].update(added["ticket_id"])
    # backlog_aged: 2-4 tickets of the month's first days left open
    early = lambda i: tickets.at[i, "created_at"] < start + pd.Timedelta(days=5) and completed(i)  # noqa: E731
    for i in take(int(rng.integers(2, 5)), early):
        tickets.at[i, "completed_at"] = pd.NaT
        tickets.at[i, "status"] = "In Progres"
        planted["backlog_aged"].add(tickets.at[i, "ticket_id"])
    assert cutoff >= end
    sizes = {"slower_completion": _median_change(tickets, city, month, slow_unit, "completed_at"),
             "slower_response": _median_change(tickets, city, month, late_unit, "responded_at")}
    return tickets, planted, also, geotag_metres, sizes


def plant_time_order(export: Export, raw: RawTable, city: str, month: str, rng: np.random.Generator,
                     settings: Settings) -> tuple[Export, set]:
    """The export with 2-4 of the city-month's coordinations, each of a ticket the tickets file lacks, processed
    1 minute to 2 days before they were coordinated, and 2 more processed in the minute they were or the next
    (no anomaly: a flag on them is a false one), put through the loader's cleaning of the raw rows as a file
    with them would be; and the planted rows' ticket ids."""
    rows = in_city_month(export.coordinations, "coordinated_at", city, month)
    candidates = rows[rows["processed_at"].notna() & ~rows["ticket_id"].isin(export.tickets["ticket_id"])
                      ].drop_duplicates("ticket_id")
    chosen = candidates.sample(int(rng.integers(2, 5)) + 2, random_state=rng)
    lines = raw.frame[raw.frame["source_row"].isin(chosen["source_row"])].copy()
    coordinated = chosen.set_index("source_row").loc[lines["source_row"], "coordinated_at"].dt.tz_convert(TZ)
    minutes = np.r_[-rng.uniform(1, 48 * 60, len(lines) - 2).round(), rng.integers(0, 2, 2)]
    lines["processed_at"] = (coordinated + pd.to_timedelta(minutes, unit="min")).dt.strftime("%d/%m/%Y %H:%M").to_numpy()
    cleaned, _, flags = clean_coordinations(lines.reset_index(drop=True), source_file=raw.file, headers=raw.headers,
                                            mapping=settings.mapping, rules=settings.rules,
                                            resolver=UnitResolver(settings.aliases), missing=raw.missing)
    replaced = export.coordinations["source_row"].isin(lines["source_row"])
    replaced_flags = (export.flags["table"] == "coordinations") & export.flags["source_row"].isin(lines["source_row"])
    injected = Export(export.tickets,
                      pd.concat([export.coordinations[~replaced], cleaned.astype(rows.dtypes.to_dict())], ignore_index=True),
                      export.exclusions,
                      pd.concat([export.flags[~replaced_flags.fillna(False)], flags.astype(export.flags.dtypes.to_dict())],
                                ignore_index=True),
                      export.accounting)
    planted = set(lines.loc[(minutes < 0), "ticket_id"])
    return injected, planted


def _median_change(tickets: pd.DataFrame, city: str, month: str, unit: str, column: str) -> tuple[float, float]:
    """What a planted slowdown shows: the kelurahan's median hours to ``column`` this month as a multiple of its
    median over the 12 months before, and the difference in hours (the medians the test reports)."""
    start, end = month_bounds(month)
    own = tickets[(tickets["city_code"] == city) & (tickets["unit"] == unit) & (tickets["unit_type"] == "kelurahan")
                  & tickets[column].notna()]
    hours = (own[column] - own["created_at"]).dt.total_seconds() / 3600
    now = hours[own["created_at"].between(start, end, inclusive="left")].median()
    before = hours[own["created_at"].between(start - pd.DateOffset(months=12), start, inclusive="left")].median()
    return now / before, now - before


def _found(flags: pd.DataFrame, kind: str) -> set:
    rows = flags[flags["kind"] == kind]
    return set(rows["unit"] if flag_kinds.by_name(kind).level == "unit_month" else rows["ticket_id"])


def size_bin(ratio: float, increase: float, rules: Rules) -> str:
    """The size class of a slowdown as the month shows it (:func:`_median_change`).

    >>> from crmlib.ingest.settings import load_settings
    >>> rules = load_settings().rules
    >>> size_bin(5.0, 0.5, rules), size_bin(3.5, 2.0, rules), size_bin(4.0, 2.0, rules)
    ('+<1 h', 'x3-4', 'x4+')
    """
    if increase < rules.anomalies.min_hours_increase:
        return f"+<{rules.anomalies.min_hours_increase:g} h"
    return next((name for name, upper in SIZE_BINS if ratio < upper), SIZE_BINS[-1][0])


def _measure(export: Export, raw: RawTable, cases: list[tuple[str, str]], settings: Settings,
             rng: np.random.Generator) -> tuple[dict, dict, dict, dict, dict]:
    """Plant into each case and count, per kind: planted, found among them, and flags; per (kind, metres) how
    many of the geotags moved that far outside their kelurahan the place kinds flag; and per (kind, size class)
    how many slowdowns were planted and found. A slowdown smaller than :data:`SLOWDOWN_SIZE` counts in its class
    only: a flag on it is no false one, nor is missing it a miss of the headline."""
    planted_total, found_total, flagged_total = defaultdict(int), defaultdict(int), defaultdict(int)
    by_distance: dict[tuple[str, float], int] = defaultdict(int)
    by_size: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    covered = export_months(export.tickets)
    rules = settings.rules
    for city, month in cases:
        cutoff = month_bounds(month)[1] + pd.Timedelta(days=10)
        tickets, planted, also, geotag_metres, sizes = plant(export.tickets, city, month, cutoff, rng, rules)
        injected = Export(tickets, export.coordinations, export.exclusions, export.flags, export.accounting)
        injected, planted["time_order"] = plant_time_order(injected, raw, city, month, rng, settings)
        flags = scan_export(injected, city, month, cutoff, rules, covered)
        # Flags the clean export already has in this city-month were not caused by the plants.
        before = scan_export(export, city, month, cutoff, rules, covered)
        for kind in planted:
            found = _found(flags, kind) - also.get(kind, set()) - _found(before, kind)
            if kind in sizes:
                size = size_bin(*sizes[kind], rules)
                by_size[kind, size][0] += 1
                by_size[kind, size][1] += len(found & planted[kind])
                if size != SLOWDOWN_SIZE:
                    flagged_total[kind] += len(found - planted[kind])
                    continue
            planted_total[kind] += len(planted[kind])
            found_total[kind] += len(found & planted[kind])
            flagged_total[kind] += len(found)
        for kind in PLACE_KINDS:
            for ticket_id in _found(flags, kind) & set(geotag_metres):
                by_distance[kind, geotag_metres[ticket_id]] += 1
    return planted_total, found_total, flagged_total, by_distance, by_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", type=int, default=20, help="how many city-months to plant in, per seed")
    parser.add_argument("--seeds", type=int, default=1,
                        help="repeat with this many seeds from --seed on, each drawing its own city-months and plants")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(cache_dir=Path(tmp) / "cache")
        sample = sample_inputs()
        export = load_cached(sample["tickets"], sample["coordinations"], settings=settings)
    raw = read_table(sample["coordinations"], "coordinations", settings.mapping)
    rules = settings.rules
    planted_total, found_total, flagged_total, by_distance = (defaultdict(int) for _ in range(4))
    by_size: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    measured = 0
    for seed in range(args.seed, args.seed + args.seeds):
        rng = np.random.default_rng(seed)
        cases = [ELIGIBLE[i] for i in sorted(rng.choice(len(ELIGIBLE), size=args.cases, replace=False))]
        print(f"planted anomalies in {len(cases)} city-months, seed {seed}: {cases}")
        *parts, sizes = _measure(export, raw, cases, settings, rng)
        for total, part in zip((planted_total, found_total, flagged_total, by_distance), parts):
            for key, value in part.items():
                total[key] += value
        for key, (planted_n, found_n) in sizes.items():
            by_size[key][0] += planted_n
            by_size[key][1] += found_n
        measured += len(cases)
    print(f"all {args.seeds} seed(s), {measured} city-months:")
    print(f"  {'kind':<18} {'planted':>7} {'found':>6} {'recall':>7} {'flags':>6} {'precision':>9}")
    for kind in flag_kinds.names():
        if kind not in planted_total:
            continue
        recall = found_total[kind] / planted_total[kind]
        precision = found_total[kind] / flagged_total[kind] if flagged_total[kind] else float("nan")
        mark = "ok" if recall >= 0.9 and precision >= 0.9 else "UNDER"
        print(f"  {kind:<18} {planted_total[kind]:>7} {found_total[kind]:>6} {recall:>7.2f} {flagged_total[kind]:>6} "
              f"{precision:>9.2f}  {mark}")

    print(f"slowdowns found, by their size as the month shows it (the unit's median / its baseline median; the "
          f"table above counts {SLOWDOWN_SIZE} only):")
    sizes = [f"+<{rules.anomalies.min_hours_increase:g} h", *(name for name, _ in SIZE_BINS)]
    print(f"  {'kind':<18} " + " ".join(f"{size:>10}" for size in sizes))
    for kind in ("slower_completion", "slower_response"):
        print(f"  {kind:<18} " + " ".join(f"{by_size[kind, size][1]:>4}/{by_size[kind, size][0]:<5}" for size in sizes))
    print(f"moved geotags flagged, by metres outside their kelurahan (border band: "
          f"{rules.places.border_tolerance_metres:g} m; within it a flag is a false one):")
    print(f"  {'metres':>7} " + " ".join(f"{kind:>15}" for kind in PLACE_KINDS))
    for metres in GEOTAG_METRES:
        print(f"  {metres:>7} " + " ".join(f"{by_distance[kind, metres] / measured:>15.2f}" for kind in PLACE_KINDS))

    # The sample as shipped: its documented anomalies are found, and otherwise few statistical flags per
    # city-month (every city-month with at least the minimum baseline; the calibrated seed months included).
    documented = {(p.city, f"{YEAR}-{p.month:02d}", p.unit) for p in PLANTED}
    found_documented, counts = set(), []
    covered = export_months(export.tickets)
    for city in sorted(set(export.tickets["city_code"].dropna())):
        months = sorted(month_of(select_city(export, city)["created_at"]).unique())
        for month in months:
            flags = scan_export(export, city, month, month_bounds(month)[1], rules, covered)
            for p in PLANTED:
                if (p.city, f"{YEAR}-{p.month:02d}") == (city, month) and p.kind in set(flags["kind"]):
                    found_documented.add(p.kind)
            if month >= months[rules.anomalies.min_baseline_months]:
                statistical = flags[flags["kind"].isin(flag_kinds.statistical_names())]
                counts.append(sum((city, month, unit) not in documented for unit in statistical["unit"]))
    print(f"the sample's documented anomalies found: {len(found_documented)} of {len(PLANTED)}")
    print(f"clean sample: {np.mean(counts):.2f} statistical flags per city-month besides the documented ones, over "
          f"{len(counts)} city-months (max {max(counts)}; the calibrated seed months included); target <= 1")

if __name__ == "__main__":
    main()
