"""Search that forgives, in chromium from file://: prefixes, one typo, every author,
highlighted matches, tag and date filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.browser import CHROMIUM, DESKTOP, NEEDS_CHROMIUM
from fakes.sitekit import add_day, paper, summary

from dailypapers.config import load_settings
from dailypapers.render import site_search
from dailypapers.render.site import build_site
from dailypapers.store import Store

pytestmark = NEEDS_CHROMIUM

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page

AUTHORS = ["Ana Silva", "Bo Chen", "Carla Diaz", "Dev Patel", "Ewa Kowalczyk", "Femi Ade",
           "Gus Berg"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("search-site")
    settings = load_settings(work).model_copy(update={"site_tag_min_papers": 2})
    with Store(settings.db_path) as store:
        add_day(store, "2025-02-03", [
            (paper("2502.00001", "Diffusion Policies for Robots", keywords=["robotics"]),
             summary("2502.00001", "Diffusion policies control robot arms.", ["robotics"])),
            (paper("2502.00002", "Reinforcement Learning for Robot Control", authors=AUTHORS,
                   keywords=["robotics", "RL"]),
             summary("2502.00002", "Reward shaping helps robots learn.", ["RL"])),
        ])
        add_day(store, "2025-03-10", [
            (paper("2502.00003", "Robots That Read Manuals", keywords=["robotics"]),
             summary("2502.00003", "Robots read manuals before acting.", ["LLMs"])),
            (paper("2502.00004", "Large Language Models Plan Robot Tasks", keywords=["LLMs"]),
             summary("2502.00004", "LLMs plan multi-step robot tasks.", ["LLMs"])),
        ])
        build_site(store, settings)
    return work / "site"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    assert errors == []
    context.close()


def _search(page: Page, site: Path, query: str = "", **params: str) -> list[str]:
    from urllib.parse import urlencode

    page.goto((site / "search.html").as_uri() + "?" + urlencode({"q": query, **params}))
    page.wait_for_function("document.getElementById('search-status').textContent.match(/match/)")
    return page.locator("#search-results li > a").all_inner_texts()


@pytest.mark.parametrize(("query", "title"), [
    ("diffus", "Diffusion Policies for Robots"),  # a beginning
    ("reinforcment", "Reinforcement Learning for Robot Control"),  # one letter missing
    ("reinfrocement", "Reinforcement Learning for Robot Control"),  # two letters swapped
    ("Kowalczyk", "Reinforcement Learning for Robot Control"),  # the fifth author
    ("Berg", "Reinforcement Learning for Robot Control"),  # the seventh
])
def test_forgiving_queries_find_their_paper_with_highlights(page: Page, site: Path, query: str,
                                                            title: str) -> None:
    assert _search(page, site, query) == [title]
    assert page.locator("#search-status").inner_text() == f"1 paper matches “{query}”."
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks, "the match is highlighted"
    assert all(m.lower()[:3] == query.lower()[:3] for m in marks)


def test_as_you_type_from_three_characters(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri())
    page.locator("#q").press_sequentially("manu", delay=30)
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li > a").all_inner_texts() == ["Robots That Read Manuals"]
    assert page.locator("#search-results mark").first.inner_text() == "Manuals"


def test_tag_and_date_filters(page: Page, site: Path) -> None:
    everything = _search(page, site, "robot")
    assert len(everything) == 4
    assert page.locator("#search-status").inner_text() == "4 papers match “robot”."
    assert _search(page, site, "robot", tag="LLMs") == [
        "Large Language Models Plan Robot Tasks", "Robots That Read Manuals"]
    assert _search(page, site, "robot", **{"from": "2025-03-01"}) == [
        "Large Language Models Plan Robot Tasks", "Robots That Read Manuals"]
    assert _search(page, site, "robot", to="2025-02-28") == [
        "Reinforcement Learning for Robot Control", "Diffusion Policies for Robots"]
    assert _search(page, site, "", tag="reinforcement learning") == [
        "Reinforcement Learning for Robot Control"]


def test_one_edit_agrees_with_its_definition(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri())
    cases = [("reinforcment", "reinforcement", True), ("reinfrocement", "reinforcement", True),
             ("reinforcemant", "reinforcement", True), ("reinforcer", "reinforcement", False),
             ("diffusion", "diffusion", True), ("abc", "abd", True), ("ab", "ba", True),
             ("abcd", "dcba", False)]
    for a, b, want in cases:
        assert page.evaluate("([a, b]) => window.DPS.oneEdit(a, b)", [a, b]) is want, (a, b)
    assert site_search.INDEX_VERSION >= 3


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eleven papers in segments of eight and sixteen shards: search spans two segments."""
    work = tmp_path_factory.mktemp("segmented-site")
    settings = load_settings(work).model_copy(update={"site_tag_min_papers": 2})
    titles = ["Diffusion Models for Audio", "Reinforcement Learning at Scale",
              "Diffuse Reflection Estimates", "Graph Diffusion Networks"]
    with pytest.MonkeyPatch.context() as patch, Store(settings.db_path) as store:
        # tiny split threshold: heavy prefixes ("dif", "diff", ...) get longer keys
        for name, value in (("SEGMENT", 8), ("BLOCK", 4), ("DENSE", 2), ("BUCKETS", 16),
                            ("SPLIT_BYTES", 45), ("_hash_cache", {})):
            patch.setattr(site_search, name, value)
        for day in range(3):
            ids = range(day * 4, min(day * 4 + 4, 11))
            add_day(store, f"2025-04-0{day + 1}", [
                (paper(f"2504.{n:05d}", f"{titles[n % 4]} {n}",
                       keywords=["generative audio" if n % 2 else "graph learning"]),
                 summary(f"2504.{n:05d}", "Different results hold across settings.", []))
                for n in ids])
        build_site(store, settings)
    return work / "site"


def test_forgiving_search_across_segments(page: Page, segmented: Path) -> None:
    meta = (segmented / "search" / "meta.js").read_text(encoding="utf-8")
    assert '"segs":2' in meta and '"buckets":16' in meta
    for segment in (0, 1):
        split = (segmented / "search" / f"s{segment}" / "k.js").read_text()
        assert '"dif"' in split and '"diffu"' not in split, split
    diffusion = {f"{t} {n}" for n, t in ((0, "Diffusion Models for Audio"),
                                         (2, "Diffuse Reflection Estimates"),
                                         (3, "Graph Diffusion Networks"),
                                         (4, "Diffusion Models for Audio"),
                                         (6, "Diffuse Reflection Estimates"),
                                         (7, "Graph Diffusion Networks"),
                                         (8, "Diffusion Models for Audio"),
                                         (10, "Diffuse Reflection Estimates"))}
    assert set(_search(page, segmented, "diffus")) == diffusion
    assert set(_search(page, segmented, "reinforcment")) == {
        f"Reinforcement Learning at Scale {n}" for n in (1, 5, 9)}
    # the tag of the even papers, from the second day on
    assert set(_search(page, segmented, "diffus", tag="graph learning",
                       **{"from": "2025-04-02"})) == {
        "Diffusion Models for Audio 4", "Diffuse Reflection Estimates 6",
        "Diffusion Models for Audio 8", "Diffuse Reflection Estimates 10"}
    marks = {m.lower() for m in page.locator("#search-results mark").all_inner_texts()}
    assert marks == {"diffusion", "diffuse"}


def test_search_js_picks_the_same_shard_as_python(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri())
    meta = {"prefix": site_search.PREFIX, "buckets": site_search.BUCKETS}
    for term in ["diffusion", "di", "#robotics", "#reinforcement-learning", "张三丰",
                 "\U00020000\U00020001ab", "ñandú", "x"]:
        js = page.evaluate("([m, t]) => window.DPS.bucket(m, t)", [meta, term])
        assert js == site_search.bucket(term), term
    split = ["dif", "diff", "diffu", "张三丰", "\U00020000\U00020001a"]  # prefixes split
    for term in ["diffusion", "diff", "dig", "张三丰x", "\U00020000\U00020001ab", "#diff"]:
        js = page.evaluate("([m, t, s]) => window.DPS.bucket(m, t, new Set(s))",
                           [meta, term, split])
        assert js == site_search.bucket(term, set(split)), term
