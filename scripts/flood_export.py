"""Write a flood: one city's complaints of two months repeated until the export holds a million rows.

A real export can hold this: a campaign, an outage or a bot sends hundreds of thousands of complaints about one
thing in a month, and tickets without GPS may all carry their kelurahan office's coordinates. Here the sample's
Jakarta Timur complaints of June and July 2022 are repeated with new ticket numbers and nothing else changed, so
about half a million fall in one city-month and many share one point and one minute. The sample's
coordinations come along as they are. The files are not committed:

    .venv/bin/python scripts/flood_export.py --rows 1000000 --out /tmp/flood
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from big_export import export_command, sample_frame

CITY_REGION, MONTHS = "JAKARTA TIMUR", ("06/2022", "07/2022")
CITY, MONTH = "jaktim", "2022-06"  # the report the bench builds from the flood


def write_flood_export(rows: int, out: Path) -> tuple[Path, Path]:
    """Write laporan_banjir.csv (``rows`` tickets) and koordinasi_banjir.csv; return their paths."""
    tickets = sample_frame("tickets")
    chosen = tickets[(tickets["Wilayah"] == CITY_REGION)
                     & tickets["Tanggal Laporan Masuk"].str[3:10].isin(MONTHS)].reset_index(drop=True)
    copies = math.ceil(rows / len(chosen))
    flood = pd.concat([chosen] * copies, ignore_index=True).head(rows)
    # New numbers only: 'JF' and a running count, never one of the sample's.
    flood["No Laporan"] = "JF" + pd.Series(range(len(flood))).astype(str).str.zfill(10)
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / "laporan_banjir.csv", out / "koordinasi_banjir.csv")
    flood.to_csv(paths[0], sep=";", index=False)
    sample_frame("coordinations").to_csv(paths[1], sep=";", index=False)
    return paths


if __name__ == "__main__":
    export_command(write_flood_export, __doc__)
