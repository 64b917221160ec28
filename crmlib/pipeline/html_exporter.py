"""The report's nbconvert HTML exporter."""

from __future__ import annotations

from typing import Any

from nbconvert import HTMLExporter, TemplateExporter
from nbformat import NotebookNode


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without the pass that parses the whole page again to give images alt text and
    notebook cells keyboard focus: the report's template writes alt text and no cells."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
