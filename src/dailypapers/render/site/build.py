"""Full and incremental builds, and the worker processes a full build shares out."""

from __future__ import annotations

import bisect
import dataclasses
import gc
import json
import multiprocessing
import os
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ...config import Settings
from ...store import Store, queries
from ...store.site_index import DocRow, SiteIndex, TagCount
from .. import paths, pictures, site_search
from ..paths import day_json_path, day_path, paper_path, tag_feed_path, tag_path, tag_slug
from ..tags import canonical
from .context import (
    SERIAL_BELOW,
    TAG_PAGE_LIMIT,
    Clock,
    Context,
    Member,
    SiteError,
    SiteReport,
    TagInfo,
    Writer,
    mark_feeds,
)
from .pages import render_day, render_paper, render_tag, write_picture
from .views import entry_tags, entry_view, record


def build_full(ctx: Context) -> None:
    clock = Clock()
    # A site index rebuilt from scratch (dailypapers rebuild) keeps the site's token, so the
    # full build it triggers leaves an unchanged site byte for byte the same.
    token = (ctx.index.get_meta("token")
             or site_search.read_manifest(ctx.out.read(site_search.MANIFEST))
             or uuid.uuid4().hex)
    infos = queries.paper_index(ctx.store)  # numbered by first published date
    clock.lap("paper index query")
    ctx.pictures = pictures.prepare(ctx.settings,
                                    [(info["arxiv_id"], info["version"]) for info in infos],
                                    only=ctx.picture_ids)
    clock.lap(f"{len(ctx.pictures)} pictures")
    rows = [
        DocRow(
            arxiv_id=info["arxiv_id"], last=info["last"],
            record=record(info["arxiv_id"], info["title"], info["last"], info["authors"],
                          info["one_line"], ctx.pictures.get(info["arxiv_id"])),
            tags=canonical([*info["keywords"], *info["ai_keywords"]]),
        )
        for info in infos
    ]
    del infos
    ctx.tags = _published_tags(ctx.settings, rows)
    feeds = mark_feeds(ctx.tags)
    ctx.members = _tag_members(ctx.tags, rows)
    ctx.term_keys = ctx.index.term_keys()
    clock.lap("records")
    if not ctx.dates:
        ctx.index.replace_all(rows)
        ctx.index.set_meta("token", token)
        ctx.index.set_meta("feeds", json.dumps(feeds))
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
        ctx.index.set_meta("feeds", json.dumps(feeds))
        del rows
        clock.lap("site index written")
        pool.wait(pool.submit(tag_tasks))
        pool.wait(pending)
        clock.lap(f"day, paper and tag pages in {workers} process(es)")
        ctx.index.save_terms(ctx.terms)
        clock.lap(f"search terms of {len(ctx.terms)} paper(s) saved")
        ctx.terms, ctx.term_keys = [], {}
        pool.wait(pool.submit([("search", [n]) for n in range(segments)]))
        clock.lap("search segments")


def _tag_members(tags: dict[str, TagInfo], rows: Sequence[DocRow]) -> dict[str, list[Member]]:
    """Each published tag's newest TAG_PAGE_LIMIT papers, from the rows in memory.

    The same order as ``SiteIndex.tag_rows`` (newest date, then highest id): a full build
    lists tags without 10^3 queries and 10^5 record decodings. One pass over the rows,
    newest first, filling each tag until it is full.
    """
    found: dict[str, list[Member]] = {key: [] for key in tags}
    newest = sorted(range(len(rows)), key=lambda doc: (rows[doc].last, doc), reverse=True)
    for doc in newest:
        row = rows[doc]
        for key, _label in row.tags:
            members = found.get(key)
            if members is not None and len(members) < TAG_PAGE_LIMIT:
                members.append((row.arxiv_id, row.record))
    return found


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


def build_incremental(ctx: Context, dates: Sequence[str]) -> None:
    clock = Clock()
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
    shown = {e.paper.arxiv_id: e.paper.version for d in digests.values() for e in d.entries}
    shown.update((arxiv_id, entry.paper.version) for arxiv_id, (_d, entry) in latest.items())
    ctx.pictures = pictures.prepare(ctx.settings, sorted(shown.items()),
                                    only=ctx.picture_ids)
    rows = [
        DocRow(
            arxiv_id=arxiv_id, last=date,
            record=record(arxiv_id, entry.paper.title, date, entry.paper.authors,
                          entry.summary.one_line if entry.summary else "",
                          ctx.pictures.get(arxiv_id)),
            tags=entry_tags(entry), terms=site_search.doc_terms(entry),
            terms_key=site_search.terms_key(entry),
        )
        for arxiv_id, (date, entry) in sorted(latest.items(), key=lambda kv: (kv[1][0], kv[0]))
    ]
    removed = sorted(affected - set(latest))
    clock.lap(f"{len(latest)} papers loaded")
    touched = {key for keys in old_tags.values() for key in keys}
    touched.update(key for row in rows for key, _label in row.tags)
    minimum = max(1, ctx.settings.site_tag_min_papers)
    had_page = {key for key in touched if (ctx.index.tag_count(key) or _NONE).count >= minimum}
    new_ids = ctx.index.upsert(rows, removed)
    ctx.load_tags()
    clock.lap("site index updated")
    # A keyword that gained or lost its page changes every page that links it: those pages
    # are rendered again, so an incremental build writes what a full build would.
    flipped = sorted(key for key in touched if (key in had_page) != (key in ctx.tags))
    relink = [a for a in ctx.index.papers_with(flipped) if a not in latest] if flipped else []
    if relink:
        more = queries.latest_entries(ctx.store, relink)
        latest.update(more)
        for days in queries.paper_dates(ctx.store, relink).values():
            wanted.update(days)
        digests.update({d.date: d for d in queries.iter_digests(
            ctx.store, sorted(wanted - digests.keys()))})
        shown.update((arxiv_id, entry.paper.version) for arxiv_id, (_d, entry) in more.items())
        shown.update((e.paper.arxiv_id, e.paper.version)
                     for d in digests.values() for e in d.entries)
        ctx.pictures = pictures.prepare(ctx.settings, sorted(shown.items()),
                                    only=ctx.picture_ids)
        clock.lap(f"{len(relink)} papers relinked for {len(flipped)} tag(s)")
    for date in sorted(wanted):
        if date in digests:
            render_day(ctx, digests[date])
            if date == ctx.dates[-1]:
                render_day(ctx, digests[date], home=True)
    if not ctx.dates:
        ctx.report.mode = "empty"
        ctx.render("empty.html", paths.HOME)
    clock.lap("day pages")
    seen = queries.paper_dates(ctx.store, sorted(latest))
    for arxiv_id, (date, entry) in latest.items():
        render_paper(ctx, entry, date, seen.get(arxiv_id, [date]))
        write_picture(ctx, arxiv_id)
    for arxiv_id in removed:
        (ctx.out.root / paper_path(arxiv_id)).unlink(missing_ok=True)
    clock.lap("paper pages")
    # A tag that joined or left the busiest (those with a feed) changes its own page.
    had_feed = set(json.loads(ctx.index.get_meta("feeds") or "[]"))
    has_feed = {key for key, tag in ctx.tags.items() if tag.feed}
    touched |= had_feed ^ has_feed
    ctx.index.set_meta("feeds", json.dumps(sorted(has_feed)))
    for key in sorted(touched):
        tag = ctx.tags.get(key)
        if tag is not None:
            render_tag(ctx, tag)
        else:  # below the minimum now (the pages linking it were relinked above)
            slug = tag_slug(key)
            for rel in (tag_path(slug), tag_feed_path(slug)):
                (ctx.out.root / rel).unlink(missing_ok=True)
    clock.lap(f"{len(touched)} tags")
    segments = {doc // site_search.SEGMENT for doc in [*new_ids.values(), *old_ids.values()]}
    for segment in sorted(segments):
        write_segment(ctx, segment)
    clock.lap(f"{len(segments)} search segment(s)")


_NONE = TagCount(key="", label="", count=0)


def _task_days(ctx: Context, dates: list[str]) -> None:
    latest = ctx.dates[-1]
    for digest in queries.iter_digests(ctx.store, dates):
        views = [entry_view(ctx, e) for e in digest.entries]  # shared by both pages
        render_day(ctx, digest, views=views)
        if digest.date == latest:
            render_day(ctx, digest, home=True, views=views)
        for entry, view in zip(digest.entries, views, strict=True):
            arxiv_id = entry.paper.arxiv_id
            seen = ctx.all_dates.get(arxiv_id, [digest.date])
            if seen[-1] == digest.date:
                render_paper(ctx, entry, digest.date, seen, view)
                write_picture(ctx, arxiv_id)
                # Search terms come from the same (newest) entry as the paper page;
                # those of an unchanged text are in the site index already.
                key = site_search.terms_key(entry)
                if ctx.term_keys.get(arxiv_id) != key:
                    ctx.terms.append((arxiv_id, key, site_search.doc_terms(entry)))


def _task_tags(ctx: Context, keys: list[str]) -> None:
    for key in keys:
        render_tag(ctx, ctx.tags[key])


def _task_search(ctx: Context, segments: list[int]) -> None:
    for segment in segments:
        write_segment(ctx, segment)


def write_segment(ctx: Context, segment: int) -> None:
    """Write a search segment from the records and terms in the site index.

    A full build keeps each segment's files in the site index under a fingerprint of what
    they were made from (papers, records, terms, the search code): an unchanged segment
    (all but the newest, from one full build to the next) is copied, not made again.
    """
    first = segment * site_search.SEGMENT
    rows = ctx.index.segment_rows(first, first + site_search.SEGMENT)
    key = site_search.segment_key(segment, rows)
    files = ctx.index.segment_files(segment, key)
    if files is None:
        made: list[tuple[str, str]] = []
        site_search.write_segment(
            segment, [(doc, json.loads(record), terms) for doc, _a, record, terms in rows],
            lambda rel, text: made.append((rel, text)))
        files = made
        if ctx.report.mode != "incremental":  # a day's build rewrites the newest one anyway
            ctx.index.save_segment(segment, key, files)
    for rel, text in files:
        ctx.out.write(rel, text)


_TASKS: dict[str, Callable[[Context, list[Any]], None]] = {
    "days": _task_days, "tags": _task_tags, "search": _task_search,
}
# The parent's context, inherited by forked workers (copy-on-write, never pickled).
_SHARED: Context | None = None


@dataclass
class _Done:
    written: int
    unchanged: int
    produced: set[str]
    days: int
    papers: int
    tags: int
    terms: list[tuple[str, str, str]]


def _workers(ctx: Context, papers: int) -> int:
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
            out=Writer(parent.out.root, fresh=parent.out.fresh),
            report=SiteReport(path=parent.report.path, mode=parent.report.mode),
        )
        kind, payload = task
        _TASKS[kind](ctx, payload)
        ctx.out.close()
        return _Done(ctx.out.written, ctx.out.unchanged, ctx.out.produced, ctx.report.days,
                     ctx.report.papers, ctx.report.tags, ctx.terms)


class _Pool:
    """Runs tasks in forked worker processes, or inline when there is one worker."""

    def __init__(self, ctx: Context, workers: int) -> None:
        self.ctx = ctx
        self.executor: ProcessPoolExecutor | None = None
        self.frozen = False
        if workers > 1:
            global _SHARED
            _SHARED = ctx
            # The context (10^5 records) is never garbage: out of the collector's reach, a
            # worker's collections neither walk it nor copy its pages (copy-on-write).
            gc.freeze()
            self.frozen = True
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
        if self.frozen:
            gc.unfreeze()
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
