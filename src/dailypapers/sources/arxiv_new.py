"""Source ``arxiv-new``: a day's arXiv announcements for a set of categories.

Today's list comes from arXiv's official announcement feeds, one Atom feed per category
(``{arxiv_rss_url}/atom/<cat>``), each entry tagged ``new``, ``cross``, ``replace`` or
``replace-cross``. New submissions come first, then cross-lists; replacements only with
``arxiv_replacements`` on. A paper announced in two of the categories is listed once (its
best announce type wins). Requests share one :class:`~dailypapers.http.Pacer`
(``arxiv_delay``, 3 s by default), as arXiv asks.

A feed only ever shows the latest announcement. A past date (one a feed has moved past) is
rebuilt from the export API by the announcement cycle's submission window: papers first
submitted between 14:00 US Eastern on the business day before the previous mailing and 14:00
on the business day of the mailing. That is **approximate**: holidays shift arXiv's schedule,
papers held for moderation are announced later, and the API cannot tell replacements, so a
past date lists new submissions and cross-lists only (cross-lists are papers whose primary
category is not one of the requested ones). Entries made that way carry
``extra["announce_source"] = "api-window"``.

rss.arxiv.org can serve a stale feed for one category while the others are current; such a
category is also taken from the API window, with a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import ClassVar
from xml.etree import ElementTree as ET

import httpx2 as httpx

from ..config import Settings
from ..errors import ConfigError, SourceError, empty_day
from ..http import Pacer
from ..models import DayEntry, DayList, Paper, split_arxiv_id
from .arxiv import ARXIV, ATOM, ArxivSource, parse_xml
from .base import Source, check_date, is_future, looks_like_html, normalize_ws, utc_now

log = logging.getLogger(__name__)

DC = "{http://purl.org/dc/elements/1.1/}"
# Best first: a paper new in one category and cross-listed in another is "new".
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
_CATEGORY_RE = re.compile(r"^[a-z][a-z\-]*(\.[A-Za-z\-]+)?$")
_SUMMARY_HEAD_RE = re.compile(
    r"^\s*arXiv:\S+\s+Announce Type:\s*[\w\-]+\s*(Abstract:\s*)?", re.IGNORECASE)
# Days a feed may still show for "today" before the date counts as past (time zones).
_FEED_DAYS = 3


# --------------------------------------------------------------------------- LaTeX names

_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
            "H": "\u030b", "r": "\u030a", "k": "\u0328"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "aa": "å", "AA": "Å",
            "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "i": "ı"}
_ACCENT_RE = re.compile(r"\{?\\([`'^\"~=.]|[cvuHrk](?=[{\s]))\s*\{?\\?([A-Za-z])\}?\}?")
_LETTER_RE = re.compile(r"\{?\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i)(?![A-Za-z])\}?")


def unlatex(text: str) -> str:
    """``Andr\\'e`` -> ``André``, ``Pi\\v{z}urica`` -> ``Pižurica``, ``Kra{\\ss}`` -> ``Kraß``."""
    if "\\" not in text:
        return text
    text = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], text)
    text = _ACCENT_RE.sub(lambda m: m.group(2) + _ACCENTS[m.group(1)], text)
    text = text.replace("ı\u0301", "í").replace("ı\u0308", "ï")
    return unicodedata.normalize("NFC", text).replace("{", "").replace("}", "")


def split_creators(text: str) -> list[str]:
    """``dc:creator`` is one comma-joined string (sometimes with a final ``and``)."""
    names = []
    for part in re.split(r",\s*|\s+and\s+", unlatex(normalize_ws(text))):
        if part.strip():
            names.append(part.strip())
    return names


# --------------------------------------------------------------------------- the feed


@dataclass
class Announcement:
    """One category's feed: the announcement date it shows and its entries."""

    category: str
    date: str | None  # None: the feed has no entries (weekend, holiday)
    entries: list[tuple[str, Paper]] = field(default_factory=list)  # (announce type, paper)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def read_announcements(xml_bytes: bytes, category: str) -> Announcement:
    """Parse one rss.arxiv.org Atom feed; an unusable entry is skipped with its reason.

    Raises SourceError when the document is not (safe, well-formed) Atom.
    """
    root = parse_xml(xml_bytes)
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"arXiv feed {category}: expected an Atom <feed>, got <{root.tag}>",
                          hint="check DAILYPAPERS_ARXIV_RSS_URL (https://rss.arxiv.org)")
    result = Announcement(category=category, date=None)
    dates: dict[str, int] = {}
    for position, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
        try:
            kind, paper, day = parse_announcement(entry)
        except ValueError as exc:
            result.skipped.append((position, f"{category}: {exc}"))
            log.warning("arXiv feed %s: entry %d skipped: %s", category, position, exc)
            continue
        result.entries.append((kind, paper))
        if day:
            dates[day] = dates.get(day, 0) + 1
    if dates:
        result.date = max(dates.items(), key=lambda kv: kv[1])[0]
    return result


def parse_announcement(entry: ET.Element) -> tuple[str, Paper, str | None]:
    """One feed ``<entry>`` -> (announce type, Paper, announcement date). ValueError if unusable."""
    raw_id = normalize_ws(entry.findtext(f"{ATOM}id") or "")
    raw_id = re.sub(r"^oai:arXiv\.org:", "", raw_id, flags=re.IGNORECASE)
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise ValueError(f"entry id {raw_id[:60]!r} is not an arXiv id") from exc
    title = normalize_ws(entry.findtext(f"{ATOM}title") or "")
    if not title:
        raise ValueError(f"{arxiv_id}: no title")
    kind = normalize_ws(entry.findtext(f"{ARXIV}announce_type") or "").lower()
    summary = entry.findtext(f"{ATOM}summary") or ""
    if not kind:
        match = re.search(r"Announce Type:\s*([\w\-]+)", summary)
        kind = match.group(1).lower() if match else ""
    if kind not in ANNOUNCE_TYPES:
        raise ValueError(f"{arxiv_id}: unknown announce type {kind!r}")
    abstract = normalize_ws(_SUMMARY_HEAD_RE.sub("", summary, count=1))
    published = normalize_ws(entry.findtext(f"{ATOM}published") or "")
    day = published[:10] if re.match(r"\d{4}-\d{2}-\d{2}", published) else None
    categories = [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
    authors: list[str] = []
    for creator in entry.findall(f"{DC}creator"):
        authors.extend(split_creators(creator.text or ""))
    extra: dict[str, str] = {"announce_type": kind}
    if day:
        extra["announced"] = day
    rights = normalize_ws(entry.findtext(f"{DC}rights") or "")
    if rights:
        extra["license"] = rights
    for tag in ("DOI", "doi", "journal_reference", "journal_ref"):
        value = normalize_ws(entry.findtext(f"{ARXIV}{tag}") or "")
        if value:
            extra["doi" if tag.lower() == "doi" else "journal_ref"] = value
    paper = Paper(
        arxiv_id=arxiv_id, version=version, title=title, abstract=abstract, authors=authors,
        published=published if kind in ("new", "cross") and published else None,
        categories=[c for c in categories if c], extra=extra,
    )
    return kind, paper, day


# --------------------------------------------------------------------------- the window


def _eastern() -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/New_York")
    except Exception:  # no tz database: standard time is close enough for an approximation
        return dt.timezone(dt.timedelta(hours=-5), "EST")


def _weekday_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def submission_window(announced: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC submission window whose papers a feed dated ``announced`` lists (approximate).

    A feed dated D shows the mailing of the evening before (20:00 ET): the papers submitted
    from 14:00 ET on the business day before the last deadline to 14:00 ET on the deadline
    day (Friday's deadline for Sunday evening's mailing, so for Monday's feed). Raises
    ValueError for Saturdays and Sundays, which have no announcement.
    """
    day = dt.date.fromisoformat(announced)
    if day.weekday() >= 5:
        raise ValueError(f"{announced} is a weekend day: arXiv announces nothing")
    mailing = day - dt.timedelta(days=1)
    end_day = mailing if mailing.weekday() < 5 else _weekday_before(mailing)
    start_day = _weekday_before(end_day)
    zone = _eastern()
    start = dt.datetime.combine(start_day, dt.time(14, 0), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(end_day, dt.time(14, 0), zone).astimezone(dt.UTC)
    return start, end


# --------------------------------------------------------------------------- the source


def utc_today() -> dt.date:
    """Today in UTC (tests replace it to replay a recorded day as today)."""
    return dt.datetime.now(dt.UTC).date()


def parse_categories(text: str) -> list[str]:
    cats: list[str] = []
    for token in re.split(r"[\s,;+]+", text.strip()):
        if not token:
            continue
        if not _CATEGORY_RE.match(token):
            raise ConfigError(f"not an arXiv category: {token!r}",
                              hint="give categories like cs.CL,cs.LG")
        if token not in cats:
            cats.append(token)
    return cats


class ArxivNewSource(Source):
    """A day's announcements (new, cross-lists, optionally replacements) for categories."""

    id = "arxiv-new"
    # Entries of one category feed; a huge answer is refused rather than half-read.
    max_feed_bytes: ClassVar[int] = 50_000_000

    def __init__(
        self, settings: Settings, *, client: httpx.Client | None = None,
        input: str | None = None,
    ) -> None:
        super().__init__(settings, client=client, input=input)
        self.pacer = Pacer(settings.arxiv_delay)

    def categories(self) -> list[str]:
        cats = parse_categories(self.input) if self.input and self.input.strip() else (
            parse_categories(",".join(self.settings.arxiv_categories)))
        if not cats:
            raise ConfigError(
                "the arxiv-new source needs arXiv categories",
                hint="--input cs.CL,cs.LG, or arxiv_categories = [\"cs.CL\"] in the [arxiv] "
                "table (categories = [...]) of dailypapers.toml",
            )
        return cats

    def fetch(self, date: str) -> DayList:
        check_date(date)
        cats = self.categories()
        if is_future(date):
            raise empty_day(date, "a future date", source=self.id)
        if dt.date.fromisoformat(date).weekday() >= 5:
            raise empty_day(date, "arXiv announces nothing on weekends", source=self.id)
        recent = dt.date.fromisoformat(date) >= utc_today() - dt.timedelta(days=_FEED_DAYS)
        feeds = [self._feed(cat) for cat in cats] if recent else []
        current = [f for f in feeds if f.date == date]
        if recent and not current:
            newest = max((f.date for f in feeds if f.date), default=None)
            if newest is None or newest < date:
                why = ("no announcement in the feeds (weekend or holiday)" if newest is None
                       else f"not announced yet (the feeds show {newest})")
                raise empty_day(date, why, source=self.id,
                               hint="arXiv announces at 20:00 US Eastern, Sunday to Thursday")
        from_api = [c for c in cats if c not in {f.category for f in current}]
        for feed in feeds:
            if feed.category in from_api and feed.date and feed.date < date and current:
                log.warning("arXiv feed %s is stale (shows %s, others show %s): taking it from "
                            "the API submission window (approximate)", feed.category,
                            feed.date, date)
        day = DayList(date=date, source=self.id, fetched_at=utc_now())
        best: dict[str, tuple[int, Paper]] = {}
        for feed in current:
            day.skipped.extend(feed.skipped)
            for kind, paper in feed.entries:
                self._keep(best, kind, paper)
        if from_api:
            for kind, paper in self._from_api(from_api, date, day):
                self._keep(best, kind, paper)
        ordered = sorted(best.values(), key=lambda kv: kv[0])
        day.entries = [DayEntry(paper=p, rank=n) for n, (_, p) in enumerate(ordered, 1)]
        if not day.entries:
            raise empty_day(date, f"no announcements in {', '.join(cats)}", source=self.id)
        return day

    def _keep(self, best: dict[str, tuple[int, Paper]], kind: str, paper: Paper) -> None:
        if kind.startswith("replace") and not self.settings.arxiv_replacements:
            return
        order = ANNOUNCE_TYPES.index(kind) * 1_000_000 + len(best)
        old = best.get(paper.arxiv_id)
        if old is None or order < old[0]:
            best[paper.arxiv_id] = (order, paper)

    def _feed(self, category: str) -> Announcement:
        url = f"{self.settings.arxiv_rss_url.rstrip('/')}/atom/{category}"
        what = f"arXiv announcements for {category}"
        response = self._get(what, url, pacer=self.pacer,
                             hint=f"the feed is {url} (DAILYPAPERS_ARXIV_RSS_URL)")
        if response.status_code == 404:
            raise ConfigError(f"{what}: no such feed (HTTP 404)",
                              hint="check the category spelling, e.g. cs.CL")
        if response.status_code != 200 or looks_like_html(response):
            raise SourceError(f"{what}: HTTP {response.status_code} "
                              f"{response.reason_phrase or ''}".rstrip(),
                              hint="arXiv may be busy or in maintenance; try again later")
        if len(response.content) > self.max_feed_bytes:
            raise SourceError(f"{what}: answer of {len(response.content):,} bytes refused")
        return read_announcements(response.content, category)

    def _from_api(
        self, cats: list[str], date: str, day: DayList
    ) -> list[tuple[str, Paper]]:
        start, end = submission_window(date)
        stamp = "%Y%m%d%H%M"
        query = " OR ".join(f"cat:{c}" for c in cats)
        search = f"({query}) AND submittedDate:[{start:{stamp}} TO {end:{stamp}}]"
        api = ArxivSource(self.settings, client=self.client)
        api.pacer = self.pacer
        found = api.fetch_search(search, date, label=f"arXiv submissions in {', '.join(cats)}")
        day.skipped.extend(found.skipped)
        wanted = set(cats)
        result = []
        for entry in found.entries:
            paper = entry.paper
            kind = "new" if paper.categories and paper.categories[0] in wanted else "cross"
            paper.extra.update({"announce_type": kind, "announced": date,
                                "announce_source": "api-window"})
            result.append((kind, paper))
        return result
