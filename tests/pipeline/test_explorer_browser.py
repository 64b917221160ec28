"""The analyst's explorer as a person meets it: JupyterLab in Chromium, Run All, tables that render, a control.

JupyterLab runs on a free local port with a token, on a copy of the explorer
notebook; Playwright drives Debian's Chromium (scripts/system-deps.sh installs
it; Playwright's own browser download is not used). On failure the page is
saved as a screenshot in the test's temporary folder, named in the message.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crmlib import resources
from crmlib.report.explorer import ARRIVALS_ALT, MAP_ALT

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# As a probe of this machine found: without the background-networking flags, Chromium's calls out are refused by
# the closed network, many at a time.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TABLES = ("tabel-catatan", "tabel-riwayat", "tabel-aduan", "tabel-titik-rawan", "tabel-belum-selesai")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a copy of the explorer notebook; yields its URL with the token."""
    pytest.importorskip("jupyterlab")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(resources.notebooks_dir() / "eksplorasi" / "anomali.ipynb", root / "anomali.ipynb")
    port, token = _free_port(), "uji-" + os.urandom(8).hex()
    env = {**os.environ, "CRM_OUTPUTS": str(tmp_path / "outputs"), "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not start; see {tmp_path / 'jupyterlab.log'}")
        yield f"{base}/lab/tree/anomali.ipynb?token={token}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_explorer_renders_its_tables_and_its_controls_change_the_views(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        shot = tmp_path / "explorer.png"
        try:
            page.goto(lab)
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            # A first opening may ask for the kernel, the notebook's own (crm-reports) preselected.
            page.wait_for_timeout(3_000)
            select = page.locator(".jp-Dialog button:has-text('Select')")
            if select.count():
                select.click()
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            page.click("text=Run", timeout=10_000)
            page.click("li.lm-Menu-item:has-text('Run All Cells')")
            for table in TABLES:
                page.wait_for_selector(f"#{table} tbody tr", timeout=120_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
            page.screenshot(path=str(shot), full_page=True)
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, f"an error output; see {shot}"
            assert "Loading ITables" not in page.text_content(".jp-Notebook"), f"a table did not load; see {shot}"
            for table in TABLES:
                assert page.locator(f"#{table} tbody tr").count() > 0, f"{table} has no rows; see {shot}"
            for alt in (ARRIVALS_ALT, MAP_ALT):
                image = page.locator(f"img[alt='{alt}']")
                assert image.count() == 1 and image.evaluate("img => img.naturalWidth") > 0, f"no {alt}; see {shot}"
            # The planted spike of Jakarta Barat, October 2022, is the default view's first unit-month flag.
            assert "Lonjakan jumlah aduan" in page.text_content("#tabel-catatan"), f"no spike flag; see {shot}"
            before = page.text_content("#tabel-aduan tbody")
            # Back to the controls at the top, as a person scrolls up to them.
            page.evaluate("document.querySelector('.jp-WindowedPanel-outer').scrollTop = 0")
            unit = page.locator(".widget-dropdown:has(label:text('Unit')) select")
            unit.scroll_into_view_if_needed()
            labels = unit.evaluate("s => [...s.options].map(o => o.textContent)")
            current = unit.evaluate("s => s.options[s.selectedIndex].textContent")
            other = next(label for label in labels if label != current)
            unit.select_option(label=other)
            page.wait_for_function(
                "([text]) => { const b = document.querySelector('#tabel-aduan tbody');"
                " return b && b.textContent !== text && b.querySelectorAll('tr').length > 0; }",
                arg=[before], timeout=60_000)
            assert other in page.text_content(".jp-Notebook"), f"the views do not name {other}; see {shot}"
            page.wait_for_function("([name]) => document.querySelector('.jp-Notebook').textContent"
                                   ".includes('wilayah ' + name)", arg=[other], timeout=60_000)
            page.screenshot(path=str(shot), full_page=True)
        except Exception:
            page.screenshot(path=str(shot), full_page=True)
            raise
        finally:
            browser.close()
