"""render/paths.py: the one place that decides where things live on the site and their URLs."""

from __future__ import annotations

from pathlib import Path

from fakes.sitekit import small_site_store

from dailypapers.deliver.base import site_day_url
from dailypapers.render import paths
from dailypapers.render.site import build_site


def test_site_paths() -> None:
    assert paths.day_path("2025-01-15") == "days/2025-01-15.html"
    assert paths.day_json_path("2025-01-15") == "days/2025-01-15.json"
    assert paths.paper_path("2501.08313") == "papers/2501/2501.08313.html"
    assert paths.paper_path("hep-th/9901001") == "papers/hep-th/hep-th_9901001.html"
    assert paths.tag_path("vision") == "tags/vision.html"
    assert paths.tag_feed_path("vision") == "tags/vision.xml"
    assert paths.image_path("2501.08313", 2) == "img/2501.08313v2.webp"
    assert paths.image_path("hep-th/9901001", None) == "img/hep-th_9901001v0.webp"
    assert paths.image_stem("hep-th/9901001") == "hep-th_9901001"  # the name before v<n>
    assert paths.episode_path("2025-01-15") == "audio/2025-01-15.mp3"
    assert paths.paper_audio_path("2025-01-15", "2501.08313", "ogg") == (
        "audio/2025-01-15/2501.08313.ogg")


def test_tag_slugs_are_readable_and_unambiguous() -> None:
    assert paths.tag_slug("vision") == "vision"
    assert paths.tag_slug("large language models") == "large-language-models"
    # Different keys never share a file, even when their ASCII forms agree.
    keys = ["c++", "c#", "c", "量子", "schrödinger", "schrodinger"]
    slugs = [paths.tag_slug(k) for k in keys]
    assert len(set(slugs)) == len(slugs)
    assert all(s and "/" not in s for s in slugs)


def test_relative_links() -> None:
    assert paths.root_of("index.html") == ""
    assert paths.root_of("papers/2501/2501.1.html") == "../../"
    assert paths.relative("days/2025-01-15.html", paths.paper_path("2501.00001")) == (
        "../papers/2501/2501.00001.html")


def test_absolute_urls_need_a_site_url() -> None:
    urls = paths.SiteUrls("https://example.org/daily/")
    assert urls.day("2025-01-15") == "https://example.org/daily/days/2025-01-15.html"
    assert urls.paper("2501.00001") == "https://example.org/daily/papers/2501/2501.00001.html"
    assert urls.home() == "https://example.org/daily/"
    assert urls.podcast() == "https://example.org/daily/podcast.xml"
    assert paths.absolute("https://example.org", "atom.xml") == "https://example.org/atom.xml"
    empty = paths.SiteUrls("")
    assert not empty.enabled
    assert empty.day("2025-01-15") is None and empty.paper("2501.00001") is None


def test_channel_day_link_names_a_page_the_build_wrote(isolated_env: Path) -> None:
    """The old "read on the site" link pointed at /YYYY/MM/DD/, which the site never wrote."""
    settings, store = small_site_store(isolated_env)
    settings = settings.model_copy(update={"site_url": "https://example.org/daily"})
    with store:
        build_site(store, settings)
    for date in ("2025-01-13", "2025-01-14", "2025-01-15"):
        url = site_day_url(settings, date)
        assert url is not None and url.startswith("https://example.org/daily/")
        rel = url.removeprefix("https://example.org/daily/")
        assert paths.file_of(settings, rel).is_file(), rel
