"""The static website: day, paper, tag, archive and search pages, JSON copies and feeds.

``build_site(store, settings)`` rebuilds ``settings.root / "site"`` from the store alone;
``build_site(..., dates=[...])`` republishes those days incrementally: their pages, their
neighbours, the home page, archive, tag pages of their papers, feeds and the search
segments that hold their papers. Every file is written only when its bytes differ, and
nothing depends on the build time, so an unchanged page is never touched.

Pages link to each other with relative URLs (``root`` is "", "../" or "../../"), so the
site works from any sub-path and from file://. No page loads anything from another host.
Templates are Jinja2 with autoescape; a ``templates/`` folder in the working directory
overrides the built-ins (``templates/site/day.html`` replaces the built-in day page).
Summaries are shown as plain escaped text, never as HTML.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import json
import logging
import multiprocessing
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from ..config import Settings
from ..errors import SiteError
from ..models import DayDigest, DigestEntry, Verification
from ..store import Store, queries
from ..store.site_index import DocRow, SiteIndex
from ..view import SOURCE_LABELS, paper_view, plain, short_authors
from . import paths, site_search
from .feed import FeedInfo, FeedItem, atom_feed, clean_text, entry_html, rss_feed
from .paths import day_json_path, day_path, paper_path, tag_feed_path, tag_path, tag_slug
from .tags import canonical

log = logging.getLogger(__name__)

TAG_PAGE_LIMIT = 100  # papers listed on a tag page (newest first); the rest via search
TAG_FEED_LIMIT = 20
SNIPPET_CHARS = 220
RECORD_AUTHORS = 3  # authors named in a search result or tag page line
SERIAL_BELOW = 2000  # papers; smaller sites build in one process
# Directories build_site owns: a full rebuild removes files in them that it did not write.
MANAGED_DIRS = ("days", "papers", "tags", "search", "static")
STATIC_FILES = ("site.css", "search.js", "favicon.svg")
SITE_INDEX = "site-index.sqlite"  # in settings.cache_path



@dataclass
class SiteReport:
    """What a build did."""

    path: Path
    mode: str  # full | incremental | empty
    days: int = 0  # day pages rendered
    papers: int = 0  # paper pages rendered
    tags: int = 0  # tag pages rendered
    written: int = 0  # files whose bytes changed
    unchanged: int = 0  # files rendered but identical on disk
    removed: int = 0  # stale files deleted (full builds only)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"Site ({self.mode}) in {self.path}: {self.days} day pages, {self.papers} paper "
            f"pages, {self.tags} tag pages; {self.written} files written, {self.unchanged} "
            f"unchanged, {self.removed} removed in {self.seconds:.1f}s"
        )


# ------------------------------------------------------------------ paths and names


def entry_tags(entry: DigestEntry) -> list[tuple[str, str]]:
    """A paper's tags as (key, label): the summary's keywords first, then Hugging Face's."""
    return canonical([*(entry.summary.keywords if entry.summary else []),
                      *entry.paper.ai_keywords])


# ------------------------------------------------------------------ writing


class _Writer:
    """Writes files atomically and only when their bytes differ."""

    def __init__(self, root: Path, fresh: bool = False) -> None:
        self.root = root
        # Nothing on disk yet (first build): no file to compare with or to clean up.
        self.fresh = fresh
        self.written = 0
        self.unchanged = 0
        self.produced: set[str] = set()
        self._dirs: set[Path] = set()

    def write(self, rel: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.produced.add(rel)
        path = self.root / rel
        exists = False
        if not self.fresh:
            try:
                exists = True
                if path.read_bytes() == data:
                    self.unchanged += 1
                    return
            except FileNotFoundError:
                exists = False
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        self.written += 1
        if not exists:
            # A new file: nobody can be reading it yet, so skip the rename (a third of the
            # cost of a first build at 10^5 files).
            path.write_bytes(data)
            return
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def read(self, rel: str) -> str | None:
        try:
            return (self.root / rel).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def remove_stale(self) -> int:
        removed = 0
        if self.fresh:
            return removed
        for name in MANAGED_DIRS:
            top = self.root / name
            if not top.is_dir():
                continue
            for path in sorted(top.rglob("*"), reverse=True):
                rel = path.relative_to(self.root).as_posix()
                if path.is_file() and rel not in self.produced:
                    path.unlink()
                    removed += 1
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        return removed


def make_environment(settings: Settings) -> jinja2.Environment:
    """Jinja2 with autoescape; ``<dir>/templates`` wins over the built-in templates."""
    builtin = Path(str(resources.files("dailypapers.render") / "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(settings.root / "templates")),
            jinja2.FileSystemLoader(str(builtin)),
        ]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        site_title=settings.site_title, paper_path=paper_path, day_path=day_path,
        day_json_path=day_json_path, tag_path=tag_path, tag_feed_path=tag_feed_path,
        paths=paths,
    )
    env.filters["clean"] = clean_text
    return env


# ------------------------------------------------------------------ the build


@dataclass
class TagInfo:
    key: str
    label: str
    slug: str
    count: int


@dataclass
class _Context:
    store: Store
    index: SiteIndex
    settings: Settings
    env: jinja2.Environment
    out: _Writer
    dates: list[str]  # every published day, oldest first
    counts: dict[str, int]
    report: SiteReport
    tags: dict[str, TagInfo] = field(default_factory=dict)  # published tags by key
    all_dates: dict[str, list[str]] = field(default_factory=dict)  # full builds: dates by id
    terms: list[tuple[int, str]] = field(default_factory=list)  # (search id, terms) computed
    doc_of: dict[str, int] = field(default_factory=dict)  # full builds: search id by paper

    def tag_url(self, key: str) -> str | None:
        tag = self.tags.get(key)
        return tag_path(tag.slug) if tag else None

    def render(self, template: str, rel: str, **context: Any) -> None:
        root = paths.root_of(rel)
        try:
            html = self.env.get_template(f"site/{template}").render(
                root=root, tag_url=self.tag_url, **context
            )
        except jinja2.TemplateError as exc:
            raise SiteError(f"template site/{template} failed: {exc}") from exc
        self.out.write(rel, html)

    def absolute(self, rel: str) -> str:
        """``rel``'s URL under ``site_url``, or "" when the site has no public URL."""
        return paths.absolute(self.settings.site_url, rel) or ""

    def load_tags(self) -> None:
        self.tags = {
            t.key: TagInfo(key=t.key, label=t.label, slug=tag_slug(t.key), count=t.count)
            for t in self.index.tag_counts(max(1, self.settings.site_tag_min_papers))
        }


def build_site(
    store: Store, settings: Settings, *, dates: Sequence[str] | None = None
) -> SiteReport:
    """Build the site into ``settings.root / "site"``; ``dates`` republishes just those days.

    An incremental build falls back to a full one when the site or its index
    (``<cache>/site-index.sqlite``) is missing or the two do not belong together.
    """
    started = time.perf_counter()
    root = paths.site_root(settings)
    out = _Writer(root, fresh=not root.exists())
    try:
        index = SiteIndex(settings.cache_path / SITE_INDEX)
    except sqlite3.DatabaseError as exc:
        raise SiteError(f"cannot open the site index: {exc}",
                        hint=f"delete {settings.cache_path / SITE_INDEX}; it is rebuilt") from exc
    with index:
        token = index.get_meta("token")
        incremental = (
            dates is not None and token is not None and (root / paths.HOME).is_file()
            and site_search.read_manifest(out.read(site_search.MANIFEST)) == token
        )
        report = SiteReport(path=root, mode="incremental" if incremental else "full")
        counts = dict(queries.day_counts(store))
        ctx = _Context(
            store=store, index=index, settings=settings, env=make_environment(settings),
            out=out, dates=sorted(counts), counts=counts, report=report,
        )
        try:
            if incremental and dates is not None:
                _build_incremental(ctx, dates)
            else:
                _build_full(ctx)
            _write_common(ctx)
            if report.mode != "incremental":
                report.removed = out.remove_stale()
        except OSError as exc:
            raise SiteError(f"cannot write the site into {root}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise SiteError(f"the site index failed: {exc}",
                            hint=f"delete {settings.cache_path / SITE_INDEX}") from exc
    report.written, report.unchanged = out.written, out.unchanged
    report.seconds = time.perf_counter() - started
    return report


def _record(arxiv_id: str, title: str, date: str, authors: Sequence[str], gist: str) -> list[str]:
    """A paper as search results and tag pages list it: title, date, page, authors, gist."""
    gist = clean_text(gist)
    if len(gist) > SNIPPET_CHARS:
        gist = gist[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return [clean_text(title) or arxiv_id, date, paper_path(arxiv_id),
            short_authors(authors, RECORD_AUTHORS), gist]


def _build_full(ctx: _Context) -> None:
    clock = _Clock()
    # A site index rebuilt from scratch (dailypapers rebuild) keeps the site's token, so the
    # full build it triggers leaves an unchanged site byte for byte the same.
    token = (ctx.index.get_meta("token")
             or site_search.read_manifest(ctx.out.read(site_search.MANIFEST))
             or uuid.uuid4().hex)
    infos = queries.paper_index(ctx.store)  # numbered by first published date
    clock.lap("paper index query")
    rows = [
        DocRow(
            arxiv_id=info["arxiv_id"], last=info["last"],
            record=_record(info["arxiv_id"], info["title"], info["last"], info["authors"],
                           info["one_line"]),
            authors=[clean_text(a) for a in info["authors"]],
            tags=canonical([*info["keywords"], *info["ai_keywords"]]),
        )
        for info in infos
    ]
    del infos
    ctx.tags = _published_tags(ctx.settings, rows)
    ctx.doc_of = {row.arxiv_id: doc for doc, row in enumerate(rows)}
    clock.lap("records")
    if not ctx.dates:
        ctx.index.replace_all(rows)
        ctx.index.set_meta("token", token)
        ctx.report.mode = "empty"
        ctx.render("empty.html", paths.HOME)
        return
    ctx.all_dates = queries.all_paper_dates(ctx.store)
    workers = _workers(ctx, len(rows))
    # Contiguous runs of days (a paper page is written on its last day), tags, and search
    # segments: independent tasks that processes share.
    size = max(1, len(ctx.dates) // (workers * 4))
    day_tasks: list[tuple[str, list[Any]]] = [
        ("days", ctx.dates[i:i + size]) for i in range(0, len(ctx.dates), size)
    ]
    keys = sorted(ctx.tags)
    step = workers * 2
    tag_tasks: list[tuple[str, list[Any]]] = [
        ("tags", keys[i::step]) for i in range(step) if keys[i::step]
    ]
    segments = (len(rows) + site_search.SEGMENT - 1) // site_search.SEGMENT
    clock.lap("plan")
    with _Pool(ctx, workers) as pool:
        # Day and paper pages need no site index: they run while it is being written.
        pending = pool.submit(day_tasks)
        ctx.index.replace_all(rows)
        ctx.index.set_meta("token", token)
        del rows
        clock.lap("site index written")
        pool.wait(pool.submit(tag_tasks))
        pool.wait(pending)
        clock.lap(f"day, paper and tag pages in {workers} process(es)")
        ctx.index.set_terms(ctx.terms)
        ctx.terms = []
        clock.lap("search terms saved")
        pool.wait(pool.submit([("search", [n]) for n in range(segments)]))
        clock.lap("search segments")


def _published_tags(settings: Settings, rows: Sequence[DocRow]) -> dict[str, TagInfo]:
    """Keywords with enough papers, labelled as their newest paper writes them.

    Must agree with ``SiteIndex.tag_counts`` (ties on the date: the lowest id wins).
    """
    counts: dict[str, int] = {}
    newest: dict[str, tuple[str, str]] = {}  # key -> (date, label)
    for row in rows:
        for key, label in row.tags:
            counts[key] = counts.get(key, 0) + 1
            seen = newest.get(key)
            if seen is None or row.last > seen[0]:
                newest[key] = (row.last, label)
    minimum = max(1, settings.site_tag_min_papers)
    return {
        key: TagInfo(key=key, label=newest[key][1], slug=tag_slug(key), count=count)
        for key, count in counts.items() if count >= minimum
    }


class _Clock:
    """Logs how long each step of a build took (visible with -vv)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        log.debug("site: %s in %.2fs", what, now - self.last)
        self.last = now


def _build_incremental(ctx: _Context, dates: Sequence[str]) -> None:
    clock = _Clock()
    known = set(ctx.dates)
    changed = sorted({d for d in dates if d in known})
    gone = sorted({d for d in dates if d not in known})
    for date in gone:
        # A day that is no longer published loses its pages (its neighbours relink below).
        for rel in (day_path(date), day_json_path(date)):
            (ctx.out.root / rel).unlink(missing_ok=True)
    wanted = set(changed)
    if ctx.dates:
        wanted.add(ctx.dates[-1])
    for date in dates:  # neighbours: their prev/next links may have changed
        n = bisect.bisect_left(ctx.dates, date)
        wanted.update(ctx.dates[max(0, n - 1):n + 2 if date in known else n + 1])
    digests = {d.date: d for d in queries.iter_digests(ctx.store, sorted(wanted))}
    # Papers to refresh: those on the changed days now, and those whose newest day was one
    # of them before (a day's list can lose papers).
    affected = {e.paper.arxiv_id for d in changed for e in digests[d].entries}
    affected.update(ctx.index.docs_on([*changed, *gone]))
    latest = queries.latest_entries(ctx.store, sorted(affected))
    old_tags = ctx.index.tags_of(sorted(affected))
    old_ids = ctx.index.doc_ids(sorted(affected))
    rows = [
        DocRow(
            arxiv_id=arxiv_id, last=date,
            record=_record(arxiv_id, entry.paper.title, date, entry.paper.authors,
                           entry.summary.one_line if entry.summary else ""),
            authors=[clean_text(a) for a in entry.paper.authors],
            tags=entry_tags(entry), terms=site_search.doc_terms(entry),
        )
        for arxiv_id, (date, entry) in sorted(latest.items(), key=lambda kv: (kv[1][0], kv[0]))
    ]
    removed = sorted(affected - set(latest))
    clock.lap(f"{len(latest)} papers loaded")
    new_ids = ctx.index.upsert(rows, removed)
    ctx.load_tags()
    clock.lap("site index updated")
    for date in sorted(wanted):
        if date in digests:
            _render_day(ctx, digests[date])
            if date == ctx.dates[-1]:
                _render_day(ctx, digests[date], home=True)
    if not ctx.dates:
        ctx.report.mode = "empty"
        ctx.render("empty.html", paths.HOME)
    clock.lap("day pages")
    seen = queries.paper_dates(ctx.store, sorted(latest))
    for arxiv_id, (date, entry) in latest.items():
        _render_paper(ctx, entry, date, seen.get(arxiv_id, [date]))
    for arxiv_id in removed:
        (ctx.out.root / paper_path(arxiv_id)).unlink(missing_ok=True)
    clock.lap("paper pages")
    touched = {key for keys in old_tags.values() for key in keys}
    touched.update(key for row in rows for key, _label in row.tags)
    for key in sorted(touched):
        tag = ctx.tags.get(key)
        slug = tag_slug(key)
        if tag is None:
            count = ctx.index.tag_count(key)
            if count is not None and (ctx.out.root / tag_path(slug)).exists():
                # Below the minimum now, but pages not rebuilt here may still link to it:
                # keep it current until the next full build drops it and those links.
                tag = TagInfo(key=key, label=count.label, slug=slug, count=count.count)
            elif count is None:  # no paper carries it any more
                for rel in (tag_path(slug), tag_feed_path(slug)):
                    (ctx.out.root / rel).unlink(missing_ok=True)
        if tag is not None:
            _render_tag(ctx, tag)
    clock.lap(f"{len(touched)} tags")
    segments = {doc // site_search.SEGMENT for doc in [*new_ids.values(), *old_ids.values()]}
    for segment in sorted(segments):
        _write_segment(ctx, segment)
    clock.lap(f"{len(segments)} search segment(s)")


def _task_days(ctx: _Context, dates: list[str]) -> None:
    latest = ctx.dates[-1]
    for digest in queries.iter_digests(ctx.store, dates):
        views = [_entry_view(ctx, e) for e in digest.entries]  # shared by both pages
        _render_day(ctx, digest, views=views)
        if digest.date == latest:
            _render_day(ctx, digest, home=True, views=views)
        for entry, view in zip(digest.entries, views, strict=True):
            arxiv_id = entry.paper.arxiv_id
            seen = ctx.all_dates.get(arxiv_id, [digest.date])
            if seen[-1] == digest.date:
                _render_paper(ctx, entry, digest.date, seen, view)
                # Search terms come from the same (newest) entry as the paper page.
                ctx.terms.append((ctx.doc_of[arxiv_id], site_search.doc_terms(entry)))


def _task_tags(ctx: _Context, keys: list[str]) -> None:
    for key in keys:
        _render_tag(ctx, ctx.tags[key])


def _task_search(ctx: _Context, segments: list[int]) -> None:
    for segment in segments:
        _write_segment(ctx, segment)


def _write_segment(ctx: _Context, segment: int) -> None:
    """Write a search segment from the records and terms in the site index."""
    first = segment * site_search.SEGMENT
    members = [
        (doc, record, terms)
        for doc, _arxiv_id, record, terms in ctx.index.segment(first, first + site_search.SEGMENT)
    ]
    site_search.write_segment(segment, members, ctx.out.write)


_TASKS: dict[str, Callable[[_Context, list[Any]], None]] = {
    "days": _task_days, "tags": _task_tags, "search": _task_search,
}
# The parent's context, inherited by forked workers (copy-on-write, never pickled).
_SHARED: _Context | None = None


@dataclass
class _Done:
    written: int
    unchanged: int
    produced: set[str]
    days: int
    papers: int
    tags: int
    terms: list[tuple[int, str]]


def _workers(ctx: _Context, papers: int) -> int:
    if ctx.settings.site_workers == 1 or str(ctx.store.path) == ":memory:":
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if ctx.settings.site_workers == 0 and papers < SERIAL_BELOW:
        return 1  # starting processes costs more than it saves on a small site
    return ctx.settings.site_workers or os.cpu_count() or 1


def _child(task: tuple[str, list[Any]]) -> _Done:
    """Run one task in a worker process, with its own database connections and writer."""
    parent = _SHARED
    if parent is None:
        raise SiteError("site worker started without a build context")
    with Store(parent.store.path) as store, SiteIndex(parent.index.path) as index:
        ctx = dataclasses.replace(
            parent, store=store, index=index, terms=[],
            out=_Writer(parent.out.root, fresh=parent.out.fresh),
            report=SiteReport(path=parent.report.path, mode=parent.report.mode),
        )
        kind, payload = task
        _TASKS[kind](ctx, payload)
        return _Done(ctx.out.written, ctx.out.unchanged, ctx.out.produced, ctx.report.days,
                     ctx.report.papers, ctx.report.tags, ctx.terms)


class _Pool:
    """Runs tasks in forked worker processes, or inline when there is one worker."""

    def __init__(self, ctx: _Context, workers: int) -> None:
        self.ctx = ctx
        self.executor: ProcessPoolExecutor | None = None
        if workers > 1:
            global _SHARED
            _SHARED = ctx
            # fork: workers inherit the context (10^5 records) instead of unpickling it;
            # with fork, Python starts every worker at the first submit.
            self.executor = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"))

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        global _SHARED
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
        _SHARED = None

    def submit(self, tasks: list[tuple[str, list[Any]]]) -> list[Future[_Done]]:
        if self.executor is None:
            for kind, payload in tasks:
                _TASKS[kind](self.ctx, payload)
            return []
        return [self.executor.submit(_child, task) for task in tasks]

    def wait(self, futures: list[Future[_Done]]) -> None:
        ctx = self.ctx
        for future in futures:
            done = future.result()
            ctx.out.written += done.written
            ctx.out.unchanged += done.unchanged
            ctx.out.produced |= done.produced
            ctx.report.days += done.days
            ctx.report.papers += done.papers
            ctx.report.tags += done.tags
            ctx.terms.extend(done.terms)


def _entry_view(ctx: _Context, entry: DigestEntry) -> dict[str, Any]:
    """What the day and paper templates show about an entry (from the one paper view)."""
    v = paper_view(entry, max_authors=max(1, ctx.settings.max_authors))
    gist = v.one_line if v.has_summary else v.abstract
    return {
        "arxiv_id": v.arxiv_id, "version": v.version, "page": v.page_path, "title": v.title,
        "authors": list(v.authors), "authors_short": v.authors_short, "upvotes": v.upvotes,
        "organization": v.organization,
        "links": [(link.label, link.url) for link in v.links if link.kind != "page"],
        "parts": [(p.label, p.text) for p in v.parts],
        "verdict": (v.check.tone, v.check.label), "abstract": v.abstract,
        "description": gist[:200],
        "tags": [(label, ctx.tag_url(key)) for key, label in entry_tags(entry)],
        "checked": [(plain(i.text), i.status, plain(i.snippet)) for i in v.check.items],
        "by": {
            "backend": v.backend or "unknown", "model": v.model,
            "source": SOURCE_LABELS.get(v.summary_source or "", v.summary_source),
            "fallback_from": v.fallback_from,
        } if v.has_summary else None,
    }


def _render_day(
    ctx: _Context, digest: DayDigest, *, home: bool = False,
    views: list[dict[str, Any]] | None = None,
) -> None:
    n = bisect.bisect_left(ctx.dates, digest.date)
    prev_date = ctx.dates[n - 1] if n > 0 else None
    next_date = ctx.dates[n + 1] if n + 1 < len(ctx.dates) else None
    rel = paths.HOME if home else day_path(digest.date)
    ctx.render(
        "day.html", rel, digest=digest, date=digest.date, prev_date=prev_date,
        next_date=next_date, home=home,
        entries=views if views is not None else [_entry_view(ctx, e) for e in digest.entries],
    )
    if not home:
        ctx.report.days += 1
        ctx.out.write(day_json_path(digest.date), _day_json(digest))


def _day_json(digest: DayDigest) -> str:
    data = {
        "date": digest.date, "source": digest.source, "fetched_at": digest.fetched_at,
        "entries": [
            {
                "rank": e.rank, "upvotes": e.upvotes, "fulltext_source": e.fulltext_source,
                "page": paper_path(e.paper.arxiv_id), "paper": vars(e.paper),
                "summary": vars(e.summary) if e.summary else None,
                "verification": _verification_dict(e.verification),
            }
            for e in digest.entries
        ],
    }
    # Compact on purpose: indent= switches json to its pure-Python encoder (20x slower).
    return json.dumps(data, ensure_ascii=False) + "\n"


def _verification_dict(verification: Verification | None) -> dict[str, Any] | None:
    """``Verification.to_dict`` without ``dataclasses.asdict``'s deep copies (hot at 10^5)."""
    if verification is None:
        return None
    return {"items": [vars(i) for i in verification.items], "source": verification.source,
            "status": verification.status}


def _render_paper(
    ctx: _Context, entry: DigestEntry, date: str, dates: Sequence[str],
    view: dict[str, Any] | None = None,
) -> None:
    ctx.render("paper.html", paper_path(entry.paper.arxiv_id), date=date, dates=list(dates),
               x=view if view is not None else _entry_view(ctx, entry))
    ctx.report.papers += 1


def _render_tag(ctx: _Context, tag: TagInfo) -> None:
    items = ctx.index.tag_members(tag.key, TAG_PAGE_LIMIT)
    ctx.render("tag.html", tag_path(tag.slug), tag=tag, items=items, total=tag.count)
    feed_items = [
        FeedItem(
            id=f"urn:arxiv:{arxiv_id}", title=record[0],
            link=ctx.absolute(record[2]) or f"https://arxiv.org/abs/{arxiv_id}",
            date=record[1], summary=record[4], authors=authors, categories=labels,
        )
        for arxiv_id, record, authors, labels in ctx.index.tag_feed_rows(tag.key, TAG_FEED_LIMIT)
    ]
    info = FeedInfo(
        title=f"{ctx.settings.site_title}: {tag.label}",
        id=ctx.absolute(tag_feed_path(tag.slug)) or f"urn:dailypapers:tag:{tag.slug}",
        home_url=ctx.absolute(tag_path(tag.slug)),
        self_url=ctx.absolute(tag_feed_path(tag.slug)),
        description=f"Papers tagged {tag.label}",
    )
    ctx.out.write(tag_feed_path(tag.slug), atom_feed(info, feed_items, pretty=False))
    ctx.report.tags += 1


# ------------------------------------------------------------------ shared pages and feeds


def _feed_items(ctx: _Context) -> list[FeedItem]:
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
    if v.check.failed:
        notes.append(f"Numbers not found in the paper: {', '.join(v.check.failed)}.")
    return FeedItem(
        id=f"urn:arxiv:{v.arxiv_id}", title=v.title, link=v.page_url or v.abs_url,
        date=date, summary=v.one_line or v.abstract, authors=list(v.authors),
        categories=[label for _key, label in entry_tags(entry)],
        content_html=entry_html(parts, notes, [(link.label, link.url) for link in v.links]),
        related=v.abs_url,
    )


def _archive(ctx: _Context) -> list[dict[str, Any]]:
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


def _write_common(ctx: _Context) -> None:
    clock = _Clock()
    for name in STATIC_FILES:
        data = (resources.files("dailypapers.render") / "static" / name).read_bytes()
        ctx.out.write(paths.static_path(name), data)
    ctx.render("search.html", paths.SEARCH)
    docs = ctx.index.count()
    ctx.out.write("search/meta.js", site_search.meta_script(docs))
    token = ctx.index.get_meta("token") or ""
    ctx.out.write(site_search.MANIFEST, site_search.manifest_text(token, docs))
    if not ctx.dates:
        return
    ctx.render("archive.html", paths.ARCHIVE, years=_archive(ctx), days=len(ctx.dates),
               papers=ctx.index.papers())
    tags = sorted(ctx.tags.values(), key=lambda t: (-t.count, t.key))
    ctx.render("tags.html", paths.TAGS, tags=tags)
    items = _feed_items(ctx)
    title = ctx.settings.site_title
    for name, maker in ((paths.ATOM, atom_feed), (paths.RSS, rss_feed)):
        info = FeedInfo(
            title=title, id=ctx.absolute(name) or "urn:dailypapers:feed",
            home_url=ctx.absolute(paths.HOME), self_url=ctx.absolute(name),
            description=f"{title}: summaries of the latest papers",
        )
        ctx.out.write(name, maker(info, items))
    clock.lap("archive, tag index, feeds")


__all__ = ["SiteError", "SiteReport", "build_site", "day_path", "make_environment",
           "paper_path", "tag_slug"]
