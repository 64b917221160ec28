"""The package works installed from a wheel, away from its checkout: settings and notebooks are package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from crmlib.resources import default_params_dir

pytestmark = pytest.mark.e2e
CHECKOUT = Path(__file__).resolve().parents[2]


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    # Borrowed dependencies bring their code, not their data files: point Jupyter at this env's (nbconvert templates).
    env = {**os.environ, "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel; its dependencies are borrowed from the test's own environment."""
    root = tmp_path_factory.mktemp("wheel")
    # Built from a copy: an in-tree build would leave build/ in the checkout.
    source = root / "source"
    shutil.copytree(CHECKOUT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "outputs", "build", "*.egg-info", "__pycache__", ".pytest_cache"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", root / "dist", source, cwd=root)
    wheel = next((root / "dist").glob("crm_reports-*.whl"))
    venv.create(root / "venv", with_pip=False)
    python = root / "venv" / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).stdout.strip())
    # The dependencies (not crmlib: the checkout's editable install is not a site dir here) come from this env.
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel, cwd=root)
    return python


def test_the_wheel_carries_settings_and_notebooks(installed, tmp_path):
    where = run(installed, "-c", "import crmlib, crmlib.resources as r; print(crmlib.__file__); "
                "print(r.default_params_dir()); print(len(list(r.notebooks_dir().glob('*.ipynb')))); "
                "from crmlib.ingest.boundaries import shapes; print(len(shapes('kelurahan')))", cwd=tmp_path)
    module, params, notebooks, kelurahan = where.stdout.split()
    assert int(kelurahan) == 267  # the boundaries ship in the wheel
    assert not Path(module).is_relative_to(CHECKOUT) and not Path(module).is_relative_to(installed.parents[2] / "source")
    assert (Path(params) / "rules" / "crm.yaml").read_bytes() == (default_params_dir() / "rules" / "crm.yaml").read_bytes()
    assert int(notebooks) == len(list((CHECKOUT / "notebooks").glob("*.ipynb")))  # every section notebook


def test_a_report_builds_from_another_directory_with_overridden_settings(installed, tmp_path):
    params = tmp_path / "my-params"
    (params / "cities").mkdir(parents=True)
    jakpus = (default_params_dir() / "cities" / "jakpus.yaml").read_text(encoding="utf-8")
    (params / "cities" / "jakpus.yaml").write_text(jakpus + "\ndpa_nomor:\n  2022: \"DPA-UJI/2022\"\n",
                                                   encoding="utf-8")
    run(installed, "-m", "crmlib", "build", "--city", "jakpus", "--month", "2022-07", "--no-pdf",
        "--params", params, cwd=tmp_path)
    report = tmp_path / "outputs" / "jakpus" / "2022-07"
    figures = json.loads((report / "figures.json").read_text(encoding="utf-8"))
    assert figures["total_complaints"] == 255  # seed 000
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["git_commit"] == "not a checkout"
    assert manifest["settings"]["override_dir"] == str(params)
    assert manifest["settings"]["files"]["cities/jakpus.yaml"]["from"] == "override"
    assert "DPA-UJI/2022" in (report / "report.html").read_text(encoding="utf-8")
    run(installed, "-m", "crmlib", "verify", "--city", "jakpus", "--month", "2022-07", cwd=tmp_path)
