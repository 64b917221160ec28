"""Everything a section notebook needs for one city and month, loaded in one call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib import areas, fmt
from crmlib.cache import load_cached
from crmlib.city import check_month, load_city_params
from crmlib.clean import select_city_month
from crmlib.errors import InputError
from crmlib.paths import SAMPLE_DIR
from crmlib.rules import Rules, load_rules

SAMPLE_TICKETS = SAMPLE_DIR / "laporan_sintetis_2022.csv.gz"
SAMPLE_COORDINATIONS = SAMPLE_DIR / "koordinasi_sintetis_2022.csv.gz"
SYNTHETIC_BANNER = "DATA SINTETIS: laporan ini dibuat dari data contoh buatan, bukan data CRM yang sebenarnya."


@dataclass(frozen=True)
class ReportContext:
    """The canonical data and settings of one city-month report."""

    city: str
    month: str
    tickets: pd.DataFrame
    coordinations: pd.DataFrame
    export: Any
    scope: pd.DataFrame
    kelurahan: pd.DataFrame
    rules: Rules
    settings: dict[str, Any]
    inputs: dict[str, Path]

    @property
    def synthetic(self) -> bool:
        """True when the report runs on the bundled synthetic sample."""
        return self.inputs["tickets"].resolve() == SAMPLE_TICKETS.resolve()

    @property
    def month_label(self) -> str:
        """'Juni 2022'."""
        return fmt.month_label(self.month)

    @property
    def city_label(self) -> str:
        """'Kota Administrasi Jakarta Timur'."""
        return areas.city_label(self.city)

    @property
    def cutoff_label(self) -> str | None:
        """When the export was pulled ('11 Juli 2022 08:34'), from the city settings; None if not recorded."""
        cutoff = self.settings.get("cutoff")
        if not cutoff:
            return None
        stamp = pd.Timestamp(str(cutoff))
        return fmt.datetime_long(stamp) if " " in str(cutoff).strip() else fmt.date_long(stamp)

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
    if city not in areas.CITY_CODES:
        raise ValueError(f"unknown city {city!r}; expected one of {', '.join(areas.CITY_CODES)}")
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
