"""Benchmark reports against the floor: the same section code run once in one plain Python process.

The floor executes every section's code cells in this process (no kernel, no
papermill), then the report's HTML and PDF. Against it: one report built as
`make report` builds it, and a batch of every city for one month through one
pool (`make reports`), from which a 72-report year is extrapolated. Prints wall
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = load_settings(outputs_dir=work / "outputs", cache_dir=work / "cache")
        build_report(args.city, args.month, settings=settings, progress=None)  # warms the cache
        builds = [build_report(args.city, args.month, settings=settings, progress=None).timings
                  for _ in range(args.repeat)]
        floors = [floor_seconds(args.city, args.month, settings.cache_dir) for _ in range(args.repeat)]
        batch, reports = batch_seconds(args.month, settings)
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

if __name__ == "__main__":
    main()
