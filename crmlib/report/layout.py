"""A report's layout: its title, running footer, sections in order, their headings and sentence templates.

Each city names its layout in ``params/cities/<city>.yaml`` (``layout:``); the
layouts are ``params/layouts/<name>.yaml``. A section notebook asks its part of
the layout for a heading or a sentence by key, and shows nothing for a key the
layout leaves out. A new city format is a new layout file and, at most, a new
section notebook.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from crmlib.errors import SettingsError

_HEADING = re.compile(r"#{1,3} \S.*")
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


def _check_section(entry: Any, number: int, notebooks: set[str], source: str) -> SectionLayout:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("notebook"), str):
        raise SettingsError(source, f"section {number} needs 'notebook: NN_name'", fix="see params/layouts/bulanan_crm.yaml")
    notebook = entry["notebook"]
    if notebook not in notebooks:
        raise SettingsError(source, f"section {number}: no notebook '{notebook}' (there are {', '.join(sorted(notebooks))})",
                            fix="name a notebook of notebooks/, without .ipynb")
    unknown = set(entry) - _SECTION_KEYS
    if unknown:
        raise SettingsError(source, f"section {number} ({notebook}): unknown key {', '.join(sorted(unknown))}",
                            fix=f"use {', '.join(sorted(_SECTION_KEYS))}")
    headings = _strings(entry.get("headings"), f"headings of {notebook}", source)
    for key, text in headings.items():
        if not _HEADING.fullmatch(text):
            raise SettingsError(source, f"heading '{key}' of {notebook} is '{text}'",
                                fix="write it as markdown: '# BAB I ...', '## A. ...' or '### ...'")
    sentences = _strings(entry.get("sentences"), f"sentences of {notebook}", source)
    for key, template in sentences.items():
        try:
            list(string.Formatter().parse(template))
        except ValueError as exc:
            raise SettingsError(source, f"sentence '{key}' of {notebook}: {exc}",
                                fix="write slots as {name}; a literal brace as {{ or }}") from None
    options = entry.get("options") or {}
    if not isinstance(options, Mapping):
        raise SettingsError(source, f"options of {notebook} must be a mapping")
    return SectionLayout(notebook, MappingProxyType(headings), MappingProxyType(sentences),
                         MappingProxyType(dict(options)), source)


def check_layout(data: Any, name: str, notebooks: set[str], source: str) -> Layout:
    """Check a layout file's content against the section notebooks there are; a one-line error names what is wrong."""
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
