"""A report's layout: its title, running footer, sections in order, their headings and sentence templates.

Each city names its layout in ``params/cities/<city>.yaml`` (``layout:``); the
layouts are ``params/layouts/<name>.yaml``. A section notebook asks its part of
the layout for a heading or a sentence by key, and shows nothing for a key the
layout leaves out. The keys each section knows are declared once, in
:mod:`crmlib.report.layout_schema`; a layout is checked against them when the
settings are read. A new city format is a new layout file and, at most, a new
section notebook.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from crmlib.errors import SettingsError
from crmlib.report import layout_schema

_HEADING = re.compile(r"#{1,3} \S.*")
_HEADING_SLOT = re.compile(r"\{(\w*)\}")
_KEYS = {"title", "running_footer", "sections"}
_SECTION_KEYS = {"notebook", "headings", "sentences", "options"}


@dataclass(frozen=True)
class SectionLayout:
    """One section of a layout: its notebook, and the headings, sentence templates and options it is given."""

    notebook: str
    headings: Mapping[str, str] = field(default_factory=dict)  # key -> markdown heading ('## B. Data Aduan')
    sentences: Mapping[str, str] = field(default_factory=dict)  # key -> template with {slots}
    options: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # the layout file, for error messages

    def heading(self, key: str) -> str | None:
        """The markdown heading for ``key``, or None when this layout has none there."""
        return self.headings.get(key)

    def sentence(self, key: str, **values: Any) -> str | None:
        """The template for ``key`` with its slots filled, or None when this layout has no such sentence.

        >>> part = SectionLayout("09_kanal", sentences={"top": "Kanal terbanyak: {kanal}."})
        >>> part.sentence("top", kanal="JAKI", n=3), part.sentence("other")
        ('Kanal terbanyak: JAKI.', None)
        """
        template = self.sentences.get(key)
        if template is None:
            return None
        try:
            return template.format(**values)
        except KeyError as exc:
            raise SettingsError(self.source, f"sentence '{key}' of {self.notebook} uses {{{exc.args[0]}}}, which "
                                f"this section does not give (it gives {', '.join(sorted(values))})",
                                fix="use one of those slots") from None


@dataclass(frozen=True)
class Layout:
    """A report format: what :func:`check_layout` reads from a layout file."""

    name: str
    title: str
    running_footer: bool
    sections: tuple[SectionLayout, ...]

    @property
    def notebooks(self) -> list[str]:
        """The section notebooks, in report order."""
        return [s.notebook for s in self.sections]

    def section(self, notebook: str) -> SectionLayout:
        """The layout of one section; a notebook the layout does not list gets no headings or sentences."""
        return next((s for s in self.sections if s.notebook == notebook), SectionLayout(notebook))


def _strings(value: Any, what: str, source: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise SettingsError(source, f"{what} must map names to text", fix="see params/layouts/bulanan_crm.yaml")
    return {str(k): v for k, v in value.items()}


def _unknown(source: str, notebook: str, part: str, key: str, known: Iterable[str]) -> SettingsError:
    """A key the schema does not declare for a section: the nearest one it does, and the ones there are.

    ``part`` is 'headings', 'sentences' or 'options', as the layout file writes it.
    """
    known, noun = list(known), part.rstrip("s")
    near = layout_schema.nearest(key, known)
    if near:
        fix = f"write '{near}' (its {part}: {', '.join(known)})"
    else:
        fix = f"use one of {', '.join(known)}" if known else f"remove it ({notebook} takes no {part})"
    return SettingsError(source, f"{notebook} has no {noun} '{key}'", key=f"{notebook}.{part}.{key}", fix=fix)


def _check_slots(template: str, given: tuple[str, ...], source: str, path: str) -> None:
    """Every {slot} of a sentence must be one its section fills, so that a typo stops the build at load."""
    for slot in _slots(template):
        if slot not in given:
            near = layout_schema.nearest(slot, given)
            gives = ", ".join(given) or "no slot"
            raise SettingsError(source, f"the sentence uses {{{slot}}}, which this section does not give (it gives {gives})",
                                key=path, fix=f"write {{{near}}}" if near else "use one of those slots, or none")


def _slots(template: str) -> list[str]:
    """The slot names of a template: 'Bulan {bulan}' -> ['bulan']; a bare '{}' or '{0}' counts as a slot too."""
    return [name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _check_section(entry: Any, number: int, notebooks: set[str], source: str) -> SectionLayout:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("notebook"), str):
        raise SettingsError(source, f"section {number} needs 'notebook: NN_name'", fix="see params/layouts/bulanan_crm.yaml")
    notebook = entry["notebook"]
    # A notebook must both ship and be declared in the schema (a test keeps the two the same).
    known = [name for name in layout_schema.SECTIONS if name in notebooks]
    if notebook not in known:
        near = layout_schema.nearest(notebook, known)
        raise SettingsError(source, f"section {number}: no notebook '{notebook}' (there are {', '.join(known)})",
                            fix=f"write '{near}'" if near else "name a notebook of notebooks/, without .ipynb")
    unknown = set(entry) - _SECTION_KEYS
    if unknown:
        raise SettingsError(source, f"section {number} ({notebook}): unknown key {', '.join(sorted(unknown))}",
                            fix=f"use {', '.join(sorted(_SECTION_KEYS))}")
    schema = layout_schema.SECTIONS[notebook]
    headings = _strings(entry.get("headings"), f"headings of {notebook}", source)
    for key, text in headings.items():
        if key not in schema.headings:
            raise _unknown(source, notebook, "headings", key, schema.headings)
        if not _HEADING.fullmatch(text):
            raise SettingsError(source, f"heading '{key}' of {notebook} is '{text}'",
                                fix="write it as markdown: '# BAB I ...', '## A. ...' or '### ...'")
        # Headings are filled by name, not formatted: a lone brace is text, only {word} is a slot.
        for slot in _HEADING_SLOT.findall(text):
            if slot not in layout_schema.HEADING_SLOTS:
                near = layout_schema.nearest(slot, layout_schema.HEADING_SLOTS)
                raise SettingsError(source, f"the heading uses {{{slot}}}; a heading may use "
                                    f"{', '.join(f'{{{s}}}' for s in layout_schema.HEADING_SLOTS)}",
                                    key=f"{notebook}.headings.{key}",
                                    fix=f"write {{{near}}}" if near else "remove it")
    sentences = _strings(entry.get("sentences"), f"sentences of {notebook}", source)
    for key, template in sentences.items():
        if key not in schema.sentences:
            raise _unknown(source, notebook, "sentences", key, schema.sentences)
        try:
            _slots(template)
        except ValueError as exc:
            raise SettingsError(source, f"sentence '{key}' of {notebook}: {exc}",
                                fix="write slots as {name}; a literal brace as {{ or }}") from None
        _check_slots(template, schema.sentences[key], source, f"{notebook}.sentences.{key}")
    options = entry.get("options") or {}
    if not isinstance(options, Mapping):
        raise SettingsError(source, f"options of {notebook} must be a mapping")
    options = {str(k): v for k, v in options.items()}
    for key, value in options.items():
        if key not in schema.options:
            raise _unknown(source, notebook, "options", key, schema.options)
        declared = schema.options[key]
        if not declared.accepts(value):
            words = layout_schema.kind_words(declared.kind)
            raise SettingsError(source, f"expected {words}, got {value!r}", key=f"{notebook}.options.{key}",
                                fix=f"write {words} (default {layout_schema.yaml_value(declared.default)})")
    return SectionLayout(notebook, MappingProxyType(headings), MappingProxyType(sentences),
                         MappingProxyType(options), source)


def check_layout(data: Any, name: str, notebooks: set[str], source: str) -> Layout:
    """Check a layout file's content against the section notebooks there are and what each takes
    (:mod:`crmlib.report.layout_schema`); a one-line error names the file, the key, and the nearest valid key.

    >>> try:
    ...     check_layout({"title": "Uji", "sections": [{"notebook": "10_capaian", "options": {"capaian_cavet": True}}]},
    ...                  "uji", {"10_capaian"}, "layouts/uji.yaml")
    ... except SettingsError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    uji.yaml, key '10_capaian.options.capaian_cavet': 10_capaian has no option 'capaian_cavet'.
    Fix: write 'capaian_caveat' (its options: capaian_caveat).
    """
    if not isinstance(data, Mapping):
        raise SettingsError(source, "expected a mapping with title, running_footer and sections")
    unknown = set(data) - _KEYS
    if unknown:
        raise SettingsError(source, f"unknown key {', '.join(sorted(unknown))}", fix=f"use {', '.join(sorted(_KEYS))}")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        raise SettingsError(source, "no 'title'", fix="give the report's title, e.g. 'Laporan Bulanan CRM'")
    entries = data.get("sections")
    if not isinstance(entries, list) or not entries:
        raise SettingsError(source, "no 'sections' list", fix="list the sections in report order")
    sections = tuple(_check_section(e, i, notebooks, source) for i, e in enumerate(entries, start=1))
    repeated = {s.notebook for s in sections if [t.notebook for t in sections].count(s.notebook) > 1}
    if repeated:
        raise SettingsError(source, f"a notebook is listed twice: {', '.join(sorted(repeated))}")
    return Layout(name, data["title"].strip(), bool(data.get("running_footer")), sections)
