"""The static website: day, paper, tag, archive and search pages, day indexes and feeds.

``build_site(store, settings)`` rebuilds ``settings.root / "site"`` from the store alone;
``build_site(..., dates=[...])`` republishes those days incrementally: their pages, their
neighbours, the home page, archive, tag pages of their papers (and every page linking a
tag that gained or lost its page), feeds and the search segments that hold their papers:
the same files a full build writes. Every file is written only when its bytes differ, and
nothing depends on the build time, so an unchanged page is never touched.

Pages link to each other with relative URLs (``root`` is "", "../" or "../../"), so the
site works from any sub-path and from file://. No page loads anything from another host.
Templates are Jinja2 with autoescape; a ``templates/`` folder in the working directory
overrides the built-ins (``templates/site/day.html`` replaces the built-in day page).
Summaries are shown as plain escaped text, never as HTML.

The package: ``context`` (settings, writer, templates, the build context), ``views`` (what
pages show, computed once per paper or day, from ``view.paper_view``), ``pages`` (rendering
a day, a paper, a tag and the shared pages), ``build`` (full and incremental builds, worker
processes) and this module, the entry point. Imports go one way: build -> pages -> views ->
context; every path comes from ``render/paths.py``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Sequence

from ...config import Settings
from ...store import Store, queries
from ...store.site_index import SiteIndex
from .. import paths, pictures, site_search
from ..paths import day_path, paper_path, tag_slug
from .build import build_full, build_incremental
from .context import SITE_INDEX, Context, SiteError, SiteReport, Writer, make_environment
from .pages import write_common
from .views import entry_tags


def build_site(
    store: Store, settings: Settings, *, dates: Sequence[str] | None = None
) -> SiteReport:
    """Build the site into ``settings.root / "site"``; ``dates`` republishes just those days.

    An incremental build falls back to a full one when the site or its index
    (``<cache>/site-index.sqlite``) is missing or the two do not belong together.
    """
    started = time.perf_counter()
    root = paths.site_root(settings)
    out = Writer(root, fresh=not root.exists())
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
        # Papers that left the picture window since the last build: the days of those the
        # site has a picture of are built again (without it) and their files removed; a
        # window of another size needs a full build.
        before = index.get_meta(pictures.WINDOW_META) if incremental else None
        shown = pictures.window(store, settings, before)
        left = shown.left_since(before) if incremental else None
        incremental = incremental and left is not None
        report = SiteReport(path=root, mode="incremental" if incremental else "full")
        counts = dict(queries.day_counts(store))
        ctx = Context(
            store=store, index=index, settings=settings, env=make_environment(settings),
            out=out, dates=sorted(counts), counts=counts, report=report,
            picture_ids=shown.ids,
        )
        try:
            if incremental and dates is not None:
                left = pictures.on_site(root, left or ())
                if left:
                    dropped = queries.paper_dates(store, left)
                    dates = sorted({*dates, *(d for ds in dropped.values() for d in ds)})
                build_incremental(ctx, dates)
                pictures.forget(root, left or ())
            else:
                build_full(ctx)
            index.set_meta(pictures.WINDOW_META, shown.meta())
            write_common(ctx)
            out.close()
            if report.mode != "incremental":
                report.removed = out.remove_stale()
        except OSError as exc:
            raise SiteError(f"cannot write the site into {root}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise SiteError(f"the site index failed: {exc}",
                            hint=f"delete {settings.cache_path / SITE_INDEX}") from exc
        finally:
            with contextlib.suppress(OSError):  # after a failure: no rename left in flight
                out.close()
    report.written, report.unchanged = out.written, out.unchanged
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["SiteError", "SiteReport", "build_site", "day_path", "entry_tags", "make_environment",
           "paper_path", "tag_slug"]
