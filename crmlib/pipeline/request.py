"""A build request: which report, from which export, with which settings and options; and where it goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmlib.ingest.settings import Settings
from crmlib.pipeline.kinds import ReportKind, kind_of


def report_dir(settings: Settings, subject: str, month: str) -> Path:
    """Where a report is written: ``outputs/<city>/<month>`` (``outputs/dki/<month>`` for the overview)."""
    return settings.outputs_dir / subject / month


def failed_dir(final: Path) -> Path:
    """Where the last failed build of a report is kept for inspection."""
    return final.with_name(f".{final.name}.failed")


@dataclass(frozen=True)
class BuildRequest:
    """What one report build needs.

    ``subject`` is a city code, or 'dki' for the province overview (:func:`~crmlib.pipeline.kinds.kind_of`);
    without ``data`` the report is of the bundled sample. ``notebooks`` replaces the kind's sections
    (tests build a few); ``section_timeout`` limits each cell of a section, in seconds.
    """

    subject: str
    month: str
    settings: Settings
    data: Path | None = None
    coordinations: Path | None = None
    pdf: bool = True
    section_timeout: float | None = None
    notebooks: tuple[Path, ...] | None = None

    def __post_init__(self) -> None:
        # Paths as given (str or Path) become Paths, so that requests compare and print alike.
        for name in ("data", "coordinations"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))
        if self.notebooks is not None:
            object.__setattr__(self, "notebooks", tuple(self.notebooks))

    @property
    def kind(self) -> ReportKind:
        """A city's report or the province overview."""
        return kind_of(self.subject)

    @property
    def out_dir(self) -> Path:
        """Where the report is written."""
        return report_dir(self.settings, self.subject, self.month)

    def section_notebooks(self) -> list[Path]:
        """The sections to run, in report order."""
        return list(self.notebooks) if self.notebooks is not None else self.kind.notebooks(self.settings, self.subject)

    def parameters(self) -> dict[str, Any]:
        """The papermill parameters every section gets: the same export, settings folder and cache as the build."""
        return {
            "city": self.subject,
            "month": self.month,
            "data": str(self.data.resolve()) if self.data else None,
            "coordinations": str(self.coordinations.resolve()) if self.coordinations else None,
            "params_dir": str(self.settings.override_dir) if self.settings.override_dir else None,
            "cache_dir": str(self.settings.cache_dir),
        }
