"""Audio on the site: a spoken summary per paper, a whole-day episode, and a podcast feed.

Files: ``site/audio/YYYY-MM-DD/<arxiv id>.mp3`` per paper, ``site/audio/YYYY-MM-DD.mp3`` for
the day, and ``site/podcast.xml``, an RSS 2.0 feed with the iTunes namespace listing every
day's episode (enclosure with its byte length, ``itunes:duration``). Audio already on disk is
reused, so a re-run costs nothing; the feed is rebuilt from the files and the store each
time. XML is written with ``xml.etree``, never by hand.
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from ..config import Settings
from ..errors import AudioError, DeliveryError
from ..files import write_if_changed
from ..render import paths
from ..render.feed import serialize
from ..store import Store
from . import tts

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
FEED_EPISODES = 100
COVER_PIXELS = 1400  # Apple Podcasts: 1400-3000 px square
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
    owner_name = settings.podcast_owner_name or title
    explicit = "true" if settings.podcast_explicit else "false"
    write_cover(settings)
    cover_url = _url(settings, paths.PODCAST_COVER)
    image = ET.SubElement(channel, "image")
    ET.SubElement(image, "url").text = cover_url
    ET.SubElement(image, "title").text = title
    ET.SubElement(image, "link").text = paths.absolute(settings.site_url) or "./"
    ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": cover_url})
    ET.SubElement(channel, f"{{{ITUNES}}}author").text = owner_name
    owner = ET.SubElement(channel, f"{{{ITUNES}}}owner")
    ET.SubElement(owner, f"{{{ITUNES}}}name").text = owner_name
    if settings.podcast_owner_email:
        ET.SubElement(owner, f"{{{ITUNES}}}email").text = settings.podcast_owner_email
    ET.SubElement(channel, f"{{{ITUNES}}}summary").text = (
        "Every weekday's most discussed AI papers, one spoken summary each.")
    ET.SubElement(channel, f"{{{ITUNES}}}type").text = "episodic"
    ET.SubElement(channel, f"{{{ITUNES}}}explicit").text = explicit
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": settings.podcast_category})

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
        ET.SubElement(item, "link").text = _url(settings, paths.day_path(date))
        ET.SubElement(item, "pubDate").text = format_datetime(published)
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = f"dailypapers-{date}"
        ET.SubElement(item, "enclosure", {
            "url": _url(settings, paths.episode_path(date)),
            "length": str(path.stat().st_size), "type": "audio/mpeg"})
        ET.SubElement(item, f"{{{ITUNES}}}duration").text = _hms(tts.duration(path))
        ET.SubElement(item, f"{{{ITUNES}}}episodeType").text = "full"
        ET.SubElement(item, f"{{{ITUNES}}}explicit").text = explicit
        ET.SubElement(item, f"{{{ITUNES}}}image", {"href": cover_url})
    if newest is not None:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(newest)
    target = podcast_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(serialize(rss, stylesheet=paths.FEED_STYLE))
    partial.replace(target)
    return target


def write_cover(settings: Settings) -> Path:
    """``site/podcast.png``: generated cover art (1400 px square, RGB: what podcast apps ask
    for), the site's title on a plain background; rewritten only when its bytes change."""
    target = paths.file_of(settings, paths.PODCAST_COVER)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(target, cover_png(settings.site_title))
    return target


def cover_png(title: str, size: int = COVER_PIXELS) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (size, size), (11, 87, 208))
    draw = ImageDraw.Draw(image)
    draw.rectangle([size // 14, size // 14, size - size // 14, size - size // 14],
                   outline=(255, 255, 255), width=size // 70)
    words = " ".join(title.split()).split(" ") or ["Daily", "Papers"]
    lines: list[str] = []
    for word in words:  # at most ~12 characters a line, at most 4 lines
        if lines and len(lines[-1]) + 1 + len(word) <= 12:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = lines[:4]
    longest = max(len(line) for line in lines)
    font = ImageFont.load_default(size=min(size // 6, int(size * 1.45 / max(6, longest))))
    height = sum(draw.textbbox((0, 0), line, font=font)[3] for line in lines)
    y = (size - height * 1.25) / 2
    for line in lines:
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((size - box[2]) / 2, y), line, font=font, fill=(255, 255, 255))
        y += box[3] * 1.25
    draw.text((size / 2, size - size // 7), "papers, read aloud", font=ImageFont.load_default(
        size=size // 18), fill=(214, 228, 255), anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
