"""Shared fixtures: every test gets its settings, and so its cache and output folders, as a value.

Nothing a test does may write into the checkout: the session fails if a file
appears under the checkout's ``outputs/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmlib.ingest.rules import Rules
from crmlib.ingest.settings import Settings, load_settings

CHECKOUT_OUTPUTS = Path(__file__).resolve().parents[1] / "outputs"
CORPUS = Path(__file__).resolve().parent / "corpus"


def _outputs_files() -> set[Path]:
    return {p for p in CHECKOUT_OUTPUTS.rglob("*")} if CHECKOUT_OUTPUTS.exists() else set()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _outputs_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    written = sorted(_outputs_files() - session.config.stash[_BEFORE])
    if written:
        print(f"\nTests wrote into the checkout's outputs/: {[str(p) for p in written[:5]]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[set]()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The shipped settings, with this test's own cache and output folders."""
    return load_settings(outputs_dir=tmp_path / "outputs", cache_dir=tmp_path / "cache")


@pytest.fixture(scope="session")
def shared_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped settings for tests that only read them or share one cache (module-scoped builds)."""
    root = tmp_path_factory.mktemp("shared")
    return load_settings(outputs_dir=root / "outputs", cache_dir=root / "cache")


@pytest.fixture(scope="session")
def rules(shared_settings: Settings) -> Rules:
    """The shipped follow-up rules."""
    return shared_settings.rules
