"""Source ``arxiv``: paper metadata from the arXiv export API (Atom), by id list or by query.

``GET {arxiv_api_url}?id_list=a,b,c&max_results=N`` for ids (chunked: :attr:`ArxivSource.
chunk_size` ids a request), or ``search_query=(<q>) AND submittedDate:[day]`` paged for a
category list (``input="query:cat:cs.CL"``). arXiv asks for one request every 3 s on one
connection: requests go through one client and a :class:`~dailypapers.http.Pacer` set by
``Settings.arxiv_delay`` (3 s by default; tests set 0).

:func:`read_feed` is pure. It parses with expat directly and refuses any DTD or entity
declaration (the defusedxml rules: no billion laughs, no external entities), reads the current
(2026) and legacy (2016-2020) formats, and returns arXiv's error entries (``<id>`` containing
``/api/errors#``) separately from papers; :func:`parse_feed` raises SourceError on them.
arXiv silently drops ids it does not know (a 2-id request can return 1 entry, and a well-
formed unknown id returns an empty feed): :meth:`ArxivSource.fetch` reports every requested
id that did not come back in ``DayList.skipped``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn
from xml.etree import ElementTree as ET
from xml.parsers import expat

import httpx2 as httpx

from ..config import Settings
from ..errors import ConfigError, SourceError, empty_day
from ..http import Pacer
from ..models import DayEntry, DayList, Paper, split_arxiv_id
from .base import Source, check_date, looks_like_html, utc_now
from .validate import Limits, text

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ERROR_ID_MARK = "/api/errors"
QUERY_PREFIX = "query:"


# --- safe XML


class _UnsafeXML(ValueError):
    """The document declares a DTD or entities; we never expand those."""


def _refuse(*_: Any) -> NoReturn:
    raise _UnsafeXML("DTDs and entity declarations are refused")


def _qname(name: str) -> str:
    # expat with namespace_separator=" " reports "uri local"; ElementTree spells "{uri}local".
    uri, sep, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if sep else name


def parse_xml(data: bytes) -> ET.Element:
    """Parse ``data`` into an ElementTree element, refusing DTDs and entity declarations.

    Raises SourceError for malformed or unsafe XML.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attrs: builder.start(
        _qname(name), {_qname(k): v for k, v in attrs.items()})
    parser.EndElementHandler = lambda name: builder.end(_qname(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(data, True)
        return builder.close()
    except _UnsafeXML as exc:
        raise SourceError(f"arXiv API: refused the answer: {exc}",
                          hint="check DAILYPAPERS_ARXIV_API_URL") from exc
    except expat.ExpatError as exc:
        raise SourceError(
            f"arXiv API: the answer is not well-formed XML ({len(data)} bytes; {exc})",
            hint="the answer was probably cut off; nothing was kept from it, run again",
        ) from exc


# --- the feed


@dataclass
class Feed:
    """What one export-API answer holds."""

    papers: list[Paper] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # arXiv's own error messages
    total_results: int | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)  # unreadable entries


def read_feed(xml_bytes: bytes) -> Feed:
    """Everything in one Atom answer: papers, arXiv error entries, totalResults.

    An entry without a usable id or title lands in ``skipped`` (1-based entry position).
    Raises SourceError if the document is not (safe, well-formed) Atom.
    """
    root = parse_xml(xml_bytes)
    if root.tag != f"{ATOM}feed":
        raise SourceError(
            f"arXiv API: expected an Atom <feed>, got <{root.tag}>",
            hint="check DAILYPAPERS_ARXIV_API_URL (it should end in /api/query)",
        )
    feed = Feed()
    total = root.findtext(f"{OPENSEARCH}totalResults")
    if total and total.strip().isdigit():
        feed.total_results = int(total)
    for position, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
        raw_id = _text(entry, f"{ATOM}id")
        if ERROR_ID_MARK in raw_id:
            feed.errors.append(_text(entry, f"{ATOM}summary") or raw_id.rpartition("#")[2])
            continue
        try:
            feed.papers.append(parse_entry(entry))
        except ValueError as exc:
            feed.skipped.append((position, str(exc)))
    return feed


def parse_feed(xml_bytes: bytes) -> list[Paper]:
    """The papers of one Atom answer; raises SourceError if arXiv reported an error in it."""
    feed = read_feed(xml_bytes)
    if feed.errors:
        raise SourceError(f"arXiv API error: {'; '.join(feed.errors)}",
                          hint="check the arXiv ids or the query")
    return feed.papers


# Bounds of every text an entry may carry (the defaults of the settings of the same names).
LIMITS = Limits()


def parse_entry(entry: ET.Element) -> Paper:
    """One ``<entry>`` -> Paper. Raises ValueError when it has no arXiv id or no title."""
    raw_id = _text(entry, f"{ATOM}id")
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise ValueError(f"entry id {raw_id[:60]!r} is not an arXiv id") from exc
    title = _text(entry, f"{ATOM}title", LIMITS.title)
    if not title:
        raise ValueError(f"{arxiv_id}: no title")
    authors: list[str] = []
    affiliations: dict[str, list[str]] = {}
    for author in entry.findall(f"{ATOM}author")[: LIMITS.authors]:
        name = _text(author, f"{ATOM}name", LIMITS.author)
        if not name:
            continue
        authors.append(name)
        affs = [text(a.text, LIMITS.author) for a in author.findall(f"{ARXIV}affiliation")[:20]]
        if any(affs):
            affiliations[name] = [a for a in affs if a]
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    for cat in entry.findall(f"{ATOM}category"):
        term = cat.get("term", "")
        if term and term not in categories:
            categories.append(term)
    extra: dict[str, Any] = {}
    for key, tag in (("comment", f"{ARXIV}comment"), ("journal_ref", f"{ARXIV}journal_ref"),
                     ("doi", f"{ARXIV}doi"), ("updated", f"{ATOM}updated")):
        value = _text(entry, tag)
        if value:
            extra[key] = value
    if affiliations:
        extra["affiliations"] = affiliations
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=_text(entry, f"{ATOM}summary", LIMITS.abstract),
        authors=authors,
        published=_text(entry, f"{ATOM}published") or None,
        categories=[c for c in categories if c],
        extra=extra,
    )


def _text(element: ET.Element, tag: str, limit: int = 1_000) -> str:
    return text(element.findtext(tag), limit)


# --- id lists


@dataclass
class IdList:
    """Requested ids in order: ``requested`` keeps a version if one was given."""

    ids: list[str] = field(default_factory=list)  # versionless, unique, in input order
    requested: dict[str, str] = field(default_factory=dict)  # versionless -> as requested
    positions: dict[str, int] = field(default_factory=dict)  # versionless -> input position
    bad: list[tuple[int, str]] = field(default_factory=list)


_SPLIT_RE = re.compile(r"[\s,;]+")


def parse_ids(text: str) -> IdList:
    """Ids from free text: separated by commas, spaces or newlines; ``#`` starts a comment.

    Accepts ``2501.08313``, ``2501.08313v2``, ``arXiv:2501.08313``, abs/pdf/HF URLs and
    old-style ``hep-th/9901001``. Duplicates keep their first place; bad tokens go to ``bad``.
    """
    result = IdList()
    position = 0
    for line in text.splitlines():
        for token in _SPLIT_RE.split(line.split("#", 1)[0]):
            if not token:
                continue
            position += 1
            try:
                arxiv_id, version = split_arxiv_id(token)
            except ValueError:
                result.bad.append((position, f"{token[:60]!r} is not an arXiv id"))
                continue
            if arxiv_id in result.requested:
                continue
            result.ids.append(arxiv_id)
            result.requested[arxiv_id] = f"{arxiv_id}v{version}" if version else arxiv_id
            result.positions[arxiv_id] = position
    return result


def read_id_input(value: str) -> IdList:
    """``value`` is a path to a file of ids, or the ids themselves."""
    path = Path(value).expanduser()
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"cannot read the id file {path}: {exc}") from exc
        ids = parse_ids(text)
        if not ids.ids:
            raise SourceError(f"no arXiv ids in {path}",
                              hint="one id per line (e.g. 2501.08313), # for comments")
        return ids
    ids = parse_ids(value)
    if not ids.ids:
        if re.search(r"(^[.~/])|\.(txt|csv|lst|ids)$", value.strip()):
            raise SourceError(f"no such id file: {value}")
        raise SourceError(f"no arXiv ids in {value[:80]!r}",
                          hint="give ids like 2501.08313 (comma- or space-separated) or a file")
    return ids


# --- the source


class ArxivSource(Source):
    """Metadata for a list of arXiv ids, or a day's submissions matching a query."""

    id = "arxiv"
    # Ids per id_list request: keeps URLs short and one bad answer cheap.
    chunk_size: ClassVar[int] = 50
    # Entries per page in query mode; arXiv serves up to 2000 but is slow on big pages.
    page_size: ClassVar[int] = 200
    # A day of one category is hundreds of papers; this bounds a runaway query.
    max_pages: ClassVar[int] = 25

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.Client | None = None,
        input: str | None = None,
    ) -> None:
        super().__init__(settings, client=client, input=input)
        self.pacer = Pacer(settings.arxiv_delay)

    def fetch(self, date: str) -> DayList:
        check_date(date)
        if not self.input or not self.input.strip():
            raise ConfigError(
                f"the {self.id} source needs a list of arXiv ids"
                + (" or a query" if self.id == "arxiv" else ""),
                hint="give ids as the input (--input \"2501.08313 2501.08225\") or a file with "
                "one id per line"
                + (", or query:cat:cs.CL" if self.id == "arxiv" else ""),
            )
        text = self.input.strip()
        if text.startswith(QUERY_PREFIX):
            if self.id != "arxiv":
                raise ConfigError(f"the {self.id} source takes ids, not a query",
                                  hint="use the arxiv source for query:...")
            return self.fetch_query(text[len(QUERY_PREFIX):].strip(), date)
        return self.fetch_ids(read_id_input(text), date)

    def fetch_ids(self, ids: IdList, date: str) -> DayList:
        """The papers for ``ids`` in their order; ids arXiv does not know go to ``skipped``."""
        found = self.lookup(ids.ids, requested=ids.requested)
        day = DayList(date=date, source=self.id, fetched_at=utc_now(), skipped=list(ids.bad))
        for arxiv_id in ids.ids:
            paper = found.get(arxiv_id)
            if paper is None:
                day.skipped.append((ids.positions[arxiv_id],
                                    f"arXiv returned no entry for {ids.requested[arxiv_id]} "
                                    "(unknown or withdrawn id?)"))
                continue
            day.entries.append(DayEntry(paper=paper, rank=len(day.entries) + 1))
        day.skipped.sort()
        if not day.entries:
            raise SourceError(
                f"arXiv knows none of the {len(ids.ids)} requested id(s): "
                f"{', '.join(ids.requested[i] for i in ids.ids[:5])}",
                hint="check the ids on https://arxiv.org/abs/<id>",
            )
        return day

    def lookup(
        self, ids: list[str], *, requested: dict[str, str] | None = None
    ) -> dict[str, Paper]:
        """Metadata by versionless id for ``ids`` (chunked requests); unknown ids are absent."""
        requested = requested or {}
        found: dict[str, Paper] = {}
        for start in range(0, len(ids), self.chunk_size):
            chunk = [requested.get(i, i) for i in ids[start:start + self.chunk_size]]
            feed = self._query(
                f"arXiv metadata for {len(chunk)} id(s) ({chunk[0]}...)",
                {"id_list": ",".join(chunk), "start": 0, "max_results": len(chunk)},
            )
            for paper in feed.papers:
                found.setdefault(paper.arxiv_id, paper)
        return found

    def fetch_query(self, query: str, date: str) -> DayList:
        """Submissions of ``date`` (UTC, first version) matching an arXiv ``search_query``."""
        if not query:
            raise ConfigError("empty arXiv query", hint="e.g. query:cat:cs.CL")
        day_code = dt.date.fromisoformat(date).strftime("%Y%m%d")
        search = f"({query}) AND submittedDate:[{day_code}0000 TO {day_code}2359]"
        day = self.fetch_search(search, date, label=f"arXiv query {query!r}")
        if not day.entries:
            raise empty_day(date, f"no submissions matched {query!r}", source=self.id,
                           hint="arXiv has no submissions on weekends; check the query")
        return day

    def fetch_search(self, search: str, date: str, *, label: str) -> DayList:
        """Every paper matching a full ``search_query``, paged, oldest submission first.

        ``label`` names the search in messages. An empty result is an empty list here; the
        caller decides whether that is an empty day.
        """
        day = DayList(date=date, source=self.id, fetched_at=utc_now())
        seen: set[str] = set()
        start = 0
        for _ in range(self.max_pages):
            params = {"search_query": search, "start": start, "max_results": self.page_size,
                      "sortBy": "submittedDate", "sortOrder": "ascending"}
            what = f"{label} for {date} (from {start})"
            feed = self._query(what, params)
            total = feed.total_results or 0
            if not feed.papers and start < total:
                # arXiv sometimes answers an empty page in the middle of a result set.
                feed = self._query(what + " again", params)
                if not feed.papers:
                    raise SourceError(
                        f"{what}: arXiv returned an empty page at {start} of {total}; "
                        "refusing a partial list",
                        hint="a known arXiv API hiccup; run again in a minute",
                    )
            for paper in feed.papers:
                if paper.arxiv_id not in seen:
                    seen.add(paper.arxiv_id)
                    day.entries.append(DayEntry(paper=paper, rank=len(day.entries) + 1))
            day.skipped.extend((start + pos, why) for pos, why in feed.skipped)
            start += len(feed.papers) + len(feed.skipped)
            if not feed.papers or start >= total:
                break
        else:
            log.warning("%s for %s: stopped after %d pages", label, date, self.max_pages)
        return day

    def _query(self, what: str, params: dict[str, Any]) -> Feed:
        url = self.settings.arxiv_api_url
        response = self._get(what, url, params=params, pacer=self.pacer,
                             hint=f"the API is {url} (DAILYPAPERS_ARXIV_API_URL)")
        if looks_like_html(response):
            raise SourceError(
                f"{what}: got an HTML page instead of Atom (HTTP {response.status_code})",
                hint="check DAILYPAPERS_ARXIV_API_URL; arXiv may be in maintenance",
            )
        if response.status_code == 200 or response.content.lstrip().startswith(b"<?xml"):
            feed = read_feed(response.content)
            if feed.errors:
                raise SourceError(f"{what}: arXiv API error: {'; '.join(feed.errors)}",
                                  hint="check the ids or the query syntax")
            if response.status_code == 200:
                return feed
        raise SourceError(
            f"{what}: HTTP {response.status_code} {response.reason_phrase}".rstrip(),
            hint="arXiv is busy or down; try again later"
            if response.status_code >= 500 or response.status_code == 429
            else "unexpected answer from the arXiv API",
        )
