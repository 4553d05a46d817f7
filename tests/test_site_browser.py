"""The built site in Debian's headless chromium, driven by Playwright (never `playwright install`).

Checks what only a browser can: the home page renders, search (from file:// and over HTTP)
finds papers and shows hostile titles as text, tag pages list their papers, no console
errors, every internal link resolves. Screenshots (phone and desktop, light and dark) go to
test-artifacts/site/ in the repo root.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from fakes.browser import ARTIFACTS, CHROMIUM, DESKTOP, NEEDS_CHROMIUM, PHONE
from fakes.sitekit import EVIL_TITLE, small_site_store

from dailypapers.cli.site import make_server
from dailypapers.render.site import build_site, paper_path

SHOTS = ARTIFACTS / "site"

pytestmark = NEEDS_CHROMIUM

if CHROMIUM.exists():
    from playwright.sync_api import Browser, ConsoleMessage, Page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("browser-site")
    settings, store = small_site_store(work)
    with store:
        build_site(store, settings)
    return work / "site"


@pytest.fixture(scope="module")
def http_root(site: Path) -> Iterator[str]:
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Watched:
    """A page whose console errors, page errors and dialogs are recorded."""

    def __init__(self, browser: Browser, viewport: dict[str, int] = DESKTOP) -> None:
        self.context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(str(dialog))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    assert page.errors == [], page.errors
    assert page.dialogs == [], "a script from paper text ran"
    page.close()


def test_home_renders_the_latest_day(watched: Watched, site: Path) -> None:
    page = watched.page
    page.goto((site / "index.html").as_uri())
    assert "2025-01-15" in page.inner_text("h1")
    titles = page.locator("#daylist h2 a").all_inner_texts()
    assert titles == ["Diffusion Policies for Robots", "Vision Transformers at Scale"]
    # keyboard: the first Tab lands on the skip link, which moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


@pytest.mark.parametrize("transport", ["file", "http"])
def test_search_for_a_title_word_finds_the_paper(
    watched: Watched, site: Path, http_root: str, transport: str
) -> None:
    page = watched.page
    base = site.as_uri() + "/" if transport == "file" else http_root
    page.goto(base + "index.html")
    page.fill("#site-q", "robots")  # the header form leads to the search page
    page.press("#site-q", "Enter")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li a").all_inner_texts() == [
        "Diffusion Policies for Robots"
    ]
    page.click("#search-results li a")
    page.wait_for_load_state()
    assert page.url.endswith(paper_path("2501.00005"))
    assert page.inner_text("h1") == "Diffusion Policies for Robots"


def test_hostile_title_shows_as_text_in_search_results(watched: Watched, site: Path) -> None:
    page = watched.page
    page.goto((site / "search.html").as_uri())
    page.fill("#q", "Schrödinger onerror")
    page.press("#q", "Enter")
    page.wait_for_selector("#search-results li")
    links = page.locator("#search-results li a").all_inner_texts()
    assert links == [" ".join(EVIL_TITLE.split())]
    assert page.locator("#search-results img, #search-results script").count() == 0
    page.fill("#q", "nothingmatchesthis")
    page.press("#q", "Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('No')")
    assert page.locator("#search-results li").count() == 0


def test_search_js_decodes_posting_lists_like_python(watched: Watched, site: Path) -> None:
    from dailypapers.render import site_search

    page = watched.page
    page.goto((site / "search.html").as_uri())
    # dense, one-, two- and three-digit deltas (base 46), and a bitmap
    for count, gap in ((5, 3), (40, 200), (30, 270), (site_search.DENSE + 7, 3)):
        pairs = [(n * gap, 1 + n % 7) for n in range(count)]
        text = site_search.encode_postings([local << 3 | mask for local, mask in pairs])
        decoded = page.evaluate("text => window.DPS.decode(text)", text)
        assert [tuple(p) for p in decoded] == site_search.decode_postings(text) == pairs


def test_tag_page_lists_its_papers(watched: Watched, site: Path) -> None:
    page = watched.page
    page.goto((site / "tags" / "vision.html").as_uri())
    assert page.inner_text("h1") == "Tag: vision"
    titles = page.locator("ol.records li > a").all_inner_texts()
    assert titles == ["Vision Transformers at Scale", " ".join(EVIL_TITLE.split())]


def test_every_internal_link_resolves_without_console_errors(
    watched: Watched, http_root: str
) -> None:
    page = watched.page
    todo, seen = [http_root + "index.html"], set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        if not url.endswith(".html"):
            # feeds and JSON: fetched, not opened (an opened XML file makes chromium ask for
            # /favicon.ico, which is the browser's habit, not a link of the site)
            assert page.request.get(url).status == 200, url
            continue
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urldefrag(href).url
            if target.startswith(http_root) and target not in seen and "?" not in target:
                todo.append(target)
    assert len(seen) > 15  # days, papers, tags, archive, feeds, JSON


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_at_phone_and_desktop_widths(browser: Browser, site: Path, scheme: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        watched = Watched(browser, viewport)
        page = watched.page
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        for label, rel in (("home", "index.html"), ("paper", paper_path("2501.00003"))):
            page.goto((site / rel).as_uri())
            shot = SHOTS / f"{label}-{name}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            # nothing wider than the viewport: readable without sideways scrolling
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(255, 255, 255)") == (scheme == "light")
        assert watched.errors == []
        watched.close()


@pytest.mark.parametrize("feed", ["atom.xml", "rss.xml", "tags/vision.xml"])
def test_feeds_open_styled_in_the_browser(browser: Browser, http_root: str, feed: str) -> None:
    # XSLT needs HTTP: chromium refuses a stylesheet from file:// (a unique origin each).
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(http_root + feed)
    page.wait_for_selector("#feed-title")
    assert page.inner_text("#feed-title").startswith("Daily Papers")
    titles = page.locator("article h2 a").all_inner_texts()
    assert "Vision Transformers at Scale" in titles
    assert page.locator("article h2 a").first.get_attribute("href")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"feed-{feed.replace('/', '-')}.png"))
    context.close()
