"""Benchmark one city-month report against the floor: one kernel running every section.

Prints wall times; it is a measurement, not a test. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

# Heavy imports live in the functions: the section pool's workers are spawned
# and re-import this script, and should not pay for pandas or the build here.
from crmlib.pipeline.sections import KERNEL_NAME, section_notebooks, skip_iri_grammar

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


def floor_seconds(city: str, month: str, work: Path, cache_dir: Path) -> float:
    """Execute every section in one kernel, one notebook, and return the wall time."""
    import nbformat
    import papermill

    source = work / "all_sections.ipynb"
    nbformat.write(combined_notebook(section_notebooks()), source)
    start = time.perf_counter()
    papermill.execute_notebook(str(source), str(work / "all_sections.out.ipynb"),
                               parameters={"city": city, "month": month, "cache_dir": str(cache_dir),
                                           "figures_path": str(work / "f.json")},
                               kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(source.parent),
                               shutdown_kernel="immediate")
    return time.perf_counter() - start


def main() -> None:
    """Build once to warm the cache, then time a build and the floor."""
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
        floors = [floor_seconds(args.city, args.month, work, settings.cache_dir) for _ in range(args.repeat)]
    best = min(builds, key=lambda t: t["total"])
    floor = min(floors)
    print(f"cores: {os.cpu_count()}, sections: {len(section_notebooks())}, best of {args.repeat}")
    for stage in ("load", "execute", "html", "pdf", "total"):
        print(f"  {stage:<8} {best[stage]:6.2f} s")
    print(f"  floor    {floor:6.2f} s  (one kernel, all sections in one notebook)")
    ratio = best["execute"] / floor
    print(f"  execute / floor {ratio:5.2f} x  (target <= 2.0): {'ok' if ratio <= 2 else 'OVER'}")
    print(f"  total    {best['total']:6.2f} s  (target <= 15 s): {'ok' if best['total'] <= 15 else 'OVER'}")


if __name__ == "__main__":
    main()
