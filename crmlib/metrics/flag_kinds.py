"""Every kind of anomaly flag, declared once: its name, level, Indonesian label, test and the rules it reads.

Modelled on ydata-profiling's alerts (``model/alerts.py``), where each alert
kind is declared in one place. Everything that lists kinds reads them from
:data:`KINDS`: the scan (:mod:`crmlib.pipeline.context.anomaly_scan`, which
maps each name to the function that finds it), the report's words
(:mod:`crmlib.report.anomaly_notes`), the notebooks, the benchmark and the
tests. Adding a kind means: its entry here, its function in
:mod:`crmlib.metrics.anomalies` and its finder in the scan, its keys in
``params/rules/crm.yaml``, its tests, and its planted example in
:mod:`crmlib.sample.planted`; ``tests/metrics/test_flag_kinds.py`` checks each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from crmlib.schema import ReasonCode

Level = Literal["unit_month", "ticket"]
# What a flag concerns, as the report's table of counts words it.
LEVEL_LABELS: dict[str, str] = {"unit_month": "unit-bulan", "ticket": "laporan"}

# The flag frame, in the order the CSV, figures.json and the tables show it: every flag function returns these.
FLAG_DTYPES: dict[str, str] = {
    "kind": "string", "unit_type": "string", "unit": "string", "month": "string", "ticket_id": "string",
    "observed": "Float64", "expected": "Float64", "evidence": "string", "p_value": "Float64", "q_value": "Float64",
}
FLAG_COLUMNS: list[str] = list(FLAG_DTYPES)

# The keys of the rules file's `anomalies:` section every statistical test reads.
_BASELINE = ("anomalies.baseline_months", "anomalies.min_baseline_months", "anomalies.false_discovery_rate")
_DURATIONS = (*_BASELINE, "anomalies.min_durations", "anomalies.min_hours_increase")


@dataclass(frozen=True)
class FlagKind:
    """One kind of anomaly flag."""

    name: str
    level: Level
    # True: from a statistical test over a city's units, corrected for testing them all (q-values).
    statistical: bool
    label: str  # Indonesian, as the report names the kind
    # The statistical test, as statistical_coverage names it (two kinds may share one), and its Indonesian name
    # in the coverage sentence ("Uji jumlah aduan mencakup ..."); None for rule flags.
    test: str | None
    test_label: str | None
    # Dotted keys of the rules file (section.key) the kind reads.
    rules_keys: tuple[str, ...]
    description: str
    # A kind that passes the loader's flags through: their reason code (it reads no threshold of its own).
    loader_code: ReasonCode | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVEL_LABELS:
            raise ValueError(f"{self.name}: unknown level {self.level!r}")
        if self.statistical != (self.test is not None) or (self.test is None) != (self.test_label is None):
            raise ValueError(f"{self.name}: a statistical kind names its test and the test's label, a rule flag neither")
        if not self.rules_keys and self.loader_code is None:
            raise ValueError(f"{self.name}: a kind reads rules keys, or passes a loader code through")

    @property
    def level_label(self) -> str:
        """What the flag concerns, in Indonesian: 'unit-bulan' or 'laporan'."""
        return LEVEL_LABELS[self.level]


KINDS: tuple[FlagKind, ...] = (
    FlagKind("volume_spike", "unit_month", True, "Lonjakan jumlah aduan", "volume", "jumlah aduan", _BASELINE,
             "a unit's complaints this month far above its baseline share of the city's"),
    FlagKind("volume_drop", "unit_month", True, "Penurunan jumlah aduan", "volume", "jumlah aduan", _BASELINE,
             "a unit's complaints this month far below its baseline share of the city's"),
    FlagKind("slower_completion", "unit_month", True, "Penyelesaian lebih lambat", "slower_completion",
             "waktu penyelesaian", _DURATIONS, "a unit's follow-up hours this month longer than in its baseline"),
    FlagKind("slower_response", "unit_month", True, "Respon lebih lambat", "slower_response", "waktu respon",
             _DURATIONS, "a unit's response hours this month longer than in its baseline"),
    FlagKind("fast_closure", "ticket", False, "Selesai terlalu cepat", None, None,
             ("anomalies.fast_closure_minutes",), "a ticket completed within minutes of its creation"),
    FlagKind("batch_closure", "ticket", False, "Diselesaikan serentak", None, None,
             ("anomalies.batch_closure_tickets",), "tickets of one unit completed in the same minute"),
    FlagKind("time_order", "ticket", False, "Urutan waktu tidak wajar", None, None, (),
             "a ticket's time before the one it follows (the loader emptied it)",
             loader_code=ReasonCode.TIME_BEFORE_PREVIOUS),
    FlagKind("geotag_outside", "ticket", False, "Titik lokasi di luar wilayah unit", None, None,
             ("places.border_tolerance_metres",), "a geotag outside its unit's kelurahan, kecamatan or city, "
             "beyond the border band"),
    FlagKind("duplicate_burst", "ticket", False, "Aduan serupa beruntun", None, None,
             ("anomalies.burst_tickets", "anomalies.burst_metres", "anomalies.burst_hours"),
             "complaints of one category close in place and time"),
    FlagKind("backlog_aged", "ticket", False, "Belum selesai melewati batas", None, None,
             ("follow_up.default_max_hours", "follow_up.by_category"),
             "a ticket still open at the cut-off past its maximum follow-up time"),
)
_BY_NAME = {kind.name: kind for kind in KINDS}


def by_name(name: str) -> FlagKind:
    """The kind of that name.

    >>> by_name("time_order").label
    'Urutan waktu tidak wajar'
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no flag kind {name!r}; the kinds are {', '.join(_BY_NAME)}") from None


def names(level: Level | None = None) -> tuple[str, ...]:
    """Every kind's name in report order, or those of one level.

    >>> names("unit_month")
    ('volume_spike', 'volume_drop', 'slower_completion', 'slower_response')
    """
    return tuple(kind.name for kind in KINDS if level is None or kind.level == level)


def statistical_names() -> tuple[str, ...]:
    """The kinds that come from statistical tests, in report order."""
    return tuple(kind.name for kind in KINDS if kind.statistical)


def labels() -> dict[str, str]:
    """Each kind's Indonesian label, by name, in report order."""
    return {kind.name: kind.label for kind in KINDS}


def coverage_labels() -> dict[str, str]:
    """Each statistical test's Indonesian name, by test, in report order (kinds sharing a test give it once).

    >>> coverage_labels()
    {'volume': 'jumlah aduan', 'slower_completion': 'waktu penyelesaian', 'slower_response': 'waktu respon'}
    """
    return {kind.test: kind.test_label for kind in KINDS if kind.test is not None and kind.test_label is not None}
