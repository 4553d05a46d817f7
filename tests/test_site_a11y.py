"""Accessibility: axe-core (the npm package; ``make test`` installs it globally with npm)
injected into chromium on the home, day, paper, tag and search pages, light and dark, phone
and desktop: no serious or critical violation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fakes.browser import CHROMIUM, DESKTOP, NEEDS_CHROMIUM, PHONE
from fakes.sitekit import busy_day_store

from dailypapers.render.site import build_site


def _axe() -> Path:
    """axe.min.js from npm's global folder (where ``make system-deps`` puts it)."""
    prefix = "/usr"
    if shutil.which("npm"):
        found = subprocess.run(["npm", "prefix", "-g"], capture_output=True, text=True,
                               check=False, timeout=30)
        prefix = found.stdout.strip() or prefix
    return Path(prefix) / "lib" / "node_modules" / "axe-core" / "axe.min.js"


AXE = _axe()

pytestmark = [
    *NEEDS_CHROMIUM,
    pytest.mark.skipif(not AXE.exists(),
                       reason="needs axe-core: npm install -g axe-core@4 (make test does)"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("a11y-site")
    settings, store = busy_day_store(work, papers=12)
    settings = settings.model_copy(update={"site_tag_min_papers": 2})
    with store:
        build_site(store, settings)
    return work / "site"


def _pages(site: Path) -> dict[str, Path]:
    tag = sorted((site / "tags").glob("*.html"))[0]
    paper = sorted((site / "papers").rglob("*.html"))[0]
    return {"home": site / "index.html", "day": site / "days" / "2025-09-30.html",
            "paper": paper, "tag": tag, "search": site / "search.html",
            "tags": site / "tags.html", "archive": site / "archive.html"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_or_critical_violations(browser: Browser, site: Path, scheme: str,
                                           viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in _pages(site).items():
        query = "?q=robot" if name == "search" else ""
        page.goto(path.as_uri() + query)
        page.wait_for_load_state()
        if name == "search":
            page.wait_for_function(
                "document.getElementById('search-status').textContent.match(/match/)")
        if name == "day":
            page.click("#day-expand")  # the opened parts are checked too
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document);
            return {passes: r.passes.length, bad: r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')))};
        }""")
        assert result["passes"] > 10, name  # axe ran its rules on this page
        if result["bad"]:
            found[name] = result["bad"]
    context.close()
    assert found == {}, found
