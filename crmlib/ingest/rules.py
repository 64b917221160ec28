"""Follow-up rules as configuration: response SLA, maximum follow-up time, late score, capaian, grades, plausible dates,
and the parts of the day that complaints are counted by when they arrive.

The rules are parameters read from ``params/rules/crm.yaml`` so an analyst who
has the decree corrects them there, not in code. This module only reads and
checks them; :mod:`crmlib.metrics.scores` applies them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from crmlib.errors import SettingsError
from crmlib.ingest.parse import label_key
from crmlib.schema import TZ

CAPAIAN_METHODS = ("mean_follow_up_score",)
# Sections of the rules file; each may carry `assumed: true` (our reading, not a published rule).
SECTIONS = ("response", "follow_up", "late_score", "rejection", "capaian", "grades", "dates", "durations", "anomalies",
            "arrival_periods", "places")


@dataclass(frozen=True)
class AnomalyRules:
    """Thresholds of the anomaly flags (``anomalies`` in the rules file)."""

    baseline_months: int
    min_baseline_months: int
    false_discovery_rate: float
    min_durations: int
    min_hours_increase: float
    fast_closure_minutes: float
    batch_closure_tickets: int
    burst_tickets: int
    burst_metres: float
    burst_hours: float


@dataclass(frozen=True)
class PlaceRules:
    """How geotags are judged against the kelurahan map, clustered and drawn (``places`` in the rules file)."""

    border_tolerance_metres: float
    hotspot_radius_metres: float
    hotspot_min_complaints: int
    map_min_complaints: int


@dataclass(frozen=True)
class Rules:
    """The follow-up rules, validated; build it with :func:`load_rules`."""

    response_max_hours: float
    # True: a response at exactly response_max_hours counts as within; False: strictly less.
    response_inclusive: bool
    default_max_hours: float
    max_hours_by_category: Mapping[str, float]
    # (max_ratio, score), max_ratio ascending, the last one is +inf
    late_bands: tuple[tuple[float, float], ...]
    rejection_min_count: int
    capaian_method: str
    capaian_decimals: int
    # (min, grade), min descending, the last one is <= 0
    grades: tuple[tuple[float, str], ...]
    # A time t is plausible when plausible_from <= t < plausible_until (Asia/Jakarta):
    # plausible_until is EXCLUSIVE, the midnight that ends the file's `dates.latest` day.
    plausible_from: pd.Timestamp
    plausible_until: pd.Timestamp
    # Longer than this from start to end, a response, completion or coordination is a typing error.
    max_duration: pd.Timedelta
    anomalies: AnomalyRules
    # The parts of the day by the hour a complaint arrives (Asia/Jakarta): (start hour, name), the starts increasing
    # from 0; each runs until the next one's start, the last until midnight.
    arrival_periods: tuple[tuple[int, str], ...]
    places: PlaceRules
    # section name -> marked `assumed: true` in the file (False when the mark is absent)
    assumed: Mapping[str, bool]

    def _own_max_hours(self, category: str) -> float | None:
        """A category's own maximum, its name compared as labels are (:func:`crmlib.ingest.parse.label_key`:
        case, spaces, a trailing abbreviation); None without one."""
        key = label_key(category)
        return next((hours for name, hours in self.max_hours_by_category.items() if label_key(name) == key), None)

    def has_own_rule(self, category: str) -> bool:
        """Whether a category has a maximum of its own (compared as labels are)."""
        return self._own_max_hours(category) is not None

    def max_hours_for(self, category: str) -> float:
        """Maximum follow-up hours for a category: its own rule, else the default."""
        own = self._own_max_hours(category)
        return self.default_max_hours if own is None else own

    def max_hours_of(self, categories: pd.Series) -> pd.Series:
        """Each row's maximum follow-up hours from its category (Float64); no category gets the default."""
        # Few categories in many rows: each is looked up once.
        lookup = {c: float(self.max_hours_for(c)) for c in categories.dropna().unique()}
        return categories.map(lookup).astype("Float64").fillna(self.default_max_hours)


def _fail(path: Path, key: str, problem: str) -> SettingsError:
    return SettingsError(path, problem, key=key, fix="correct it in the rules file")


def _section(data: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise _fail(path, key, "missing or not a mapping")
    return value


def _number(value: Any, key: str, path: Path, *, positive: bool = True, allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path, key, f"expected a number, got {value!r}")
    number = float(value)
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise _fail(path, key, f"expected a finite number, got {value!r}")
    if positive and number <= 0:
        raise _fail(path, key, f"expected a number > 0, got {value!r}")
    return number


def _integer(value: Any, key: str, path: Path, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(path, key, f"expected a whole number >= {minimum}, got {value!r}")
    return value


def _boolean(value: Any, key: str, path: Path) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, key, f"expected true or false, got {value!r}")
    return value


def _date(value: Any, key: str, path: Path) -> pd.Timestamp:
    """A 'YYYY-MM-DD' date (quoted, or a YAML date) as midnight in Asia/Jakarta."""
    # An unquoted YAML date arrives as datetime.date; a date with a time is refused.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise _fail(path, key, f"expected a date 'YYYY-MM-DD', got {value!r}")
    return pd.Timestamp(day).tz_localize(TZ)


def _assumed(section: Any, name: str, path: Path) -> bool:
    # A section given as a bare list (grades) has nowhere to carry the mark: not assumed.
    if not isinstance(section, Mapping) or "assumed" not in section:
        return False
    return _boolean(section["assumed"], f"{name}.assumed", path)


def _band_list(value: Any, key: str, path: Path) -> tuple[list[Any], str]:
    # A list of bands may sit under `bands:` so the section can also carry `source:`.
    if isinstance(value, Mapping):
        value = value.get("bands")
        key = f"{key}.bands"
    if not isinstance(value, list) or not value:
        raise _fail(path, key, "expected a non-empty list")
    return value, key


def _bands(
    data: Mapping[str, Any],
    section: str,
    path: Path,
    *,
    edge: str,
    value: str,
    parse_edge: Callable[[Any, str], float],
    parse_value: Callable[[Any, str], Any],
    increasing: bool,
    last_ok: Callable[[float], bool],
    last_problem: str,
) -> tuple[tuple[float, Any], ...]:
    """A section's {edge, value} bands, edges strictly increasing (or decreasing), the last edge passing last_ok."""
    bands, key = _band_list(data.get(section), section, path)
    parsed: list[tuple[float, Any]] = []
    for i, band in enumerate(bands):
        item = f"{key}[{i}]"
        if not isinstance(band, Mapping) or edge not in band or value not in band:
            raise _fail(path, item, f"expected {{{edge}: ..., {value}: ...}}")
        bound = parse_edge(band[edge], f"{item}.{edge}")
        if parsed and (bound <= parsed[-1][0] if increasing else bound >= parsed[-1][0]):
            order = "increasing" if increasing else "decreasing"
            raise _fail(path, f"{item}.{edge}", f"bands must be in {order} {edge}")
        parsed.append((bound, parse_value(band[value], f"{item}.{value}")))
    if not last_ok(parsed[-1][0]):
        raise _fail(path, f"{key}[{len(parsed) - 1}].{edge}", last_problem)
    return tuple(parsed)


def _grade_label(value: Any, key: str, path: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, f"expected a grade label, got {value!r}")
    return value


def _late_bands(data: Mapping[str, Any], path: Path) -> tuple[tuple[float, float], ...]:
    return _bands(data, "late_score", path, edge="max_ratio", value="score", increasing=True,
                  parse_edge=partial(_number, path=path, allow_inf=True),
                  parse_value=partial(_number, path=path, positive=False),
                  last_ok=math.isinf, last_problem="the last band must be .inf so every ratio gets a score")


def _grades(data: Mapping[str, Any], path: Path) -> tuple[tuple[float, str], ...]:
    return _bands(data, "grades", path, edge="min", value="grade", increasing=False,
                  parse_edge=partial(_number, path=path, positive=False),
                  parse_value=partial(_grade_label, path=path),
                  last_ok=lambda minimum: minimum <= 0,
                  last_problem="the last grade must start at 0 so every capaian gets a grade")


def _plausible_window(data: Mapping[str, Any], path: Path) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start of `earliest`, end of `latest`) in Asia/Jakarta; the end is exclusive."""
    dates = _section(data, "dates", path)
    earliest = _date(dates.get("earliest"), "dates.earliest", path)
    latest = _date(dates.get("latest"), "dates.latest", path)
    if latest <= earliest:
        raise _fail(path, "dates.latest", f"must be after dates.earliest ({earliest.date()}), got {latest.date()}")
    return earliest, latest + pd.Timedelta(days=1)


def _anomaly_rules(section: Mapping[str, Any], path: Path) -> AnomalyRules:
    rate = _number(section.get("false_discovery_rate"), "anomalies.false_discovery_rate", path)
    if rate >= 1:
        raise _fail(path, "anomalies.false_discovery_rate", f"expected a rate below 1, got {rate!r}")
    return AnomalyRules(
        baseline_months=_integer(section.get("baseline_months"), "anomalies.baseline_months", path, minimum=1),
        min_baseline_months=_integer(section.get("min_baseline_months"), "anomalies.min_baseline_months", path,
                                     minimum=1),
        false_discovery_rate=rate,
        min_durations=_integer(section.get("min_durations"), "anomalies.min_durations", path, minimum=1),
        min_hours_increase=_number(section.get("min_hours_increase"), "anomalies.min_hours_increase", path),
        fast_closure_minutes=_number(section.get("fast_closure_minutes"), "anomalies.fast_closure_minutes", path),
        batch_closure_tickets=_integer(section.get("batch_closure_tickets"), "anomalies.batch_closure_tickets", path,
                                       minimum=2),
        burst_tickets=_integer(section.get("burst_tickets"), "anomalies.burst_tickets", path, minimum=2),
        burst_metres=_number(section.get("burst_metres"), "anomalies.burst_metres", path),
        burst_hours=_number(section.get("burst_hours"), "anomalies.burst_hours", path),
    )


def _place_rules(section: Mapping[str, Any], path: Path) -> PlaceRules:
    tolerance = _number(section.get("border_tolerance_metres"), "places.border_tolerance_metres", path, positive=False)
    if tolerance < 0:
        raise _fail(path, "places.border_tolerance_metres", f"expected metres >= 0, got {tolerance!r}")
    return PlaceRules(
        border_tolerance_metres=tolerance,
        hotspot_radius_metres=_number(section.get("hotspot_radius_metres"), "places.hotspot_radius_metres", path),
        hotspot_min_complaints=_integer(section.get("hotspot_min_complaints"), "places.hotspot_min_complaints", path,
                                        minimum=2),
        map_min_complaints=_integer(section.get("map_min_complaints"), "places.map_min_complaints", path, minimum=1),
    )


def _arrival_periods(data: Mapping[str, Any], path: Path) -> tuple[tuple[int, str], ...]:
    """The `arrival_periods.periods` list as (start hour, name): whole hours 0-23, the first 0, strictly increasing,
    each name given once."""
    key = "arrival_periods.periods"
    periods = _section(data, "arrival_periods", path).get("periods")
    if not isinstance(periods, list) or not periods:
        raise _fail(path, key, "expected a non-empty list of {start: hour, name: ...}")
    parsed: list[tuple[int, str]] = []
    for i, period in enumerate(periods):
        item = f"{key}[{i}]"
        if not isinstance(period, Mapping) or "start" not in period or "name" not in period:
            raise _fail(path, item, "expected {start: hour, name: ...}")
        start, name = period["start"], period["name"]
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= 23:
            raise _fail(path, f"{item}.start", f"expected a whole hour from 0 to 23, got {start!r}")
        if not parsed and start != 0:
            raise _fail(path, f"{item}.start", f"the first period must start at 0 so every hour has a period, got {start!r}")
        if parsed and start <= parsed[-1][0]:
            raise _fail(path, f"{item}.start", f"periods must be in increasing start, got {start!r} after {parsed[-1][0]!r}")
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, f"{item}.name", f"expected a name, got {name!r}")
        if name in (n for _, n in parsed):
            raise _fail(path, f"{item}.name", f"the name {name!r} is given twice")
        parsed.append((start, name))
    return tuple(parsed)


def rules_from_dict(data: Any, path: Path | str = "crm.yaml") -> Rules:
    """Validate a parsed rules document and build :class:`Rules`; a wrong value raises SettingsError."""
    path = Path(path)
    if not isinstance(data, Mapping):
        raise _fail(path, "<top level>", "expected a mapping of rule sections")
    response = _section(data, "response", path)
    follow_up = _section(data, "follow_up", path)
    by_category = follow_up.get("by_category", {}) or {}
    if not isinstance(by_category, Mapping):
        raise _fail(path, "follow_up.by_category", "expected a mapping category -> hours")
    rejection = _section(data, "rejection", path)
    capaian = _section(data, "capaian", path)
    method = capaian.get("method")
    if method not in CAPAIAN_METHODS:
        raise _fail(path, "capaian.method", f"expected one of {', '.join(CAPAIAN_METHODS)}, got {method!r}")
    plausible_from, plausible_until = _plausible_window(data, path)
    return Rules(
        response_max_hours=_number(response.get("max_hours"), "response.max_hours", path),
        response_inclusive=_boolean(response.get("inclusive"), "response.inclusive", path),
        default_max_hours=_number(follow_up.get("default_max_hours"), "follow_up.default_max_hours", path),
        max_hours_by_category=MappingProxyType(
            {str(k): _number(v, f"follow_up.by_category.{k}", path) for k, v in by_category.items()}
        ),
        late_bands=_late_bands(data, path),
        rejection_min_count=_integer(rejection.get("min_count"), "rejection.min_count", path, minimum=1),
        capaian_method=method,
        capaian_decimals=_integer(capaian.get("decimals"), "capaian.decimals", path, minimum=0),
        grades=_grades(data, path),
        plausible_from=plausible_from,
        plausible_until=plausible_until,
        max_duration=pd.Timedelta(days=_number(_section(data, "durations", path).get("max_days"),
                                               "durations.max_days", path)),
        anomalies=_anomaly_rules(_section(data, "anomalies", path), path),
        arrival_periods=_arrival_periods(data, path),
        places=_place_rules(_section(data, "places", path), path),
        assumed=MappingProxyType({name: _assumed(data.get(name), name, path) for name in SECTIONS}),
    )
