"""The report's nbconvert HTML exporter."""

from __future__ import annotations

from typing import Any

from nbconvert import HTMLExporter, TemplateExporter
from nbformat import NotebookNode
from traitlets import List


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter for a stitched report, without the work such a notebook does not need.

    The stitched notebook holds final outputs only: no preprocessor runs, so the notebook is not validated again
    after each of the dozen disabled ones. Nor is the page parsed again to give images alt text and notebook cells
    keyboard focus: the report's template writes alt text, and no cells.
    """

    default_preprocessors = List([])

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
