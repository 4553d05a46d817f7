"""The day page in chromium: a list to scan (50 papers), keyboard tools, complete without JS.

Screenshots of the 50-paper day go to test-artifacts/site/ (phone and desktop, light and
dark), to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.browser import ARTIFACTS, CHROMIUM, DESKTOP, NEEDS_CHROMIUM, PHONE
from fakes.sitekit import busy_day_store

from dailypapers.render.site import build_site

pytestmark = NEEDS_CHROMIUM

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page

VISIBLE_ROWS = """() => Array.from(document.querySelectorAll('#daylist > li'))
    .filter(r => !r.hidden && r.getBoundingClientRect().bottom <= innerHeight).length"""


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("busy-day")
    settings, store = busy_day_store(work, papers=50)
    with store:
        build_site(store, settings)
    return work / "site" / "days" / "2025-09-30.html"


def _open(browser: Browser, day: Path, viewport: dict[str, int], *, js: bool = True,
          scheme: str = "light") -> Page:
    context = browser.new_context(viewport=viewport, java_script_enabled=js,  # type: ignore[arg-type]
                                  color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(day.as_uri())
    page.wait_for_load_state()
    assert errors == []
    return page


@pytest.mark.parametrize(("viewport", "rows"), [(DESKTOP, 6), (PHONE, 3)])
def test_first_screen_shows_enough_papers(browser: Browser, day: Path,
                                          viewport: dict[str, int], rows: int) -> None:
    page = _open(browser, day, viewport)
    assert page.locator("#daylist > li").count() == 50
    assert page.evaluate(VISIBLE_ROWS) >= rows
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.context.close()


def test_expand_collapse_sort_and_filter_with_the_keyboard(browser: Browser, day: Path) -> None:
    page = _open(browser, day, DESKTOP)
    first = page.locator("#daylist > li").first.locator("details")
    assert not first.evaluate("d => d.open")
    # one paper's parts: focus its summary and press Enter
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    assert first.evaluate("d => d.open")
    # the row shows the one line; its other four parts are labelled below it, not repeated
    assert first.locator("dt").all_inner_texts() == [
        "Objective", "Method", "Results", "Implication"]
    assert page.locator("#daylist > li").first.locator("p.gist").inner_text().strip()
    page.keyboard.press("Enter")
    assert not first.evaluate("d => d.open")
    # expand all / collapse all: a button, pressed with the keyboard
    page.locator("#day-expand").focus()
    page.keyboard.press("Enter")
    assert page.locator("#daylist details[open]").count() == 50
    assert page.get_attribute("#day-expand", "aria-pressed") == "true"
    page.keyboard.press("Space")
    assert page.locator("#daylist details[open]").count() == 0
    # sort by upvotes, then by title, with the keyboard on the select
    page.locator("#day-sort").focus()
    page.keyboard.press("ArrowDown")  # rank -> upvotes
    upvotes = [int(v) for v in page.locator("#daylist > li").evaluate_all(
        "rows => rows.map(r => r.dataset.upvotes)")]
    assert upvotes == sorted(upvotes, reverse=True) and upvotes != []
    page.keyboard.press("ArrowDown")  # upvotes -> title
    titles = page.locator("#daylist > li").evaluate_all("rows => rows.map(r => r.dataset.title)")
    assert titles == sorted(titles)
    # filter by a tag: only rows carrying it stay visible
    page.locator("#day-tag").focus()
    page.keyboard.press("ArrowDown")
    wanted = page.eval_on_selector("#day-tag", "s => s.value")
    visible = page.locator("#daylist > li:not([hidden])")
    assert 0 < visible.count() < 50
    assert all(wanted in tags.split("|") for tags in visible.evaluate_all(
        "rows => rows.map(r => r.dataset.tags)"))
    assert "papers shown" in page.inner_text("#day-shown")
    page.context.close()


def test_complete_without_javascript(browser: Browser, day: Path) -> None:
    page = _open(browser, day, DESKTOP, js=False)
    assert page.locator("#daylist > li").count() == 50
    assert page.locator("#day-tools").is_hidden()  # tools need JS: not shown without it
    row = page.locator("#daylist > li").nth(7)
    row.locator("summary").click()  # <details> opens without any script
    assert row.locator("dd").count() == 4 and row.locator("p.gist").count() == 1
    assert page.locator("#day-tag option").count() == 1  # the tag choices are made by script
    assert row.locator("a[href*='arxiv.org/abs/']").count() == 1
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_day_screenshots(browser: Browser, day: Path, scheme: str) -> None:
    (ARTIFACTS / "site").mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = _open(browser, day, viewport, scheme=scheme)
        shot = ARTIFACTS / "site" / f"day50-{name}-{scheme}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 5000
        page.context.close()
