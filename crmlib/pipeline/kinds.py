"""The kinds of report the package builds: one city's month, and the DKI Jakarta overview of a month.

A kind knows its section notebooks, the context its build loads before any
section runs, its title, and what its subject is called. Whatever differs
between the two asks the kind; :func:`kind_of` is the one place that tells them
apart by the subject's code (the overview's folder and command-line code is 'dki').
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from crmlib import resources
from crmlib.ingest import areas
from crmlib.ingest.select import check_month
from crmlib.ingest.settings import city_layout
from crmlib.pipeline.context.city import ReportContext, load_context, resolve_inputs
from crmlib.pipeline.context.province import PROVINCE, PROVINCE_LABEL, ProvinceContext, load_province_context

if TYPE_CHECKING:
    from crmlib.ingest.settings import Settings

# The province overview's title: it has one format, not a city's layout.
PROVINCE_TITLE = "Laporan Bulanan CRM"


class ReportKind(ABC):
    """What a kind of report is made of."""

    @abstractmethod
    def notebooks(self, settings: Settings, subject: str) -> list[Path]:
        """The section notebooks, in report order."""

    def check(self, subject: str, month: str, data: Path | None, coordinations: Path | None, *,
              settings: Settings) -> None:
        """The checks that read no export (the month, the input files, the subject): a build makes them before it
        starts its workers, so such a mistake is reported at once."""
        check_month(month)
        resolve_inputs(data, coordinations)

    @abstractmethod
    def load(self, subject: str, month: str, data: Path | None, coordinations: Path | None, *,
             settings: Settings) -> ReportContext | ProvinceContext:
        """Load and check the export now, so that bad input fails before any section runs."""

    @abstractmethod
    def title(self, context: ReportContext | ProvinceContext) -> tuple[str, str | None]:
        """The report's title, and the running footer printed on every page (None: page numbers only)."""

    @abstractmethod
    def subject_label(self, subject: str) -> str:
        """What the report is of, in words: 'Kota Administrasi Jakarta Timur'."""

    #: True when the subject's settings can leave placeholders to fill in (a city's DPA number, signatory).
    has_city_settings: bool = False


class CityReport(ReportKind):
    """One city's month, in the format its settings name (``layout:``)."""

    has_city_settings = True

    def check(self, subject, month, data, coordinations, *, settings):
        city_layout(settings, areas.check_city(subject))
        super().check(subject, month, data, coordinations, settings=settings)

    def notebooks(self, settings: Settings, subject: str) -> list[Path]:
        return [resources.notebooks_dir() / f"{name}.ipynb" for name in city_layout(settings, subject).notebooks]

    def load(self, subject, month, data, coordinations, *, settings):
        return load_context(subject, month, data, coordinations, settings=settings)

    def title(self, context: ReportContext) -> tuple[str, str | None]:
        layout = city_layout(context.settings, context.city)
        footer = f"{layout.title} {context.month_label}" if layout.running_footer else None
        return f"{layout.title} {context.city_label} {context.month_label}", footer

    def subject_label(self, subject: str) -> str:
        return areas.city_label(subject)


class ProvinceReport(ReportKind):
    """The six cities side by side (``notebooks/provinsi/``)."""

    def notebooks(self, settings: Settings, subject: str) -> list[Path]:
        return resources.section_notebooks(resources.notebooks_dir() / "provinsi")

    def load(self, subject, month, data, coordinations, *, settings):
        return load_province_context(month, data, coordinations, settings=settings)

    def title(self, context: ProvinceContext) -> tuple[str, str | None]:
        return f"{PROVINCE_TITLE} {context.city_label} {context.month_label}", None

    def subject_label(self, subject: str) -> str:
        return PROVINCE_LABEL


CITY = CityReport()
PROVINCE_OVERVIEW = ProvinceReport()


def kind_of(subject: str) -> ReportKind:
    """The kind of report whose subject (a city code, or the overview's 'dki') this is.

    >>> kind_of("dki") is PROVINCE_OVERVIEW, kind_of("jaktim") is CITY
    (True, True)
    """
    return PROVINCE_OVERVIEW if subject == PROVINCE else CITY
