"""The province overview: DKI Jakarta's cities side by side in one report, built and verified like a city's.

Its folder is ``outputs/dki/<month>``; its sections are the notebooks in
``notebooks/provinsi/``. The context gives each city's tickets; every figure
comes from the same metrics as the city reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from crmlib.errors import InputError
from crmlib.ingest.areas import CITY_CODES, short_city_label
from crmlib.ingest.select import check_month, month_bounds, select_city
from crmlib.ingest.settings import Settings, load_settings
from crmlib.metrics.history import TREND_MONTHS, months_between
from crmlib.pipeline.context.city import Cutoff, ExportContext, resolve_cutoff, resolve_inputs
from crmlib.pipeline.context.figure_book import FigureBook

PROVINCE = "dki"
PROVINCE_LABEL = "Provinsi DKI Jakarta"


@dataclass
class ProvinceContext(ExportContext):
    """One month of the whole province: the export, each city's tickets, the rules and a figure book."""

    month: str
    settings: Settings
    inputs: dict[str, Path]
    book: FigureBook = field(default_factory=FigureBook)
    city: str = PROVINCE

    @cached_property
    def city_tickets(self) -> dict[str, pd.DataFrame]:
        """Each city's own tickets, every month up to this one."""
        end = month_bounds(self.month)[1]
        tickets = {city: select_city(self.export, city) for city in CITY_CODES}
        return {city: t[t["created_at"] < end].reset_index(drop=True) for city, t in tickets.items()}

    @cached_property
    def tickets(self) -> pd.DataFrame:
        """Every city's tickets created in the month."""
        start = month_bounds(self.month)[0]
        month = [t[t["created_at"] >= start] for t in self.city_tickets.values()]
        return pd.concat(month, ignore_index=True)

    @property
    def trend_months(self) -> list[str]:
        """The last 12 months up to this one that the export covers, for the cities' trends."""
        covered = self.covered_months
        return [m for m in months_between(covered[0], self.month) if m in covered][-TREND_MONTHS:]

    @property
    def city_label(self) -> str:
        """The report's subject."""
        return PROVINCE_LABEL

    @staticmethod
    def short_name(code: str) -> str:
        """'Jakarta Timur' for 'jaktim', 'Kepulauan Seribu' for 'kepseribu'."""
        return short_city_label(code)

    @cached_property
    def cutoff(self) -> Cutoff | None:
        """The export's latest time: the cities' pull times may differ."""
        return resolve_cutoff(None, self.time_ranges)


def load_province_context(month: str, data: str | Path | None = None, coordinations: str | Path | None = None,
                          *, settings: Settings) -> ProvinceContext:
    """Load the export now; a month without any complaint in the province is a one-line error."""
    context = ProvinceContext(check_month(month), settings, resolve_inputs(data, coordinations))
    if context.tickets.empty:
        raise InputError(context.inputs["tickets"], f"no complaints in DKI Jakarta in {month}",
                         fix="choose a month the export covers")
    return context


def setup_province(month: str, data: str | Path | None = None, coordinations: str | Path | None = None, *,
                   params_dir: str | Path | None = None, cache_dir: str | Path | None = None,
                   figures_path: str | Path | None = None) -> ProvinceContext:
    """The one call a province section makes: settings, inputs and a figure book; data loads on first use."""
    settings = load_settings(params_dir, cache_dir=cache_dir)
    return ProvinceContext(check_month(month), settings, resolve_inputs(data, coordinations), FigureBook(figures_path))
