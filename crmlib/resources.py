"""The files the package ships: default settings, section notebooks, the synthetic sample, the stylesheet.

They are package data, found through :mod:`importlib.resources`, so an
installed package works from any directory. In a checkout, ``crmlib/params``
and ``crmlib/notebooks`` are links to the top-level ``params/`` and
``notebooks/`` that users edit.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the package, as a path on disk."""
    return Path(str(resources.files("crmlib").joinpath(*parts)))


def default_params_dir() -> Path:
    """The settings shipped with the package (``params/`` in a checkout)."""
    return package_path("params")


def notebooks_dir() -> Path:
    """The section notebooks shipped with the package (``notebooks/`` in a checkout)."""
    return package_path("notebooks")


def section_notebooks(folder: Path | None = None) -> list[Path]:
    """The section notebooks of a folder in report order (``NN_<section>.ipynb``); default: the shipped ones."""
    return sorted((notebooks_dir() if folder is None else folder).glob("[0-9][0-9]_*.ipynb"))


def sample_dir() -> Path:
    """The bundled synthetic sample export."""
    return package_path("data", "sample")


def stylesheet() -> str:
    """The report's print stylesheet."""
    return package_path("templates", "report.css").read_text(encoding="utf-8")


def template(name: str) -> Path:
    """A file or folder of the report's templates: the stylesheet, the Word conversion's filter, the HTML template."""
    return package_path("templates", name)
