"""Atom 1.0 and RSS 2.0 feeds, written with ``xml.etree`` so every value is escaped.

A feed is a list of :class:`FeedItem` (one per paper), newest first. Ids are stable
(``urn:arxiv:<id>``: the same paper keeps its id however often the feed is rebuilt), dates
are the digest day at 00:00 UTC, and characters XML 1.0 forbids are dropped, never escaped
into invalid output. Output is deterministic (no build timestamp), so an unchanged feed is
byte-identical and is not rewritten.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from ..safety import flat_text

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
# XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF; PDF text and LLM output contain them.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class FeedItem:
    """One paper in a feed."""

    id: str
    title: str
    link: str
    date: str  # YYYY-MM-DD of the digest day
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # The entry's body as HTML (made by :func:`entry_html`); readers show it instead of summary.
    content_html: str = ""
    related: str = ""  # another page about the paper (its arXiv abstract page)


def entry_html(
    parts: Sequence[tuple[str, str]], notes: Sequence[str] = (),
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """A feed entry's body: labelled parts, notes and links as escaped HTML paragraphs."""
    esc = functools.partial(html.escape, quote=True)
    out = [f"<p><strong>{esc(flat_text(label))}:</strong> {esc(flat_text(text))}</p>"
           for label, text in parts if flat_text(text)]
    out += [f"<p><em>{esc(flat_text(note))}</em></p>" for note in notes]
    if links:
        out.append("<p>" + " · ".join(
            f'<a href="{esc(url)}">{esc(label)}</a>' for label, url in links) + "</p>")
    return "\n".join(out)


@dataclass
class FeedInfo:
    """What describes the feed itself."""

    title: str
    id: str
    home_url: str  # the page the feed belongs to ("" when the site has no public URL)
    self_url: str = ""  # where the feed itself lives ("" when unknown)
    description: str = ""
    stylesheet: str = ""  # XSLT that shows the feed as a page in a browser (relative URL)


@functools.lru_cache(maxsize=4096)
def _day(date: str) -> datetime:
    return datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def _iso(date: str) -> str:
    return _day(date).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=4096)
def _rfc822(date: str) -> str:
    return format_datetime(_day(date), usegmt=True)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = flat_text(text)
    return element


def serialize(root: ET.Element, pretty: bool = True, stylesheet: str = "") -> bytes:
    """The document as UTF-8 bytes; ``stylesheet`` (a relative URL of an XSLT file) makes a
    browser show it as a page, while feed readers ignore the instruction."""
    if pretty:
        ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if stylesheet:
        head, _, body = data.partition(b"\n")
        pi = f'<?xml-stylesheet type="text/xsl" href="{html.escape(stylesheet)}"?>'
        data = head + b"\n" + pi.encode() + b"\n" + body
    return data + b"\n"


def atom_feed(info: FeedInfo, items: Sequence[FeedItem], *, pretty: bool = True) -> bytes:
    """An Atom 1.0 document (RFC 4287); ``pretty=False`` skips indenting (thousands of tags)."""
    # Plain names plus an xmlns attribute: ElementTree's default_namespace option rejects
    # the un-namespaced attributes (rel, href) that Atom uses.
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "title", info.title)
    if info.description:
        _sub(feed, "subtitle", info.description)
    _sub(feed, "id", info.id)
    newest = max((i.date for i in items), default="1970-01-01")
    _sub(feed, "updated", _iso(newest))
    if info.home_url:
        _sub(feed, "link", rel="alternate", type="text/html", href=info.home_url)
    if info.self_url:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=info.self_url)
    # Atom wants an author on the feed or on every entry; some papers list none.
    author = _sub(feed, "author")
    _sub(author, "name", info.title)
    _sub(feed, "generator", "dailypapers")
    for item in items:
        entry = _sub(feed, "entry")
        _sub(entry, "title", item.title)  # type="text" is Atom's default (RFC 4287 3.1)
        _sub(entry, "id", item.id)
        _sub(entry, "link", rel="alternate", type="text/html", href=item.link)
        if item.related and item.related != item.link:
            _sub(entry, "link", rel="related", type="text/html", href=item.related)
        _sub(entry, "published", _iso(item.date))
        _sub(entry, "updated", _iso(item.date))
        for name in item.authors:
            _sub(_sub(entry, "author"), "name", name)
        for category in item.categories:
            _sub(entry, "category", term=flat_text(category))
        if item.summary:
            _sub(entry, "summary", item.summary)
        if item.content_html:
            content = _sub(entry, "content", type="html")
            content.text = _XML_BAD.sub("", item.content_html)
    return serialize(feed, pretty, info.stylesheet)


def rss_feed(info: FeedInfo, items: Sequence[FeedItem], *, pretty: bool = True) -> bytes:
    """An RSS 2.0 document; ``guid`` carries the same stable id as the Atom entry."""
    ET.register_namespace("atom", ATOM_NS)
    ET.register_namespace("dc", DC_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home_url or info.id)
    _sub(channel, "description", info.description or info.title)
    if info.self_url:
        _sub(channel, f"{{{ATOM_NS}}}link", rel="self", type="application/rss+xml",
             href=info.self_url)
    newest = max((i.date for i in items), default="1970-01-01")
    _sub(channel, "lastBuildDate", _rfc822(newest))
    _sub(channel, "generator", "dailypapers")
    for item in items:
        node = _sub(channel, "item")
        _sub(node, "title", item.title)
        _sub(node, "link", item.link)
        _sub(node, "guid", item.id, isPermaLink="false")
        _sub(node, "pubDate", _rfc822(item.date))
        for name in item.authors:
            _sub(node, f"{{{DC_NS}}}creator", name)
        for category in item.categories:
            _sub(node, "category", category)
        if item.content_html:
            # Already HTML with every text escaped (etree escapes it again for XML).
            _sub(node, "description").text = _XML_BAD.sub("", item.content_html)
        elif item.summary:
            # Readers treat an RSS description as HTML: escape the text for HTML first, so
            # "<script>" in a summary arrives as text (etree then escapes it again for XML).
            _sub(node, "description", html.escape(flat_text(item.summary), quote=False))
    return serialize(rss, pretty, info.stylesheet)


__all__ = ["FeedInfo", "FeedItem", "atom_feed", "entry_html", "rss_feed"]
