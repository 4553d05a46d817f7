"""The podcast feed as podcast apps need it: the tags Apple Podcasts requires, cover art,
owner, category, explicit flag, stable episode GUIDs; linked from every page of the site."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from fakes.days import make_store
from PIL import Image

from dailypapers.config import load_settings
from dailypapers.deliver.podcast import ITUNES, cover_png, write_podcast
from dailypapers.render.site import build_site

sf = pytest.importorskip("soundfile", reason="soundfile (extra 'audio') is not installed")
np = pytest.importorskip("numpy")

NS = f"{{{ITUNES}}}"
DATES = ("2025-01-15", "2025-01-16")


def _episodes(site: Path) -> None:
    """Two day episodes on disk (a second of silence each), as publish_audio leaves them."""
    audio = site / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    for date in DATES:
        sf.write(str(audio / f"{date}.mp3"), np.zeros(22050, dtype="float32"), 22050,
                 format="MP3")


@pytest.fixture
def feed(isolated_env: Path) -> tuple[ET.Element, Path]:
    store = make_store(isolated_env / "dailypapers.db", n=2)
    make_store(isolated_env / "dailypapers.db", date=DATES[1], n=1).close()
    settings = load_settings(isolated_env, site_url="https://papers.example.org/", podcast=True,
                             podcast_owner_name="Ada Lovelace",
                             podcast_owner_email="ada@example.org",
                             podcast_category="Science", podcast_explicit=False)
    _episodes(isolated_env / "site")
    path = write_podcast(store, settings)
    build_site(store, settings)
    store.close()
    return ET.fromstring(path.read_bytes()), isolated_env / "site"


def test_channel_has_every_tag_apple_podcasts_requires(feed: tuple[ET.Element, Path]) -> None:
    root, site = feed
    channel = root.find("channel")
    assert channel is not None
    for tag in ("title", "description", "language", "link"):
        assert (channel.findtext(tag) or "").strip(), tag
    assert channel.findtext(f"{NS}explicit") in ("true", "false")
    category = channel.find(f"{NS}category")
    assert category is not None and category.get("text") == "Science"
    image = channel.find(f"{NS}image")
    assert image is not None and image.get("href") == "https://papers.example.org/podcast.png"
    assert channel.findtext(f"{NS}author") == "Ada Lovelace"
    assert channel.findtext(f"{NS}owner/{NS}name") == "Ada Lovelace"
    assert channel.findtext(f"{NS}owner/{NS}email") == "ada@example.org"
    # the cover: a square RGB PNG of 1400-3000 px, on the site where the feed says
    with Image.open(site / "podcast.png") as cover:
        assert cover.format == "PNG" and cover.mode == "RGB"
        assert cover.width == cover.height and 1400 <= cover.width <= 3000


def test_episodes_have_title_enclosure_and_stable_guid(feed: tuple[ET.Element, Path]) -> None:
    root, _site = feed
    items = root.findall("channel/item")
    assert [i.findtext("guid") for i in items] == [f"dailypapers-{d}" for d in reversed(DATES)]
    for item in items:
        assert (item.findtext("title") or "").strip()
        enclosure = item.find("enclosure")
        assert enclosure is not None and enclosure.get("type") == "audio/mpeg"
        assert enclosure.get("url", "").startswith("https://papers.example.org/audio/")
        assert int(enclosure.get("length", "0")) > 0
        assert item.findtext(f"{NS}explicit") == "false"
        assert item.findtext("link", "").endswith(".html")
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
    parsed = feedparser.parse(ET.tostring(root))
    assert not parsed.bozo and len(parsed.entries) == 2


def test_every_page_links_the_podcast(feed: tuple[ET.Element, Path]) -> None:
    _root, site = feed
    pages = [site / "index.html", site / "archive.html", site / "search.html",
             *sorted((site / "papers").rglob("*.html"))[:2]]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # (a constant attribute value is written without quotes: issue 17's bytes)
        assert 'type=application/rss+xml title="Daily Papers (podcast)"' in text, page
        assert "podcast.xml\">Podcast</a>" in text, page


def test_feeds_carry_the_stylesheet_instruction(feed: tuple[ET.Element, Path]) -> None:
    _root, site = feed
    for name, href in (("atom.xml", "static/feed.xsl"), ("rss.xml", "static/feed.xsl"),
                       ("podcast.xml", "static/feed.xsl")):
        head = (site / name).read_bytes()[:200].decode()
        assert f'<?xml-stylesheet type="text/xsl" href="{href}"?>' in head, name
    tag_feed = next((site / "tags").glob("*.xml"), None)
    if tag_feed is not None:
        assert b'href="../static/feed.xsl"' in tag_feed.read_bytes()[:200]
    assert (site / "static" / "feed.xsl").is_file()


def test_cover_is_deterministic_and_fits_long_titles() -> None:
    assert cover_png("Daily Papers") == cover_png("Daily Papers")
    with Image.open(io.BytesIO(cover_png("A Rather Long Title For A Podcast Of Papers"))) as im:
        assert im.size == (1400, 1400)
