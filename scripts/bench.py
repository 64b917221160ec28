"""Benchmark reports against the floor: the same section code run once in one plain Python process.

The floor executes every section's code cells once, in order, in a fresh
plain Python process (no shell, no papermill, no pool: imports included, as a
script would pay them), then adds the report's HTML and PDF. Against it: one report built as
`make report` builds it; every city and month of a year through one pool, in a
fresh process as `make reports` builds them, with the peak memory of all its processes; and at
scale, a 1,000,000-ticket export made from the sample (not kept): its load,
clean and cache in a fresh process, and a report from its cache; and a flood, a 1,000,000-ticket export with
half of them in one city-month (scripts/flood_export.py), its report built from scratch. Prints wall
times and ratios measured in the same run; each ratio is the median of rounds
that build its two sides in turn. It is a measurement, not a test.
Run with `make bench`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

# Heavy imports live in the functions: the section pool's workers are spawned
# and re-import this script, and should not pay for pandas or the build here.
from crmlib.pipeline.execution.sections import skip_iri_grammar
from crmlib.resources import section_notebooks

MAPS_SECTION = "15_peta"

skip_iri_grammar()
# The other scripts of this folder (bench_load, big_export) import as modules.
sys.path.insert(0, str(Path(__file__).parent))


def combined_notebook(paths: list[Path]):
    """All sections in one notebook: the first parameter cell, then every other cell."""
    import nbformat

    merged = nbformat.read(paths[0], as_version=4)
    for path in paths[1:]:
        cells = nbformat.read(path, as_version=4).cells
        merged.cells.extend(c for c in cells if "parameters" not in c.metadata.get("tags", []))
    for index, cell in enumerate(merged.cells):
        cell["id"] = f"bench-{index:03d}"
    return merged


def run_floor(city: str, month: str, cache_dir: str) -> None:
    """Execute every section's code cells once in this process, with the display silenced."""
    import contextlib
    import io

    from matplotlib import pyplot as plt

    cells = [c.source for c in combined_notebook(section_notebooks()).cells if c.cell_type == "code"]
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(cells[0], namespace)  # the parameters' defaults, then this run's values
        namespace.update(city=city, month=month, cache_dir=cache_dir)
        for source in cells[1:]:
            exec(source, namespace)
            plt.close("all")


def floor_seconds(city: str, month: str, cache_dir: Path) -> float:
    """Wall time of a fresh Python process that runs every section's code once (:func:`run_floor`)."""
    import subprocess

    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor", "--city", city, "--month", month, "--cache", str(cache_dir)],
                   check=True)
    return time.perf_counter() - start


SCALE_LOAD = """
import sys, time, resource
from pathlib import Path
from crmlib.ingest.cache import load_cached
from crmlib.ingest.settings import load_settings
settings = load_settings(cache_dir=Path(sys.argv[3]))
start = time.perf_counter()
load_cached(sys.argv[1], sys.argv[2], settings=settings)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def scale(rows: int, city: str, month: str, work: Path, repeat: int, sample) -> tuple[float, float, list[dict[str, float]]]:
    """A large export made from the sample: seconds and peak GiB to load, clean and cache it in a fresh process,
    then ``repeat`` rounds, after one unmeasured, each of three reports of the city-month: from the large export's
    cache, from the same export cut to the month's year, and from the sample (``sample`` builds it).
    Built in turn, so that each round's ratios compare builds made at the same speed of the machine."""
    from bench_load import measure
    from big_export import write_big_export

    from crmlib.ingest.settings import load_settings
    from crmlib.pipeline.orchestration.build import build_report
    from crmlib.pipeline.request import BuildRequest

    tickets, coordinations = write_big_export(rows, work / "big")
    cache = work / "big-cache"
    seconds, gib = measure(SCALE_LOAD, [tickets, coordinations, cache])
    settings = load_settings(outputs_dir=work / "big-outputs", cache_dir=cache)
    # The same month from an export of its year alone: the same complaints, one year of history.
    year = write_big_export(rows, work / "year", only_year=int(month[:4]))

    def total(inputs: tuple[Path, Path]) -> float:
        return build_report(BuildRequest(city, month, settings, *inputs), progress=None).timings["total"]

    # Each build starts its own workers, as `make report` does. This process keeps the frames of the last two
    # exports it read, so with three in turn each build also reads its own afresh, as a report run alone does.
    rounds = [{"five years": total((tickets, coordinations)), "one year": total(year), "sample": sample()["total"]}
              for _ in range(repeat + 1)]
    return seconds, gib, rounds[1:], explorer_seconds(settings, tickets, coordinations, city, month, repeat)


def explorer_seconds(settings, tickets: Path, coordinations: Path, city: str, month: str,
                     repeat: int) -> dict[str, float]:
    """Seconds the explorer takes to compute every view after a change of unit, month or city, once warm: each
    selection seen once before (its scans and loads cached, as after an analyst's first look), then each change
    timed ``repeat`` times (median), by calling what a control's change calls (Explorer.select and its views)."""
    from crmlib.metrics.history import lookback
    from crmlib.pipeline.context.city import ReportContext, resolve_inputs
    from crmlib.report.explorer import Explorer

    app = Explorer(ReportContext(city, month, settings, resolve_inputs(tickets, coordinations)))
    app.render()
    units = app.units()
    other_city = next(c for c in ("jakpus", "jaktim") if c != city)
    previous = lookback(month, 1)[0]
    changes = {"unit": {"unit": units[len(units) // 2]}, "month": {"month": previous},
               "city": {"city": other_city}}
    home = {"city": city, "month": month, "unit": None}
    for change in changes.values():  # warm: each selection once
        app.select(**change)
        app.render()
        app.select(**home)
    seconds = {}
    for name, change in changes.items():
        times = []
        for _ in range(repeat):
            tick = time.perf_counter()
            app.select(**change)
            app.render()
            times.append(time.perf_counter() - tick)
            app.select(**home)
            app.render()
        seconds[name] = median(times)
    return seconds


def process_tree_memory(root: int) -> tuple[int, int, int]:
    """Memory of a process and all its descendants, in bytes (Linux /proc): resident (each process's RSS,
    summed: pages shared between them, such as libraries, count once per process), proportional (PSS:
    a shared page is split among its sharers, so the sum is the tree's own use), and the largest process's RSS."""
    parents: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue  # the process ended while being read
        parents[int(status.parent.name)] = int(fields["PPid"])
    tree, todo = {root}, [root]
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        todo.extend(children)
    resident = proportional = largest = 0
    for pid in tree:
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        except OSError:
            continue
        own = int(fields["Rss"].split()[0]) * 1024
        resident, largest = resident + own, max(largest, own)
        proportional += int(fields["Pss"].split()[0]) * 1024
    return resident, proportional, largest


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (pool workers, pandoc), user and system."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def _batch_process(months: list[str], outputs_dir: Path, cache_dir: Path, failures) -> None:
    """The batch's own process: every city of the months through one pool, as `make reports` builds them."""
    from crmlib.ingest.settings import load_settings
    from crmlib.pipeline.orchestration import batch

    settings = load_settings(outputs_dir=outputs_dir, cache_dir=cache_dir)
    statuses = batch.build_all(sorted(settings.cities), months, None, None, settings=settings)
    failed = [f"{s.city} {s.month}: {s.message}" for s in statuses if not s.ok]
    failures.put(f"{len(failed)} failed, the first {failed[0][:500]}" if failed else "")  # small: the pipe never fills


def batch_seconds(months: list[str], settings) -> tuple[float, float, int, tuple[int, int]]:
    """Build every city of the months in a fresh process, as `make reports` does: wall time (its imports
    included), CPU time of it and its workers, reports, and the peak resident and proportional bytes of its
    processes (:func:`process_tree_memory`)."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    failures = spawn.Queue()
    child = spawn.Process(target=_batch_process, args=(months, settings.outputs_dir, settings.cache_dir, failures))
    peak = [0, 0]
    start, cpu = time.perf_counter(), cpu_seconds()
    child.start()
    while child.is_alive():
        peak[:] = map(max, peak, process_tree_memory(child.pid)[:2])
        child.join(0.2)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    failed = failures.get() if child.exitcode == 0 else f"the batch process exited with {child.exitcode}"
    if failed:
        raise SystemExit(f"batch failed: {failed}")
    return seconds, cpu, len(months) * len(settings.cities), tuple(peak)


def flood_report(rows: int, work: Path) -> tuple[float, int]:
    """The flood (scripts/flood_export.py) of ``rows`` tickets built as `make report` builds it, by the command
    line in a fresh process with an empty cache: wall seconds, and the peak resident bytes of its largest
    process (:func:`process_tree_memory`, sampled every 0.2 s)."""
    import subprocess

    from flood_export import CITY, MONTH, write_flood_export

    tickets, coordinations = write_flood_export(rows, work / "flood")
    log = work / "flood-build.log"
    command = [sys.executable, "-m", "crmlib", "build", "--city", CITY, "--month", MONTH, "--data", str(tickets),
               "--coordinations", str(coordinations), "--outputs", str(work / "flood-outputs")]
    largest = 0
    start = time.perf_counter()
    with open(log, "wb") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        while child.poll() is None:
            largest = max(largest, process_tree_memory(child.pid)[2])
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"the flood's build failed ({child.returncode}): {log.read_text()[-2000:]}")
    return seconds, largest


def main() -> None:
    """Build once to warm the cache, then time the floor, a report and a batch."""
    from pypdf import PdfReader

    from crmlib.ingest.settings import load_settings
    from crmlib.pipeline.orchestration.build import build_report
    from crmlib.pipeline.request import BuildRequest, report_dir

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="jaktim")
    parser.add_argument("--month", default="2022-06")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each paired measurement")
    parser.add_argument("--batch-months", type=int, default=12,
                        help="months of the year of --month built for every city in the batch measurement")
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets in the scale test's export; 0 skips it")
    parser.add_argument("--flood-rows", type=int, default=1_000_000,
                        help="tickets in the flood's export (scripts/flood_export.py); 0 skips it")
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)  # the floor's own process
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        return run_floor(args.city, args.month, args.cache)
    if args.rows:
        # Checked before the minutes of the other measurements: the scale test builds the month from its export.
        from big_export import rows_for_year

        least = rows_for_year(int(args.month[:4]))
        if args.rows < least:
            parser.error(f"--rows {args.rows:,} leaves {args.month[:4]} without a whole copy of the sample: "
                         f"give at least {least:,}, or 0 to skip the scale test")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = load_settings(outputs_dir=work / "outputs", cache_dir=work / "cache")

        def sample() -> dict[str, float]:
            return build_report(BuildRequest(args.city, args.month, settings), progress=None).timings

        # The report without its maps goes to a folder of its own: each build orders its sections by the seconds
        # its own previous build took, which a build without the maps section would not tell the whole report.
        bare = load_settings(outputs_dir=work / "outputs-without-maps", cache_dir=work / "cache")

        def without_maps() -> float:
            notebooks = [path for path in section_notebooks() if path.stem != MAPS_SECTION]
            request = BuildRequest(args.city, args.month, bare, notebooks=notebooks)
            return build_report(request, progress=None).timings["total"]

        sample()  # warms the cache
        # A shared machine's speed can drift by a fifth within minutes: a report and its floor are measured in
        # turn, and each ratio is taken within its round, as the median of the rounds' ratios.
        without_maps()  # its own warm-up
        unmapped = []
        rounds = []
        for _ in range(args.repeat):
            unmapped.append(without_maps())
            rounds.append((sample(), floor_seconds(args.city, args.month, settings.cache_dir)))
        pages = len(PdfReader(report_dir(settings, args.city, args.month) / "report.pdf").pages)
        year = args.month[:4]
        months = [f"{year}-{m:02d}" for m in range(1, args.batch_months + 1)]
        batch, batch_cpu, reports, batch_peak = batch_seconds(months, settings)
        big = scale(args.rows, args.city, args.month, work, args.repeat, sample) if args.rows else None
        flood = flood_report(args.flood_rows, work) if args.flood_rows else None
    times = {stage: median([build[stage] for build, _ in rounds]) for stage in rounds[0][0]}
    floors = [code + build["html"] + build["pdf"] for build, code in rounds]
    floor = median(floors)
    # Each time below is a median over the rounds, and each ratio the median of the rounds' own ratios.
    print(f"cores: {os.cpu_count()}, sections: {len(section_notebooks())}, median of {args.repeat} rounds")
    for stage in ("load", "execute", "html", "pdf", "docx", "total"):
        # docx: from the PDF's start until pandoc is done, for it runs beside the PDF; html includes the XLSX.
        print(f"  {stage:<8} {times[stage]:6.2f} s")
    print(f"  floor    {floor:6.2f} s  (section code once in a fresh Python process "
          f"{median([code for _, code in rounds]):.2f} s, plus the same round's HTML and PDF)")
    ratio = median([build["total"] / own for (build, _), own in zip(rounds, floors, strict=True)])
    maps_added = median([build["total"] - bare for (build, _), bare in zip(rounds, unmapped, strict=True)])
    maps_ratio = median([build["total"] / bare for (build, _), bare in zip(rounds, unmapped, strict=True)])
    print(f"  report / floor  {ratio:5.2f} x  (target <= 1.5): {'ok' if ratio <= 1.5 else 'OVER'}")
    print(f"  maps     {maps_added:+6.2f} s: the report / the same report without {MAPS_SECTION} {maps_ratio:5.2f} x "
          f"(target: at most 0.3 s added): {'ok' if maps_added <= 0.3 else 'OVER'}")
    pdf = times["pdf"]
    print(f"  PDF      {pdf:6.2f} s for {pages} pages (target <= 1.5 s, set for a 16-page report): "
          f"{'ok' if pdf <= 1.5 else 'OVER'}; {pdf / pages:.3f} s a page, {16 * pdf / pages:.2f} s for 16 pages "
          "at that rate")
    each = batch / reports
    year_s = each * 72
    measured = "measured" if reports == 72 else f"extrapolated from {reports} reports"
    resident, proportional = batch_peak
    print(f"  batch    {batch:6.2f} s for {reports} reports ({each:.2f} s each, {each / floor:.2f} x the floor), "
          f"peak memory {proportional / 2**30:.2f} GiB proportional ({resident / 2**30:.2f} GiB resident, "
          "shared pages counted once per process)")
    print(f"  year     72 reports {year_s / 60:.1f} min ({measured}; target <= 3 min, <= 1.5 GiB): "
          f"{'ok' if year_s <= 180 and proportional <= 1.5 * 2**30 else 'OVER'}")
    # The year's budget in CPU time: the batch keeps every core busy, so 3 minutes allow this much per report.
    print(f"  year     {batch_cpu / reports:.2f} CPU-s per report, {batch_cpu / batch:.2f} cores busy "
          f"(3 minutes on {os.cpu_count()} cores allow {180 * (os.cpu_count() or 1) / 72:.2f} CPU-s per report)")
    if big:
        load_s, load_gib, big_rounds, explorer = big
        print(f"  scale    {args.rows:,} tickets: load, clean and cache {load_s:5.1f} s, {load_gib:4.2f} GiB "
              f"(target <= 60 s, <= 4 GiB): {'ok' if load_s <= 60 and load_gib <= 4 else 'OVER'}")
        report_s = median([r["five years"] for r in big_rounds])
        ratio = median([r["five years"] / r["sample"] for r in big_rounds])
        print(f"  scale    report from its cache {report_s:5.1f} s, {ratio:4.2f} x the sample's report built in "
              f"the same round (target <= 1.2): {'ok' if ratio <= 1.2 else 'OVER'}")
        # The sample's month has an eighth of the big export's complaints: this ratio is the history's cost alone.
        print(f"  scale    the same month from the export cut to its year "
              f"{median([r['one year'] for r in big_rounds]):5.1f} s: the five years cost "
              f"{median([r['five years'] / r['one year'] for r in big_rounds]):4.2f} x")
        slowest = max(explorer.values())
        print(f"  explorer a change of unit {explorer['unit']:.2f} s, of month {explorer['month']:.2f} s, of city "
              f"{explorer['city']:.2f} s, every view once warm (target <= 1 s): {'ok' if slowest <= 1 else 'OVER'}")

    if flood:
        seconds, largest = flood
        print(f"  flood    {args.flood_rows:,} tickets, half in one city-month: its report from an empty cache "
              f"{seconds:5.1f} s, largest process {largest / 2**30:4.2f} GiB (target <= 300 s, <= 4 GiB): "
              f"{'ok' if seconds <= 300 and largest <= 4 * 2**30 else 'OVER'}")


if __name__ == "__main__":
    main()
