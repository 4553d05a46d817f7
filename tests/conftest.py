"""Shared fixtures: an isolated working dir and environment, and the recorded real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared recorded data (../shared/data); skips when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"recorded data not found at {SHARED_DATA} (the ../shared checkout is absent)")
    return SHARED_DATA
