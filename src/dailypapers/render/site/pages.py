"""Rendering pages and feeds: a day (and the home page), a paper, a tag, the shared pages."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from ...models import DayDigest, DigestEntry
from ...safety import clip
from .. import paths, site_search
from ..feed import FeedInfo, FeedItem, atom_feed, rss_feed
from ..paths import day_json_path, day_path, paper_path, tag_feed_path, tag_path
from ..sizes import FIELD_CAPS, fit, fit_count
from .context import STATIC_FILES, TAG_FEED_LIMIT, TAG_PAGE_LIMIT, Clock, Context, TagInfo
from .views import archive_calendar, day_json, day_tags, entry_view, feed_items


def render_day(
    ctx: Context, digest: DayDigest, *, home: bool = False,
    views: list[dict[str, Any]] | None = None,
) -> None:
    n = bisect.bisect_left(ctx.dates, digest.date)
    prev_date = ctx.dates[n - 1] if n > 0 else None
    next_date = ctx.dates[n + 1] if n + 1 < len(ctx.dates) else None
    rel = paths.HOME if home else day_path(digest.date)
    entries = views if views is not None else [entry_view(ctx, e) for e in digest.entries]

    def page(cap: int | None) -> str:
        shown = entries if cap is None else [_shorter(x, cap) for x in entries]
        return ctx.html("day.html", rel, digest=digest, date=digest.date, prev_date=prev_date,
                        next_date=next_date, home=home, entries=shown,
                        day_tags=day_tags(entries))

    # Every paper stays on its day page; over max_file_bytes, their long texts get shorter.
    ctx.out.write(rel, fit(page, [None, *FIELD_CAPS], ctx.settings.max_file_bytes,
                           what=f"site page {rel}"))
    if not home:
        ctx.report.days += 1
        ctx.out.write(day_json_path(digest.date), day_json(digest))


def _shorter(view: dict[str, Any], cap: int) -> dict[str, Any]:
    """A day page's entry with its long texts cut to ``cap`` characters (the paper's own
    page keeps them whole)."""
    out = dict(view)
    for key in ("title", "gist", "abstract", "authors_short"):
        if isinstance(out.get(key), str):
            out[key] = clip(out[key], cap)
    out["parts"] = [(label, clip(text, cap)) for label, text in view["parts"]]
    out["evidence"] = view["evidence"][: max(1, cap // 100)]
    return out


def write_picture(ctx: Context, arxiv_id: str) -> None:
    """Copy a paper's cached picture into the site (once, beside its paper page)."""
    picture = ctx.pictures.get(arxiv_id)
    if picture is not None:
        ctx.out.write(picture.path, picture.webp_bytes())


def render_paper(
    ctx: Context, entry: DigestEntry, date: str, dates: Sequence[str],
    view: dict[str, Any] | None = None,
) -> None:
    ctx.render("paper.html", paper_path(entry.paper.arxiv_id), date=date, dates=list(dates),
               x=view if view is not None else entry_view(ctx, entry), paper_page=True)
    ctx.report.papers += 1


def render_tag(ctx: Context, tag: TagInfo) -> None:
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
        stylesheet=paths.relative(tag_feed_path(tag.slug), paths.FEED_STYLE),
    )
    ctx.out.write(tag_feed_path(tag.slug), fit_count(
        lambda n: atom_feed(info, feed_items[:n], pretty=False), len(feed_items),
        ctx.settings.max_file_bytes, what=tag_feed_path(tag.slug)))
    ctx.report.tags += 1


def _feed(maker: Callable[[FeedInfo, Sequence[FeedItem]], bytes], info: FeedInfo,
          items: Sequence[FeedItem], count: int) -> bytes:
    return maker(info, items[:count])


def write_common(ctx: Context) -> None:
    clock = Clock()
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
    ctx.render("archive.html", paths.ARCHIVE, years=archive_calendar(ctx), days=len(ctx.dates),
               papers=ctx.index.papers())
    tags = sorted(ctx.tags.values(), key=lambda t: (-t.count, t.key))
    ctx.render("tags.html", paths.TAGS, tags=tags)
    ctx.out.write(site_search.TAGS, site_search.tags_script(
        [(t.slug, t.label, t.count) for t in tags[:site_search.MAX_FILTER_TAGS]]))
    items = feed_items(ctx)
    title = ctx.settings.site_title
    for name, maker in ((paths.ATOM, atom_feed), (paths.RSS, rss_feed)):
        info = FeedInfo(
            title=title, id=ctx.absolute(name) or "urn:dailypapers:feed",
            home_url=ctx.absolute(paths.HOME), self_url=ctx.absolute(name),
            description=f"{title}: summaries of the latest papers",
            stylesheet=paths.relative(name, paths.FEED_STYLE),
        )
        # The newest entries first: over max_file_bytes, the oldest are left out.
        ctx.out.write(name, fit_count(functools.partial(_feed, maker, info, items),
                                      len(items), ctx.settings.max_file_bytes, what=name))
    clock.lap("archive, tag index, feeds")
