"""Audit a built report: re-execute from its recorded inputs and compare every figure."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crmlib import figures as figure_book
from crmlib.build import execute_figures
from crmlib.manifest import sha256_of
from crmlib.paths import OUTPUTS_DIR


@dataclass(frozen=True)
class VerifyResult:
    """What an audit found: changed inputs and differing figures."""

    changed_inputs: list[str]
    differing: list[str]
    recorded: dict
    fresh: dict

    @property
    def ok(self) -> bool:
        """True when inputs are unchanged and every figure matches."""
        return not self.changed_inputs and not self.differing


def verify_report(city: str, month: str, *, out_root: Path = OUTPUTS_DIR) -> VerifyResult:
    """Re-run the sections of a built report and compare with its figures.json."""
    report = out_root / city / month
    manifest_path = report / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"no report at {report}; build it first with make report CITY={city} MONTH={month}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    recorded = json.loads((report / "figures.json").read_text(encoding="utf-8"))
    inputs = {role: Path(entry["path"]) for role, entry in manifest["inputs"].items()}
    changed = [
        role for role, entry in manifest["inputs"].items()
        if not inputs[role].exists() or sha256_of(inputs[role]) != entry["sha256"]
    ]
    work = Path(tempfile.mkdtemp(prefix="crm-verify-"))
    try:
        _, fresh = execute_figures(city, month, inputs["tickets"], inputs.get("coordinations"), work, progress=None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return VerifyResult(changed, figure_book.compare(recorded, fresh), recorded, fresh)
