"""What pages show, computed once per paper or day: entry views, records, JSON, calendar."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from ...config import Settings
from ...models import CheckedItem, DayDigest, DigestEntry
from ...safety import flat_text
from ...store import queries
from ...view import (
    PART_LABELS,
    SOURCE_LABELS,
    VERDICT_WORDS,
    Link,
    paper_view,
    short_authors,
)
from ..feed import FeedItem, entry_html
from ..paths import paper_path
from ..pictures import PaperPicture
from ..tags import canonical
from .context import RECORD_AUTHORS, SNIPPET_CHARS, Context

EVIDENCE_REACH = 70  # characters of evidence shown either side of a checked item

View = SimpleNamespace  # what templates read: attributes


def entry_tags(entry: DigestEntry) -> list[tuple[str, str]]:
    """A paper's tags as (key, label): the summary's keywords first, then Hugging Face's."""
    return canonical([*(entry.summary.keywords if entry.summary else []),
                      *entry.paper.ai_keywords])


def record(arxiv_id: str, title: str, date: str, authors: Sequence[str], gist: str,
           picture: PaperPicture | None = None) -> list[str]:
    """A paper as search results and tag pages list it.

    ``[title, date, page, authors (short), gist, picture, caption, other authors]``, the
    last three "" when there is none (trailing empty ones left out). Search results drop
    the caption; the other authors let a result show the one a search matched.
    """
    gist = flat_text(gist)
    if len(gist) > SNIPPET_CHARS:
        gist = gist[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    names = [n for n in (flat_text(a) for a in authors) if n]
    out = [flat_text(title) or arxiv_id, date, paper_path(arxiv_id),
           short_authors(names, RECORD_AUTHORS), gist,
           picture.path if picture else "", picture.alt if picture else "",
           ", ".join(names[RECORD_AUTHORS:])]
    while len(out) > 5 and out[-1] == "":
        out.pop()
    return out


_WEIGHTS = re.compile(r"^https?://huggingface\.co/(?!papers/|spaces/|datasets/|docs/|blog/)"
                      r"[^/?#]+/[^/?#]+/?$")
_DEMO = re.compile(r"^https?://(huggingface\.co/spaces/|[^/]*\.hf\.space|[^/]*gradio\.live)")


def badges(links: Sequence[Link]) -> list[tuple[str, str]]:
    """(kind, label) badges from the links the sources gave: code, weights, demo."""
    out: list[tuple[str, str]] = []
    urls = [link.url for link in links if link.kind in ("code", "project")]
    if any(link.kind == "code" for link in links):
        out.append(("code", "Code"))
    if any(_WEIGHTS.match(url) for url in urls):
        out.append(("weights", "Weights"))
    if any(_DEMO.match(url) for url in urls):
        out.append(("demo", "Demo"))
    elif any(link.kind == "project" for link in links):
        out.append(("project", "Project page"))
    return out


def picture_view(ctx: Context, arxiv_id: str) -> View | None:
    picture = ctx.pictures.get(arxiv_id)
    if picture is None:
        return None
    return View(src=picture.path, alt=picture.alt, width=picture.width, height=picture.height)


def entry_view(ctx: Context, entry: DigestEntry) -> View:
    """What the day and paper templates show about an entry (from the one paper view).

    Attributes, not a dict: Jinja reads ``x.title`` as an attribute first, and a dict's
    failed attribute lookup cost a fifth of a paper page's render.
    """
    v = paper_view(entry, max_authors=max(1, ctx.settings.max_authors))
    gist = v.one_line if v.has_summary else v.abstract
    tags = entry_tags(entry)
    parts = [(p.label, p.text) for p in v.parts]
    # A part the summarizer left empty is shown as such, unless the summary is one block
    # (the abstract fallback), where four "missing" lines would only be noise.
    if sum(1 for _label, text in parts if text) <= 1:
        parts = [(label, text) for label, text in parts if text]
    return View(**{
        "arxiv_id": v.arxiv_id, "version": v.version, "page": v.page_path, "title": v.title,
        "authors": list(v.authors), "authors_short": v.authors_short, "upvotes": v.upvotes,
        "organization": v.organization,
        "links": [(link.label, link.url) for link in v.links if link.kind != "page"],
        "parts": parts,
        # the day row shows the one line above its collapsed parts: not twice
        "row_parts": parts[1:] if parts and parts[0][1] == gist else parts,
        "verdict": (v.check.tone, v.check.label), "abstract": v.abstract,
        # The badge, from the one check view: the day page links it to the evidence table.
        "check": View(tone=v.check.tone, label=v.check.label, read=v.check.read,
                      failed=list(v.check.failed), note=v.check.note,
                      counted=v.check.counted, href=f"{v.page_path}#check"),
        "from_abstract": v.has_summary and v.summary_source == "abstract",
        "tags": [(label, ctx.tag_url(key)) for key, label in tags],
        "picture": picture_view(ctx, v.arxiv_id),
        "rank": v.rank, "gist": gist, "badges": badges(v.links),
        "evidence": evidence_rows(v.check.items, " ".join(text for _label, text in parts)),
        "by": View(
            backend=v.backend or "unknown", model=v.model,
            source=SOURCE_LABELS.get(v.summary_source or "", v.summary_source),
            fallback_from=v.fallback_from,
        ) if v.has_summary else None,
    })


def evidence_rows(items: Sequence[CheckedItem], summary: str = "") -> list[View]:
    """The number check's table: a row per item, the items the paper states in one sentence
    next to each other, that sentence shown once for them (``rows``: how many rows its cell
    spans; 0 in the rows it covers), around all of them. When the summary already shows
    those words as the paper has them (an extractive summary quotes its sentences), the
    cell says so (``quoted``) instead of a second copy.

    A note replaces the verdict's general explanation in brackets ("not checked (a count
    without its noun)" + "a bare count: ..." would say it twice).
    """
    # by sentence, in the order of each sentence's first item; an item without one alone
    groups: dict[tuple[str, int], list[CheckedItem]] = {}
    for n, item in enumerate(items):
        sentence = flat_text(item.snippet)
        groups.setdefault((sentence, -1) if sentence else ("", n), []).append(item)
    rows: list[View] = []
    summary = " ".join(summary.split())
    for (sentence, _alone), group in groups.items():
        shown = around(sentence, *(flat_text(i.text) for i in group)) if sentence else ""
        quoted = bool(shown) and shown.strip("…") in summary
        for n, i in enumerate(group):
            verdict = VERDICT_WORDS.get(i.status, i.status)
            rows.append(View(
                text=flat_text(i.text), status=i.status,
                verdict=verdict.split(" (")[0] if i.note else verdict,
                kind="name" if i.is_name else "number",
                parts=", ".join(PART_LABELS.get(p, p)
                                for p in i.parts or ([i.part] if i.part else [])),
                snippet="" if quoted else shown, quoted=quoted, rows=0 if n else len(group),
                note=flat_text(i.note)))
    return rows


def around(snippet: str, *items: str, reach: int = EVIDENCE_REACH) -> str:
    """What a paper page shows of an evidence sentence: from ``reach`` characters before the
    first of the items to ``reach`` after the last, cut at spaces, with "…" where text was
    left out; the whole sentence when none of them is found in it as written."""
    found = [(at, at + len(item)) for item in items if item
             for at in (snippet.find(item),) if at >= 0]
    if not found:
        return snippet
    first, last = min(at for at, _end in found), max(end for _at, end in found)
    if len(snippet) <= last - first + 2 * reach + 20:
        return snippet
    start, end = first - reach, last + reach
    head = snippet[:first].rfind(" ", 0, start) + 1 if start > 0 else 0
    tail = snippet.find(" ", end) if end < len(snippet) else -1
    out = snippet[head:tail if tail >= 0 else len(snippet)].strip()
    return ("…" if head > 0 else "") + out + ("…" if tail >= 0 else "")


def day_json(digest: DayDigest) -> str:
    """The day's index: each paper's place and page.

    The full record (metadata, summary, verification) is the working directory's
    ``data/YYYY/MM/DD.json``: committed, not published (issue 17: the site's pages carry
    what readers need, and a second copy of the records would not fit GitHub Pages).
    """
    data = {
        "date": digest.date, "source": digest.source, "fetched_at": digest.fetched_at,
        "entries": [
            {"rank": e.rank, "arxiv_id": e.paper.arxiv_id, "upvotes": e.upvotes,
             "page": paper_path(e.paper.arxiv_id)}
            for e in digest.entries
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def feed_items(ctx: Context) -> list[FeedItem]:
    days = ctx.dates[-max(1, ctx.settings.site_feed_days):]
    items: list[FeedItem] = []
    seen: set[str] = set()
    for digest in sorted(queries.iter_digests(ctx.store, days), key=lambda d: d.date,
                         reverse=True):
        for entry in digest.entries:
            if entry.paper.arxiv_id in seen:  # one entry per paper: its newest day
                continue
            seen.add(entry.paper.arxiv_id)
            items.append(feed_item(entry, digest.date, ctx.settings))
    return items


def feed_item(entry: DigestEntry, date: str, settings: Settings) -> FeedItem:
    """A paper as a feed entry: the one-line summary, the labelled parts, our page and arXiv."""
    v = paper_view(entry, max_authors=0, site_url=settings.site_url)
    parts = [(p.label, p.text) for p in v.present_parts] or [("Abstract", v.abstract)]
    notes = []
    if not v.has_summary:
        notes.append("No summary yet: this is the abstract.")
    if v.check.note:
        notes.append(v.check.note + ".")
    return FeedItem(
        id=f"urn:arxiv:{v.arxiv_id}", title=v.title, link=v.page_url or v.abs_url,
        date=date, summary=v.one_line or v.abstract, authors=list(v.authors),
        categories=[label for _key, label in entry_tags(entry)],
        content_html=entry_html(parts, notes, [(link.label, link.url) for link in v.links]),
        related=v.abs_url,
    )


def archive_calendar(ctx: Context) -> list[dict[str, Any]]:
    """Years (newest first) of months (newest first) of calendar weeks."""
    by_month: dict[tuple[int, int], None] = {}
    for date in reversed(ctx.dates):
        by_month[(int(date[:4]), int(date[5:7]))] = None
    years: dict[int, list[dict[str, Any]]] = {}
    cal = calendar.Calendar(firstweekday=0)
    for year, month in by_month:
        weeks: list[list[dict[str, Any]]] = []
        for week in cal.monthdayscalendar(year, month):
            cells: list[dict[str, Any]] = []
            for day in week:
                date = f"{year:04d}-{month:02d}-{day:02d}" if day else ""
                cells.append({"day": day, "date": date, "count": ctx.counts.get(date, 0)})
            weeks.append(cells)
        total = sum(int(c["count"]) for w in weeks for c in w)
        years.setdefault(year, []).append({
            "name": f"{calendar.month_name[month]} {year}", "weeks": weeks, "total": total,
            "id": f"m{year:04d}-{month:02d}",
        })
    return [{"year": y, "months": m} for y, m in years.items()]
