"""Pictures of papers: made once per PDF, cached by the PDF's hash, shared by every output.

``prepare(settings, papers)`` finds each paper's cached PDF (``cache/pdf``, by id and
version), and makes the pictures it does not have yet (``fulltext/figure.py``) in one
spawned worker process: PDFium is not thread-safe and a hostile PDF may crash it, which
must not take the build down. Results live in ``cache/pictures/<pdf sha256>.{webp,jpg,json}``
(a failure is recorded too, so a bad PDF is tried once per figure version). A paper without
a PDF has no picture, and nothing links to one.

The site copies the WebP to ``img/<id>v<n>.webp`` (``paths.image_path``); Telegram and
email send the JPEG (every client shows JPEG, not every one WebP).
"""

from __future__ import annotations

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

log = logging.getLogger(__name__)

FIGURE_VERSION = 1  # bump when fulltext/figure.py picks or encodes differently
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
    """The pictures of ``papers`` (arxiv id, version), made first when missing and ``make``."""
    cache = PdfCache(settings.cache_path / "pdf")
    if not cache.refs.is_dir():
        return {}
    known = {p.name for p in cache.refs.iterdir()}
    folder = _dir(settings)
    found: dict[str, tuple[int | None, str]] = {}
    for arxiv_id, version in papers:
        for wanted in (version, None):
            name = f"{arxiv_id.replace('/', '_')}{f'v{wanted}' if wanted is not None else ''}"
            if f"{name}.json" not in known:
                continue
            pdf = cache.lookup(arxiv_id, wanted)
            if pdf is not None:
                found[arxiv_id] = (version if version is not None else pdf.version, pdf.sha256)
                break
    if not found:
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    missing = sorted({sha for _v, sha in found.values() if _meta(folder, sha) is None})
    if missing and make:
        blobs = cache.blobs
        _run([(str(blobs / f"{sha}.pdf"), sha) for sha in missing], folder)
    out: dict[str, PaperPicture] = {}
    for arxiv_id, (version, sha) in found.items():
        meta = _meta(folder, sha)
        if not meta or "error" in meta:
            continue
        out[arxiv_id] = PaperPicture(
            arxiv_id=arxiv_id, version=version, path=paths.image_path(arxiv_id, version),
            alt=str(meta.get("alt") or ""), width=int(meta["width"]),
            height=int(meta["height"]), webp=folder / f"{sha}.webp",
            jpeg=folder / f"{sha}.jpg",
        )
    return out


def picture_of(settings: Settings, arxiv_id: str, version: int | None) -> PaperPicture | None:
    """A paper's cached picture, without making one (channels call this after publishing)."""
    return prepare(settings, [(arxiv_id, version)], make=False).get(arxiv_id)


__all__ = ["FIGURE_VERSION", "PaperPicture", "picture_of", "prepare"]
