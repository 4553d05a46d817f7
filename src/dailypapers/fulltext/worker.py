"""One worker process that runs PDFium: crash and hang isolation for PDF extraction.

PDFium is not thread-safe and a hostile PDF can crash or hang it. The fetcher sends one
path at a time to a single long-lived child process, waits at most ``timeout`` seconds,
and on a crash or timeout kills the child, reports a reason and starts a fresh one for the
next paper. Only one PDF is ever open in a worker.

Start-up: where the platform has it, workers are forked from multiprocessing's fork
server, a clean single-threaded process started once per run that has already imported
this module (hence PDFium): a worker then starts in milliseconds instead of the ~0.15 s
of a fresh interpreter, and no lock of the (threaded) parent is ever forked. Elsewhere,
``spawn``.

A worker that cannot start, or dies, is not the PDF's fault unless it died on the PDF: each
worker says it is ready before it takes a job. One that never says so (a script driving
dailypapers without an ``if __name__ == "__main__":`` guard makes every worker exit while it
re-imports that script; a fork server that died; the OS) is started once more, then the
caller gets :class:`~dailypapers.errors.WorkerError` (the paper keeps its abstract and is
tried next run). One that dies on a PDF is given the PDF once more in a fresh process (the
OS may have killed it for another reason); dying on it twice is the PDF's
:class:`~dailypapers.errors.PdfError`, as a timeout or an error of the extractor is.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any

from ..errors import PdfError, WorkerError
from ..models import FullText
from .pdf import extract_pdf

log = logging.getLogger(__name__)

READY = "ready"  # a worker's first message: it started and can take a job
START_SECONDS = 60.0  # for a worker to say it is ready, at most (the fork server starts too)
RETRY_PAUSE = 1.0  # before starting a worker again: a fork server just killed is then gone
GUARD_HINT = ('a script that runs dailypapers needs an `if __name__ == "__main__":` guard'
              " (every worker process imports the main script again)")


def start_failed(what: str, reason: str) -> str:
    """What to record when a worker could not start (the warning adds GUARD_HINT)."""
    return f"the {what} worker could not start ({reason})"


def limit_memory(max_bytes: int | None) -> None:
    """Cap this process's address space (a hostile PDF cannot take the machine's memory)."""
    if not max_bytes:
        return
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the timeout remains
        pass


def bounded(fulltext: FullText, max_chars: int) -> FullText:
    """The text cut to ``max_chars`` characters (sections too), marked as cut; raises
    PdfError when nothing readable is left (a PDF of images, or of control characters)."""
    if not fulltext.text.strip():
        raise PdfError("no text in the PDF (0 characters after cleaning)")
    if len(fulltext.text) <= max_chars:
        return fulltext
    fulltext.text = fulltext.text[:max_chars]
    kept, used = [], 0
    for section in fulltext.sections:
        if used >= max_chars:
            break
        section.text = section.text[: max_chars - used]
        used += len(section.text)
        kept.append(section)
    fulltext.sections = kept
    fulltext.stats["truncated_at_chars"] = max_chars
    return fulltext


def _serve(conn: Connection, max_memory: int | None = None,
           max_chars: int = 3_000_000) -> None:
    """Child loop: receive (path, arxiv_id, version), answer ("ok", dict) | ("error", reason)."""
    conn.send((READY, None))
    limit_memory(max_memory)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, arxiv_id, version = job
        try:
            fulltext = bounded(extract_pdf(Path(path), arxiv_id, version), max_chars)
            result: tuple[str, Any] = ("ok", fulltext.to_dict())
        except PdfError as exc:
            result = ("error", exc.reason)
        except MemoryError:
            result = ("error", f"too large: extraction needed more than {max_memory} bytes"
                      " (pdf_max_memory)")
        except Exception as exc:  # report whatever PDFium or the cleaner raised; the
            # parent records it as the paper's fallback reason and carries on.
            result = ("error", f"extractor failed: {type(exc).__name__}: {exc}")
        conn.send(result)


def process_context() -> ForkServerContext | SpawnContext:
    """The fork server preloaded with this module, else ``spawn``.

    A forked worker still runs the main script's imports, as a spawned one does (CPython's
    fork server never preloads ``__main__``: it asks for a ``main_path`` key that the
    preparation data does not have); for the ``dailypapers`` command that is click alone.
    """
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    # no effect once the server runs; render/pictures.py's workers come from it too
    ctx.set_forkserver_preload([__name__])
    return ctx


class _Died(Exception):
    """The worker process ended while it had a PDF."""


class ExtractionWorker:
    """A child process extracting one PDF at a time; restarted after a crash or timeout."""

    def __init__(
        self, timeout: float, *, max_memory: int | None = None, max_chars: int = 3_000_000,
        warned: threading.Event | None = None,
    ) -> None:
        self.timeout = timeout
        # set once a worker has said it could not start (a pool's workers share it: one line)
        self._warned = warned if warned is not None else threading.Event()
        self.max_memory = max_memory
        self.max_chars = max_chars
        self._ctx = process_context()
        self._proc: Any = None
        self._conn: Connection | None = None
        self._ready = False
        self.broken: str | None = None  # why no worker could be started (given up for good)

    def _start(self) -> Connection:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child, self.max_memory, self.max_chars),
                                 daemon=True,
                                 name="dailypapers-pdfium")
        try:
            proc.start()
        finally:
            child.close()
        self._proc, self._conn, self._ready = proc, parent, False
        return parent

    def start(self) -> None:
        """Start the child now (it loads PDFium while the caller does something else)."""
        if self.broken is None and (self._proc is None or not self._proc.is_alive()):
            self._start()

    def _running(self) -> Connection:
        """The connection to a worker that said it is ready, started (twice at most) when
        needed; raises WorkerError when none would start."""
        if self.broken is not None:
            raise WorkerError(self.broken, hint=GUARD_HINT)
        reason = ""
        for attempt in range(2):
            if attempt:
                time.sleep(RETRY_PAUSE)
            try:
                conn = self._conn
                if conn is None or self._proc is None or not self._proc.is_alive():
                    self._kill()
                    conn = self._start()
                if not self._ready and conn.poll(START_SECONDS):
                    self._ready = conn.recv()[0] == READY
                if self._ready:
                    return conn
                reason = (f"no answer in {START_SECONDS:.0f}s" if self._proc.is_alive()
                          else f"exit code {self._proc.exitcode}")
            except (OSError, EOFError, ValueError) as exc:
                # the worker ended before its first message, or the fork server cannot be
                # reached (it is started again on the next try)
                if self._proc is not None:
                    self._proc.join(2)  # let the exit code arrive
                code = self._proc.exitcode if self._proc is not None else None
                reason = (f"exit code {code}" if code is not None
                          else f"{type(exc).__name__}: {exc}")
            self._kill()
        self.broken = start_failed("PDF extraction", reason)
        if not self._warned.is_set():
            self._warned.set()
            log.warning("%s: papers keep their abstract and are tried again next run; %s",
                        self.broken, GUARD_HINT)
        raise WorkerError(self.broken, hint=GUARD_HINT)

    def extract(self, path: Path, arxiv_id: str, version: int | None) -> FullText:
        """The PDF's text; PdfError for the PDF's fault, WorkerError for ours."""
        try:
            return self._job(self._running(), path, arxiv_id, version)
        except _Died as died:
            # Killed from outside, or a crash on this PDF: once more in a fresh worker.
            log.info("the extraction worker died on %s (%s); trying it once more", arxiv_id,
                     died)
        try:
            return self._job(self._running(), path, arxiv_id, version)
        except _Died as died:
            raise PdfError(
                f"extractor process died twice ({died}; too large for pdf_max_memory="
                f"{self.max_memory} bytes, or a crash)") from died

    def _job(self, conn: Connection, path: Path, arxiv_id: str,
             version: int | None) -> FullText:
        try:
            conn.send((str(path), arxiv_id, version))
            if not conn.poll(self.timeout):
                self._kill()
                raise PdfError(f"extraction timed out after {self.timeout:.0f}s")
            status, payload = conn.recv()
        except (EOFError, OSError) as exc:
            if self._proc is not None:
                self._proc.join(2)  # let the exit code arrive
            code = self._proc.exitcode if self._proc is not None else None
            self._kill()
            raise _Died(f"exit code {code}") from exc
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
        self._ready = False

    def close(self) -> None:
        if self._proc is not None and self._conn is not None and self._proc.is_alive():
            with contextlib.suppress(OSError):  # already gone: nothing to tell it
                self._conn.send(None)
            self._proc.join(5)
        self._kill()


class WorkerPool:
    """Extraction workers shared by fetch threads: a thread borrows one only while it
    extracts, so another thread's download overlaps the extractions.

    The workers are started in a background thread (the first one also starts the fork
    server, about 0.2 s): making a pool never blocks, and a thread that borrows before a
    worker is up waits for it.
    """

    def __init__(self, count: int, timeout: float, *, max_memory: int | None = None,
                 max_chars: int = 3_000_000) -> None:
        self._free: queue.SimpleQueue[ExtractionWorker] = queue.SimpleQueue()
        warned = threading.Event()
        self.workers = [ExtractionWorker(timeout, max_memory=max_memory, max_chars=max_chars,
                                         warned=warned)
                        for _ in range(max(1, count))]
        self._starter = threading.Thread(target=self._start_all, daemon=True,
                                         name="dailypapers-workers")
        self._starter.start()

    def _start_all(self) -> None:
        for worker in self.workers:
            try:
                worker.start()
            except Exception as exc:  # lent anyway: extract() starts it again and says why
                log.debug("could not start an extraction worker: %s", exc, exc_info=True)
            self._free.put(worker)

    def started(self) -> None:
        """Wait until every worker has been started."""
        self._starter.join()

    @contextlib.contextmanager
    def borrow(self) -> Iterator[ExtractionWorker]:
        """A free worker (waits for one), given back afterwards."""
        worker = self._free.get()
        try:
            yield worker
        finally:
            self._free.put(worker)

    def close(self) -> None:
        self._starter.join()
        for worker in self.workers:
            worker.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
