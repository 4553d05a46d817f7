"""What every part of a site build shares: settings, the writer, templates, the context."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ...config import Settings
from ...errors import SiteError as SiteError  # re-exported: the package raises it
from ...safety import flat_text
from ...store import Store
from ...store.site_index import SiteIndex
from .. import paths
from ..paths import day_json_path, day_path, paper_path, tag_feed_path, tag_path, tag_slug
from ..pictures import PaperPicture

log = logging.getLogger("dailypapers.render.site")

TAG_PAGE_LIMIT = 100  # papers listed on a tag page (newest first); the rest via search
TAG_FEED_LIMIT = 20
TAG_FEEDS = 100  # the busiest tags get an Atom feed each; the others a page only
SNIPPET_CHARS = 220
RECORD_AUTHORS = 3  # authors named in a search result or tag page line
SERIAL_BELOW = 2000  # papers; smaller sites build in one process
# Directories build_site owns: a full rebuild removes files in them that it did not write.
MANAGED_DIRS = ("days", "papers", "tags", "search", "static", paths.IMAGES)
STATIC_FILES = ("site.css", "search.js", "day.js", "favicon.svg", "feed.xsl")
SITE_INDEX = "site-index.sqlite"  # in settings.cache_path
RENAME_THREADS = 4  # renames of changed files in flight at once (see Writer)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
# Pages one starts from carry the search box; the others link to the search page.
FIND_PAGES = ("day.html", "archive.html", "tags.html", "empty.html")


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


def _replace(tmp: str, path: str) -> None:
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Writer:
    """Writes files atomically and only when their bytes differ.

    A changed file is written beside its old self and renamed over it in one of a few
    threads: renaming frees the old file's blocks, which a file system mounted with
    ``discard`` and no journal (this project's dev machines) does synchronously, a few ms
    per file; in threads those waits overlap. :meth:`close` waits for every rename.
    """

    def __init__(self, root: Path, fresh: bool = False) -> None:
        self.root = root
        # Nothing on disk yet (first build): no file to compare with or to clean up.
        self.fresh = fresh
        self.written = 0
        self.unchanged = 0
        self.produced: set[str] = set()
        self._base = str(root)
        self._dirs: set[str] = set()
        self._threads: ThreadPoolExecutor | None = None
        self._renaming: dict[str, Future[None]] = {}  # path -> its pending rename

    def write(self, rel: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.produced.add(rel)
        # Plain strings, not pathlib: a full build writes 10^5 files.
        path = f"{self._base}/{rel}"
        exists = False
        if path in self._renaming:  # written twice in one build: the first one lands first
            self._renaming.pop(path).result()
        if not self.fresh:
            try:
                with open(path, "rb") as old:
                    exists = True
                    if old.read() == data:
                        self.unchanged += 1
                        return
            except FileNotFoundError:
                exists = False
        parent = path.rpartition("/")[0]
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        self.written += 1
        if not exists:
            # A new file: nobody can be reading it yet, so skip the rename (a third of the
            # cost of a first build at 10^5 files), and open it with one system call
            # (pathlib's buffered file costs a third more CPU per file).
            fd = os.open(path, _NEW_FILE, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            return
        head, _, name = path.rpartition("/")
        tmp = f"{head}/.{name}.tmp"
        try:
            with open(tmp, "wb") as out:
                out.write(data)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        if self._threads is None:
            self._threads = ThreadPoolExecutor(RENAME_THREADS, thread_name_prefix="site-rename")
        self._renaming[path] = self._threads.submit(_replace, tmp, path)

    def close(self) -> None:
        """Wait for the files being renamed into place; raises the first failure."""
        threads, renaming = self._threads, self._renaming
        self._threads, self._renaming = None, {}
        if threads is None:
            return
        threads.shutdown(wait=True)
        for future in renaming.values():
            future.result()

    def read(self, rel: str) -> str | None:
        pending = self._renaming.pop(f"{self._base}/{rel}", None)
        if pending is not None:
            pending.result()
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


def compact(page: str) -> str:
    """A page without the line breaks before its tags (issue 17: ~40 bytes a paper).

    The templates stay one element a line; a line break before a tag only ever separates
    block elements, list items, table rows or flex items, where a browser shows none. Text
    cannot hold a raw "<" (autoescape), so only the templates' own breaks go. A page with
    preformatted text (a user's template) is left as it is.
    """
    if "<pre" in page or "<textarea" in page:
        return page
    return page.replace("\n<", "<")


def _escape(value: Any) -> markupsafe.Markup:
    """``markupsafe.escape``, without its Python-level ``Markup(...)`` for plain text (the
    same string: that constructor only looks for ``__html__``, which ``str`` has not)."""
    if type(value) is str and _escape_text is not None:
        return _new_str(markupsafe.Markup, _escape_text(value))
    return markupsafe.escape(value)


_escape_text: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
_new_str = str.__new__


class _Environment(jinja2.Environment):
    """Jinja, with two costs of 10^5 pages taken out (the output is the same):

    - templates' globals are a plain dict, copied once when the template is loaded (Jinja's
      ChainMap over the environment's globals is walked in Python twice per render, ~5% of
      a paper page); the globals are all set before the first template is loaded;
    - autoescaping calls :func:`_escape` (~7% of a full build went to ``Markup.__new__``).
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        template = super().get_template(name, parent, globals)
        # The compiled template's functions find ``escape`` in its module namespace.
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = _escape
        return template


def make_environment(settings: Settings) -> jinja2.Environment:
    """Jinja2 with autoescape; ``<dir>/templates`` wins over the built-in templates."""
    builtin = Path(str(resources.files("dailypapers.render") / "templates"))
    env = _Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(settings.root / "templates")),
            jinja2.FileSystemLoader(str(builtin)),
        ]),
        autoescape=True,
        # Compiled once per build: no stat of every template on every page (10^5 pages).
        auto_reload=False,
        cache_size=-1,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        site_title=settings.site_title, paper_path=paper_path, day_path=day_path,
        day_json_path=day_json_path, tag_path=tag_path, tag_feed_path=tag_feed_path,
        paths=paths, podcast=settings.podcast,
    )
    env.filters["clean"] = flat_text
    return env


Member = tuple[str, list[str]]  # a paper on a tag page or feed: (arxiv id, record)


@dataclass
class TagInfo:
    key: str
    label: str
    slug: str
    count: int
    feed: bool = False  # one of the TAG_FEEDS busiest: it has a feed


def mark_feeds(tags: dict[str, TagInfo]) -> list[str]:
    """Give the TAG_FEEDS busiest tags (most papers, then key) a feed; returns their keys."""
    busiest = sorted(tags.values(), key=lambda t: (-t.count, t.key))[:TAG_FEEDS]
    for tag in busiest:
        tag.feed = True
    return sorted(t.key for t in busiest)


@dataclass
class Context:
    store: Store
    index: SiteIndex
    settings: Settings
    env: jinja2.Environment
    out: Writer
    dates: list[str]  # every published day, oldest first
    counts: dict[str, int]
    report: SiteReport
    tags: dict[str, TagInfo] = field(default_factory=dict)  # published tags by key
    all_dates: dict[str, list[str]] = field(default_factory=dict)  # full builds: dates by id
    # full builds: search terms (arxiv id, fingerprint, terms) computed here, and the
    # fingerprints of the terms the site index already has
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    term_keys: dict[str, str] = field(default_factory=dict)
    pictures: dict[str, PaperPicture] = field(default_factory=dict)  # by arxiv id
    picture_ids: frozenset[str] | None = None  # the papers that show one (pictures.window)
    # full builds: each published tag's newest papers (else read from the site index)
    members: dict[str, list[Member]] = field(default_factory=dict)

    def tag_url(self, key: str) -> str | None:
        tag = self.tags.get(key)
        return tag_path(tag.slug) if tag else None

    def render(self, template: str, rel: str, **context: Any) -> None:
        self.out.write(rel, self.html(template, rel, **context))

    def html(self, template: str, rel: str, **context: Any) -> str:
        """The page ``rel`` made from ``template``, not written (see :meth:`render`)."""
        try:
            page = self.env.get_template(f"site/{template}").render(
                root=paths.root_of(rel), tag_url=self.tag_url, find=template in FIND_PAGES,
                **context
            )
        except jinja2.TemplateError as exc:
            raise SiteError(f"template site/{template} failed: {exc}") from exc
        return compact(page)

    def absolute(self, rel: str) -> str:
        """``rel``'s URL under ``site_url``, or "" when the site has no public URL."""
        return paths.absolute(self.settings.site_url, rel) or ""

    def load_tags(self) -> None:
        self.tags = {
            t.key: TagInfo(key=t.key, label=t.label, slug=tag_slug(t.key), count=t.count)
            for t in self.index.tag_counts(max(1, self.settings.site_tag_min_papers))
        }
        mark_feeds(self.tags)


class Clock:
    """Logs how long each step of a build took (visible with -vv)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self, what: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        log.debug("site: %s in %.2fs (%.2f CPU-s in this process)", what, now - self.last,
                  cpu - self.cpu)
        self.last, self.cpu = now, cpu
