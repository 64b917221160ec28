"""Everything a section notebook needs for one city and month, from one setup call.

A section starts with :func:`setup`; it returns a :class:`ReportContext`
holding the settings and the section's figure book. The export is loaded (from
the parquet cache) only when a section first asks for tickets, so sections
that print settings alone never read it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from IPython.display import HTML, Markdown

from crmlib import formatting as fmt
from crmlib import resources
from crmlib.errors import InputError, UsageError
from crmlib.ingest import areas
from crmlib.ingest.cache import load_cached, load_rows_between, load_time_ranges, load_values_among
from crmlib.ingest.read import sha256_of
from crmlib.ingest.rules import Rules
from crmlib.ingest.select import check_month, in_city_month, month_bounds, scope_table
from crmlib.ingest.settings import Settings, city_layout, city_settings, load_settings
from crmlib.metrics.history import TREND_MONTHS, export_months, lookback
from crmlib.pipeline.context.figure_book import FigureBook
from crmlib.report import html_blocks as blocks
from crmlib.report import layout_schema
from crmlib.report.layout import Layout, SectionLayout
from crmlib.schema import TZ, Export

SAMPLE_TICKETS_FILE = "laporan_sintetis_2022.csv.gz"
SAMPLE_COORDINATIONS_FILE = "koordinasi_sintetis_2022.csv.gz"
SYNTHETIC_BANNER = "DATA SINTETIS: laporan ini dibuat dari data contoh buatan, bukan data CRM yang sebenarnya."


def sample_inputs() -> dict[str, Path]:
    """The bundled synthetic sample export: tickets and coordinations."""
    folder = resources.sample_dir()
    return {"tickets": folder / SAMPLE_TICKETS_FILE, "coordinations": folder / SAMPLE_COORDINATIONS_FILE}


def is_synthetic(tickets_path: str | Path) -> bool:
    """True when a tickets file holds the bundled sample's bytes, wherever it lies."""
    path, sample = Path(tickets_path), sample_inputs()["tickets"]
    # Sizes first: a real export of another size is not read again just to be compared.
    if path.stat().st_size != sample.stat().st_size:
        return False
    return sha256_of(path) == sha256_of(sample)


def latest_time(ranges: pd.DataFrame) -> pd.Timestamp | None:
    """The latest time anywhere in the export (all cities and months), from its time ranges; None if it holds none.

    >>> ranges = pd.DataFrame({"last": pd.to_datetime(["2022-06-30 10:00", None]).tz_localize("Asia/Jakarta")})
    >>> latest_time(ranges).isoformat()
    '2022-06-30T10:00:00+07:00'
    """
    latest = ranges["last"].max()
    return None if pd.isna(latest) else latest


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


def resolve_cutoff(setting: Any, ranges: pd.DataFrame) -> Cutoff | None:
    """The pull time from the city settings, else the latest time in the export (from its time ranges), else None."""
    if setting:
        text = str(setting).strip()
        stamp = pd.Timestamp(text)
        # The settings write Jakarta wall time.
        stamp = stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)
        return Cutoff(stamp, "settings", with_time=" " in text or "T" in text)
    latest = latest_time(ranges)
    return Cutoff(latest, "export") if latest is not None else None


def resolve_inputs(data: str | Path | None = None, coordinations: str | Path | None = None) -> dict[str, Path]:
    """Input files of a report: the given export, or the bundled synthetic sample; each must be a readable file."""
    if data is None:
        if coordinations is not None:
            raise UsageError("a coordinations file (COORD, --coordinations) needs its tickets file (DATA, --data): "
                             "the bundled sample's tickets do not go with other coordinations")
        return sample_inputs()
    inputs = {"tickets": Path(data)}
    if coordinations is not None:
        inputs["coordinations"] = Path(coordinations)
    for path in inputs.values():
        if not path.exists():
            raise InputError(path, "file not found", fix="check the DATA/COORD path")
        if not path.is_file():
            raise InputError(path, "is a folder, not a file", fix="give the export file itself as DATA/COORD")
        if not os.access(path, os.R_OK):
            raise InputError(path, "cannot be read (permission denied)", fix="check the file's permissions")
    return inputs


def no_complaints_error(export: Export, tickets_file: Path, city: str, month: str) -> InputError:
    """Why a city-month has no complaint: when rows were excluded, how many and the first reason, as an example.

    Excluded rows cannot be placed in a month (often their date is what was
    wrong), so the count is of the whole file.
    """
    excluded = export.exclusions[export.exclusions["table"] == "tickets"]
    if excluded.empty:
        return InputError(tickets_file, f"no complaints for {city} in {month}",
                          fix="check CITY and MONTH, or that the export covers that month")
    first = excluded.sort_values("source_row", kind="stable").iloc[0]
    read = int(export.accounting.loc[export.accounting["table"] == "tickets", "rows_read"].sum())
    return InputError(
        tickets_file, f"no complaints for {city} in {month}, and {len(excluded)} of the file's {read} rows were "
        f"excluded; e.g. row {first['source_row']}: {first['reason']}",
        fix="correct those rows or the column mapping, or check CITY and MONTH")


class ExportContext:
    """What every report context has: its settings and inputs, the export loaded on first use, the month."""

    month: str
    settings: Settings
    inputs: dict[str, Path]

    @cached_property
    def export(self) -> Export:
        """The whole export, loaded through the parquet cache."""
        return self._cached()

    @cached_property
    def time_ranges(self) -> pd.DataFrame:
        """Each table's rows in the whole export, and its time columns' first and last time."""
        return load_time_ranges(self.inputs["tickets"], self.inputs.get("coordinations"), settings=self.settings)

    @property
    def covered_months(self) -> list[str]:
        """Every month from the export's first complaint to its last, in any city."""
        created = self.time_ranges.query("table == 'tickets' and column == 'created_at'")
        return export_months(pd.DataFrame({"created_at": pd.concat([created["first"], created["last"]])}))

    def known_ticket_ids(self, ids: pd.Series) -> pd.Series:
        """Those of ``ids`` that some ticket of the export has, in any city (each once)."""
        return load_values_among(self.inputs["tickets"], self.inputs.get("coordinations"), settings=self.settings,
                                 table="tickets", column="ticket_id", values=ids)

    def _cached(self, city: str | None = None, columns: dict[str, list[str]] | None = None,
                created: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> Export:
        return load_cached(self.inputs["tickets"], self.inputs.get("coordinations"), settings=self.settings,
                           city=city, columns=columns, created=created)

    @property
    def rules(self) -> Rules:
        """The follow-up rules."""
        return self.settings.rules

    @cached_property
    def synthetic(self) -> bool:
        """True when the report runs on the bundled synthetic sample, or on a copy of it."""
        return is_synthetic(self.inputs["tickets"])

    @property
    def month_label(self) -> str:
        """'Juni 2022'."""
        return fmt.month_label(self.month)


@dataclass(frozen=True)
class ReportContext(ExportContext):
    """The settings of one city-month report and, loaded on first use, its data."""

    city: str
    month: str
    settings: Settings
    inputs: dict[str, Path]
    book: FigureBook = field(default_factory=FigureBook)
    section: str | None = None  # the section notebook's name ('04_data_aduan'), for its part of the layout

    @property
    def history_months(self) -> list[str]:
        """The months the report looks back on, the month last: its trend's and its anomaly baseline's."""
        return lookback(self.month, max(TREND_MONTHS, self.rules.anomalies.baseline_months))

    @cached_property
    def city_export(self) -> Export:
        """The export as the city's report needs it: the city's tickets of :attr:`history_months`, and every
        exclusion, flag and source. Its coordinations are counted, not read (a frame without columns): they
        outnumber the tickets, and only :attr:`coordinations` needs them. Figures about all cities' rows come
        from :attr:`time_ranges` and :meth:`known_ticket_ids`; :attr:`export` is the whole export."""
        months = self.history_months
        created = (month_bounds(months[0])[0], month_bounds(months[-1])[1])
        return self._cached(city=self.city, columns={"coordinations": []}, created=created)

    @cached_property
    def tickets(self) -> pd.DataFrame:
        """The city's own tickets created in the month."""
        tickets = in_city_month(self.city_export.tickets, "created_at", self.city, self.month)
        if tickets.empty:
            raise no_complaints_error(self.city_export, self.inputs["tickets"], self.city, self.month)
        return tickets

    @cached_property
    def coordinations(self) -> pd.DataFrame:
        """Coordinations to the city's units in the month."""
        start, end = month_bounds(self.month)
        month = load_rows_between(self.inputs["tickets"], self.inputs.get("coordinations"), settings=self.settings,
                                  table="coordinations", column="coordinated_at", start=start, end=end, city=self.city)
        return in_city_month(month, "coordinated_at", self.city, self.month)

    @property
    def scope(self) -> pd.DataFrame:
        """Per table: rows used, in this city-month, and outside it."""
        whole = self.time_ranges.groupby("table")["rows"].first().to_dict()
        return scope_table(whole, {"tickets": len(self.tickets), "coordinations": len(self.coordinations)})

    @cached_property
    def city_settings(self) -> dict[str, Any]:
        """The city's report settings for the month (cover, boilerplate, cut-off)."""
        return city_settings(self.settings, self.city, self.month)

    @cached_property
    def kelurahan(self) -> pd.DataFrame:
        """The city's official kelurahan, in code order."""
        return areas.kelurahan_of(self.city)

    @property
    def city_label(self) -> str:
        """'Kota Administrasi Jakarta Timur'."""
        return areas.city_label(self.city)

    @cached_property
    def cutoff(self) -> Cutoff | None:
        """How current the data is: the settings' pull time for this month, else the export's latest time."""
        return resolve_cutoff(self.city_settings.get("cutoff"), self.time_ranges)

    @property
    def cutoff_label(self) -> str | None:
        """'11 Juli 2022 08:34', or '… (data terakhir dalam ekspor)' without a recorded pull time."""
        return self.cutoff.label if self.cutoff else None

    @property
    def layout(self) -> Layout:
        """The city's report format (``layout:`` in its settings)."""
        return city_layout(self.settings, self.city)

    @property
    def part(self) -> SectionLayout:
        """This section's headings, sentences and options in the city's layout."""
        return self.layout.section(self.section or "")

    def heading(self, key: str) -> Markdown:
        """The layout's heading for ``key`` in this section ({bulan} and {kota} filled); empty when it has none there."""
        layout_schema.check_heading(self.section, key)  # a key the schema does not declare is our bug
        text = self.part.heading(key) or ""
        return Markdown(text.replace("{bulan}", self.month_label).replace("{kota}", self.city_label))

    def say(self, key: str, default: str | HTML, *, figures: dict[str, str] | None = None,
            plain: dict[str, str] | None = None, **values: Any) -> HTML:
        """A paragraph: the layout's sentence ``key`` filled with ``values`` (escaped, bold), else ``default``.

        ``default`` is the package's own sentence (escaped HTML text, or a block); a layout that sets the key
        to an empty text drops the paragraph. ``figures`` names the figure each slot prints
        (:func:`~crmlib.report.html_blocks.bound`); ``plain`` fills slots with fragments already escaped.
        """
        # The layout was checked against the slots the schema declares, so the section must give exactly those.
        layout_schema.check_sentence(self.section, key, [*values, *(plain or {})])
        template = self.part.sentences.get(key)
        if template is None:
            if isinstance(default, str):
                return blocks.html(default) if default else HTML("")
            return default
        if not template:
            return HTML("")
        self.part.sentence(key, **values, **(plain or {}))  # a slot the section does not give fails here
        return blocks.paragraph(template, figures=figures, plain=plain, **values)

    def option(self, key: str, default: Any = None) -> Any:
        """A layout option of this section (a table's columns, a block shown or not); when the layout does not set
        it, its default declared in :mod:`crmlib.report.layout_schema` (a ``default`` given here must be that one)."""
        declared = layout_schema.option(self.section, key)
        if default is not None and default != declared.default:
            raise layout_schema.SchemaMismatch(f"{self.section} gives option {key!r} the default {default!r}, but "
                                               f"crmlib/report/layout_schema.py declares {declared.default!r}")
        return self.part.options.get(key, declared.default)

    @property
    def head_unit(self) -> str:
        """'Walikota Jakarta Timur'."""
        return areas.head_unit(self.city)


def load_context(
    city: str,
    month: str,
    data: str | Path | None = None,
    coordinations: str | Path | None = None,
    *,
    settings: Settings,
) -> ReportContext:
    """Load, clean and select one city-month now; raise a one-line error when there is nothing to report."""
    context = ReportContext(areas.check_city(city), check_month(month), settings, resolve_inputs(data, coordinations))
    context.city_settings  # noqa: B018 - a missing city settings file fails here, before any section runs
    context.tickets  # noqa: B018 - bad input fails here, before any section runs
    context.cutoff  # noqa: B018 - of the export as read now: a file replaced during the build must not be read
    return context


def setup(
    city: str,
    month: str,
    data: str | Path | None = None,
    coordinations: str | Path | None = None,
    *,
    params_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
    figures_path: str | Path | None = None,
    section: str | None = None,
) -> ReportContext:
    """The one call a section notebook makes: settings, inputs, a figure book and its part of the layout;
    data loads on first use."""
    settings = load_settings(params_dir, cache_dir=cache_dir)
    return ReportContext(areas.check_city(city), check_month(month), settings, resolve_inputs(data, coordinations),
                         FigureBook(figures_path), section)
