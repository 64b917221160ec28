"""The analyst's explorer: controls for city, month, kind of flag and unit over views that re-render in place.

Each view is displayed once with a display id and updated when a control
changes, so the views are ordinary cell outputs: they show in an executed or
exported notebook, and the notebook runs headless under papermill with its
parameters. The controls need ipywidgets and the interactive tables itables
(the ``lab`` extra); without them the views are plain tables and a line says
how to get the controls. Tickets are shown by number, times, category and
status: never free text, which the loader does not keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from IPython.display import HTML, DisplayHandle, display

from crmlib import formatting as fmt
from crmlib.ingest.areas import CITY_CODES, short_city_label
from crmlib.ingest.select import select_city
from crmlib.metrics import arrivals, fair_comparison, flag_kinds, hotspots, places
from crmlib.pipeline.context import anomaly_scan
from crmlib.pipeline.context.backlog import CityBacklog, city_backlog
from crmlib.pipeline.context.city import ReportContext
from crmlib.report import anomaly_notes, charts, explore, maps, tables
from crmlib.report import html_blocks as blocks
from crmlib.report.spreadsheet import sheet_frame

ALL_KINDS = "semua"  # the kind control's value that shows every kind of flag
# The views, in the notebook's order: Explorer.show(name) displays one, Explorer.render() makes them all.
VIEWS = ("flags", "funnel", "history", "tickets", "map", "arrivals", "backlog")
ARRIVALS_ALT = "Peta panas waktu masuk aduan"
MAP_ALT = "Peta aduan per kelurahan dengan unit terpilih, catatan dan titik rawan"
HOTSPOT_HEADERS = {"no": "No", "place": "Kelurahan", "complaints": "Aduan", "categories": "Kategori terbanyak",
                   "first": "Aduan pertama", "last": "Aduan terakhir", "metres": "Radius (m)"}


@dataclass(frozen=True)
class Selection:
    """What the explorer shows: a city-month, a kind of flag (None: all) and a unit (None: the most flagged)."""

    city: str
    month: str
    kind: str | None = None
    unit: str | None = None


class Explorer:
    """The views of one selection, the data behind them cached by city and month, and the controls that change it."""

    def __init__(self, context: ReportContext, *, kind: str | None = None, unit: str | None = None) -> None:
        self.settings, self.inputs = context.settings, context.inputs
        self.selection = Selection(context.city, context.month, kind, unit)
        self._contexts: dict[tuple[str, str], ReportContext] = {(context.city, context.month): context}
        self._flags: dict[tuple[str, str], pd.DataFrame] = {}
        self._backlogs: dict[str, CityBacklog] = {}
        self._places: dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._handles: dict[str, tuple[DisplayHandle, Callable[[], list[Any]]]] = {}
        self._controls: Any = None

    # The data of the selection.

    def context(self, city: str | None = None, month: str | None = None) -> ReportContext:
        """The report context of a city-month (default: the selection's), made once."""
        key = (city or self.selection.city, month or self.selection.month)
        if key not in self._contexts:
            self._contexts[key] = ReportContext(key[0], key[1], self.settings, self.inputs)
        return self._contexts[key]

    def flags(self, city: str | None = None, month: str | None = None) -> pd.DataFrame:
        """Every flag of a city-month (default: the selection's), with its kind in Indonesian; scanned once."""
        key = (city or self.selection.city, month or self.selection.month)
        if key not in self._flags:
            self._flags[key] = anomaly_notes.labelled(anomaly_scan.scan(self.context(*key)))
        return self._flags[key]

    def units(self) -> list[str]:
        """The units with a complaint in the selection's month, A-Z."""
        return sorted(self.context().tickets["unit"].dropna().astype(str).unique())

    def unit(self) -> str:
        """The selected unit, or the one with the most flags this month when none is selected (or it has no
        complaint this month)."""
        chosen = self.selection.unit
        if chosen in self.units():
            return str(chosen)
        return explore.most_flagged_unit(self.flags(), self.context().tickets)

    def shown_flags(self) -> pd.DataFrame:
        """The month's flags of the selected kind (all kinds when none is selected)."""
        flags = self.flags()
        kind = self.selection.kind
        return flags if kind in (None, ALL_KINDS) else flags[flags["kind"] == kind].reset_index(drop=True)

    def flagged_months(self, unit: str, months: list[str]) -> list[str]:
        """Those of ``months`` in which ``unit`` has a unit-month flag, the ones about its complaints as a whole
        (each month scanned once, then kept); its tickets' flags are in the tickets view."""
        unit_month = set(flag_kinds.names("unit_month"))
        return [m for m, flags in ((m, self.flags(month=m)) for m in months)
                if ((flags["unit"] == unit) & flags["kind"].isin(unit_month)).any()]

    def places(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The selection's city-month per kelurahan (:func:`crmlib.metrics.places.kelurahan_measures`) and its
        hotspots; computed once per city-month, since a change of unit or kind does not change them."""
        key = (self.selection.city, self.selection.month)
        if key not in self._places:
            context = self.context()
            self._places[key] = (places.kelurahan_measures(context.tickets, context.city, context.rules),
                                 hotspots.hotspots(context.tickets, context.rules))
        return self._places[key]

    def backlog(self) -> CityBacklog:
        """The selected city's complaints open at the export's latest time (read once per city)."""
        city = self.selection.city
        if city not in self._backlogs:
            self._backlogs[city] = city_backlog(city, self.inputs["tickets"], self.inputs.get("coordinations"),
                                                settings=self.settings)
        return self._backlogs[city]

    # The views: what each displays, from the selection.

    def flags_view(self) -> list[Any]:
        """The month's counts by kind, and the flags of the selected kind with their evidence."""
        context, flags = self.context(), self.shown_flags()
        counts = anomaly_scan.counts_by_kind(self.flags())
        title = f"Catatan anomali {context.city_label}, {context.month_label}"
        return [blocks.caption(title),
                blocks.table(anomaly_notes.counts_table(counts), {"label": "Jenis", "level": "Tingkat",
                                                                  "count": "Jumlah"}, {"count": fmt.integer}),
                interactive(flags[["label", "unit", "ticket_id", "observed", "expected", "q_value", "evidence"]],
                            "catatan")]

    def funnel_view(self) -> list[Any]:
        """The funnel plot of responses within the rule per kelurahan, the dots outside 99.8% named."""
        context = self.context()
        funnel = fair_comparison.response_funnel(context.tickets, context.rules)
        chart = charts.funnel_chart(funnel, f"Respon tepat waktu per kelurahan, {context.month_label}",
                                    name_outside=True)
        return [charts.to_html(chart, "Diagram corong respon tepat waktu"),
                blocks.html(anomaly_notes.funnel_summary(fair_comparison.outside_names(funnel),
                                                         "direspon tepat waktu"))]

    def history_view(self) -> list[Any]:
        """The unit's 12 months, the months it was flagged in red."""
        context, unit = self.context(), self.unit()
        history = explore.unit_history(select_city(context.city_export, context.city), context.rules,
                                       context.covered_months, context.month, unit)
        marked = self.flagged_months(unit, history["month"].astype(str).tolist())
        chart = charts.trend_chart(history, "complaints", f"Aduan {unit} per bulan", "Jumlah aduan", marked)
        words = ", ".join(fmt.month_label(m) for m in marked) or "tidak ada"
        return [blocks.caption(f"Riwayat {unit}; bulan dengan catatan tingkat unit: {words}"),
                charts.to_html(chart, f"Tren aduan {unit}"), interactive(history, "riwayat")]

    def tickets_view(self) -> list[Any]:
        """The unit's complaints of the month with the kinds of flag each carries."""
        unit = self.unit()
        tickets = explore.unit_tickets(self.context().tickets, unit, self.flags())
        return [blocks.caption(f"Aduan {unit}, {self.context().month_label}: {fmt.integer(len(tickets))}"),
                interactive(tickets, "aduan")]

    def map_view(self) -> list[Any]:
        """The month's complaints per kelurahan with the selected unit's area outlined, its flagged geotags crossed
        and the city's hotspots ringed and numbered; the hotspots as a table."""
        context, unit = self.context(), self.unit()
        tickets = context.tickets
        own = tickets[tickets["unit"] == unit]
        measures, spots = self.places()
        kelurahan, kecamatan = maps.city_shapes(context.city)
        code = places.unit_area_codes(own.head(1)).iloc[0] if len(own) else None
        flagged = places.geotagged(own[own["ticket_id"].isin(self.flags()["ticket_id"])])
        chart = maps.explorer_map(measures, kelurahan, kecamatan, maps.complaint_classes(measures),
                                  None if pd.isna(code) else maps.area_outline(code), flagged, spots,
                                  f"Aduan per kelurahan, {context.month_label}")
        words = (f"Garis biru: wilayah {unit}; silang biru: {fmt.integer(len(flagged))} aduannya yang bercatatan dan "
                 f"bergeotag; lingkaran bernomor: {fmt.integer(len(spots))} titik rawan bulan ini.")
        listed = anomaly_notes.hotspot_table(spots).assign(metres=spots["metres"].round().astype("Int64"))
        return [charts.to_html(chart, MAP_ALT), blocks.caption(words),
                interactive(listed[list(HOTSPOT_HEADERS)].rename(columns=HOTSPOT_HEADERS), "titik-rawan")]

    def arrivals_view(self) -> list[Any]:
        """When the month's complaints arrived (day of week by hour), and the share responded within the rule by
        period of arrival and kind of day (workday, weekend, public holiday)."""
        context = self.context()
        rules = context.rules
        chart = charts.arrival_heatmap(arrivals.arrival_counts(context.tickets),
                                       f"Aduan masuk menurut hari dan jam, {context.month_label}")
        by_arrival = arrivals.response_by_arrival_table(arrivals.response_by_arrival(context.tickets, rules))
        return [charts.to_html(chart, ARRIVALS_ALT),
                *tables.arrival_table(by_arrival, rules.response_max_hours, rules.response_inclusive,
                                      context.month_label)]

    def backlog_view(self) -> list[Any]:
        """The city's complaints still open now, per unit, oldest first (what `make backlog` recaps)."""
        backlog = self.backlog()
        return [blocks.caption(f"Aduan belum selesai di {backlog.city_label} pada {fmt.datetime_long(backlog.at)}: "
                               f"{fmt.integer(len(backlog.rows))}"),
                interactive(backlog.rows, "belum-selesai")]

    # Showing the views and the controls.

    def show(self, name: str) -> None:
        """Display a view (one of :data:`VIEWS`) where it will be updated when a control changes."""
        render = getattr(self, f"{name}_view")
        handle = display(_joined(render()), display_id=True)
        self._handles[name] = (handle, render)

    def render(self) -> dict[str, list[Any]]:
        """Every view of the selection, by name (what a change of a control computes)."""
        return {name: getattr(self, f"{name}_view")() for name in VIEWS}

    def select(self, **changes: Any) -> None:
        """Change the selection (city, month, kind, unit) and re-render every view shown."""
        self.selection = replace(self.selection, **changes)
        for handle, render in self._handles.values():
            handle.update(_joined(render()))

    def controls(self) -> Any:
        """The controls (ipywidgets), or a line saying how to get them when the ``lab`` extra is not installed."""
        try:
            import ipywidgets as widgets
        except ImportError:
            return HTML("<p>Kontrol interaktif memerlukan paket tambahan <code>lab</code> (<code>make lab</code>); "
                        "tanpa itu ubah parameter di sel pertama.</p>")
        self._controls = _Controls(self, widgets)
        return self._controls.box

    def select_from_controls(self) -> None:
        """Read the controls into the selection and re-render (what a control's change calls)."""
        if self._controls is not None:
            self._controls.apply()


class _Controls:
    """The four dropdowns, kept in step with the selection (a new city-month offers its own months and units)."""

    def __init__(self, explorer: Explorer, widgets: Any) -> None:
        self.explorer = explorer
        selection = explorer.selection
        self.city = widgets.Dropdown(description="Kota", options=[(short_city_label(c), c) for c in CITY_CODES],
                                     value=selection.city)
        self.month = widgets.Dropdown(description="Bulan", options=self._months(), value=selection.month)
        self.kind = widgets.Dropdown(description="Jenis", options=[("Semua jenis", ALL_KINDS)] + [
            (kind.label, kind.name) for kind in flag_kinds.KINDS], value=selection.kind or ALL_KINDS)
        self.unit = widgets.Dropdown(description="Unit", options=explorer.units(), value=explorer.unit())
        self._busy = False
        for control in (self.city, self.month, self.kind, self.unit):
            control.observe(lambda change: self.apply(), names="value")
        self.box = widgets.HBox([self.city, self.month, self.kind, self.unit])

    def _months(self) -> list[tuple[str, str]]:
        return [(fmt.month_label(m), m) for m in self.explorer.context().covered_months]

    def apply(self) -> None:
        if self._busy:  # options refreshed below fire their own changes
            return
        self._busy = True
        try:
            kind = None if self.kind.value == ALL_KINDS else self.kind.value
            self.explorer.select(city=self.city.value, month=self.month.value, kind=kind, unit=self.unit.value)
            units = self.explorer.units()
            if list(self.unit.options) != units:
                self.unit.options = units
            self.unit.value = self.explorer.unit()
            if self.unit.value != self.explorer.selection.unit:
                self.explorer.select(unit=self.unit.value)
        finally:
            self._busy = False


def _joined(parts: list[Any]) -> HTML:
    """Several displayable parts as one HTML output, so one display id updates them together."""
    return HTML("".join(part.data if hasattr(part, "data") else str(part) for part in parts))


# An interactive table carries its rows into the page: past this many the browser slows, so it shows the first.
INTERACTIVE_ROWS = 5_000


def interactive(frame: pd.DataFrame, name: str, limit: int = INTERACTIVE_ROWS) -> HTML:
    """A sortable, searchable table with a filter per column when itables is installed (offline, after
    :func:`load_interactive_tables`), else an escaped HTML table of the first 500 rows; text that would read as a
    spreadsheet formula is shown with a leading apostrophe, so a copied or exported table stays text. Of a frame
    longer than ``limit`` the first ``limit`` rows are shown, and a line above says so.

    >>> "Ditampilkan 2 baris pertama dari 3" in interactive(pd.DataFrame({"n": [1, 2, 3]}), "t", limit=2).data
    True
    """
    note = ""
    if len(frame) > limit:
        note = blocks.caption(f"Ditampilkan {fmt.integer(limit)} baris pertama dari {fmt.integer(len(frame))}; "
                              "saring data di sel kode untuk melihat yang lain.").data
    safe = sheet_frame(frame.head(limit))
    try:
        from itables import to_html_datatable
    except ImportError:
        return HTML(note + blocks.table(safe.head(500), {c: c for c in safe.columns}).data)
    return HTML(note + to_html_datatable(safe, connected=False, table_id=f"tabel-{name}", pageLength=15,
                                         lengthMenu=[15, 50, 200], column_filters="footer", showIndex=False,
                                         maxBytes=0, classes="display compact"))


def load_interactive_tables() -> None:
    """Put the interactive tables' library into the page, offline, once per notebook (nothing without itables)."""
    try:
        from itables import init_notebook_mode
    except ImportError:
        return
    init_notebook_mode(all_interactive=False, connected=False)
