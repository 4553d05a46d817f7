"""Audio on the site: a spoken summary per paper, a whole-day episode, and a podcast feed.

Files: ``site/audio/YYYY-MM-DD/<arxiv id>.mp3`` per paper, ``site/audio/YYYY-MM-DD.mp3`` for
the day, and ``site/podcast.xml``, an RSS 2.0 feed with the iTunes namespace listing every
day's episode (enclosure with its byte length, ``itunes:duration``). Audio already on disk is
reused, so a re-run costs nothing; the feed is rebuilt from the files and the store each
time. XML is written with ``xml.etree``, never by hand.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from ..config import Settings
from ..errors import AudioError, DeliveryError
from ..render import paths
from ..store import Store
from . import tts

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
FEED_EPISODES = 100
_EPISODE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.mp3$")


def podcast_path(settings: Settings) -> Path:
    return paths.file_of(settings, paths.PODCAST)


def publish_audio(store: Store, settings: Settings, date: str) -> list[Path]:
    """Speak a stored day (per paper and whole) and rebuild the feed; returns files written.

    Raises :class:`~dailypapers.errors.AudioError` (with what to install) when speech
    cannot be made here.
    """
    reason = tts.audio_unavailable(settings)
    if reason:
        raise AudioError(f"no audio: {reason}")
    digest = store.load_digest(date)
    if digest is None or not digest.entries:
        raise DeliveryError(f"no papers stored for {date}: no episode")
    written: list[Path] = []
    entries = sorted(digest.entries, key=lambda e: e.rank)
    for entry in entries:
        target = tts.paper_audio_path(settings, date, entry.paper.arxiv_id, "mp3")
        if not target.exists():
            tts.render_audio(settings, tts.paper_script(entry), target, "mp3")
            written.append(target)
    episode = tts.episode_audio_path(settings, date, "mp3")
    if not episode.exists():
        tts.render_audio(settings, tts.episode_script(digest, settings.site_title, entries),
                         episode, "mp3")
        written.append(episode)
    written.append(write_podcast(store, settings))
    return written


def _hms(seconds: float) -> str:
    total = max(1, round(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _url(settings: Settings, rel: str) -> str:
    """The absolute URL of a site path, or the path itself (relative to the feed) without one."""
    return paths.absolute(settings.site_url, rel) or rel


def write_podcast(store: Store, settings: Settings) -> Path:
    """Rebuild ``site/podcast.xml`` from the day episodes on disk, newest first."""
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("atom", ATOM)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    title = settings.site_title
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = paths.absolute(settings.site_url) or "./"
    ET.SubElement(channel, "description").text = (
        f"{title}: the day's AI papers, summarized from their full text and read aloud."
    )
    ET.SubElement(channel, "language").text = "en"
    ET.SubElement(channel, "generator").text = "dailypapers"
    if settings.site_url:
        ET.SubElement(channel, f"{{{ATOM}}}link", {
            "href": _url(settings, paths.PODCAST), "rel": "self",
            "type": "application/rss+xml"})
    ET.SubElement(channel, f"{{{ITUNES}}}author").text = title
    ET.SubElement(channel, f"{{{ITUNES}}}summary").text = (
        "Every weekday's most discussed AI papers, one spoken summary each.")
    ET.SubElement(channel, f"{{{ITUNES}}}explicit").text = "false"
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "Technology"})

    audio = tts.audio_dir(settings)
    episodes = sorted(
        (p for p in audio.glob("*.mp3") if _EPISODE_NAME.match(p.name)) if audio.is_dir() else [],
        key=lambda p: p.name, reverse=True,
    )[:FEED_EPISODES]
    newest: datetime | None = None
    for path in episodes:
        date = path.stem
        digest = store.load_digest(date)
        papers = sorted(digest.entries, key=lambda e: e.rank) if digest else []
        published = datetime.fromisoformat(date).replace(hour=18, tzinfo=UTC)
        newest = newest or published
        item = ET.SubElement(channel, "item")
        count = len(papers)
        ET.SubElement(item, "title").text = f"{title} — {date} ({count} papers)"
        # Readers treat an RSS description as HTML: escape the text for that layer too.
        ET.SubElement(item, "description").text = html.escape("\n".join(
            f"{n}. {' '.join(e.paper.title.split())}" for n, e in enumerate(papers, 1)
        ) or f"{title} for {date}", quote=False)
        ET.SubElement(item, "pubDate").text = format_datetime(published)
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = f"dailypapers-{date}"
        ET.SubElement(item, "enclosure", {
            "url": _url(settings, paths.episode_path(date)),
            "length": str(path.stat().st_size), "type": "audio/mpeg"})
        ET.SubElement(item, f"{{{ITUNES}}}duration").text = _hms(tts.duration(path))
        ET.SubElement(item, f"{{{ITUNES}}}episodeType").text = "full"
    if newest is not None:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(newest)
    target = podcast_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(rss)
    ET.indent(tree)
    partial = target.with_name(target.name + ".part")
    tree.write(partial, encoding="utf-8", xml_declaration=True)
    partial.replace(target)
    return target
