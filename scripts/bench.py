"""Benchmark reports against the floor: the same section code run once in one plain Python process.

The floor executes every section's code cells in this process (no kernel, no
papermill), then the report's HTML and PDF. Against it: one report built as
`make report` builds it, and a batch of every city for one month through one
pool (`make reports`), from which a 72-report year is extrapolated; and at
scale, a 1,000,000-ticket export made from the sample (not kept): its load,
clean and cache in a fresh process, and a report from its cache. Prints wall
times and ratios measured in the same run; it is a measurement, not a test.
Run with `make bench`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

# Heavy imports live in the functions: the section pool's workers are spawned
# and re-import this script, and should not pay for pandas or the build here.
from crmlib.pipeline.sections import section_notebooks, skip_iri_grammar

skip_iri_grammar()


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


def floor_seconds(city: str, month: str, cache_dir: Path) -> float:
    """Execute every section's code cells once in this process, with the display silenced; the wall time."""
    import contextlib
    import io

    from matplotlib import pyplot as plt

    cells = [c.source for c in combined_notebook(section_notebooks()).cells if c.cell_type == "code"]
    namespace: dict = {}
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(cells[0], namespace)  # the parameters' defaults, then this run's values
        namespace.update(city=city, month=month, cache_dir=str(cache_dir))
        for source in cells[1:]:
            exec(source, namespace)
            plt.close("all")
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


def scale(rows: int, city: str, month: str, work: Path) -> tuple[float, float, float]:
    """A large export made from the sample: (seconds and peak GiB to load, clean and cache it in a fresh
    process, seconds to build the city-month's report from its cache)."""
    import subprocess
    import sys

    from crmlib.ingest.settings import load_settings
    from crmlib.pipeline.build import build_report

    sys.path.insert(0, str(Path(__file__).parent))
    from big_export import write_big_export

    tickets, coordinations = write_big_export(rows, work / "big")
    cache = work / "big-cache"
    done = subprocess.run([sys.executable, "-c", SCALE_LOAD, str(tickets), str(coordinations), str(cache)],
                          capture_output=True, text=True, check=True)
    seconds, kib = done.stdout.split()
    settings = load_settings(outputs_dir=work / "big-outputs", cache_dir=cache)
    report = build_report(city, month, tickets, coordinations, settings=settings, progress=None).timings["total"]
    return float(seconds), int(kib) / 2**20, report


def batch_seconds(month: str, settings) -> tuple[float, int]:
    """Build every city of the month through one pool, as `make reports` does; wall time and report count."""
    from crmlib.pipeline import batch

    cities = sorted(settings.cities)
    start = time.perf_counter()
    statuses = batch.build_all(cities, [month], None, None, settings=settings)
    failed = [s for s in statuses if not s.ok]
    if failed:
        raise SystemExit(f"batch failed: {failed[0].message}")
    return time.perf_counter() - start, len(statuses)


def main() -> None:
    """Build once to warm the cache, then time the floor, a report and a batch."""
    from crmlib.ingest.settings import load_settings
    from crmlib.pipeline.build import build_report

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="jaktim")
    parser.add_argument("--month", default="2022-06")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets in the scale test's export; 0 skips it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = load_settings(outputs_dir=work / "outputs", cache_dir=work / "cache")
        build_report(args.city, args.month, settings=settings, progress=None)  # warms the cache
        builds = [build_report(args.city, args.month, settings=settings, progress=None).timings
                  for _ in range(args.repeat)]
        floors = [floor_seconds(args.city, args.month, settings.cache_dir) for _ in range(args.repeat)]
        batch, reports = batch_seconds(args.month, settings)
        big = scale(args.rows, args.city, args.month, work) if args.rows else None
    best = min(builds, key=lambda t: t["total"])
    floor = min(floors) + best["html"] + best["pdf"]
    print(f"cores: {os.cpu_count()}, sections: {len(section_notebooks())}, best of {args.repeat}")
    for stage in ("load", "execute", "html", "pdf", "total"):
        print(f"  {stage:<8} {best[stage]:6.2f} s")
    print(f"  floor    {floor:6.2f} s  (section code once in this process {min(floors):.2f} s, plus HTML and PDF)")
    ratio = best["total"] / floor
    print(f"  report / floor  {ratio:5.2f} x  (target <= 1.5): {'ok' if ratio <= 1.5 else 'OVER'}")
    print(f"  PDF      {best['pdf']:6.2f} s  (target <= 1.5 s): {'ok' if best['pdf'] <= 1.5 else 'OVER'}")
    year = batch / reports * 72
    print(f"  batch    {batch:6.2f} s for {reports} reports ({batch / reports:.2f} s each, {batch / reports / floor:.2f} x "
          f"the floor); a 72-report year ~ {year / 60:.1f} min (target <= 3 min): {'ok' if year <= 180 else 'OVER'}")
    if big:
        load_s, load_gib, report_s = big
        print(f"  scale    {args.rows:,} tickets: load, clean and cache {load_s:5.1f} s, {load_gib:4.2f} GiB "
              f"(target <= 60 s, <= 4 GiB): {'ok' if load_s <= 60 and load_gib <= 4 else 'OVER'}")
        ratio = report_s / best["total"]
        print(f"  scale    report from its cache {report_s:5.1f} s, {ratio:4.2f} x the sample's report "
              f"(target <= 1.2): {'ok' if ratio <= 1.2 else 'OVER'}")

if __name__ == "__main__":
    main()
