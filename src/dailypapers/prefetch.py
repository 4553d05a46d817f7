"""The day's full texts: which papers need one, and fetching them while others are summarized.

:func:`texts_needed` is the one rule for which papers of a day need a text fetched (a
stored PDF or HTML text is kept; an abstract-only fallback is retried; with full text
off, each paper gets its abstract). :func:`prefetch_fulltexts` applies it and fetches the
rest in the background in list order, handing back a :class:`LazyTexts` mapping at once:
reading a paper's text waits for that paper only, so summarizing paper k (in this
process) overlaps extracting the next papers (in the worker processes). ``fetch`` (the
command) and a re-fetch of restored texts use the same machinery and settle at once.

Both CPUs: ``FETCH_THREADS`` fetch threads (capped by the CPU count), each with its own
extraction worker (PDFium is not thread-safe), so two PDFs are extracted side by side
while this thread summarizes. :func:`start_workers` starts the workers before the day's
list is even collected; their start-up (a fork from the extraction server, see
``fulltext/worker.py``) then costs the day nothing.

Threads and state: a fetch thread only calls ``FullTextFetcher.fetch`` (network and its
worker's pipe; the HTTP client and arXiv's pacer are shared, so the pace holds across
threads); everything that touches the store happens in the caller's thread, when a text is
first read (it is saved, and the paper's version updated when arXiv told it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

from .config import Settings
from .fulltext import FullTextFetcher, abstract_fulltext
from .fulltext.worker import WorkerPool
from .http import Pacer, make_client
from .models import FullText, Paper
from .progress import progress
from .store import Store
from .store.buffer import WriteBuffer

# Extraction workers (PDFium is not thread-safe: one process each), capped by the machine's
# CPUs. Extraction dominates a day's CPU, so overlapping it with summarizing alone gains
# little (0.98x wall on an idle 2-CPU machine); two workers extracting side by side are
# what uses the second CPU (bench/day_cpus.py).
EXTRACTION_WORKERS = 2
# Fetch threads: one more than the workers, so a download overlaps the extractions (a
# thread holds a worker only while it extracts).
FETCH_THREADS = EXTRACTION_WORKERS + 1


def worker_count(threads: int) -> int:
    """How many extraction workers ``threads`` fetch threads share."""
    return max(1, min(EXTRACTION_WORKERS, os.cpu_count() or 1, threads))


def fetch_threads(papers: int, threads: int | None = None) -> int:
    """How many fetch threads a stage of ``papers`` texts gets."""
    return max(1, min(FETCH_THREADS if threads is None else threads, papers))


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

    def settle(self, desc: str | None = None) -> None:
        """Read every text still pending (so each is saved and reported); ``desc`` shows
        a progress bar."""
        pending = list(self._pending)
        for arxiv_id in pending if desc is None else progress(pending, total=len(pending),
                                                                desc=desc):
            self[arxiv_id]


def start_workers(settings: Settings) -> WorkerPool | None:
    """Start the extraction workers now (None when full text is off), so their start-up
    overlaps whatever comes before the fetch: collecting the list, the first downloads."""
    if not settings.fulltext:
        return None
    return FullTextFetcher.new_pool(settings, worker_count(FETCH_THREADS))


def texts_needed(
    store: Store, settings: Settings, day: str, only: Collection[str] | None = None,
) -> tuple[dict[str, FullText], list[Paper]]:
    """The day's texts already known, and the papers (in list order) that need a fetch.

    The one rule: a stored PDF or HTML text is kept; a paper without a text, or with only
    its abstract (a fallback, retried every run), is fetched; with ``fulltext = false`` it
    gets its abstract. With ``only``, just those papers.
    """
    day_list = store.load_day(day)
    have: dict[str, FullText] = {}
    todo: list[Paper] = []
    for entry in day_list.entries if day_list is not None else []:
        paper = entry.paper
        if only is not None and paper.arxiv_id not in only:
            continue
        stored = store.get_fulltext(paper.arxiv_id, paper.version)
        if stored is not None and stored.source != "abstract":
            have[paper.arxiv_id] = stored
        elif not settings.fulltext:
            have[paper.arxiv_id] = abstract_fulltext(paper, ["full text disabled"])
        else:
            todo.append(paper)
    return have, todo


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


def fallback_reason(text: FullText) -> str | None:
    """Why a paper has no PDF text (None when it has one), for the run line."""
    if text.source == "pdf":
        return None
    return "; ".join(text.fallback_reasons) or f"used {text.source}"


@contextmanager
def fetching(
    store: Store, settings: Settings, papers: Iterable[Paper], *,
    on_ready: Callable[[Paper, FullText], None] | None = None,
    workers: WorkerPool | None = None, threads: int | None = None,
) -> Iterator[LazyTexts]:
    """Fetch ``papers`` in the background, in order, with ``threads`` fetch threads sharing
    ``workers`` (started here when not given); each text is saved (and the paper's version
    updated) in this thread when it is first read. On leaving, every text still pending is
    read."""
    papers = list(papers)

    def fetched(paper: Paper, text: FullText) -> None:
        saved.add(text)
        if text.version and paper.version != text.version:
            # arXiv told us the version: later stages key their caches on it.
            paper.version = text.version
            store.upsert_paper(paper)
        if on_ready is not None:
            on_ready(paper, text)

    texts = LazyTexts(fetched)
    if not papers:
        yield texts
        return
    stop = time.monotonic() + settings.stage_deadline
    count = fetch_threads(len(papers), threads)
    pacer = Pacer(settings.arxiv_delay)  # one pace for every thread: arXiv's limit is global
    with ExitStack() as stack:
        pool = workers if workers is not None else stack.enter_context(
            FullTextFetcher.new_pool(settings, worker_count(count)))
        client = stack.enter_context(make_client(settings))
        fetcher = stack.enter_context(FullTextFetcher(settings, client, pacer=pacer, pool=pool))
        saved = stack.enter_context(WriteBuffer(store.save_fulltexts))
        pool_threads = stack.enter_context(
            ThreadPoolExecutor(count, thread_name_prefix="dailypapers-fetch"))
        for paper in papers:
            texts.expect(paper, pool_threads.submit(
                fetch_one, fetcher, paper, stop, settings.stage_deadline))
        try:
            yield texts
            texts.settle()
        finally:
            pool_threads.shutdown(wait=True, cancel_futures=True)


@contextmanager
def prefetch_fulltexts(
    store: Store, settings: Settings, day: str, fallbacks: dict[str, str] | None = None, *,
    only: Collection[str] | None = None, workers: WorkerPool | None = None,
    threads: int | None = None,
) -> Iterator[LazyTexts]:
    """The day's full texts (see the module doc): known ones at once, the others fetched
    in the background. ``fallbacks`` collects why a paper has no PDF text; ``workers``
    (from :func:`start_workers`) are used instead of starting new ones."""
    def report(paper: Paper, text: FullText) -> None:
        reason = fallback_reason(text)
        if fallbacks is not None and reason is not None:
            fallbacks[paper.arxiv_id] = reason

    have, todo = texts_needed(store, settings, day, only)
    with fetching(store, settings, todo, on_ready=report, workers=workers,
                  threads=threads) as texts:
        for arxiv_id, text in have.items():
            texts[arxiv_id] = text
            if fallbacks is not None and (reason := fallback_reason(text)) is not None:
                fallbacks[arxiv_id] = reason
        yield texts


def fetch_now(store: Store, settings: Settings, papers: Iterable[Paper], *,
              desc: str | None = None) -> dict[str, FullText]:
    """Fetch these papers' texts now (whatever is stored), saved; returns them by id."""
    with fetching(store, settings, papers) as texts:
        texts.settle(desc)
        return dict(texts)


__all__ = [
    "EXTRACTION_WORKERS", "FETCH_THREADS", "LazyTexts", "fallback_reason", "fetch_now", "fetch_one",
    "fetching", "prefetch_fulltexts", "start_workers", "texts_needed",
]
