"""Source ``hf-daily``: the Hugging Face Daily Papers list through its JSON API.

``GET {hf_url}/api/daily_papers?date=YYYY-MM-DD&limit=N&p=K``, paged until a short page,
with the shared retry policy (Retry-After/RateLimit honoured on 429 and 5xx) and an optional
``HF_TOKEN`` sent as a Bearer token (never logged, never in a message).

:func:`parse_daily` is pure and reads every schema generation seen from 2024-05 to 2025-12
(``mediaUrl`` -> ``mediaUrls``/``thumbnail``, later ``ai_summary``, ``ai_keywords``,
``githubRepo``, ``githubStars``, ``organization``). The paper object (``item["paper"]``) is
preferred over the submission's copy of the same field: its title is arXiv's, while the
submission title is sometimes edited (``$\\text{Transformer}^2$``). Authors are the paper's
real author names (``authors[].name``), never the HF accounts that claimed them; ``hidden``
authors are left out. Fields we do not model are kept verbatim in ``Paper.extra``.

An empty day raises :class:`~dailypapers.errors.EmptyDayError`
carrying the date and a reason: HF answers ``[]`` for weekends, holidays and days not yet
filled, and that must never be published as a normal day.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx2 as httpx

from ..errors import SourceError, empty_day
from ..models import DayEntry, DayList, Paper, split_arxiv_id
from ..safety import check_json_depth
from ..secrets import optional_key
from .base import (
    Source,
    check_date,
    is_future,
    looks_like_html,
    normalize_ws,
    status_message,
    utc_now,
)
from .validate import Limits, _BadValue, bounded_int, keywords, link, small_extra, text

log = logging.getLogger(__name__)

SOURCE_ID = "hf-daily"
# A server that ignores ``p`` would page forever: ``Settings.hf_max_pages`` bounds the pages,
# and a list cut there is reported (a skipped entry), not silently shortened.
# HF serves at most 100 items a page. Asking for more would make a capped full page look
# "short" and silently end the day early, so larger settings are clamped.
MAX_PAGE_SIZE = 100

# Fields mapped onto Paper (or deliberately dropped); everything else goes to Paper.extra.
_PAPER_KNOWN = frozenset({
    "id", "title", "summary", "authors", "publishedAt", "upvotes", "githubRepo",
    "githubStars", "projectPage", "organization", "ai_keywords", "ai_summary",
    "submittedOnDailyBy",
})
_ITEM_KNOWN = frozenset({
    "paper", "title", "summary", "publishedAt", "numComments", "thumbnail", "mediaUrl",
    "submittedBy", "organization",
})


class _MalformedItem(ValueError):
    """One list item cannot be read as a paper."""


def parse_daily(payload: Any, *, date: str, limits: Limits | None = None) -> DayList:
    """A DayList from one ``/api/daily_papers`` answer (or several pages concatenated).

    Ranks are 1.. in the API's order over the items that parsed. Malformed items land in
    ``skipped`` as (1-based position in the answer, reason); a repeated paper (pages shifted
    between requests) keeps its first place. Raises SourceError if ``payload`` is not a list.
    Returns an empty DayList for ``[]``; :class:`HFDailySource` turns that into an EmptyDayError.
    """
    if not isinstance(payload, list):
        detail = ""
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            detail = f": {normalize_ws(payload['error'])[:200]}"
        raise SourceError(
            f"HF daily papers for {date}: expected a JSON list, got "
            f"{type(payload).__name__}{detail}",
            hint="is DAILYPAPERS_HF_URL pointing at huggingface.co (or a mirror of its API)?",
        )
    day = DayList(date=date, source=SOURCE_ID)
    seen: set[str] = set()
    for position, item in enumerate(payload, start=1):
        dropped: list[str] = []
        try:
            paper, upvotes = parse_item(item, limits, dropped)
        except _MalformedItem as exc:
            log.warning("HF daily %s: skipping item %d: %s", date, position, exc)
            day.skipped.append((position, str(exc)))
            continue
        if paper.arxiv_id in seen:
            log.info("HF daily %s: %s listed twice; keeping its first place", date, paper.arxiv_id)
            continue
        seen.add(paper.arxiv_id)
        for note in dropped:
            log.warning("HF daily %s: item %d (%s): %s", date, position, paper.arxiv_id, note)
            day.skipped.append((position, f"{paper.arxiv_id}: {note}"))
        day.entries.append(DayEntry(paper=paper, rank=len(day.entries) + 1, upvotes=upvotes))
    return day


def check_day(day: DayList, items: list[Any], *, source: str, what: str) -> None:
    """Raise EmptyDayError for an empty answer, SourceError when no item at all could be read."""
    if not items:
        raise empty_day(
            day.date,
            "weekend/holiday or not yet filled",
            source=source,
            hint="HF fills a day's list during that day (UTC); try again later or pick "
            "another date",
        )
    if not day.entries:
        raise SourceError(
            f"{what}: none of the {len(items)} items could be read "
            f"(first problem: {day.skipped[0][1]})",
            hint="the API schema may have changed; please report this with the date",
        )


def parse_item(
    item: Any, limits: Limits | None = None, dropped: list[str] | None = None
) -> tuple[Paper, int | None]:
    """One daily_papers item -> (Paper, upvotes). Raises _MalformedItem.

    Texts are cleaned and cut to ``limits``; a link that is not a plain http(s) URL is left
    out and named in ``dropped``; an integer beyond SQLite's range makes the item malformed.
    """
    limits = limits or Limits()
    dropped = dropped if dropped is not None else []
    if not isinstance(item, dict):
        raise _MalformedItem(f"item is a {type(item).__name__}, not an object")
    paper = item.get("paper")
    if not isinstance(paper, dict):
        raise _MalformedItem("item has no 'paper' object")
    raw_id = paper.get("id")
    if not isinstance(raw_id, str) or len(raw_id) > 100:
        raise _MalformedItem("paper has no id")
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise _MalformedItem(f"paper id {raw_id[:40]!r} is not an arXiv id") from exc
    title = _text(paper.get("title"), limits.title) or _text(item.get("title"), limits.title)
    if not title:
        raise _MalformedItem(f"{arxiv_id}: no title")
    authors_raw = paper.get("authors", [])
    if not isinstance(authors_raw, list):
        raise _MalformedItem(f"{arxiv_id}: 'authors' is not a list")

    try:
        upvotes = bounded_int(paper.get("upvotes"), "upvotes")
        num_comments = bounded_int(item.get("numComments"), "numComments")
        stars = bounded_int(paper.get("githubStars"), "githubStars")
    except _BadValue as exc:
        raise _MalformedItem(f"{arxiv_id}: {exc}") from exc
    org = paper.get("organization") or item.get("organization")
    submitter = paper.get("submittedOnDailyBy") or item.get("submittedBy")
    extra: dict[str, Any] = {k: v for k, v in paper.items() if k not in _PAPER_KNOWN}
    for key, value in item.items():
        if key not in _ITEM_KNOWN and key not in extra:
            extra[key] = value
    extra = small_extra(extra)
    if isinstance(org, dict) and isinstance(org.get("name"), str):
        extra["organization_id"] = _text(org["name"], 100)  # huggingface.co/<name>

    result = Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=(_text(paper.get("summary"), limits.abstract)
                  or _text(item.get("summary"), limits.abstract)),
        authors=_authors(authors_raw, limits),
        published=_str(paper.get("publishedAt")) or _str(item.get("publishedAt")),
        upvotes=upvotes,
        num_comments=num_comments,
        github_repo=link(paper.get("githubRepo"), "githubRepo", limits, dropped),
        github_stars=stars,
        project_page=link(paper.get("projectPage"), "projectPage", limits, dropped),
        organization=_org_name(org),
        ai_keywords=keywords(paper.get("ai_keywords")),
        ai_summary=_text(paper.get("ai_summary"), limits.abstract) or None,
        submitter=_user_handle(submitter),
        thumbnail=link(item.get("thumbnail") or item.get("mediaUrl"), "thumbnail", limits,
                       dropped),
        extra=extra,
    )
    return result, upvotes


def _authors(raw: list[Any], limits: Limits) -> list[str]:
    names: list[str] = []
    for author in raw:
        if len(names) >= limits.authors:
            break
        if not isinstance(author, dict) or author.get("hidden") is True:
            continue
        name = _text(author.get("name"), limits.author)
        if name:
            names.append(name)
    return names


def _text(value: Any, limit: int = 300) -> str:
    return text(value, limit)


def _str(value: Any) -> str | None:
    return _text(value, 100) or None


def _org_name(org: Any) -> str | None:
    if isinstance(org, str):
        return _text(org) or None
    if isinstance(org, dict):
        return _text(org.get("fullname")) or _text(org.get("name")) or None
    return None


def _user_handle(user: Any) -> str | None:
    # submittedBy carries the handle as "name"; submittedOnDailyBy as "user".
    if not isinstance(user, dict):
        return None
    for key in ("user", "name"):
        if isinstance(user.get(key), str) and user[key].strip():
            return str(user[key]).strip()
    return None


class HFDailySource(Source):
    """Hugging Face Daily Papers for one date, from the JSON API."""

    id = SOURCE_ID
    optional_key_env = "HF_TOKEN"  # raises rate limits; never required

    def fetch(self, date: str) -> DayList:
        check_date(date)
        url = self.settings.hf_url.rstrip("/") + "/api/daily_papers"
        limit = min(max(1, self.settings.hf_page_size), MAX_PAGE_SIZE)
        headers = {"Accept": "application/json"}
        token = optional_key(self)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        items: list[Any] = []
        seen_ids: set[str] = set()
        cut = False
        for page in range(max(1, self.settings.hf_max_pages)):
            batch = self._page(url, date, limit, page, headers)
            ids = {_item_id(i) for i in batch} - {None}
            if page > 0 and ids and ids <= seen_ids:
                # The server ignored ``p`` and sent the first page again.
                break
            seen_ids.update(i for i in ids if i is not None)
            items.extend(batch)
            if len(batch) < limit:
                break
        else:
            cut = True
        day = parse_daily(items, date=date, limits=Limits.of(self.settings))
        if cut:
            # Said in the run line and status (a skipped entry), never silently dropped.
            note = (f"list cut after {self.settings.hf_max_pages} pages of {limit}: later"
                    " papers not read (raise hf_max_pages)")
            log.warning("HF daily %s: %s", date, note)
            day.skipped.append((len(items) + 1, note))
        day.fetched_at = utc_now()
        check_day(day, items, source=self.id, what=f"HF daily papers for {date}")
        return day

    def _page(
        self, url: str, date: str, limit: int, page: int, headers: dict[str, str]
    ) -> list[Any]:
        what = f"HF daily papers for {date} (page {page + 1})"
        hint = f"the API is {url} (setting DAILYPAPERS_HF_URL)"
        response = self._get(
            what, url, params={"date": date, "limit": limit, "p": page}, headers=headers,
            hint=hint,
        )
        if response.status_code != 200:
            raise SourceError(f"{what}: {status_message(response)}",
                              hint=_status_hint(response, date))
        if looks_like_html(response):
            raise SourceError(
                f"{what}: got an HTML page instead of JSON "
                f"({len(response.content)} bytes, {response.headers.get('content-type', '?')})",
                hint="a login wall, proxy or maintenance page answered; check "
                "DAILYPAPERS_HF_URL and try again later",
            )
        try:
            check_json_depth(response.content, self.settings.json_max_depth)
        except ValueError as exc:
            raise SourceError(f"{what}: {exc}", hint="nothing was kept from this answer; "
                              "is DAILYPAPERS_HF_URL pointing at huggingface.co?") from exc
        try:
            payload = json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise SourceError(
                f"{what}: the answer is not valid JSON ({len(response.content)} bytes; {exc}); "
                "the body was probably cut off",
                hint="nothing was kept from this answer; run again (a network or server hiccup)",
            ) from exc
        if not isinstance(payload, list):
            # parse_daily words the error (and includes HF's own {"error": ...} text).
            parse_daily(payload, date=date)
        return list(payload)


def _item_id(item: Any) -> str | None:
    if isinstance(item, dict) and isinstance(item.get("paper"), dict):
        value = item["paper"].get("id")
        return value if isinstance(value, str) else None
    return None


def _status_hint(response: httpx.Response, date: str) -> str:
    code = response.status_code
    if code == 400 and is_future(date):
        return f"{date} is in the future: HF has no list for it yet"
    if code == 400:
        return "HF refused the request; check the date (HF answers 400 for future dates)"
    if code in (401, 403):
        return "HF refused the token: check or unset HF_TOKEN"
    if code == 404:
        return "no such endpoint: check DAILYPAPERS_HF_URL"
    if code == 429:
        return ("HF is rate limiting; wait a few minutes"
                + ("" if optional_key(HFDailySource) else " or set HF_TOKEN for a higher limit"))
    if code >= 500:
        return "HF is having trouble; try again later"
    return "unexpected answer from HF"
