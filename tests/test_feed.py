"""Atom and RSS feeds: read back by feedparser, escaped, stable ids, correct dates."""

from __future__ import annotations

import html
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from fakes.sitekit import EVIL_ONE_LINE, EVIL_TITLE, small_site_store

from dailypapers import safety
from dailypapers.render.feed import FeedInfo, FeedItem, atom_feed, rss_feed
from dailypapers.render.site import build_site

EXPECTED = {  # the main feed: latest 3 days, one entry per paper at its newest day
    "urn:arxiv:2501.00005": "2025-01-15",
    "urn:arxiv:2501.00001": "2025-01-15",
    "urn:arxiv:2501.00003": "2025-01-14",
    "urn:arxiv:2501.00004": "2025-01-14",
    "urn:arxiv:2501.00002": "2025-01-13",
}


def _built(work: Path, site_url: str = "https://papers.example.org/daily") -> Path:
    settings, store = small_site_store(work)
    build_site(store, settings.model_copy(update={"site_url": site_url}))
    return work / "site"


def _check(parsed: feedparser.FeedParserDict) -> None:
    assert not parsed.bozo, parsed.get("bozo_exception")
    ids = [e.id for e in parsed.entries]
    assert ids == list(EXPECTED)
    for entry in parsed.entries:
        assert time.strftime("%Y-%m-%d", entry.published_parsed) == EXPECTED[entry.id]
        assert entry.link.startswith("https://papers.example.org/daily/papers/2501/")
        assert entry.title
    evil = next(e for e in parsed.entries if e.id == "urn:arxiv:2501.00003")
    assert evil.title == " ".join(EVIL_TITLE.split())
    if evil.summary_detail.type == "text/html":
        # an HTML summary (RSS) must carry the markup as escaped text, so readers show it
        assert "<script" not in evil.summary and "<img" not in evil.summary
        assert EVIL_ONE_LINE in html.unescape(evil.summary)
    else:
        assert EVIL_ONE_LINE in evil.summary


def test_atom_feed_reads_back(isolated_env: Path) -> None:
    site = _built(isolated_env)
    parsed = feedparser.parse((site / "atom.xml").read_bytes())
    assert parsed.version == "atom10"
    _check(parsed)
    assert parsed.feed.links[0].href == "https://papers.example.org/daily/index.html"
    evil = next(e for e in parsed.entries if e.id == "urn:arxiv:2501.00003")
    assert [a.name for a in evil.authors] == ["Jürgen Ñoño", "Zhang San 张三"]


def test_rss_feed_reads_back(isolated_env: Path) -> None:
    site = _built(isolated_env)
    parsed = feedparser.parse((site / "rss.xml").read_bytes())
    assert parsed.version == "rss20"
    _check(parsed)


def test_feeds_are_well_formed_xml_without_markup_from_text(isolated_env: Path) -> None:
    site = _built(isolated_env)
    for name in ("atom.xml", "rss.xml", "tags/vision.xml"):
        root = ET.fromstring((site / name).read_bytes())
        # hostile text stays text: no element named script/img/b anywhere
        assert not [el for el in root.iter() if el.tag.split("}")[-1] in ("script", "img", "b")]


def test_tag_feed_lists_the_tags_papers(isolated_env: Path) -> None:
    site = _built(isolated_env)
    parsed = feedparser.parse((site / "tags" / "vision.xml").read_bytes())
    assert not parsed.bozo
    assert {e.id for e in parsed.entries} == {"urn:arxiv:2501.00001", "urn:arxiv:2501.00003"}
    assert parsed.feed.title == "Daily Papers: vision"


def test_without_site_url_links_point_to_arxiv(isolated_env: Path) -> None:
    site = _built(isolated_env, site_url="")
    parsed = feedparser.parse((site / "atom.xml").read_bytes())
    assert not parsed.bozo
    assert {e.link for e in parsed.entries} == {
        f"https://arxiv.org/abs/{i.split(':')[-1]}" for i in EXPECTED
    }


def test_control_characters_are_dropped_not_emitted() -> None:
    item = FeedItem(id="urn:arxiv:1", title="Bad\x0b title\x00 here", link="https://x.org/1",
                    date="2025-01-15", summary="form\x0cfeed")
    info = FeedInfo(title="T", id="urn:t", home_url="https://x.org/")
    for maker in (atom_feed, rss_feed):
        data = maker(info, [item])
        ET.fromstring(data)  # raises on invalid XML
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        assert parsed.entries[0].title == "Bad title here"


def test_feed_output_is_deterministic() -> None:
    item = FeedItem(id="urn:arxiv:1", title="A", link="https://x.org/1", date="2025-01-15")
    info = FeedInfo(title="T", id="urn:t", home_url="https://x.org/")
    assert atom_feed(info, [item]) == atom_feed(info, [item])
    assert rss_feed(info, [item]) == rss_feed(info, [item])


@pytest.mark.parametrize("text", [
    "plain", " lead", "trail ", "two  spaces", "tab\there", "new\nline", "nbsp\xa0here",
    "bidi\u202eoverride", "bell\x07", "ffff\uffff", "Schrödinger 量子 – “quoted”", "", "   ",
    "cr\r\nlf", "zero\u200bwidth", "line\u2028sep", "\x85next",
])
def test_flat_text_fast_path_agrees_with_the_full_rule(text: str) -> None:
    full = " ".join(safety.strip_controls(text).translate(safety._NON_XML).split())
    assert safety.flat_text(text) == full
