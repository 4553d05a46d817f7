"""The number check as a reader sees it, in Debian's chromium through Playwright.

A paper summarized from the abstract alone says so next to its badge; a day page badge whose
check failed names the failed item and links to the paper page's evidence table, where each
item is listed once with the parts it appears in and the sentence the paper states it in.
Screenshots (phone 390 px, desktop 1280 px) go to test-artifacts/check/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.browser import ARTIFACTS, CHROMIUM, NEEDS_CHROMIUM

from dailypapers.config import load_settings
from dailypapers.models import DayEntry, DayList, FullText, Paper, Summary
from dailypapers.render.site import build_site, paper_path
from dailypapers.store import Store
from dailypapers.verify import source_of, verify_paper

SHOTS = ARTIFACTS / "check"
DAY = "2025-01-15"

pytestmark = NEEDS_CHROMIUM

if CHROMIUM.exists():
    from playwright.sync_api import Browser

BODY = ("TinyNet reaches 88.5% top-1 accuracy on ImageNet, 2.3 points above the baseline. "
        "We train for 15 epochs. Finally, Section 6 discusses limitations.")


def _store(root: Path) -> Path:
    settings = load_settings(root)
    full = Paper("2501.00101", "TinyNet: small vision models", abstract="A small model.",
                 authors=["Ada Lovelace"], version=1)
    short = Paper("2501.00102", "Sparse attention for long inputs", version=1,
                  abstract="Sparse attention halves memory and reaches 71.2% on LRA.",
                  authors=["Alan Turing"])
    fulltext = FullText("2501.00101", 1, "pdf", BODY)
    wrong = Summary("2501.00101", "TinyNet reaches 97.3% top-1 accuracy on ImageNet.",
                    "Study small models.", "Distillation for 15 epochs.",
                    "It reaches 97.3% top-1 accuracy, 2.3 points above the baseline.",
                    "Use small models.", backend="extractive", source="pdf")
    fine = Summary("2501.00102", "Sparse attention halves memory.", "Cut memory.",
                   "Sparse attention.", "It reaches 71.2% on LRA.", "Use it.",
                   backend="extractive", source="abstract")
    with Store(settings.db_path) as store:
        store.save_day(DayList(DAY, "hf-daily", [DayEntry(full, 1), DayEntry(short, 2)]))
        store.save_fulltext(fulltext)
        for paper, summary, text in ((full, wrong, fulltext), (short, fine, None)):
            sid = store.save_summary(summary, verify_paper(summary, source_of(paper, text)))
            store.attach_summary(DAY, "hf-daily", paper.arxiv_id, sid)
        build_site(store, settings)
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("check-site"))


def _shots(browser: Browser, url: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in (("phone", 390), ("desktop", 1280)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(url)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        context.close()


def test_day_badge_names_the_failed_item_and_leads_to_the_evidence(
    browser: Browser, site: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((site / "days" / f"{DAY}.html").as_uri())
    badge = page.locator("#p1 ul.badges a.badge")
    assert badge.inner_text() == "not found: 97.3% (full text)"
    assert badge.is_visible()
    badge.click()
    page.wait_for_load_state()
    assert page.url.endswith(paper_path("2501.00101") + "#check")
    table = page.locator("#check + table.items")
    assert table.is_visible()
    # items the paper states in one sentence share its cell (rowspan): a row without the
    # fourth cell is covered by the one above
    rows = [r.split("\t") for r in table.locator("tbody tr").all_inner_texts()]
    for n, row in enumerate(rows):
        if len(row) == 3:
            row.append(rows[n - 1][3])
    by_item = {r[0]: r for r in rows}
    assert table.locator("td[rowspan='2']").count() == 1  # top-1 and 2.3 points: one sentence
    assert set(by_item) == {"97.3%", "top-1", "2.3 points", "15"}  # each item once
    assert by_item["97.3%"][1] == "In one line, Results"  # every part it appears in
    assert by_item["97.3%"][2].startswith("not found in the paper")
    assert "2.3 points above the baseline" in by_item["2.3 points"][3]
    assert "15 epochs" in by_item["15"][3]
    # the badge on the paper page itself says what was read
    assert page.locator("p.check .badge").inner_text() == "not found: 97.3% (full text)"
    assert errors == []
    context.close()
    _shots(browser, (site / "days" / f"{DAY}.html").as_uri(), "day")
    _shots(browser, (site / paper_path("2501.00101")).as_uri(), "paper-failed")


def test_abstract_only_paper_page_says_so_next_to_the_badge(
    browser: Browser, site: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto((site / paper_path("2501.00102")).as_uri())
    check = page.locator("p.check")
    assert check.locator(".badge").inner_text() == "1 number checked: found (abstract only)"
    assert check.locator(".read").inner_text() == (
        "Checked against the abstract only: no full text was read.")
    badge_box = check.locator(".badge").bounding_box()
    note_box = check.locator(".read").bounding_box()
    assert badge_box is not None and note_box is not None
    assert abs(note_box["y"] - badge_box["y"]) < 80  # next to it, not somewhere else
    context.close()
    _shots(browser, (site / paper_path("2501.00102")).as_uri(), "paper-abstract-only")
