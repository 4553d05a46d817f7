"""One worker process that runs PDFium: crash and hang isolation for PDF extraction.

PDFium is not thread-safe and a hostile PDF can crash or hang it. The fetcher sends one
path at a time to a single long-lived child process (``spawn``: no forked locks), waits at
most ``timeout`` seconds, and on a crash or timeout kills the child, reports a reason and
starts a fresh one for the next paper. Only one PDF is ever open.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import PdfError
from ..models import FullText
from .pdf import extract_pdf


def _serve(conn: Connection) -> None:
    """Child loop: receive (path, arxiv_id, version), answer ("ok", dict) | ("error", reason)."""
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, arxiv_id, version = job
        try:
            result: tuple[str, Any] = ("ok", extract_pdf(Path(path), arxiv_id, version).to_dict())
        except PdfError as exc:
            result = ("error", exc.reason)
        except Exception as exc:  # report whatever PDFium or the cleaner raised; the
            # parent records it as the paper's fallback reason and carries on.
            result = ("error", f"extractor failed: {type(exc).__name__}: {exc}")
        conn.send(result)


class ExtractionWorker:
    """A child process extracting one PDF at a time; restarted after a crash or timeout."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child,), daemon=True,
                                 name="dailypapers-pdfium")
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        return parent

    def extract(self, path: Path, arxiv_id: str, version: int | None) -> FullText:
        conn = self._conn if self._proc is not None and self._proc.is_alive() else None
        if conn is None:
            conn = self._start()
        try:
            conn.send((str(path), arxiv_id, version))
            if not conn.poll(self.timeout):
                self._kill()
                raise PdfError(f"extraction timed out after {self.timeout:.0f}s")
            status, payload = conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            code = self._proc.exitcode if self._proc is not None else None
            self._kill()
            raise PdfError(f"extractor process died (exit code {code})") from exc
        if status != "ok":
            raise PdfError(str(payload))
        return FullText.from_dict(payload)

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        if self._proc is not None and self._conn is not None and self._proc.is_alive():
            with contextlib.suppress(OSError):  # already gone: nothing to tell it
                self._conn.send(None)
            self._proc.join(5)
        self._kill()
