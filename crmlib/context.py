"""Everything a section notebook needs for one city and month, loaded in one call."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from crmlib import areas, fmt
from crmlib.cache import load_cached
from crmlib.city import check_month, load_city_params
from crmlib.clean import select_city_month
from crmlib.errors import InputError
from crmlib.load import Export
from crmlib.manifest import sha256_of
from crmlib.parse import TZ
from crmlib.paths import SAMPLE_DIR
from crmlib.rules import Rules, load_rules

SAMPLE_TICKETS = SAMPLE_DIR / "laporan_sintetis_2022.csv.gz"
SAMPLE_COORDINATIONS = SAMPLE_DIR / "koordinasi_sintetis_2022.csv.gz"
SYNTHETIC_BANNER = "DATA SINTETIS: laporan ini dibuat dari data contoh buatan, bukan data CRM yang sebenarnya."
# The times an export holds, per table: the latest of them is when its data was last current.
EXPORT_TIME_COLUMNS = {
    "tickets": ("created_at", "responded_at", "completed_at"),
    "coordinations": ("coordinated_at", "processed_at"),
}


@lru_cache(maxsize=1)
def sample_sha256() -> str:
    """SHA-256 of the bundled synthetic tickets file (hashed once per process)."""
    return sha256_of(SAMPLE_TICKETS)


def is_synthetic(tickets_path: str | Path) -> bool:
    """True when a tickets file holds the bundled sample's bytes, wherever it lies."""
    path = Path(tickets_path)
    # Sizes first: a real export of another size is not read again just to be compared.
    if path.stat().st_size != SAMPLE_TICKETS.stat().st_size:
        return False
    return sha256_of(path) == sample_sha256()


def latest_in_export(export: Export) -> pd.Timestamp | None:
    """The latest time anywhere in the export (all cities and months); None if it holds none."""
    stamps = [
        getattr(export, table)[column].max()
        for table, columns in EXPORT_TIME_COLUMNS.items()
        for column in columns
    ]
    stamps = [stamp for stamp in stamps if not pd.isna(stamp)]
    return max(stamps) if stamps else None


@dataclass(frozen=True)
class Cutoff:
    """How current the report's data is: a time, and where it comes from."""

    stamp: pd.Timestamp
    source: Literal["settings", "export"]  # the pull time from the settings, or the export's latest time
    with_time: bool = True

    @property
    def label(self) -> str:
        """'11 Juli 2022 08:34'; from the export, marked as its latest time rather than the pull time."""
        when = fmt.datetime_long(self.stamp) if self.with_time else fmt.date_long(self.stamp)
        return when if self.source == "settings" else f"{when} (data terakhir dalam ekspor)"

    @property
    def recorded(self) -> str:
        """The time for manifest.json: ISO, without a time of day when the settings give none."""
        return self.stamp.isoformat() if self.with_time else self.stamp.date().isoformat()


def resolve_cutoff(setting: Any, export: Export) -> Cutoff | None:
    """The pull time from the city settings, else the latest time in the export, else None."""
    if setting:
        text = str(setting).strip()
        stamp = pd.Timestamp(text)
        # The settings write Jakarta wall time.
        stamp = stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)
        return Cutoff(stamp, "settings", with_time=" " in text or "T" in text)
    latest = latest_in_export(export)
    return Cutoff(latest, "export") if latest is not None else None


@dataclass(frozen=True)
class ReportContext:
    """The canonical data and settings of one city-month report."""

    city: str
    month: str
    tickets: pd.DataFrame
    coordinations: pd.DataFrame
    export: Export
    scope: pd.DataFrame
    kelurahan: pd.DataFrame
    rules: Rules
    settings: dict[str, Any]
    inputs: dict[str, Path]

    @cached_property
    def synthetic(self) -> bool:
        """True when the report runs on the bundled synthetic sample, or on a copy of it."""
        return is_synthetic(self.inputs["tickets"])

    @property
    def month_label(self) -> str:
        """'Juni 2022'."""
        return fmt.month_label(self.month)

    @property
    def city_label(self) -> str:
        """'Kota Administrasi Jakarta Timur'."""
        return areas.city_label(self.city)

    @cached_property
    def cutoff(self) -> Cutoff | None:
        """How current the data is: the settings' pull time for this month, else the export's latest time."""
        return resolve_cutoff(self.settings.get("cutoff"), self.export)

    @property
    def cutoff_label(self) -> str | None:
        """'11 Juli 2022 08:34', or '… (data terakhir dalam ekspor)' without a recorded pull time."""
        return self.cutoff.label if self.cutoff else None

    @property
    def head_unit(self) -> str:
        """'Walikota Jakarta Timur'."""
        return areas.head_unit(self.city)


def resolve_inputs(data: str | Path | None = None, coordinations: str | Path | None = None) -> dict[str, Path]:
    """Input files of a report: the given export, or the bundled synthetic sample."""
    if data is None:
        return {"tickets": SAMPLE_TICKETS, "coordinations": SAMPLE_COORDINATIONS}
    inputs = {"tickets": Path(data)}
    if coordinations is not None:
        inputs["coordinations"] = Path(coordinations)
    for path in inputs.values():
        if not path.exists():
            raise InputError(file=str(path), problem="file not found", fix="check the DATA/COORD path")
    return inputs


def load_context(
    city: str,
    month: str,
    data: str | Path | None = None,
    coordinations: str | Path | None = None,
) -> ReportContext:
    """Load, clean and select one city-month; raise a one-line error when there is nothing to report."""
    areas.check_city(city)
    check_month(month)
    inputs = resolve_inputs(data, coordinations)
    rules = load_rules()
    export = load_cached(inputs["tickets"], inputs.get("coordinations"), rules=rules)
    tickets, coords, scope = select_city_month(export, city, month)
    if tickets.empty:
        raise InputError(
            file=inputs["tickets"].name,
            problem=f"no complaints for {city} in {month}",
            fix="check CITY and MONTH, or that the export covers that month",
        )
    return ReportContext(
        city=city,
        month=month,
        tickets=tickets,
        coordinations=coords,
        export=export,
        scope=scope,
        kelurahan=areas.kelurahan_of(city),
        rules=rules,
        settings=load_city_params(city, month),
        inputs=inputs,
    )
