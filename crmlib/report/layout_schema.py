"""What each section notebook takes from a layout: its heading keys, its sentence keys with their slots, its options.

This is the one declaration of those keys. A layout file is checked against it
when the settings are read (:func:`crmlib.report.layout.check_layout`), so a
misspelt key stops the build before any section runs; a section asks for its
keys through :class:`crmlib.pipeline.context.city.ReportContext`, which raises
:class:`SchemaMismatch` for a key not declared here (a bug in the package, not
in the layout); and the table in ``params/layouts/README.md`` is rendered from
it. After changing it, regenerate that table::

    python -m crmlib.report.layout_schema --write params/layouts/README.md
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

# What a heading may hold besides its text: filled by ReportContext.heading.
HEADING_SLOTS = ("bulan", "kota")
# The README's generated table lies between these two lines.
TABLE_START = ("<!-- generated from crmlib/report/layout_schema.py; to update: "
               "python -m crmlib.report.layout_schema --write params/layouts/README.md -->")
TABLE_END = "<!-- end of the generated table -->"
_KIND_WORDS = {bool: "true or false", int: "a whole number", str: "a text"}


class SchemaMismatch(LookupError):
    """A section asked its layout for a key this schema does not declare for it: a bug in the package."""


@dataclass(frozen=True)
class Option:
    """A layout option of a section: its type, its value when the layout does not set it, and what it does."""

    kind: type  # bool, int or str
    default: Any
    meaning: str

    def accepts(self, value: Any) -> bool:
        """Whether a layout's value is of this option's type (YAML's true is not a number here).

        >>> Option(bool, False, "").accepts(True), Option(bool, False, "").accepts("ya"), Option(int, 5, "").accepts(True)
        (True, False, False)
        """
        if self.kind in (bool, int):
            return type(value) is self.kind
        return isinstance(value, self.kind)


@dataclass(frozen=True)
class SectionSchema:
    """What one section notebook takes from a layout."""

    about: str  # what the section prints, for the README
    headings: tuple[str, ...] = ()
    sentences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key -> the slots the section fills
    options: Mapping[str, Option] = field(default_factory=dict)


def _section(about: str, headings: Iterable[str] = (), sentences: Mapping[str, tuple[str, ...]] | None = None,
             options: Mapping[str, Option] | None = None) -> SectionSchema:
    return SectionSchema(about, tuple(headings), MappingProxyType(dict(sentences or {})),
                         MappingProxyType(dict(options or {})))


# Every section notebook (notebooks/NN_name.ipynb), in report order. tests/report/test_layout_schema.py checks
# that each key here is what the notebook asks for, and nothing else.
SECTIONS: Mapping[str, SectionSchema] = MappingProxyType({
    "00_sampul": _section("the cover, under the layout's title"),
    "01_pengantar": _section("the foreword and the table of contents", ["chapter", "daftar_isi"]),
    "02_pendahuluan": _section(
        "the introduction: background, aims and legal basis; with a layout's `waktu` and `hasil`, the period and "
        "the outcome",
        ["chapter", "latar_belakang", "maksud_tujuan", "dasar_hukum", "waktu", "hasil"],
        {"waktu": ("bulan",), "hasil": ()}),
    "03_pelaksanaan": _section("how complaints are received: the channels and the aims of CRM", ["chapter", "section"]),
    "04_data_aduan": _section(
        "the month's complaints: their status per unit, responses, geotagging, the 12-month trend",
        ["chapter", "section", "geotagging", "trend"],
        {"intro": ("kepala", "bulan", "jumlah", "status", "cutoff")},
        {"status_table": Option(bool, True, "the status table per unit after the first sentence"),
         "response_summary": Option(bool, True, "the paragraph on responses, where capaian first appears, "
                                                "with how capaian is computed"),
         "geotag_status": Option(bool, False, "a Status column in the geotagging table")}),
    "05_kategori": _section("the top categories and the sub-categories of the first",
                            ["chapter", "section"], {"summary": ("n", "bulan", "kategori", "jumlah", "persen", "total")}),
    "06_unit": _section("the units with the most complaints and the categories of the first",
                        ["chapter", "section"], {"summary": ("n", "bulan", "unit", "jumlah", "persen", "total")}),
    "07_waktu": _section(
        "response, coordination and completion times; after the responses, when complaints arrive (a heatmap by "
        "day and hour) and the share responded within the rule by period of the day and workday, weekend or holiday",
        ["chapter", "section", "response", "arrival", "coordination_by_kelurahan", "completion_by_kelurahan",
         "completion_spread"],
        {"completion": ("bulan", "rerata", "total", "pertama", "persen", "rentang")},
        {"arrival": Option(bool, True, "the part on when complaints arrive, after the response table")}),
    "08_tindak_lanjut": _section(
        "late follow-ups and follow-ups rejected again and again", ["chapter", "section", "late", "rejected"],
        {"late_intro": ("bulan",)},
        {"late_by_unit": Option(bool, False, "late follow-ups as one row per unit and category (Nama SKPD, Jumlah "
                                             "Laporan, Kategori, Waktu TL, Batas Maksimal Waktu TL, Capaian), not "
                                             "one per complaint")}),
    "09_kanal": _section("the channels complaints came through", ["chapter", "section"],
                         {"summary": ("kanal", "jumlah", "bulan", "nama_bulan", "persen", "kota")}),
    "10_capaian": _section("capaian and its grade", ["chapter", "section"],
                           {"summary": ("kepala", "bulan", "capaian", "peringkat")},
                           {"capaian_caveat": Option(bool, False, "say here how capaian is computed")}),
    "11_anomali": _section("the month's anomaly flags, funnel plots and completion medians per kelurahan, and the "
                           "largest hotspots of geotagged complaints",
                           ["chapter", "section", "unit_flags", "fair_comparison", "hotspots", "ticket_flags"]),
    "12_penutup": _section(
        "the conclusions and the advice", ["chapter", "kesimpulan", "saran"],
        {"kesimpulan": ("kota", "penilaian", "capaian", "peringkat", "cepat", "batas", "total", "tepat_waktu")},
        {"saran_paragraphs": Option(bool, False, "the advice as paragraphs, not a numbered list")}),
    "13_kualitas_data": _section("the annex on data quality: rows read, used and excluded, and the capaian rule",
                                 ["chapter", "excluded", "flagged", "capaian_rule"]),
    "14_lampiran_anomali": _section("the annex listing every ticket-level anomaly flag", ["chapter"]),
    "15_peta": _section("maps of the month per kelurahan: complaints in a few classes, the share responded within the "
                        "rule (too few complaints in grey), and the density of geotags", ["chapter", "section"]),
})


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt ``word``, or None when none is close.

    >>> nearest("bulann", ["bulan", "kota"]), nearest("opsi_salah", ["status_table", "geotag_status"])
    ('bulan', None)
    """
    found = difflib.get_close_matches(word, list(choices), n=1)
    return found[0] if found else None


def kind_words(kind: type) -> str:
    """How a layout writes a value of this type ('true or false')."""
    return _KIND_WORDS.get(kind, kind.__name__)


def section(notebook: str | None) -> SectionSchema:
    """What a section notebook takes; :class:`SchemaMismatch` for a notebook this schema does not declare."""
    if notebook not in SECTIONS:
        raise SchemaMismatch(f"section notebook {notebook!r} is not declared in crmlib/report/layout_schema.py "
                             f"(declared: {', '.join(SECTIONS)})")
    return SECTIONS[notebook]


def _undeclared(notebook: str | None, what: str, key: str, declared: Iterable[str]) -> SchemaMismatch:
    return SchemaMismatch(f"{notebook} asks its layout for {what} {key!r}, which crmlib/report/layout_schema.py does "
                          f"not declare for it (it declares: {', '.join(declared) or 'none'}); declare it there or "
                          "fix the notebook")


def check_heading(notebook: str | None, key: str) -> None:
    """Raise :class:`SchemaMismatch` unless ``notebook`` declares the heading ``key``."""
    headings = section(notebook).headings
    if key not in headings:
        raise _undeclared(notebook, "heading", key, headings)


def check_sentence(notebook: str | None, key: str, slots: Iterable[str]) -> None:
    """Raise :class:`SchemaMismatch` unless ``notebook`` declares the sentence ``key`` with exactly these slots.

    >>> check_sentence("02_pendahuluan", "waktu", ["bulan"])  # declared: nothing to say
    """
    sentences = section(notebook).sentences
    if key not in sentences:
        raise _undeclared(notebook, "sentence", key, sentences)
    given, declared = sorted(slots), sorted(sentences[key])
    if given != declared:
        raise SchemaMismatch(f"{notebook} fills sentence {key!r} with {', '.join(given) or 'no slot'}, but "
                             f"crmlib/report/layout_schema.py declares {', '.join(declared) or 'no slot'}; the layout "
                             "check relies on these being the same")


def option(notebook: str | None, key: str) -> Option:
    """The declared option ``key`` of ``notebook``; :class:`SchemaMismatch` when it is not declared.

    >>> option("12_penutup", "saran_paragraphs").default
    False
    """
    options = section(notebook).options
    if key not in options:
        raise _undeclared(notebook, "option", key, options)
    return options[key]


def _code(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def yaml_value(value: Any) -> str:
    """A value as a layout file writes it.

    >>> yaml_value(True), yaml_value(5), yaml_value("x")
    ('true', '5', "'x'")
    """
    return str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, str) else str(value)


def render_table(sections: Mapping[str, SectionSchema] = SECTIONS) -> str:
    """The README's table of what each section takes, as markdown.

    >>> print(render_table({"99_uji": _section("a test", ["chapter"], {"summary": ("n",)},
    ...                                        {"wide": Option(bool, False, "wider tables")})}))
    | notebook | what it prints | headings | sentences and their slots | options |
    |---|---|---|---|---|
    | `99_uji` | a test | `chapter` | `summary` (n) | `wide` (true or false, default false): wider tables |
    """
    rows = ["| notebook | what it prints | headings | sentences and their slots | options |", "|---|---|---|---|---|"]
    for name, schema in sections.items():
        sentences = ", ".join(f"`{key}` ({', '.join(slots) or 'no slots'})" for key, slots in schema.sentences.items())
        options = "; ".join(f"`{key}` ({kind_words(o.kind)}, default {yaml_value(o.default)}): {o.meaning}"
                            for key, o in schema.options.items())
        rows.append(f"| `{name}` | {schema.about} | {_code(schema.headings)} | {sentences} | {options} |")
    return "\n".join(rows)


def table_in(readme: str) -> str | None:
    """The generated table a README holds between :data:`TABLE_START` and :data:`TABLE_END`, or None."""
    match = re.search(re.escape(TABLE_START) + r"\n(.*?)\n" + re.escape(TABLE_END), readme, re.DOTALL)
    return match.group(1) if match else None


def with_table(readme: str, table: str) -> str:
    """The README with its generated table replaced by ``table``; ValueError when it has no such place."""
    if table_in(readme) is None:
        raise ValueError(f"no lines {TABLE_START!r} ... {TABLE_END!r} to put the table between")
    pattern = re.escape(TABLE_START) + r"\n.*?\n" + re.escape(TABLE_END)
    return re.sub(pattern, lambda _: f"{TABLE_START}\n{table}\n{TABLE_END}", readme, count=1, flags=re.DOTALL)


def main(argv: list[str] | None = None) -> int:
    """Print the README's table, or write it into a README (``--write``)."""
    parser = argparse.ArgumentParser(prog="python -m crmlib.report.layout_schema", description=main.__doc__)
    parser.add_argument("--write", type=Path, metavar="README", help="replace the generated table in this file")
    args = parser.parse_args(argv)
    if args.write is None:
        print(render_table())
        return 0
    args.write.write_text(with_table(args.write.read_text(encoding="utf-8"), render_table()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
