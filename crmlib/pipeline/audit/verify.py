"""Audit a built report: check its recorded inputs and settings, re-execute, and compare every figure.

The checks of the files come first and are cheap, so a caller can show them
before the slow re-run, which may fail.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib.errors import SettingsError, UsageError, UserError
from crmlib.ingest.read import sha256_of
from crmlib.ingest.settings import Settings, load_settings, manifest_entry
from crmlib.pipeline.audit.printed import differing_printed
from crmlib.pipeline.context import figure_book
from crmlib.pipeline.execution.sections import SectionError, execute_figures
from crmlib.pipeline.request import BuildRequest, report_dir


@dataclass(frozen=True)
class Audit:
    """A built report's record, and which of its files changed since the build."""

    city: str
    month: str
    inputs: dict[str, Path]
    recorded: dict[str, Any]
    missing_inputs: list[str]
    changed_inputs: list[str]
    changed_settings: list[str]
    settings: Settings | None  # as recorded in the manifest; None when they can no longer be read
    settings_error: str | None = None
    printed: list[str] = field(default_factory=list)  # printed numbers of report.html that are not their figure
    lists: list[str] = field(default_factory=list)  # list files missing or not as figures.json records them


@dataclass(frozen=True)
class VerifyResult:
    """What an audit found: changed inputs and settings, a failed re-run, differing figures."""

    changed_inputs: list[str]
    differing: list[str]
    recorded: dict[str, Any]
    fresh: dict[str, Any]
    changed_settings: list[str]
    rerun_error: str | None = None  # one line: why the re-run failed or was skipped
    printed: list[str] = field(default_factory=list)  # one line per printed number that is not its figure
    lists: list[str] = field(default_factory=list)  # one line per list file missing or changed

    @property
    def ok(self) -> bool:
        """True when inputs and settings are unchanged, the re-run succeeded, every figure matches, every
        printed number is its figure and every list file is as recorded."""
        return not (self.changed_inputs or self.changed_settings or self.rerun_error or self.differing
                    or self.printed or self.lists)


def changed_inputs(recorded: dict[str, dict[str, Any]]) -> list[str]:
    """Roles of the recorded inputs whose file is missing or no longer has the recorded SHA-256."""
    return [
        role for role, entry in recorded.items()
        if not Path(entry["path"]).exists() or sha256_of(entry["path"]) != entry["sha256"]
    ]


def changed_settings(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Settings files (relative to the params folder) missing, added, or no longer with the recorded SHA-256.

    >>> changed_settings({"files": {"a.yaml": {"from": "package", "sha256": "1"}}},
    ...                  {"files": {"a.yaml": {"from": "override", "sha256": "1"}, "b.yaml": {}}})
    ['a.yaml', 'b.yaml']
    """
    before, after = recorded.get("files", {}), now.get("files", {})
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def changed_lists(report: Path, figures: dict[str, Any]) -> list[str]:
    """One line per list file of a report (:func:`crmlib.pipeline.context.figure_book.list_files`) that is
    missing, or whose SHA-256 is not the one figures.json records."""
    lines = []
    for listed in figure_book.list_files(figures):
        path = report / listed["file"]
        if not path.exists():
            lines.append(f"list file missing: {listed['file']} (figure {listed['figure']})")
        elif sha256_of(path) != listed["sha256"]:
            lines.append(f"list file changed: {listed['file']} no longer has the SHA-256 recorded in figures.json "
                         f"({listed['figure']}_file)")
    return lines


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path} is unreadable ({exc}); build the report again") from exc


def read_audit(city: str, month: str, settings: Settings) -> Audit:
    """Read a built report's manifest and figures and check its files, without re-running anything.

    The report is looked up in ``settings.outputs_dir``; the re-run uses the
    settings folder the manifest records, and ``settings.cache_dir``.
    """
    report = report_dir(settings, city, month)
    manifest_path = report / "manifest.json"
    if not manifest_path.exists():
        raise UsageError(f"no report at {report}; build it first with make report CITY={city} MONTH={month}")
    manifest = _read_json(manifest_path)
    if not isinstance(manifest, dict) or "settings" not in manifest:
        raise UsageError(f"{manifest_path} does not record the report's settings (damaged, or written by an older "
                         "version); build the report again")
    try:
        inputs = {role: Path(entry["path"]) for role, entry in manifest["inputs"].items()}
        recorded_settings = dict(manifest["settings"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{manifest_path} is incomplete ({type(exc).__name__}: {exc}); build the report again") from exc
    try:
        used = load_settings(recorded_settings["override_dir"], outputs_dir=settings.outputs_dir,
                             cache_dir=settings.cache_dir)
        changed, error = changed_settings(recorded_settings, manifest_entry(used)), None
    except SettingsError as exc:
        used, changed, error = None, sorted(recorded_settings.get("files", {})), str(exc)
    recorded = _read_json(report / "figures.json")
    html = report / "report.html"
    printed = differing_printed(html.read_text(encoding="utf-8"), recorded) if html.exists() else [
        "report.html is missing"]
    return Audit(
        city=city,
        month=month,
        inputs=inputs,
        recorded=recorded,
        printed=printed,
        lists=changed_lists(report, recorded),
        missing_inputs=[role for role, path in inputs.items() if not path.exists()],
        changed_inputs=changed_inputs(manifest["inputs"]),
        changed_settings=changed,
        settings=used,
        settings_error=error,
    )


def change_lines(audit: Audit) -> list[str]:
    """One line per changed input or settings file, for the auditor."""
    lines = []
    for role in audit.changed_inputs:
        if role in audit.missing_inputs:
            lines.append(f"input missing: the {role} file {audit.inputs[role]} recorded in manifest.json is gone")
        else:
            lines.append(f"input changed: the {role} file no longer matches the SHA-256 recorded in manifest.json")
    lines += [f"settings changed: {name}" for name in audit.changed_settings]
    return lines + audit.printed + audit.lists


def rerun(audit: Audit) -> VerifyResult:
    """Re-execute the report's sections from its recorded inputs and compare the figures."""
    found = {"changed_inputs": audit.changed_inputs, "changed_settings": audit.changed_settings,
             "recorded": audit.recorded, "printed": audit.printed, "lists": audit.lists}
    if audit.missing_inputs:
        # Without the file the sections cannot run, and without only the coordinations they would mislead.
        return VerifyResult(differing=[], fresh={}, **found,
                            rerun_error=f"re-run skipped: input file missing ({', '.join(audit.missing_inputs)})")
    if audit.settings is None:
        return VerifyResult(differing=[], fresh={}, **found,
                            rerun_error=f"re-run skipped: the recorded settings cannot be read ({audit.settings_error})")
    work = Path(tempfile.mkdtemp(prefix="crm-verify-"))
    try:
        request = BuildRequest(audit.city, audit.month, audit.settings, audit.inputs["tickets"],
                               audit.inputs.get("coordinations"))
        _, fresh = execute_figures(request, work)
    except (SectionError, UserError) as error:
        if isinstance(error, SectionError) and not error.user_error:
            raise  # a bug: the command line shows its traceback
        message = " ".join(str(error).split())  # one line, whatever the error holds
        return VerifyResult(differing=[], fresh={}, **found, rerun_error=f"re-run failed: {message}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return VerifyResult(differing=figure_book.compare(audit.recorded, fresh), fresh=fresh, **found)


def verify_report(city: str, month: str, settings: Settings) -> VerifyResult:
    """Check a built report's files, re-run its sections and compare with its figures.json."""
    return rerun(read_audit(city, month, settings))
