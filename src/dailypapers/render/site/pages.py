"""Rendering pages and feeds: a day (and the home page), a paper, a tag, the shared pages."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence
from importlib import resources

from ...models import DayDigest, DigestEntry
from ...safety import clip
from .. import paths, site_search
from ..feed import FeedInfo, FeedItem, atom_feed, rss_feed
from ..paths import day_json_path, day_path, paper_path, tag_feed_path, tag_path
from ..sizes import FIELD_CAPS, fit, fit_count
from .context import STATIC_FILES, TAG_FEED_LIMIT, TAG_PAGE_LIMIT, Clock, Context, TagInfo
from .views import View, archive_calendar, day_json, entry_view, feed_items


def render_day(
    ctx: Context, digest: DayDigest, *, home: bool = False,
    views: list[View] | None = None,
) -> None:
    n = bisect.bisect_left(ctx.dates, digest.date)
    prev_date = ctx.dates[n - 1] if n > 0 else None
    next_date = ctx.dates[n + 1] if n + 1 < len(ctx.dates) else None
    rel = paths.HOME if home else day_path(digest.date)
    entries = views if views is not None else [entry_view(ctx, e) for e in digest.entries]

    def page(cap: int | None) -> str:
        shown = entries if cap is None else [_shorter(x, cap) for x in entries]
        return ctx.html("day.html", rel, digest=digest, date=digest.date, prev_date=prev_date,
                        next_date=next_date, home=home, entries=shown)

    # Every paper stays on its day page; over max_file_bytes, their long texts get shorter.
    ctx.out.write(rel, fit(page, [None, *FIELD_CAPS], ctx.settings.max_file_bytes,
                           what=f"site page {rel}"))
    if not home:
        ctx.report.days += 1
        ctx.out.write(day_json_path(digest.date), day_json(digest))


def _shorter(view: View, cap: int) -> View:
    """A day page's entry with its long texts cut to ``cap`` characters (the paper's own
    page keeps them whole)."""
    out = View(**vars(view))
    for key in ("title", "gist", "abstract", "authors_short"):
        value = getattr(out, key, None)
        if isinstance(value, str):
            setattr(out, key, clip(value, cap))
    out.parts = [(label, clip(text, cap)) for label, text in view.parts]
    out.row_parts = [(label, clip(text, cap)) for label, text in view.row_parts]
    out.evidence = view.evidence[: max(1, cap // 100)]
    return out


def write_picture(ctx: Context, arxiv_id: str) -> None:
    """Copy a paper's cached picture into the site (once, beside its paper page)."""
    picture = ctx.pictures.get(arxiv_id)
    if picture is not None:
        ctx.out.write(picture.path, picture.webp_bytes())


def render_paper(
    ctx: Context, entry: DigestEntry, date: str, dates: Sequence[str],
    view: View | None = None,
) -> None:
    ctx.render("paper.html", paper_path(entry.paper.arxiv_id), date=date, dates=list(dates),
               x=view if view is not None else entry_view(ctx, entry), paper_page=True)
    ctx.report.papers += 1


def render_tag(ctx: Context, tag: TagInfo) -> None:
    """A tag's page, and its feed when it is one of the busiest (else no feed file)."""
    members = ctx.members.get(tag.key)
    if members is None:
        members = ctx.index.tag_rows(tag.key, TAG_PAGE_LIMIT)
    items = [rec for _arxiv_id, rec in members]
    ctx.render("tag.html", tag_path(tag.slug), tag=tag, items=items, total=tag.count)
    ctx.report.tags += 1
    feed = tag_feed_path(tag.slug)
    if not tag.feed:
        if not ctx.out.fresh:
            (ctx.out.root / feed).unlink(missing_ok=True)
        return
    feed_items = [
        FeedItem(
            id=f"urn:arxiv:{arxiv_id}", title=record[0],
            link=ctx.absolute(record[2]) or f"https://arxiv.org/abs/{arxiv_id}",
            date=record[1], summary=record[4], authors=[record[3]] if record[3] else [],
        )
        for arxiv_id, record in members[:TAG_FEED_LIMIT]
    ]
    info = FeedInfo(
        title=f"{ctx.settings.site_title}: {tag.label}",
        id=ctx.absolute(feed) or f"urn:dailypapers:tag:{tag.slug}",
        home_url=ctx.absolute(tag_path(tag.slug)), self_url=ctx.absolute(feed),
        description=f"Papers tagged {tag.label}",
        stylesheet=paths.relative(feed, paths.FEED_STYLE),
    )
    ctx.out.write(feed, fit_count(
        lambda n: atom_feed(info, feed_items[:n], pretty=False), len(feed_items),
        ctx.settings.max_file_bytes, what=feed))


def _feed(maker: Callable[[FeedInfo, Sequence[FeedItem]], bytes], info: FeedInfo,
          items: Sequence[FeedItem], count: int) -> bytes:
    return maker(info, items[:count])


def unlink_data(ctx: Context) -> None:
    """Remove ``site/data``, the link to ``../data`` that earlier versions made.

    The site no longer publishes the days' full records (issue 17): each ``data/`` file is
    ~6 KB a paper, and with them a Pages upload of 10^5 papers would pass 1 GB. The full
    record stays in the working directory (committed); the site's day JSON is its index.
    A real folder of that name is the user's and is left alone.
    """
    link = ctx.out.root / paths.DATA
    if link.is_symlink():
        link.unlink()


def write_common(ctx: Context) -> None:
    clock = Clock()
    unlink_data(ctx)
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
