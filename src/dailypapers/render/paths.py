"""Where every published thing lives in ``site/``, and its URL: the one owner of both.

Every page, feed, picture and sound the site, the podcast, the channels and the feeds name
is placed here and nowhere else. Three forms of the same place:

- a *site path*: POSIX, relative to the site root (``days/2025-01-15.html``); what the build
  writes and what :func:`file_of` turns into a file;
- a *relative link* between two pages (:func:`relative`, :func:`root_of`), so the site
  works from any sub-path and from ``file://``;
- an *absolute URL* under the ``site_url`` setting (:func:`absolute`, :class:`SiteUrls`),
  for everything read away from the site (feeds, podcast, Telegram, email, webhooks). With
  no ``site_url`` there is no absolute URL (``None``): callers then link elsewhere or not
  at all, never to a guessed address.

Layout::

    index.html  archive.html  tags.html  search.html     home, calendar, tag index, search
    atom.xml  rss.xml  podcast.xml                       feeds
    days/YYYY-MM-DD.html  days/YYYY-MM-DD.json           a day, and its index (the full
                                                         record is the working directory's
                                                         ``data/``: committed, not published)
    papers/<yymm>/<id>.html                              a paper (its newest day)
    tags/<slug>.html  tags/<slug>.xml                    a keyword, and its feed
    img/<id>v<version>.webp                              a paper's picture, per version
    audio/YYYY-MM-DD.mp3  audio/YYYY-MM-DD/<id>.<ext>    the day's episode, a paper's audio
    for/<profile>/YYYY-MM-DD.html  for/<profile>/index.html   a public profile's ranked day

Old-style arXiv ids (``hep-th/9901001``) have their ``/`` replaced by ``_`` in file names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SITE_DIR = "site"
HOME = "index.html"
ARCHIVE = "archive.html"
TAGS = "tags.html"
SEARCH = "search.html"
ATOM = "atom.xml"
RSS = "rss.xml"
PODCAST = "podcast.xml"
STATIC = "static"
AUDIO = "audio"
IMAGES = "img"
PROFILES = "for"  # public profiles' pages (dailypapers.foryou.site)
IMAGE_SUFFIX = ".webp"
FEED_STYLE = "static/feed.xsl"  # shows the feeds as pages in a browser
PODCAST_COVER = "podcast.png"  # generated cover art of the podcast
DATA = "data"  # the link to the working directory's data/ that earlier sites had (removed)


class _HasSite(Protocol):
    @property
    def root(self) -> Path: ...

    site_url: str


def _safe(arxiv_id: str) -> str:
    return arxiv_id.replace("/", "_")


# ------------------------------------------------------------------------ site paths


def day_path(date: str) -> str:
    """``days/2025-01-15.html``."""
    return f"days/{date}.html"


def day_json_path(date: str) -> str:
    """``days/2025-01-15.json``: the day's data beside its page."""
    return f"days/{date}.json"


def paper_path(arxiv_id: str) -> str:
    """``papers/2501/2501.08313.html``; old-style ids (``hep-th/9901001``) under their archive."""
    folder = arxiv_id[:4] if arxiv_id[:4].isdigit() else arxiv_id.split("/")[0]
    return f"papers/{folder}/{_safe(arxiv_id)}.html"


def tag_slug(key: str) -> str:
    """A file name for a tag key: readable ASCII, plus a hash when ASCII alone is ambiguous."""
    ascii_form = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_form.lower()).strip("-")[:60].strip("-")
    if base and base.replace("-", " ") == key:
        return base
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{base}-{digest}" if base else digest


def tag_path(slug: str) -> str:
    """``tags/<slug>.html`` (``slug`` from :func:`tag_slug`)."""
    return f"tags/{slug}.html"


def tag_feed_path(slug: str) -> str:
    """``tags/<slug>.xml``: the tag's Atom feed."""
    return f"tags/{slug}.xml"


def static_path(name: str) -> str:
    return f"{STATIC}/{name}"


def image_stem(arxiv_id: str) -> str:
    """``2501.08313``: a paper's picture file names without ``v<version>.webp``."""
    return _safe(arxiv_id)


def image_path(arxiv_id: str, version: int | None) -> str:
    """``img/2501.08313v2.webp``: one picture per paper version (``v0`` when unknown)."""
    return f"{IMAGES}/{image_stem(arxiv_id)}v{version or 0}{IMAGE_SUFFIX}"


def episode_path(date: str, fmt: str = "mp3") -> str:
    """``audio/2025-01-15.mp3``: the day's podcast episode."""
    return f"{AUDIO}/{date}.{fmt}"


def paper_audio_path(date: str, arxiv_id: str, fmt: str = "mp3") -> str:
    """``audio/2025-01-15/2501.08313.mp3``: one paper read aloud (``ogg`` for voice notes)."""
    return f"{AUDIO}/{date}/{_safe(arxiv_id)}.{fmt}"


def profile_path(profile: str, date: str | None = None) -> str:
    """``for/<profile>/2025-01-15.html``: a public profile's ranked day; without a date,
    ``for/<profile>/index.html`` (its newest day)."""
    return f"{PROFILES}/{profile}/{date or 'index'}.html"


# ------------------------------------------------------------------------ files and links


def site_root(settings: _HasSite) -> Path:
    """The folder the site is built in: ``<root>/site``."""
    return settings.root / SITE_DIR


def file_of(settings: _HasSite, rel: str) -> Path:
    """The file on disk of a site path."""
    return site_root(settings) / rel


def root_of(rel: str) -> str:
    """The prefix that leads from the page at ``rel`` back to the site root ("", "../"...)."""
    return "../" * rel.count("/")


def relative(from_rel: str, to_rel: str) -> str:
    """A link from the page at ``from_rel`` to ``to_rel`` (both site paths)."""
    return root_of(from_rel) + to_rel


def absolute(site_url: str, rel: str = "") -> str | None:
    """``rel``'s URL under ``site_url``; None when the site has no public URL.

    ``rel=""`` is the site's home (``site_url`` itself, with a trailing slash).
    """
    base = site_url.strip().rstrip("/")
    if not base:
        return None
    return f"{base}/{rel}"


@dataclass(frozen=True)
class SiteUrls:
    """Absolute URLs of a published site (every method returns None without ``site_url``)."""

    base: str

    @classmethod
    def of(cls, settings: _HasSite) -> SiteUrls:
        return cls(settings.site_url)

    @property
    def enabled(self) -> bool:
        return bool(self.base.strip())

    def url(self, rel: str) -> str | None:
        return absolute(self.base, rel)

    def home(self) -> str | None:
        return absolute(self.base, "")

    def day(self, date: str) -> str | None:
        return absolute(self.base, day_path(date))

    def paper(self, arxiv_id: str) -> str | None:
        return absolute(self.base, paper_path(arxiv_id))

    def tag(self, slug: str) -> str | None:
        return absolute(self.base, tag_path(slug))

    def feed(self, name: str = ATOM) -> str | None:
        return absolute(self.base, name)

    def image(self, arxiv_id: str, version: int | None) -> str | None:
        return absolute(self.base, image_path(arxiv_id, version))

    def episode(self, date: str, fmt: str = "mp3") -> str | None:
        return absolute(self.base, episode_path(date, fmt))

    def podcast(self) -> str | None:
        return absolute(self.base, PODCAST)

    def search(self) -> str | None:
        return absolute(self.base, SEARCH)


__all__ = [
    "ARCHIVE", "ATOM", "HOME", "PODCAST", "RSS", "SEARCH", "TAGS", "SiteUrls", "absolute",
    "day_json_path", "day_path", "episode_path", "file_of", "image_path", "image_stem",
    "paper_audio_path", "paper_path", "relative", "root_of", "site_root", "static_path",
    "tag_feed_path", "tag_path", "tag_slug",
]
