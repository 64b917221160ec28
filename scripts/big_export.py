"""Write a large export for scale measurements: the bundled sample repeated over years.

Like a whole-province export of five years (the province receives 120-190
thousand complaints a year): each copy moves the sample's dates (and the date
in its ticket ids) to a year from 2020 to 2024, and the copies of one year
take different id prefixes, so every ticket stays distinct. The copies of a
year are also moved by a few days each: identical complaints at the same minute
would be flagged as duplicates and batch closures by the thousand, which no real
export shows. One million rows are about eight copies a year. The files are not committed:

    .venv/bin/python scripts/big_export.py --rows 1000000 --out /tmp/big
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from crmlib.pipeline.context.city import sample_inputs

DATE_COLUMNS = ("Tanggal Laporan Masuk", "Tanggal Respon", "Tanggal TL", "Tanggal Koordinasi", "Tanggal Proses")
YEARS = range(2020, 2025)
PREFIXES = ("JK", "JL", "JM", "JN", "JP", "JQ", "JR", "JS", "JT", "JU")


DAYS_BETWEEN_COPIES = 3


def _copy(frame: pd.DataFrame, year: int, prefix: str) -> pd.DataFrame:
    out = frame.copy()
    shift = pd.Timedelta(days=DAYS_BETWEEN_COPIES * PREFIXES.index(prefix))
    for column in DATE_COLUMNS:
        if column in out:
            moved = out[column].str.replace("/2022", f"/{year}", regex=False).str.replace(
                "/2023", f"/{year + 1}", regex=False)
            when = pd.to_datetime(moved, format="%d/%m/%Y %H:%M", errors="coerce") + shift
            out[column] = when.dt.strftime("%d/%m/%Y %H:%M").fillna(moved)
    out["No Laporan"] = prefix + f"{year % 100:02d}" + out["No Laporan"].str[4:]
    return out


def sample_frame(role: str) -> pd.DataFrame:
    """The bundled sample's tickets or coordinations file as text, every cell as written."""
    return pd.read_csv(sample_inputs()[role], sep=";", dtype=str, keep_default_na=False)


def rows_for_year(year: int) -> int:
    """The fewest rows whose export holds a whole copy of the sample moved to ``year`` (copies go to the
    years in turn, 2020 first)."""
    if year not in YEARS:
        raise SystemExit(f"the large export covers {YEARS[0]}-{YEARS[-1]}, not {year}")
    return (YEARS.index(year) + 1) * len(sample_frame("tickets"))


def write_big_export(rows: int, out: Path, only_year: int | None = None) -> tuple[Path, Path]:
    """Write laporan_besar.csv and koordinasi_besar.csv with about `rows` tickets; return their paths.

    ``only_year`` keeps that year's copies alone: the same months as the whole export, with no other years.
    """
    tickets, coordinations = sample_frame("tickets"), sample_frame("coordinations")
    copies = [(year, prefix) for prefix in PREFIXES for year in YEARS][: math.ceil(rows / len(tickets))]
    if len(copies) * len(tickets) < rows:
        raise SystemExit(f"at most {len(YEARS) * len(PREFIXES) * len(tickets)} rows can be made this way")
    # The last copy is cut to make `rows` exactly.
    lengths = [len(tickets)] * (len(copies) - 1) + [rows - (len(copies) - 1) * len(tickets)]
    kept = [(copy, length) for copy, length in zip(copies, lengths) if only_year in (None, copy[0])]
    if not kept:
        raise SystemExit(f"{rows:,} rows make no copy for {only_year}: give at least {rows_for_year(only_year):,}")
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / "laporan_besar.csv", out / "koordinasi_besar.csv")
    pd.concat([_copy(tickets.head(n), y, p) for (y, p), n in kept]).to_csv(paths[0], sep=";", index=False)
    pd.concat([_copy(coordinations, y, p) for (y, p), _ in kept]).to_csv(paths[1], sep=";", index=False)
    return paths


def export_command(write: Callable[[int, Path], tuple[Path, Path]], description: str) -> None:
    """The command line of a script that writes an export made from the sample: --rows and --out, then the
    paths written."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    for path in write(args.rows, args.out):
        print(path)


if __name__ == "__main__":
    export_command(write_big_export, __doc__)
