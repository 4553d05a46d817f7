"""Pictures of papers: made once per PDF, cached by the PDF's hash, shared by every output.

``prepare(settings, papers)`` finds each paper's cached PDF (``cache/pdf``, by id and
version), and makes the pictures it does not have yet (``fulltext/figure.py``) in one
worker process, forked from the extraction workers' fork server: PDFium is not thread-safe
and a hostile PDF may crash it, which must not take the build down. Results live in
``cache/pictures/<pdf sha256>.{webp,jpg,json}`` (a failure is recorded too, so a bad PDF
is tried once per figure version; a worker that could not start is no failure of the PDF:
nothing is recorded and the next run makes the picture, see :func:`_run`). A paper
without a PDF has no picture, and nothing links to one.

The site copies the WebP to ``img/<id>v<n>.webp`` (``paths.image_path``); Telegram and
email send the JPEG (every client shows JPEG, not every one WebP).

Surviving a lost cache. ``cache/`` (PDFs and pictures) lives in ``actions/cache`` and can be
evicted; the texts are restored as stubs and nothing downloads the PDFs again. The published
picture is then the durable copy: a paper whose PDF is gone takes its picture back from the
site (``site/img``, committed with the site) byte for byte, its size from the file's header
and its alt text from the XMP packet the WebP carries (``fulltext/figure.py``), and a JPEG is
made from it for the channels. Restored pictures are cached under ``cache/pictures/site/``.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..files import write_atomic
from ..fulltext.download import PdfCache
from . import paths

if TYPE_CHECKING:
    from ..store import Store

SITE_DIR = "site"  # the site's root under the working directory (render/site)

log = logging.getLogger(__name__)

FIGURE_VERSION = 3  # bump when fulltext/figure.py picks or encodes differently
PER_PDF_SECONDS = 30.0
START_SECONDS = 60.0  # for a worker to say it started, at most


@dataclass(frozen=True)
class PaperPicture:
    """A paper's picture: where the site shows it, its caption, and its cached files."""

    arxiv_id: str
    version: int | None
    path: str  # site path (img/<id>v<n>.webp)
    alt: str
    width: int
    height: int
    webp: Path
    jpeg: Path

    def webp_bytes(self) -> bytes:
        return self.webp.read_bytes()

    def jpeg_bytes(self) -> bytes:
        return self.jpeg.read_bytes()


def _dir(settings: Settings) -> Path:
    return settings.cache_path / "pictures"


def _make_all(jobs: list[tuple[str, str]], folder: str, max_memory: int | None,
              conn: Connection) -> None:
    """Worker process: make the picture of each (pdf path, sha256) into ``folder``, saying
    first which PDF it is on (the parent then knows whether it died on one)."""
    from ..fulltext.figure import _FigureError, make_picture
    from ..fulltext.worker import limit_memory

    conn.send(None)  # started
    limit_memory(max_memory)
    out = Path(folder)
    for pdf, sha in jobs:
        conn.send(sha)
        meta: dict[str, Any]
        try:
            picture = make_picture(Path(pdf))
        except _FigureError as exc:
            meta = {"v": FIGURE_VERSION, "error": str(exc)}
        except MemoryError:
            meta = {"v": FIGURE_VERSION, "error": f"needed more than {max_memory} bytes"
                                                  " (pdf_max_memory)"}
        except Exception as exc:  # PDFium or the finder on this PDF (under a memory cap,
            # running out shows as any error): recorded, as the extraction worker does
            cap = f" (under pdf_max_memory={max_memory} bytes)" if max_memory else ""
            meta = {"v": FIGURE_VERSION,
                    "error": f"figure finder failed: {type(exc).__name__}: {exc}{cap}"}
        else:
            write_atomic(out / f"{sha}.webp", picture.webp)
            write_atomic(out / f"{sha}.jpg", picture.jpeg)
            meta = {"v": FIGURE_VERSION, "alt": picture.alt, "width": picture.width,
                    "height": picture.height, "kind": picture.kind, "page": picture.page}
        write_atomic(out / f"{sha}.json", json.dumps(meta).encode())


def _meta(folder: Path, sha: str) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / f"{sha}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("v") == FIGURE_VERSION else None


def _failed(folder: Path, sha: str, error: str) -> None:
    write_atomic(folder / f"{sha}.json",
                 json.dumps({"v": FIGURE_VERSION, "error": error}).encode())


def _watch(conn: Connection, proc: Any) -> tuple[str | None, bool]:
    """Follow a worker until it ends: (the last PDF it started on, None when it never
    reached one; whether it was killed for taking too long on it)."""
    started, current = False, None
    while True:
        if not conn.poll(START_SECONDS if not started else PER_PDF_SECONDS):
            proc.kill()  # silent: stuck starting, or too slow on its PDF
            return current, current is not None
        try:
            message = conn.recv()
        except (EOFError, OSError):  # it ended (its files say what it made)
            return current, False
        if started:
            current = message
        started = True


def _run(jobs: list[tuple[str, str]], folder: Path, max_memory: int | None = None) -> None:
    """Make pictures in worker processes (forked from the extraction workers' fork server,
    ``fulltext/worker.py``, which has PDFium loaded already: no fresh interpreter).

    Only the PDF is blamed for what the PDF did: a PDF that PDFium cannot read, one that
    takes more than PER_PDF_SECONDS or ``max_memory``, or one the worker died on twice is
    recorded as failed. A worker that would not start (twice) leaves the rest for the next
    run, with one warning.
    """
    from ..fulltext.worker import GUARD_HINT, RETRY_PAUSE, process_context, start_failed

    ctx = process_context()
    pending = list(jobs)
    died_on: set[str] = set()
    start_failures = 0
    while True:
        pending = [(pdf, sha) for pdf, sha in pending if _meta(folder, sha) is None]
        if not pending:
            break
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_make_all, args=(pending, str(folder), max_memory, child),
                           daemon=True, name="dailypapers-pictures")
        current: str | None = None
        slow = False
        try:
            proc.start()
        except (OSError, EOFError, ValueError) as exc:  # the fork server is not there
            problem = f"{type(exc).__name__}: {exc}"
        else:
            child.close()  # the worker's end: its exit is then seen as the end of the pipe
            current, slow = _watch(parent, proc)
            proc.join(5)
            problem = f"exit code {proc.exitcode}"
        finally:
            child.close()
            parent.close()
        if all(_meta(folder, sha) is not None for _pdf, sha in pending):
            break
        if current is None:  # it never reached a PDF
            start_failures += 1
            if start_failures < 2:
                time.sleep(RETRY_PAUSE)
                continue
            log.warning("pictures: %s: %d picture(s) left for the next run; %s",
                        start_failed("picture", problem), len(pending), GUARD_HINT)
            break
        if _meta(folder, current) is not None:  # it ended after a PDF, before the next
            if proc.exitcode == 0:
                break  # cleanly, without the rest: nothing more to try
            continue  # the next PDF gets a fresh worker
        blamed = next(pdf for pdf, sha in pending if sha == current)
        if slow:
            log.warning("pictures: %s took more than %gs; no picture", blamed,
                        PER_PDF_SECONDS)
            _failed(folder, current, f"took more than {PER_PDF_SECONDS:g}s")
        elif current in died_on:
            log.warning("pictures: PDFium failed on %s twice (%s); no picture", blamed,
                        problem)
            _failed(folder, current, f"worker died twice ({problem}; too large for"
                                     " pdf_max_memory, or a crash)")
        else:  # killed from outside, or a crash on this PDF: once more in a fresh worker
            log.info("pictures: the worker died on %s (%s); trying it once more", blamed,
                     problem)
            died_on.add(current)


def prepare(settings: Settings, papers: Iterable[tuple[str, int | None]],
            make: bool = True, only: Collection[str] | None = None) -> dict[str, PaperPicture]:
    """The pictures of ``papers`` (arxiv id, version), made first when missing and ``make``.

    A paper whose PDF is not in the cache takes back the picture the site published (see the
    module's docstring); one with neither has none, and so has one not in ``only`` (the
    site's :func:`window`) when it is given.
    """
    papers = [p for p in papers if only is None or p[0] in only]
    cache = PdfCache(settings.cache_path / "pdf")
    known = {p.name for p in cache.refs.iterdir()} if cache.refs.is_dir() else set()
    folder = _dir(settings)
    found: dict[str, tuple[int | None, str]] = {}
    without: list[tuple[str, int | None]] = []
    for arxiv_id, version in papers:
        for wanted in (version, None):
            name = f"{arxiv_id.replace('/', '_')}{f'v{wanted}' if wanted is not None else ''}"
            if f"{name}.json" not in known:
                continue
            pdf = cache.lookup(arxiv_id, wanted)
            if pdf is not None:
                found[arxiv_id] = (version if version is not None else pdf.version, pdf.sha256)
                break
        else:
            without.append((arxiv_id, version))
    out: dict[str, PaperPicture] = {}
    if found:
        folder.mkdir(parents=True, exist_ok=True)
        missing = sorted({sha for _v, sha in found.values() if _meta(folder, sha) is None})
        if missing and make:
            blobs = cache.blobs
            _run([(str(blobs / f"{sha}.pdf"), sha) for sha in missing], folder,
                 settings.pdf_max_memory)
        for arxiv_id, (version, sha) in found.items():
            meta = _meta(folder, sha)
            if meta and "error" not in meta:
                out[arxiv_id] = _picture(arxiv_id, version, meta, folder, sha)
    if without:
        out.update(_published(settings, without))
    return out


def _picture(arxiv_id: str, version: int | None, meta: dict[str, Any], folder: Path,
             stem: str) -> PaperPicture:
    return PaperPicture(
        arxiv_id=arxiv_id, version=version, path=paths.image_path(arxiv_id, version),
        alt=str(meta.get("alt") or ""), width=int(meta["width"]), height=int(meta["height"]),
        webp=folder / f"{stem}.webp", jpeg=folder / f"{stem}.jpg",
    )


def _site_versions(images: Path) -> dict[str, list[int]]:
    """The versions of each paper the site has a picture of (by file stem), newest first."""
    found: dict[str, list[int]] = {}
    for path in images.iterdir():
        stem, _v, number = path.name.removesuffix(paths.IMAGE_SUFFIX).rpartition("v")
        if path.name.endswith(paths.IMAGE_SUFFIX) and stem and number.isdigit():
            found.setdefault(stem, []).append(int(number))
    return {stem: sorted(numbers, reverse=True) for stem, numbers in found.items()}


def _published(settings: Settings, papers: list[tuple[str, int | None]]
               ) -> dict[str, PaperPicture]:
    """Pictures the site published for papers whose PDF the cache no longer holds: from
    ``site/img`` on disk, else (``site_pictures_fetch``) from the published site."""
    site = settings.root / SITE_DIR
    images = site / paths.IMAGES
    folder = _dir(settings) / "site"
    fetch = settings.site_pictures_fetch and settings.site_url.startswith(("http://",
                                                                           "https://"))
    if not images.is_dir() and not fetch:
        return {}
    listed = (_site_versions(images) if images.is_dir()
              and any(v is None for _a, v in papers) else {})
    out: dict[str, PaperPicture] = {}
    remote: list[tuple[str, int, str, str]] = []
    for arxiv_id, version in papers:
        # a paper of unknown version: the newest the site has
        versions = [version] if version is not None else listed.get(
            paths.image_stem(arxiv_id), [])
        for number in versions:
            rel = paths.image_path(arxiv_id, number)
            stem = Path(rel).name.removesuffix(paths.IMAGE_SUFFIX)
            meta = _meta(folder, stem)
            if meta is None and (site / rel).is_file():
                meta = _restore(_read(site / rel), folder, stem, rel)
            if meta is None and fetch and version is not None:
                remote.append((arxiv_id, number, rel, stem))
            elif meta is not None and "error" not in meta:
                out[arxiv_id] = _picture(arxiv_id, number or None, meta, folder, stem)
            break
    if remote:
        fetched = _fetch(settings, [(rel, stem) for _a, _n, rel, stem in remote], folder)
        for (arxiv_id, number, _rel, stem), meta in zip(remote, fetched, strict=True):
            if meta is not None and "error" not in meta:
                out[arxiv_id] = _picture(arxiv_id, number or None, meta, folder, stem)
    return out


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


FETCH_THREADS = 4
FETCH_GIVE_UP = 3  # connection failures in a row: the site is not reachable, stop asking


def _fetch(settings: Settings, wanted: list[tuple[str, str]], folder: Path
           ) -> list[dict[str, Any] | None]:
    """Take pictures back from the published site: ``(site path, stem)`` -> meta (None when
    it could not be asked; an answer of 404 is recorded, so it is asked once)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx2 as httpx

    from ..http import DeadlineExceeded, make_client

    base = settings.site_url.rstrip("/") + "/"
    failures = [0]

    def one(item: tuple[str, str]) -> dict[str, Any] | None:
        rel, stem = item
        if failures[0] >= FETCH_GIVE_UP:
            return None
        try:
            response = client.get(base + rel)
        except (httpx.HTTPError, DeadlineExceeded) as exc:
            failures[0] += 1
            log.warning("pictures: cannot fetch %s from the site: %s", rel, exc)
            return None
        failures[0] = 0
        if response.status_code in (404, 410):
            meta = {"v": FIGURE_VERSION, "error": "not on the published site"}
            write_atomic(folder / f"{stem}.json", json.dumps(meta).encode())
            return meta
        if response.status_code != 200:
            return None
        return _restore(response.content, folder, stem, rel)

    with make_client(settings) as client, ThreadPoolExecutor(FETCH_THREADS) as pool:
        return list(pool.map(one, wanted))


def _restore(data: bytes | None, folder: Path, stem: str, rel: str) -> dict[str, Any] | None:
    """Take back a published picture: the WebP as it is, a JPEG made from it, its meta."""
    from PIL import Image, UnidentifiedImageError

    from ..fulltext.figure import MAX_BYTES, alt_of, jpeg_of

    if data is None or len(data) > MAX_BYTES:
        return None
    try:
        with Image.open(io.BytesIO(data), formats=["WEBP"]) as image:
            image.load()
            alt = alt_of(image.info.get("xmp"))
            width, height = image.size
            jpeg = jpeg_of(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        log.warning("pictures: cannot take back %s: %s", rel, exc)
        return None
    if jpeg is None:
        return None
    write_atomic(folder / f"{stem}.webp", data)
    write_atomic(folder / f"{stem}.jpg", jpeg)
    meta = {"v": FIGURE_VERSION, "alt": alt, "width": width, "height": height,
            "kind": "published"}
    write_atomic(folder / f"{stem}.json", json.dumps(meta).encode())
    return meta


WINDOW_META = "pictures"  # site index meta: the window's size and its oldest paper


@dataclass(frozen=True)
class Window:
    """The papers the site shows a picture of: the newest ``settings.site_pictures`` by first
    published day (then arxiv id), the order of ``queries.paper_index``."""

    ids: frozenset[str]
    limit: int
    oldest: tuple[str, str] | None  # (first date, arxiv id) of the oldest paper inside
    firsts: dict[str, tuple[str, str]]  # (first date, arxiv id) of the papers looked at

    def meta(self) -> str:
        return json.dumps({"limit": self.limit, "oldest": self.oldest})

    def left_since(self, meta: str | None) -> list[str] | None:
        """Papers that were inside the window ``meta`` recorded and are not now (None: the
        window changed otherwise, e.g. its size: a full build decides again)."""
        same, before = _recorded(meta, self.limit)
        if not same:
            return None
        if before is None or self.oldest is None or before == self.oldest:
            return [] if before == self.oldest else None
        if self.oldest < before:
            return None  # older papers came back in (a day unpublished): decide them all
        return sorted(a for a, key in self.firsts.items() if before <= key < self.oldest)


def _recorded(meta: str | None, limit: int) -> tuple[bool, tuple[str, str] | None]:
    """(whether ``meta`` recorded a window of this size, its oldest paper)."""
    try:
        old = json.loads(meta) if meta else None
    except ValueError:
        return False, None
    if not isinstance(old, dict) or old.get("limit") != limit:
        return False, None
    oldest = old.get("oldest")
    if not isinstance(oldest, list) or len(oldest) != 2:
        return True, None
    return True, (str(oldest[0]), str(oldest[1]))


def _firsts(store: Store, since: str | None) -> dict[str, tuple[str, str]]:
    """(first published date, arxiv id) of every paper, or of those listed since ``since``."""
    from ..store.published import CHOSEN

    where = "" if since is None else """WHERE d.arxiv_id IN (
        SELECT d2.arxiv_id FROM chosen c2 JOIN day_papers d2
        ON d2.date = c2.date AND d2.source = c2.source WHERE c2.date >= ?)"""
    rows = store.conn.execute(
        f"""WITH chosen AS MATERIALIZED ({CHOSEN})
            SELECT d.arxiv_id, min(c.date) FROM chosen c
            JOIN day_papers d ON d.date = c.date AND d.source = c.source {where}
            GROUP BY d.arxiv_id""", () if since is None else (since,)).fetchall()
    return {str(r[0]): (str(r[1]), str(r[0])) for r in rows}


def window(store: Store, settings: Settings, previous: str | None = None) -> Window:
    """The site's picture window (``site_pictures``) over the published papers.

    ``previous`` (the last build's :meth:`Window.meta`) lets an incremental build look only
    at papers listed since the window's oldest paper: 10^4 of 10^5 papers, not all.
    """
    limit = settings.site_pictures
    same, since = _recorded(previous, limit)
    since = since if same else None
    firsts = _firsts(store, since[0] if since else None)
    keys = sorted(firsts.values())
    if since is not None and sum(1 for key in keys if key >= since) < limit:
        firsts = _firsts(store, None)  # the window reaches further back: look at them all
        keys = sorted(firsts.values())
    newest: Sequence[tuple[str, str]] = keys[-limit:] if limit else []
    return Window(ids=frozenset(a for _d, a in newest), limit=limit,
                  oldest=newest[0] if newest else None, firsts=firsts)


def on_site(site: Path, arxiv_ids: Iterable[str]) -> list[str]:
    """Those of ``arxiv_ids`` whose picture the site holds. A paper without one shows none
    inside the window or out of it, so its pages need no new build when it leaves."""
    images = site / paths.IMAGES
    held = _site_versions(images) if images.is_dir() else {}
    return [a for a in arxiv_ids if paths.image_stem(a) in held]


def forget(site: Path, arxiv_ids: Iterable[str]) -> None:
    """Remove the site's picture files of papers that no longer show one."""
    images = site / paths.IMAGES
    for arxiv_id in arxiv_ids:
        stem = paths.image_stem(arxiv_id)
        for path in images.glob(f"{stem}v*{paths.IMAGE_SUFFIX}"):
            path.unlink(missing_ok=True)


def picture_of(settings: Settings, arxiv_id: str, version: int | None) -> PaperPicture | None:
    """A paper's cached picture, without making one (channels call this after publishing)."""
    return prepare(settings, [(arxiv_id, version)], make=False).get(arxiv_id)


__all__ = ["FIGURE_VERSION", "PaperPicture", "Window", "forget", "on_site", "picture_of",
           "prepare", "window"]
