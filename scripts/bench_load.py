"""Benchmark loading a large export against the floor: pandas reading the same csv as text.

Each measurement runs in a fresh process; the script prints wall seconds, peak
memory (max RSS) and the ratio to the floor measured in the same run. It is a
measurement, not a test. Run with `make bench-load` (1,000,000 tickets by default).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

FLOOR = """
import sys, time, resource
import pandas as pd
start = time.perf_counter()
for path in sys.argv[1:]:
    pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
LOAD = """
import sys, time, resource
from crmlib.ingest.load import load_export
from crmlib.ingest.settings import load_settings
settings = load_settings()
start = time.perf_counter()
load_export(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None, settings=settings)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(code: str, paths: list[Path]) -> tuple[float, float]:
    """(seconds, peak GiB) of a snippet run in a fresh Python on the given files."""
    done = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, check=True)
    seconds, kib = done.stdout.split()
    return float(seconds), int(kib) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets in the generated export")
    parser.add_argument("--with-coordinations", action="store_true", help="load the coordinations file too")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from big_export import write_big_export

    with tempfile.TemporaryDirectory() as tmp:
        tickets, coordinations = write_big_export(args.rows, Path(tmp))
        paths = [tickets, coordinations] if args.with_coordinations else [tickets]
        floor_s, floor_gib = measure(FLOOR, paths)
        load_s, load_gib = measure(LOAD, paths)
    what = f"{args.rows:,} tickets" + (" + their coordinations" if args.with_coordinations else "")
    print(f"load of {what}")
    print(f"  floor (pandas read_csv as text) {floor_s:6.1f} s  {floor_gib:4.2f} GiB")
    print(f"  load_export (read, clean, flag) {load_s:6.1f} s  {load_gib:4.2f} GiB  "
          f"{load_s / floor_s:4.1f} x the floor's time")
    print(f"  target <= 60 s and <= 2 GiB: {'ok' if load_s <= 60 and load_gib <= 2 else 'OVER'}")


if __name__ == "__main__":
    main()
