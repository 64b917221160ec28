"""Compare the figures.json of every report in two output folders, byte for byte, and name what differs.

Used to show that a change of the code's shape changes no figure: build every report before and after (for
example `python -m crmlib build-all --year 2022 --outputs BEFORE --no-pdf` at the old commit, the same into AFTER
at the new one, and `python -m crmlib province` into both), then

    python scripts/compare_figures.py BEFORE AFTER

prints one line per report that differs, with the figures that differ, and "N of M reports with identical
figures.json"; it exits 1 when any report differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crmlib.pipeline.context.figure_book import compare


def reports(folder: Path) -> dict[str, Path]:
    """Every report's figures.json under ``folder``, by '<city>/<month>' (dot folders, in progress or failed, left out)."""
    return {f"{path.parent.parent.name}/{path.parent.name}": path for path in sorted(folder.glob("*/*/figures.json"))
            if not path.parent.name.startswith(".")}


def main(argv: list[str] | None = None) -> int:
    """Print the comparison; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    before, after = reports(args.before), reports(args.after)
    names = sorted(set(before) | set(after))
    identical = 0
    for name in names:
        if name not in before or name not in after:
            print(f"{name}: only in {args.before if name in before else args.after}")
            continue
        if before[name].read_bytes() == after[name].read_bytes():
            identical += 1
            continue
        differing = compare(json.loads(before[name].read_text(encoding="utf-8")),
                            json.loads(after[name].read_text(encoding="utf-8")))
        print(f"{name}: differs in {', '.join(differing) or 'layout of the file only'}")
    print(f"{identical} of {len(names)} reports with identical figures.json")
    return 0 if names and identical == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
