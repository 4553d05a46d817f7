"""Pictures of papers: made once per PDF, cached by the PDF's hash, shared by every output.

``prepare(settings, papers)`` finds each paper's cached PDF (``cache/pdf``, by id and
version), and makes the pictures it does not have yet (``fulltext/figure.py``) in one
spawned worker process: PDFium is not thread-safe and a hostile PDF may crash it, which
must not take the build down. Results live in ``cache/pictures/<pdf sha256>.{webp,jpg,json}``
(a failure is recorded too, so a bad PDF is tried once per figure version). A paper without
a PDF has no picture, and nothing links to one.

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
import multiprocessing as mp
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..files import write_atomic
from ..fulltext.download import PdfCache
from . import paths

SITE_DIR = "site"  # the site's root under the working directory (render/site)

log = logging.getLogger(__name__)

FIGURE_VERSION = 2  # bump when fulltext/figure.py picks or encodes differently
PER_PDF_SECONDS = 30.0


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



def _make_all(jobs: list[tuple[str, str]], folder: str) -> None:
    """Worker process: make the picture of each (pdf path, sha256) into ``folder``."""
    from ..fulltext.figure import _FigureError, make_picture

    out = Path(folder)
    for pdf, sha in jobs:
        meta: dict[str, Any]
        try:
            picture = make_picture(Path(pdf))
        except _FigureError as exc:
            meta = {"v": FIGURE_VERSION, "error": str(exc)}
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


def _run(jobs: list[tuple[str, str]], folder: Path) -> None:
    """Make pictures in spawned workers; a PDF that crashes or hangs PDFium is marked failed."""
    ctx = mp.get_context("spawn")
    pending = list(jobs)
    while pending:
        proc = ctx.Process(target=_make_all, args=(pending, str(folder)), daemon=True,
                           name="dailypapers-pictures")
        proc.start()
        proc.join(PER_PDF_SECONDS * len(pending))
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        pending = [(pdf, sha) for pdf, sha in pending if _meta(folder, sha) is None]
        if pending and proc.exitcode != 0:
            pdf, sha = pending.pop(0)  # the one it was working on
            log.warning("pictures: PDFium failed on %s (exit %s)", pdf, proc.exitcode)
            write_atomic(folder / f"{sha}.json", json.dumps(
                {"v": FIGURE_VERSION, "error": f"worker died (exit {proc.exitcode})"}).encode())
        elif pending:
            break  # the worker ended cleanly without them: nothing more to try


def prepare(settings: Settings, papers: Iterable[tuple[str, int | None]],
            make: bool = True) -> dict[str, PaperPicture]:
    """The pictures of ``papers`` (arxiv id, version), made first when missing and ``make``.

    A paper whose PDF is not in the cache takes back the picture the site published (see the
    module's docstring); one with neither has none.
    """
    papers = list(papers)
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
            _run([(str(blobs / f"{sha}.pdf"), sha) for sha in missing], folder)
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
    """Pictures the site published for papers whose PDF the cache no longer holds."""
    site = settings.root / SITE_DIR
    images = site / paths.IMAGES
    if not images.is_dir():
        return {}
    folder = _dir(settings) / "site"
    listed = _site_versions(images) if any(v is None for _a, v in papers) else {}
    out: dict[str, PaperPicture] = {}
    for arxiv_id, version in papers:
        if version is not None:
            versions = [version]
        else:  # the newest the site has (a full build asks without a version)
            versions = listed.get(paths.image_path(arxiv_id, 0)[len(paths.IMAGES) + 1:]
                                  .removesuffix(f"v0{paths.IMAGE_SUFFIX}"), [])
        for number in versions:
            rel = paths.image_path(arxiv_id, number)
            stem = Path(rel).name.removesuffix(paths.IMAGE_SUFFIX)
            meta = _meta(folder, stem)
            if meta is None and (site / rel).is_file():
                meta = _restore(site / rel, folder, stem)
            if meta is not None and "error" not in meta:
                out[arxiv_id] = _picture(arxiv_id, number or None, meta, folder, stem)
                break
    return out


def _restore(published: Path, folder: Path, stem: str) -> dict[str, Any] | None:
    """Take back a published picture: the WebP as it is, a JPEG made from it, its meta."""
    from PIL import Image, UnidentifiedImageError

    from ..fulltext.figure import MAX_BYTES, alt_of, jpeg_of

    try:
        data = published.read_bytes()
        if len(data) > MAX_BYTES:
            return None
        with Image.open(io.BytesIO(data), formats=["WEBP"]) as image:
            image.load()
            alt = alt_of(image.info.get("xmp"))
            width, height = image.size
            jpeg = jpeg_of(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        log.warning("pictures: cannot take back %s: %s", published.name, exc)
        return None
    if jpeg is None:
        return None
    write_atomic(folder / f"{stem}.webp", data)
    write_atomic(folder / f"{stem}.jpg", jpeg)
    meta = {"v": FIGURE_VERSION, "alt": alt, "width": width, "height": height,
            "kind": "published"}
    write_atomic(folder / f"{stem}.json", json.dumps(meta).encode())
    return meta


def picture_of(settings: Settings, arxiv_id: str, version: int | None) -> PaperPicture | None:
    """A paper's cached picture, without making one (channels call this after publishing)."""
    return prepare(settings, [(arxiv_id, version)], make=False).get(arxiv_id)


__all__ = ["FIGURE_VERSION", "PaperPicture", "picture_of", "prepare"]
