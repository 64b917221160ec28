"""Follow-up rules (response SLA, maximum follow-up time, late score, capaian, grades, plausible dates).

The rules are parameters read from ``params/rules/crm.yaml`` so an analyst who
has the decree corrects them there, not in code.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
import yaml

from crmlib.parse import TZ
from crmlib.paths import PARAMS_DIR

DEFAULT_RULES_PATH = PARAMS_DIR / "rules" / "crm.yaml"
CAPAIAN_METHODS = ("mean_follow_up_score",)
# Sections of the rules file; each may carry `assumed: true` (our reading, not a published rule).
SECTIONS = ("response", "follow_up", "late_score", "rejection", "capaian", "grades", "dates")


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
    # section name -> marked `assumed: true` in the file (False when the mark is absent)
    assumed: Mapping[str, bool]
    source_path: str = ""


def _fail(path: Path, key: str, problem: str) -> ValueError:
    return ValueError(f"{path}: key '{key}': {problem}. Fix it in the rules file.")


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


def rules_from_dict(data: Any, path: Path | str = "<rules>") -> Rules:
    """Validate a parsed rules document and build :class:`Rules`."""
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
        assumed=MappingProxyType({name: _assumed(data.get(name), name, path) for name in SECTIONS}),
        source_path=str(path),
    )


def load_rules(path: Path | str | None = None) -> Rules:
    """Read and validate a rules file (default ``params/rules/crm.yaml``)."""
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the rules file ({exc.strerror}).") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ValueError(f"{path}:{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from exc
    return rules_from_dict(data, path)


def outside_plausible_window(values: pd.Series, rules: Rules) -> pd.Series:
    """True where a time is present and outside [plausible_from, plausible_until); NaT is False.

    >>> r = load_rules()
    >>> stamps = pd.Series(pd.to_datetime(["2014-12-31 23:59", "2035-12-31 23:59", "2036-01-01 00:00", None]))
    >>> outside_plausible_window(stamps.dt.tz_localize(TZ), r).tolist()
    [True, False, True, False]
    """
    # plausible_until is exclusive: midnight after the last plausible day is already outside.
    return values.notna() & ((values < rules.plausible_from) | (values >= rules.plausible_until))


def max_tl_hours_for(category: str, rules: Rules) -> float:
    """Maximum follow-up hours for a category: its own rule, else the default."""
    return rules.max_hours_by_category.get(category, rules.default_max_hours)


def effective_max_tl_hours(tickets: pd.DataFrame, rules: Rules) -> pd.Series:
    """max_tl_hours per ticket (Float64), NA filled with the category's rule."""
    # The loader already fills it; filling here too makes a hand-built frame score the same way.
    default = tickets["category"].map(
        lambda c: max_tl_hours_for(c, rules) if pd.notna(c) else rules.default_max_hours
    )
    return tickets["max_tl_hours"].astype("Float64").fillna(default.astype("Float64"))


def follow_up_score(actual_hours: float | pd.Series, max_hours: float | pd.Series, rules: Rules) -> float | pd.Series:
    """Score of a follow-up: the first late band whose max_ratio >= actual/max.

    Works on scalars (NaN in -> NaN out) and on Series (Float64, NA in -> NA out).
    With the bundled bands, 67 h against a 48 h maximum (ratio 1.396) scores 80.
    """
    ratios_edges = np.array([ratio for ratio, _ in rules.late_bands])
    scores = np.array([score for _, score in rules.late_bands], dtype=float)
    if isinstance(actual_hours, pd.Series) or isinstance(max_hours, pd.Series):
        index = actual_hours.index if isinstance(actual_hours, pd.Series) else max_hours.index
        actual = pd.Series(actual_hours, index=index).astype("Float64")
        maximum = pd.Series(max_hours, index=index).astype("Float64")
        if (maximum <= 0).any():
            raise ValueError("follow_up_score: max_hours must be > 0.")
        if (actual < 0).any():
            raise ValueError("follow_up_score: actual_hours must be >= 0.")
        ratio = (actual / maximum).to_numpy(dtype=float, na_value=np.nan)
        picked = scores[np.minimum(np.searchsorted(ratios_edges, ratio, side="left"), len(scores) - 1)]
        return pd.Series(picked, index=index, dtype="Float64").mask(np.isnan(ratio))
    if pd.isna(actual_hours) or pd.isna(max_hours):
        return math.nan
    if max_hours <= 0:
        raise ValueError(f"follow_up_score: max_hours must be > 0, got {max_hours!r}.")
    if actual_hours < 0:
        raise ValueError(f"follow_up_score: actual_hours must be >= 0, got {actual_hours!r}.")
    return float(scores[np.searchsorted(ratios_edges, actual_hours / max_hours, side="left")])


def follow_up_scores(tickets: pd.DataFrame, rules: Rules) -> pd.Series:
    """Follow-up score per ticket (Float64); tickets without completed_at are NA."""
    # Same as crmlib.metrics.durations.completion_hours, which cannot be imported here:
    # crmlib.metrics (follow_ups) imports this module, so it would be an import cycle.
    actual = (tickets["completed_at"] - tickets["created_at"]).dt.total_seconds() / 3600
    return follow_up_score(actual.astype("Float64"), effective_max_tl_hours(tickets, rules), rules)


def _round_half_up(value: float, decimals: int) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def capaian(tickets: pd.DataFrame, rules: Rules) -> float:
    """The city's capaian: mean follow-up score over scored tickets, rounded half-up; NaN if none."""
    scores = follow_up_scores(tickets, rules).dropna()
    if scores.empty:
        return math.nan
    return _round_half_up(float(scores.mean()), rules.capaian_decimals)


def grade(capaian: float, rules: Rules) -> str:
    """Grade of a capaian: the first grade whose min it reaches; NaN raises ValueError."""
    if pd.isna(capaian):
        raise ValueError("grade: capaian is NaN (no scored tickets this month), so there is no grade.")
    for minimum, label in rules.grades:
        if capaian >= minimum:
            return label
    raise ValueError(f"grade: capaian {capaian!r} is below every grade's min.")
