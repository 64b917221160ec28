"""Per-city report settings: cover metadata, boilerplate text, export cut-offs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from crmlib import areas
from crmlib.paths import PARAMS_DIR


def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


def check_month(month: str) -> str:
    """Validate a 'YYYY-MM' month.

    >>> check_month("2022-06")
    '2022-06'
    """
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(month)):
        raise ValueError(f"month {month!r} is not YYYY-MM, e.g. 2022-06")
    return str(month)


def load_city_params(city_code: str, month: str, params_dir: Path = PARAMS_DIR) -> dict[str, Any]:
    """Merge ``params/cities/_common.yaml`` with the city's file and fill ``{kota}``, ``{tahun}``.

    >>> load_city_params("jaktim", "2022-06")["dpa_nomor"]
    '370/P-DPA/2022'
    """
    check_month(month)
    city_file = params_dir / "cities" / f"{city_code}.yaml"
    if not city_file.exists():
        raise FileNotFoundError(f"no city settings file {city_file}; add one for {city_code!r}")
    merged = {**_read(params_dir / "cities" / "_common.yaml"), **_read(city_file)}
    year = month[:4]
    names = {"kota": areas.city_label(city_code), "tahun": year}
    settings = {key: _fill(value, names) for key, value in merged.items()}
    settings["dpa_nomor"] = (merged.get("dpa_nomor") or {}).get(int(year), "–")
    settings["cutoff"] = (merged.get("cutoff") or {}).get(month)
    return settings
