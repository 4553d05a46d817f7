"""Download arXiv PDFs (and HTML pages) politely, check them, and cache them on disk.

Promises:

- one request at a time, ``arxiv_delay`` seconds apart (a shared ``http.Pacer``: arXiv asks
  for one request every 3 s), the client's descriptive User-Agent and timeouts;
- bounded retries on transport errors, 408/429/5xx, waiting what ``Retry-After`` asks
  (capped by ``retry_max_wait``): the one policy of :func:`dailypapers.http.stream`, which
  hands this module the streaming response; a whole download, waits included, ends within
  ``download_deadline`` seconds (a trickling server cannot hold a run);
- the body is streamed to a temporary file and reading stops past ``pdf_max_bytes``: a PDF
  is never held in memory;
- nothing is cached or extracted before it passes every check: status, Content-Type,
  Content-Length against the bytes received, ``%PDF-`` magic, a trailing ``%%EOF``;
- the cache is content-addressed (``blobs/<sha256>.pdf``) with one small reference per id
  and version (``refs/<id>v<n>.json``), both written atomically (temp file + rename). A new
  arXiv version is a new reference; older ones stay. A re-run downloads nothing it has.

Every failure raises ``DownloadError`` (a ``FetchError``) with a short ``reason``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx

from ..config import Settings
from ..errors import DownloadError
from ..files import write_atomic
from ..http import RETRY_STATUS, DeadlineExceeded, Pacer, stream

log = logging.getLogger(__name__)

PDF_TYPES = ("application/pdf", "application/x-pdf", "application/octet-stream")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_VERSION_RE = re.compile(r"v(\d+)(?:\.pdf)?/?$")



@dataclass
class CachedPdf:
    """A checked PDF in the cache."""

    arxiv_id: str
    version: int | None
    sha256: str
    bytes: int
    url: str
    path: Path
    fetched_at: str
    downloaded: bool = False  # False when it came from the cache


@dataclass
class Downloaded:
    """A body streamed to a temporary file, with what the response said about it."""

    tmp: Path
    sha256: str
    size: int
    url: str  # after redirects
    content_type: str
    content_disposition: str


def ref_name(arxiv_id: str, version: int | None) -> str:
    safe = arxiv_id.replace("/", "_")
    return f"{safe}v{version}" if version is not None else safe


def version_from_response(url: str, content_disposition: str = "") -> int | None:
    """The arXiv version a versionless request was answered with, when it says so."""
    for text in (url.split("?", 1)[0], content_disposition.rstrip('"; ')):
        m = _VERSION_RE.search(text)
        if m:
            return int(m.group(1))
    return None


class PdfCache:
    """Content-addressed PDF store with per-(id, version) references."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.refs = root / "refs"
        self.tmp = root / "tmp"

    def lookup(self, arxiv_id: str, version: int | None) -> CachedPdf | None:
        ref = self.refs / f"{ref_name(arxiv_id, version)}.json"
        try:
            data = json.loads(ref.read_text(encoding="utf-8"))
            blob = self.blobs / f"{data['sha256']}.pdf"
            if blob.stat().st_size != data["bytes"]:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return CachedPdf(
            arxiv_id=arxiv_id, version=data.get("version", version), sha256=data["sha256"],
            bytes=data["bytes"], url=data.get("url", ""), path=blob,
            fetched_at=data.get("fetched_at", ""),
        )

    def store(self, got: Downloaded, arxiv_id: str, version: int | None) -> CachedPdf:
        """Move a checked download into the cache and point its id/version at it."""
        self.blobs.mkdir(parents=True, exist_ok=True)
        blob = self.blobs / f"{got.sha256}.pdf"
        if blob.exists() and blob.stat().st_size == got.size:
            got.tmp.unlink(missing_ok=True)
        else:
            os.replace(got.tmp, blob)
        entry = CachedPdf(
            arxiv_id=arxiv_id, version=version, sha256=got.sha256, bytes=got.size,
            url=got.url, path=blob, fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            downloaded=True,
        )
        record = {k: v for k, v in asdict(entry).items() if k not in ("path", "downloaded")}
        payload = json.dumps(record, indent=1).encode()
        write_atomic(self.refs / f"{ref_name(arxiv_id, version)}.json", payload)
        latest = self.lookup(arxiv_id, None)
        if version is not None and (latest is None or (latest.version or 0) < version):
            # A later versionless request reuses the newest version we have.
            write_atomic(self.refs / f"{ref_name(arxiv_id, None)}.json", payload)
        return entry


def stream_to_file(
    client: httpx.Client,
    url: str,
    *,
    settings: Settings,
    pacer: Pacer | None,
    tmp_dir: Path,
    max_bytes: int,
    content_types: tuple[str, ...],
    base_wait: float = 1.0,
) -> Downloaded:
    """GET ``url`` into a temp file under ``tmp_dir``, with bounded retries and size checks.

    Retries and waits are :func:`dailypapers.http.stream`'s; the whole download (waits
    included) must end within ``download_deadline`` seconds. The temp file is deleted on
    every failure; on success the caller owns it.
    """
    attempts = max(1, settings.http_retries)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + settings.download_deadline

    def receive(response: httpx.Response) -> Downloaded:
        if response.status_code in RETRY_STATUS:
            raise DownloadError(f"HTTP {response.status_code} after {attempts} attempts",
                                status=response.status_code)
        return _receive(response, tmp_dir, max_bytes, content_types, deadline)

    try:
        return stream(
            client, "GET", url, receive, attempts=attempts, max_wait=settings.retry_max_wait,
            base_wait=base_wait, pacer=pacer, deadline=deadline, follow_redirects=True,
            # arXiv asks robots to say who they are, also on an injected client.
            headers={"User-Agent": settings.user_agent},
        )
    except DeadlineExceeded as exc:
        raise DownloadError(
            f"too slow: not complete after {settings.download_deadline:g}s (download_deadline)"
        ) from exc
    except httpx.TransportError as exc:
        raise DownloadError(
            f"network error after {attempts} attempts: {type(exc).__name__}: {exc}"
        ) from exc


def _receive(
    response: httpx.Response, tmp_dir: Path, max_bytes: int, content_types: tuple[str, ...],
    deadline: float,
) -> Downloaded:
    status = response.status_code
    if status == 404:
        raise DownloadError("not found (HTTP 404)", status=status)
    if status != 200:
        raise DownloadError(f"HTTP {status}", status=status)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in content_types:
        raise DownloadError(
            f"unexpected Content-Type {content_type or '(none)'!r}", status=status
        )
    declared_raw = response.headers.get("content-length")
    declared = int(declared_raw) if declared_raw and declared_raw.isdigit() else None
    if declared is not None and declared > max_bytes:
        raise DownloadError(f"too large: Content-Length {declared} > limit {max_bytes} bytes")
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=".dl-")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            # Decoded bytes as they arrive (a server may gzip an HTML page; no re-chunking,
            # so the deadline is checked on every read); the limit counts what we keep.
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"too large: more than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise DeadlineExceeded("download deadline passed")
                digest.update(chunk)
                fh.write(chunk)
        received = response.num_bytes_downloaded
        if declared is not None and received != declared:
            raise DownloadError(
                f"truncated download: {received} of {declared} bytes (Content-Length)"
            )
        if size == 0:
            raise DownloadError("empty body")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Downloaded(
        tmp=tmp, sha256=digest.hexdigest(), size=size, url=str(response.url),
        content_type=content_type,
        content_disposition=response.headers.get("content-disposition", ""),
    )


def check_pdf_file(path: Path) -> None:
    """Raise DownloadError unless the file starts like a PDF and ends with ``%%EOF``."""
    size = path.stat().st_size
    if size == 0:
        raise DownloadError("empty file")
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if not head.lstrip().startswith(b"%PDF-"):
        sniff = head.lstrip()[:15].lower()
        looks = "an HTML page" if sniff.startswith((b"<!doctype", b"<html", b"<")) else "not a PDF"
        raise DownloadError(f"not a PDF (no %PDF- header; {looks})")
    if b"%%EOF" not in tail:
        raise DownloadError("truncated PDF (no trailing %%EOF)")


class PdfDownloader:
    """Fetches checked PDFs into a ``PdfCache``, pacing every request through one Pacer."""

    def __init__(
        self, settings: Settings, client: httpx.Client, cache: PdfCache, pacer: Pacer
    ) -> None:
        self.settings = settings
        self.client = client
        self.cache = cache
        self.pacer = pacer

    def url(self, arxiv_id: str, version: int | None, kind: str = "pdf") -> str:
        base = self.settings.arxiv_url.rstrip("/")
        return f"{base}/{kind}/{arxiv_id}" + (f"v{version}" if version is not None else "")

    def get(self, arxiv_id: str, version: int | None) -> CachedPdf:
        cached = self.cache.lookup(arxiv_id, version)
        if cached is not None:
            return cached
        got = stream_to_file(
            self.client, self.url(arxiv_id, version), settings=self.settings,
            pacer=self.pacer, tmp_dir=self.cache.tmp, max_bytes=self.settings.pdf_max_bytes,
            content_types=PDF_TYPES,
        )
        try:
            check_pdf_file(got.tmp)
        except BaseException:
            got.tmp.unlink(missing_ok=True)
            raise
        if version is None:
            version = version_from_response(got.url, got.content_disposition)
        return self.cache.store(got, arxiv_id, version)

    def get_html(self, arxiv_id: str, version: int | None) -> str:
        """The arXiv HTML rendering of a paper, as text (bounded by ``pdf_max_bytes``)."""
        got = stream_to_file(
            self.client, self.url(arxiv_id, version, "html"), settings=self.settings,
            pacer=self.pacer, tmp_dir=self.cache.tmp, max_bytes=self.settings.pdf_max_bytes,
            content_types=HTML_TYPES,
        )
        try:
            return got.tmp.read_bytes().decode("utf-8", errors="replace")
        finally:
            got.tmp.unlink(missing_ok=True)
