"""Both CPUs on a day: full texts fetched ahead while the papers before them are summarized.

``run_day`` used to fetch every full text, then summarize every paper: while the PDF worker
process extracted, the parent waited, and while the parent summarized and verified, the
worker sat idle. :func:`prefetch_fulltexts` starts a background thread (``FETCH_THREADS``)
that fetches the day's texts in list order (download, then extraction in the thread's own
worker process, started before the first download) and hands back a :class:`LazyTexts`
mapping at once. Reading a paper's text waits for that paper only, so summarizing paper k
(in this process) overlaps extracting paper k+1 (in the worker).

Threads and state: a fetch thread only calls ``FullTextFetcher.fetch`` (network and its
worker's pipe; the HTTP client and arXiv's pacer are shared, so the pace holds across
threads); everything that touches the store happens in the caller's thread, when a text is
first read (it is saved, and the paper's version updated when arXiv told it).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from .config import Settings
from .fulltext import FullTextFetcher, abstract_fulltext
from .http import Pacer, make_client
from .models import FullText, Paper
from .store import Store
from .store.buffer import WriteBuffer

# Fetch threads, each with its own extraction worker process (PDFium is not thread-safe),
# capped by the machine's CPUs. Extraction dominates a day's CPU, so overlapping it with
# summarizing alone gains little (0.98x wall on an idle 2-CPU machine); two workers
# extracting side by side made a 10-PDF day 0.78x (bench/day_cpus.py, overlap-2), for
# +20% CPU (each worker's start-up).
FETCH_THREADS = 2


class LazyTexts(MutableMapping[str, FullText]):
    """Full texts by arXiv id; a text still being fetched is waited for when first read."""

    def __init__(self, on_ready: Callable[[Paper, FullText], None] | None = None) -> None:
        self._done: dict[str, FullText] = {}
        self._pending: dict[str, tuple[Paper, Future[FullText]]] = {}
        self._on_ready = on_ready

    def expect(self, paper: Paper, future: Future[FullText]) -> None:
        self._pending[paper.arxiv_id] = (paper, future)

    def peek(self, arxiv_id: str) -> FullText | None:
        """The text if it is already here, without waiting."""
        return self._done.get(arxiv_id)

    def __getitem__(self, arxiv_id: str) -> FullText:
        if arxiv_id in self._pending:
            paper, future = self._pending.pop(arxiv_id)
            text = future.result()
            self._done[arxiv_id] = text
            if self._on_ready is not None:
                self._on_ready(paper, text)
        return self._done[arxiv_id]

    def __setitem__(self, arxiv_id: str, text: FullText) -> None:
        pending = self._pending.pop(arxiv_id, None)
        if pending is not None:
            pending[1].cancel()
        self._done[arxiv_id] = text

    def __delitem__(self, arxiv_id: str) -> None:
        self._pending.pop(arxiv_id, None)
        del self._done[arxiv_id]

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self._done or arxiv_id in self._pending

    def __iter__(self) -> Iterator[str]:
        return iter([*self._done, *self._pending])

    def __len__(self) -> int:
        return len(self._done) + len(self._pending)

    def settle(self) -> None:
        """Read every text still pending (so each is saved and reported)."""
        for arxiv_id in list(self._pending):
            self[arxiv_id]


def fetch_one(fetcher: FullTextFetcher, paper: Paper, stop: float, deadline: float) -> FullText:
    """A paper's best full text, or its abstract once the stage is past its deadline.

    Never raises for a paper-level failure (the fetcher falls back to HTML, then the abstract).
    """
    if time.monotonic() > stop:
        # The stage's deadline: the rest keep their abstracts (retried next run).
        return abstract_fulltext(paper, [
            f"full-text stage past its deadline ({deadline:g}s, stage_deadline);"
            " retried next run"])
    return fetcher.fetch(paper)


@contextmanager
def prefetch_fulltexts(
    store: Store, settings: Settings, day: str, fallbacks: dict[str, str] | None = None, *,
    only: Collection[str] | None = None,
) -> Iterator[LazyTexts]:
    """The day's full texts, fetched in the background in list order (see the module doc).

    Papers with a stored PDF or HTML text get it at once; the others are fetched (an
    abstract-only text is retried); with ``only``, just those papers. ``fallbacks`` collects
    why a paper has no PDF text. On leaving, every text still pending is read, so each is
    saved and reported.
    """
    def report(paper: Paper, text: FullText) -> None:
        if fallbacks is not None and text.source != "pdf":
            fallbacks[paper.arxiv_id] = "; ".join(text.fallback_reasons) or f"used {text.source}"

    def fetched(paper: Paper, text: FullText) -> None:
        saved.add(text)
        if text.version and paper.version != text.version:
            # arXiv told us the version: later stages key their caches on it.
            paper.version = text.version
            store.upsert_paper(paper)
        report(paper, text)

    texts = LazyTexts(fetched)
    day_list = store.load_day(day)
    todo: list[Paper] = []
    for entry in day_list.entries if day_list is not None else []:
        paper = entry.paper
        if only is not None and paper.arxiv_id not in only:
            continue
        have = store.get_fulltext(paper.arxiv_id, paper.version)
        if have is not None and have.source != "abstract":
            texts[paper.arxiv_id] = have
            report(paper, have)
        elif not settings.fulltext:
            texts[paper.arxiv_id] = abstract_fulltext(paper, ["full text disabled"])
            report(paper, texts[paper.arxiv_id])
        else:
            todo.append(paper)
    stop = time.monotonic() + settings.stage_deadline
    local = threading.local()
    fetchers: list[FullTextFetcher] = []
    pacer = Pacer(settings.arxiv_delay)  # one pace for every thread: arXiv's limit is global

    def fetch(paper: Paper) -> FullText:
        fetcher = getattr(local, "fetcher", None)
        if fetcher is None:  # one fetcher, hence one PDFium worker process, per thread
            fetcher = local.fetcher = FullTextFetcher(settings, client, pacer=pacer)
            fetchers.append(fetcher)
            fetcher.warm()
        return fetch_one(fetcher, paper, stop, settings.stage_deadline)

    threads = max(1, min(FETCH_THREADS, os.cpu_count() or 1, len(todo)))
    with (make_client(settings) as client, WriteBuffer(store.save_fulltexts) as saved,
          ThreadPoolExecutor(threads, thread_name_prefix="dailypapers-fetch") as pool):
        for paper in todo:
            texts.expect(paper, pool.submit(fetch, paper))
        try:
            yield texts
            texts.settle()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for fetcher in fetchers:
                fetcher.close()


__all__ = ["LazyTexts", "fetch_one", "prefetch_fulltexts"]
