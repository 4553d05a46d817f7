"""Shared fixtures: an isolated working dir and environment, the recorded real data, and a
browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# DP_TEST_SHARED_DATA points the recorded-data layer elsewhere (a missing path checks that
# the suite runs without it: a fresh clone has no ../shared).
SHARED_DATA = Path(
    os.environ.get("DP_TEST_SHARED_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
_SECRET_VARS = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "GEMINI_API_KEY", "GOOGLE_API_KEY", "HF_TOKEN",
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test runs in its own working dir, with no keys and no DAILYPAPERS_* settings."""
    for name in list(os.environ):
        if name.startswith("DAILYPAPERS_") or name in _SECRET_VARS:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAILYPAPERS_KEY_FILE", str(tmp_path / "no-keys.env"))
    # Tests must never wait for arXiv's real pacing.
    monkeypatch.setenv("DAILYPAPERS_ARXIV_DELAY", "0")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ../shared, the recorded-data layer is not collected (it is a second layer:
    every behaviour it checks is also checked on data the tests make), and the run says so
    once instead of skipping each of those tests."""
    if SHARED_DATA.is_dir():
        return
    recorded = [i for i in items if "shared_data" in getattr(i, "fixturenames", ())
                or i.get_closest_marker("recorded")]
    if recorded:
        config.hook.pytest_deselected(items=recorded)
        items[:] = [i for i in items if i not in set(recorded)]
        config.stash[_RECORDED_LEFT_OUT] = len(recorded)


_RECORDED_LEFT_OUT = pytest.StashKey[int]()


def pytest_report_header(config: pytest.Config) -> str:
    if SHARED_DATA.is_dir():
        return f"recorded data: {SHARED_DATA}"
    return (f"recorded data: {SHARED_DATA} is absent; its tests are deselected "
            "(the self-made fixtures cover the same behaviours)")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared recorded data (../shared/data); skips when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"recorded data not found at {SHARED_DATA} (the ../shared checkout is absent)")
    return SHARED_DATA


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, launched once per module (tests/fakes/browser.py: path, flags)."""
    from fakes.browser import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()
