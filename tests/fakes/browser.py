"""Debian's chromium through Playwright (never ``playwright install``): where it is, how every
browser test launches it (the ``browser`` fixture in conftest.py), the two viewports, the
marks of a browser test module and where screenshots go."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# ``pytestmark = NEEDS_CHROMIUM`` (plus any mark of the module's own).
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"needs Debian chromium at {CHROMIUM} (apt-get install chromium)"),
]
