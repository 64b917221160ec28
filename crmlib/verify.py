"""Audit a built report: check its recorded inputs and settings, re-execute, and compare every figure.

The checks of the files come first and are cheap, so a caller can show them
before the slow re-run, which may fail.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmlib import figures as figure_book
from crmlib.build import execute_figures
from crmlib.errors import InputError
from crmlib.execute import SectionError
from crmlib.manifest import sha256_of
from crmlib.paths import OUTPUTS_DIR, PROJECT_ROOT


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


@dataclass(frozen=True)
class VerifyResult:
    """What an audit found: changed inputs and settings, a failed re-run, differing figures."""

    changed_inputs: list[str]
    differing: list[str]
    recorded: dict[str, Any]
    fresh: dict[str, Any]
    changed_settings: list[str]
    rerun_error: str | None = None  # one line: why the re-run failed or was skipped

    @property
    def ok(self) -> bool:
        """True when inputs and settings are unchanged, the re-run succeeded and every figure matches."""
        return not (self.changed_inputs or self.changed_settings or self.rerun_error or self.differing)


def changed_inputs(recorded: dict[str, dict[str, Any]]) -> list[str]:
    """Roles of the recorded inputs whose file is missing or no longer has the recorded SHA-256."""
    return [
        role for role, entry in recorded.items()
        if not Path(entry["path"]).exists() or sha256_of(entry["path"]) != entry["sha256"]
    ]


def changed_settings(recorded: dict[str, str], root: Path | None = None) -> list[str]:
    """Settings files (as recorded, relative to the project) missing or no longer with the recorded SHA-256."""
    root = PROJECT_ROOT if root is None else root
    return [name for name, digest in sorted(recorded.items())
            if not (root / name).exists() or sha256_of(root / name) != digest]


def read_audit(city: str, month: str, *, out_root: Path | None = None) -> Audit:
    """Read a built report's manifest and figures and check its files, without re-running anything."""
    report = (OUTPUTS_DIR if out_root is None else out_root) / city / month
    manifest_path = report / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"no report at {report}; build it first with make report CITY={city} MONTH={month}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    inputs = {role: Path(entry["path"]) for role, entry in manifest["inputs"].items()}
    return Audit(
        city=city,
        month=month,
        inputs=inputs,
        recorded=json.loads((report / "figures.json").read_text(encoding="utf-8")),
        missing_inputs=[role for role, path in inputs.items() if not path.exists()],
        changed_inputs=changed_inputs(manifest["inputs"]),
        changed_settings=changed_settings(manifest.get("param_files", {})),
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
    return lines


def rerun(audit: Audit) -> VerifyResult:
    """Re-execute the report's sections from its recorded inputs and compare the figures."""
    found = {"changed_inputs": audit.changed_inputs, "changed_settings": audit.changed_settings,
             "recorded": audit.recorded}
    if audit.missing_inputs:
        # Without the file the sections cannot run, and without only the coordinations they would mislead.
        return VerifyResult(differing=[], fresh={}, **found,
                            rerun_error=f"re-run skipped: input file missing ({', '.join(audit.missing_inputs)})")
    work = Path(tempfile.mkdtemp(prefix="crm-verify-"))
    try:
        _, fresh = execute_figures(audit.city, audit.month, audit.inputs["tickets"], audit.inputs.get("coordinations"),
                                   work, progress=None)
    except (SectionError, InputError) as error:
        message = " ".join(str(error).split())  # one line, whatever the error holds
        return VerifyResult(differing=[], fresh={}, **found, rerun_error=f"re-run failed: {message}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return VerifyResult(differing=figure_book.compare(audit.recorded, fresh), fresh=fresh, **found)


def verify_report(city: str, month: str, *, out_root: Path | None = None) -> VerifyResult:
    """Check a built report's files, re-run its sections and compare with its figures.json."""
    return rerun(read_audit(city, month, out_root=out_root))
