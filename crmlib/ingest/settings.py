"""Every setting a build uses, read once into one value: column mapping, channels, area aliases, rules, cities.

The files come from the package's ``params/`` (the defaults), file by file
overridden by a folder of the user's (``--params DIR`` or ``CRM_PARAMS``). The
values are read from the bytes that are hashed, so what the cache key and the
manifest name is exactly what the build used; nothing is re-read later.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from crmlib import resources
from crmlib.errors import SettingsError
from crmlib.ingest import areas
from crmlib.ingest.parse import normalise_cell
from crmlib.ingest.rules import Rules, rules_from_dict
from crmlib.ingest.select import check_month
from crmlib.report.layout import Layout, check_layout

PARAMS_ENV = "CRM_PARAMS"
OUTPUTS_ENV = "CRM_OUTPUTS"
MAPPING_FILE = "columns/crm_v2.yaml"
CHANNELS_FILE = "channels.yaml"
ALIASES_FILE = "areas/aliases.yaml"
CATEGORY_ALIASES_FILE = "categories/aliases.yaml"
RULES_FILE = "rules/crm.yaml"
COMMON_CITY_FILE = "cities/_common.yaml"
TABLES = ("tickets", "coordinations")
DATE_ORDER_SETTINGS = ("auto", "day_first", "month_first")


@dataclass(frozen=True)
class SettingsFile:
    """One settings file as read: where from, and the SHA-256 of its bytes."""

    path: Path
    sha256: str
    overridden: bool  # True when it comes from the override folder, not the package defaults


@dataclass(frozen=True)
class Settings:
    """The settings of a build, as values; make it with :func:`load_settings`."""

    mapping: Mapping[str, Any]
    channels: Mapping[str, list[str]]
    aliases: Mapping[str, Any]
    rules: Rules
    # city code -> its settings merged over cities/_common.yaml, placeholders not yet filled
    cities: Mapping[str, Mapping[str, Any]]
    # export spelling of a category -> the category's label (params/categories/aliases.yaml)
    category_aliases: Mapping[str, str] = field(default_factory=dict)
    # name relative to the params folder ('rules/crm.yaml') -> the file it was read from
    files: Mapping[str, SettingsFile] = field(default_factory=dict)
    # layout name -> the report format it describes (params/layouts/<name>.yaml)
    layouts: Mapping[str, Layout] = field(default_factory=dict)
    override_dir: Path | None = None
    outputs_dir: Path = Path("outputs")
    cache_dir: Path = Path("outputs/.cache")


def header_key(text: Any) -> str:
    """Comparison key for a header: trimmed, whitespace collapsed, case folded.

    >>> header_key("  Max Waktu   TL (Jam) "), header_key("No\u200b Laporan")
    ('max waktu tl (jam)', 'no laporan')
    """
    return (normalise_cell(str(text)) or "").casefold()


# libyaml's parser when PyYAML was built with it: every section of every report reads the settings.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(data: bytes, name: str) -> Any:
    """A settings file's YAML; syntax errors name the file and line."""
    try:
        return yaml.load(data.decode("utf-8"), Loader=_YAML_LOADER)
    except UnicodeDecodeError as exc:
        raise SettingsError(name, "not UTF-8 text", fix="save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SettingsError(name, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                            line=mark.line + 1 if mark else None, fix="correct the YAML syntax") from exc


def check_mapping(data: Any, name: str = "column mapping") -> dict[str, Any]:
    """Check a column mapping: every table's columns with header spellings, no free-text header mapped, statuses."""
    if not isinstance(data, Mapping) or not isinstance(data.get("tables"), Mapping):
        raise SettingsError(name, "no 'tables' section", fix="start from params/columns/crm_v2.yaml")
    free = {header_key(h) for h in data.get("free_text") or []}
    for table in TABLES:
        spec = data["tables"].get(table)
        if not isinstance(spec, Mapping) or not isinstance(spec.get("columns"), Mapping):
            raise SettingsError(name, f"table '{table}' has no 'columns'", fix="list the columns of every table")
        for column, col_spec in spec["columns"].items():
            headers = (col_spec or {}).get("headers")
            if not headers or not all(isinstance(h, str) for h in headers):
                raise SettingsError(name, f"{table}.{column} has no header spellings", fix="give 'headers: [..]'")
            clash = free.intersection(header_key(h) for h in headers)
            if clash:
                # A free-text column must never be read, even by a mistaken mapping.
                raise SettingsError(name, f"{table}.{column} maps free-text header(s) {sorted(clash)}",
                                    fix="remove them from the column's headers")
    if not isinstance(data.get("statuses"), Mapping):
        raise SettingsError(name, "no 'statuses' section", fix="map status spellings to canonical statuses")
    if data.get("date_order", "auto") not in DATE_ORDER_SETTINGS:
        raise SettingsError(name, f"expected one of {', '.join(DATE_ORDER_SETTINGS)}, got {data['date_order']!r}",
                            key="date_order")
    return dict(data)


def check_channels(data: Any, name: str = "channels") -> dict[str, list[str]]:
    """Check the channel spellings: canonical label -> spellings."""
    if not isinstance(data, Mapping):
        raise SettingsError(name, "expected a mapping 'label: [spellings]'", fix="see params/channels.yaml")
    return {str(k): list(v or []) for k, v in data.items()}


def check_category_aliases(data: Any, name: str = CATEGORY_ALIASES_FILE) -> dict[str, str]:
    """Check the category aliases: a mapping 'export spelling: category' of texts under ``aliases``."""
    aliases = (data or {}).get("aliases") if isinstance(data, Mapping) else None
    if not isinstance(aliases, Mapping | None) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in (aliases or {}).items()):
        raise SettingsError(name, "expected a mapping 'export spelling: category' of texts", key="aliases",
                            fix="see params/categories/aliases.yaml")
    return {str(k): str(v) for k, v in (aliases or {}).items()}


def check_aliases(data: Any, name: str = "area aliases") -> dict[str, Any]:
    """Check the area aliases: spellings per unit type, and the prefixes of head units and other SKPD."""
    if not isinstance(data, Mapping):
        raise SettingsError(name, "expected a mapping", fix="see params/areas/aliases.yaml")
    for key in ("head_unit_prefixes", "skpd_prefixes"):
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(name, "expected a list of words", key=key)
    for unit_type in ("kelurahan", "kecamatan"):
        if not isinstance(data.get(unit_type) or {}, Mapping):
            raise SettingsError(name, "expected a mapping 'export spelling: official name'", key=unit_type)
    return dict(data)


class _Reader:
    """Reads settings files, each from the override folder if it has it, else from the defaults."""

    def __init__(self, defaults: Path, override: Path | None) -> None:
        self.defaults, self.override = defaults, override
        self.files: dict[str, SettingsFile] = {}

    def names(self, folder: str, pattern: str) -> list[str]:
        found = {p.name for d in (self.defaults, self.override) if d is not None for p in (d / folder).glob(pattern)}
        return [f"{folder}/{name}" for name in sorted(found)]

    def read(self, name: str) -> Any:
        overridden = self.override is not None and (self.override / name).is_file()
        path = (self.override if overridden else self.defaults) / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SettingsError(path, f"cannot read the settings file ({exc.strerror})",
                                fix="restore it, or put a copy in the params folder") from exc
        self.files[name] = SettingsFile(path, hashlib.sha256(data).hexdigest(), overridden)
        return pickle.loads(_parsed(data, str(path)))


# Every section of every report reads the same settings files: a file's bytes are parsed once per process, and
# each reader unpickles its own copy of the result, which costs a small part of parsing.
@lru_cache(maxsize=64)
def _parsed(data: bytes, name: str) -> bytes:
    return pickle.dumps(parse_yaml(data, name))


def plain(value: Any) -> Any:
    """A settings value as plain, mutable data: read-only mappings become dicts, tuples lists.

    >>> plain(MappingProxyType({"a": MappingProxyType({"b": (1, 2)})}))
    {'a': {'b': [1, 2]}}
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    return value


def load_settings(
    params_dir: str | Path | None = None,
    *,
    outputs_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Settings:
    """Read and check every settings file once.

    ``params_dir`` (else ``$CRM_PARAMS``) overrides the package's defaults file
    by file; ``outputs_dir`` (else ``$CRM_OUTPUTS``, else ``./outputs``) is where
    reports go, ``cache_dir`` (else ``<outputs>/.cache``) the parquet cache.
    """
    override = params_dir if params_dir is not None else os.environ.get(PARAMS_ENV) or None
    override_dir = Path(override).resolve() if override is not None else None
    if override_dir is not None and not override_dir.is_dir():
        raise SettingsError(override_dir, "the params folder does not exist", fix="check --params or CRM_PARAMS")
    reader = _Reader(resources.default_params_dir(), override_dir)
    mapping = check_mapping(reader.read(MAPPING_FILE), MAPPING_FILE)
    channels = check_channels(reader.read(CHANNELS_FILE), CHANNELS_FILE)
    aliases = check_aliases(reader.read(ALIASES_FILE), ALIASES_FILE)
    category_aliases = check_category_aliases(reader.read(CATEGORY_ALIASES_FILE))
    rules = rules_from_dict(reader.read(RULES_FILE), RULES_FILE)
    common = reader.read(COMMON_CITY_FILE) or {}
    cities = {}
    for name in reader.names("cities", "*.yaml"):
        code = Path(name).stem
        if code.startswith("_"):
            continue
        city = reader.read(name) or {}
        if not isinstance(city, Mapping) or not isinstance(common, Mapping):
            raise SettingsError(name, "expected a mapping of settings")
        cities[code] = {**common, **city}
    notebooks = {p.stem for p in resources.section_notebooks()}
    layouts = {Path(name).stem: check_layout(reader.read(name), Path(name).stem, notebooks, name)
               for name in reader.names("layouts", "*.yaml")}
    for code, city in cities.items():
        if city.get("layout") not in layouts:
            raise SettingsError(f"cities/{code}.yaml", f"layout '{city.get('layout')}' is not a layout file",
                                fix=f"use one of {', '.join(sorted(layouts))} (params/layouts/), or add that file")
    outputs = Path(outputs_dir if outputs_dir is not None else os.environ.get(OUTPUTS_ENV) or "outputs").resolve()
    return Settings(
        mapping=_frozen(mapping),
        channels=MappingProxyType(channels),
        aliases=_frozen(aliases),
        rules=rules,
        category_aliases=MappingProxyType(category_aliases),
        cities=MappingProxyType(cities),
        files=MappingProxyType(dict(sorted(reader.files.items()))),
        layouts=MappingProxyType(layouts),
        override_dir=override_dir,
        outputs_dir=outputs,
        cache_dir=Path(cache_dir).resolve() if cache_dir is not None else outputs / ".cache",
    )


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


def _city_entry(settings: Settings, city: str) -> Mapping[str, Any]:
    """A city's settings as read (merged over _common.yaml); a one-line error when it has no file."""
    areas.check_city(city)
    if city not in settings.cities:
        raise SettingsError(f"cities/{city}.yaml", "no settings file for this city",
                            fix=f"add params/cities/{city}.yaml")
    return settings.cities[city]


def city_layout(settings: Settings, city: str) -> Layout:
    """The report format a city names (``layout:``), checked when the settings were read."""
    return settings.layouts[_city_entry(settings, city)["layout"]]


def city_settings(settings: Settings, city: str, month: str) -> dict[str, Any]:
    """One city's report settings for a month: ``{kota}`` and ``{tahun}`` filled, the DPA number and cut-off picked.

    >>> city_settings(load_settings(), "jaktim", "2022-06")["dpa_nomor"]
    '370/P-DPA/2022'
    """
    check_month(month)
    merged = _city_entry(settings, city)
    year = month[:4]
    names = {"kota": areas.city_label(city), "tahun": year}
    filled = {key: _fill(value, names) for key, value in merged.items()}
    filled["dpa_nomor"] = (merged.get("dpa_nomor") or {}).get(int(year))
    filled["cutoff"] = (merged.get("cutoff") or {}).get(month)
    return filled


def unfilled(filled: Mapping[str, Any], month: str) -> list[str]:
    """The report settings a city has not set for a month, which the report shows as placeholders to fill in.

    >>> unfilled({"dpa_nomor": None, "penandatangan": "Kepala Bagian"}, "2023-01")
    ['dpa_nomor for 2023']
    """
    missing = [] if filled.get("dpa_nomor") else [f"dpa_nomor for {month[:4]}"]
    return missing + ([] if filled.get("penandatangan") else ["penandatangan"])


def manifest_entry(settings: Settings) -> dict[str, Any]:
    """Which settings a build used, for manifest.json: the override folder and each file's source and SHA-256."""
    return {
        "override_dir": str(settings.override_dir) if settings.override_dir else None,
        "files": {name: {"from": "override" if f.overridden else "package", "sha256": f.sha256}
                  for name, f in settings.files.items()},
    }
