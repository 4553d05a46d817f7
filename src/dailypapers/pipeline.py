"""Orchestration of a day: collect -> fetch -> summarize -> verify -> publish -> deliver.

Each stage reads and writes the store and is idempotent: a re-run does only what is missing
or stale. Failures are isolated per paper (recorded on the day's row, counted in the report);
one bad paper never sinks the day. No CLI code here: commands call these functions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from . import durable, guard
from .config import Settings
from .errors import DailyPapersError, EmptyDayError, SummarizerError
from .fulltext.worker import WorkerPool
from .models import DayList, FullText, Paper, Summary, Verification
from .prefetch import LazyTexts, fetch_now, prefetch_fulltexts, start_workers
from .progress import progress
from .render import markdown
from .render.site import build_site
from .runlock import process_id
from .safety import scrub_summary
from .secrets import redact
from .store import Store
from .store.buffer import WriteBuffer
from .store.claims import mark_crashed_runs, set_run_owner
from .summarize import Summarizer, get_summarizer
from .verify import source_of, verify_paper

log = logging.getLogger(__name__)

# The key in ``Summary.usage`` that says why a summary was written from the abstract while
# full text was on (the fetch fell back): the summary cache's one exception (summarize_day).
FULLTEXT_MISSING = "fulltext_missing"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def parse_date(value: str) -> str:
    """Validate ``YYYY-MM-DD`` (also accepts ``today`` and ``yesterday``)."""
    if value == "today":
        return today()
    if value == "yesterday":
        return (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise DailyPapersError(f"not a date: {value!r}", hint="use YYYY-MM-DD") from exc


@dataclass
class RunReport:
    """What a run did, for the closing line and the exit status."""

    date: str
    status: str = "ok"  # ok | partial | empty | failed
    papers: int = 0
    summarized: int = 0  # newly written this run
    cached: int = 0  # summaries reused from the store
    failed: dict[str, str] = field(default_factory=dict)  # arxiv_id -> reason
    fallbacks: dict[str, str] = field(default_factory=dict)  # arxiv_id -> what it fell back to
    fulltext_fallbacks: dict[str, str] = field(default_factory=dict)
    unsupported: int = 0  # summaries published with unsupported numbers
    skipped_items: int = 0  # malformed items (or dropped links, a cut list) of the source
    first_skipped: str = ""  # the first of them, for the run line
    written: list[str] = field(default_factory=list)
    delivered: int = 0
    usage: dict[str, Any] = field(default_factory=dict)  # LLM tokens, calls, cost
    message: str = ""
    seconds: float = 0.0

    def note(self, text: str) -> None:
        """Add a remark to the closing line."""
        self.message = "; ".join(m for m in (self.message, text) if m)

    def counts(self) -> dict[str, Any]:
        return {
            "papers": self.papers, "summarized": self.summarized, "cached": self.cached,
            "failed": len(self.failed), "fallbacks": len(self.fallbacks),
            "fulltext_fallbacks": len(self.fulltext_fallbacks),
            "unsupported": self.unsupported, "skipped_items": self.skipped_items,
            "delivered": self.delivered, "usage": self.usage,
        }

    def line(self) -> str:
        """The one line of counts a run ends with."""
        if self.status == "empty":
            return f"Empty: {self.date}: {self.message}"
        if self.status == "failed":
            return f"Failed: {self.date}: {self.message}"
        parts = [f"{self.papers} papers", f"{self.summarized + self.cached} summarized"]
        if self.cached:
            parts[-1] += f" ({self.cached} from cache)"
        if self.fulltext_fallbacks:
            first = next(iter(self.fulltext_fallbacks.items()))
            parts.append(
                f"{len(self.fulltext_fallbacks)} without full text ({first[0]}: {first[1]})"
            )
        if self.fallbacks:
            first = next(iter(self.fallbacks.items()))
            parts.append(f"{len(self.fallbacks)} fell back ({first[0]}: {first[1]})")
        if self.failed:
            first = next(iter(self.failed.items()))
            parts.append(f"{len(self.failed)} failed ({first[0]}: {first[1]})")
        parts.append(f"{self.unsupported} with unsupported numbers")
        if self.skipped_items:
            parts.append(f"{self.skipped_items} list problems skipped"
                         + (f" ({self.first_skipped})" if self.first_skipped else ""))
        if self.usage.get("calls"):
            tokens = self.usage.get("tokens_in", 0) + self.usage.get("tokens_out", 0)
            spent = f"{self.usage['calls']} LLM calls, {tokens:,} tokens"
            if self.usage.get("cost"):
                spent += f", ${self.usage['cost']:.4f}"
            parts.append(spent)
        if self.delivered:
            parts.append(f"{self.delivered} sent")
        head = "Done" if self.status == "ok" else "Partial"
        note = f" [{self.message}]" if self.message else ""
        return f"{head}: {self.date}: {', '.join(parts)} in {self.seconds:.0f}s{note}"


# --------------------------------------------------------------------------- stages


def collect(
    store: Store, settings: Settings, day: str, *, source: str | None = None,
    source_input: str | None = None,
) -> DayList:
    """Fetch the day's list from a source and store it (replacing the earlier list)."""
    from .sources import get_source

    with get_source(source or settings.source, settings, input=source_input) as src:
        day_list = src.fetch(day)
    store.save_day(day_list)
    return day_list


def fetch_fulltexts(
    store: Store, settings: Settings, day: str, report: RunReport | None = None, *,
    only: Collection[str] | None = None,
) -> dict[str, FullText]:
    """Give every paper of the day (or those in ``only``) a full text (PDF, else HTML, else
    the abstract), now; which papers need one is :func:`prefetch.texts_needed`'s rule."""
    fallbacks = report.fulltext_fallbacks if report is not None else None
    with prefetch_fulltexts(store, settings, day, fallbacks, only=only) as texts:
        texts.settle("full text")
        return dict(texts)


def summarize_day(
    store: Store, settings: Settings, day: str, *, summarizer: Summarizer | None = None,
    fulltexts: MutableMapping[str, FullText] | None = None, refresh: bool = False,
    report: RunReport | None = None, only: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> RunReport:
    """Summarize and verify every paper of the day that has no summary from this backend yet.

    ``only`` / ``skip`` restrict it to some papers (dailypapers.foryou.spend uses them).
    ``fulltexts`` may still be arriving (:class:`~dailypapers.prefetch.LazyTexts`): a text is
    read only when its paper is summarized, so the next one is extracted meanwhile.
    """
    report = report or RunReport(date=day)
    day_list = store.load_day(day)
    if day_list is None:
        raise DailyPapersError(
            f"no list stored for {day}", hint=f"run 'dailypapers collect --date {day}' first"
        )
    summarizer = summarizer or guard.make_summarizer(settings.summarizer, settings)
    fulltexts = fulltexts if fulltexts is not None else {}
    report.papers = len(day_list.entries)

    todo: list[tuple[Paper, FullText | None]] = []
    reused: dict[str, int] = {}
    reused_summaries: dict[str, Summary] = {}
    upgraded = 0
    for entry in day_list.entries:
        paper = entry.paper
        if (only is not None and paper.arxiv_id not in only) or paper.arxiv_id in skip:
            continue
        if paper.arxiv_id not in fulltexts:
            stored = store.get_fulltext(paper.arxiv_id, paper.version)
            if stored is not None:
                fulltexts[paper.arxiv_id] = stored
        cached = None
        for backend, model, prompt_hash in [] if refresh else guard.cache_keys(summarizer):
            cached = store.find_summary(paper.arxiv_id, paper.version, backend, model, prompt_hash)
            if cached is not None:
                break
        if cached is not None and _full_text_now(settings, cached[1], fulltexts, paper):
            cached = None  # written from the abstract when the full text failed: again
            upgraded += 1
        if cached is not None:
            summary_id, summary, verification = cached
            reused[paper.arxiv_id] = summary_id
            reused_summaries[paper.arxiv_id] = summary
            report.cached += 1
            _count_summary(report, paper, summary, verification)
        else:
            todo.append((paper, _ready(fulltexts, paper.arxiv_id)))

    store.attach_summaries(day, day_list.source, reused)
    if upgraded:
        report.note(f"{upgraded} written from the abstract when the full text failed,"
                    " now from the full text")
    # A text restored from the durable files is only a note of where it came from: a paper
    # that must be summarized again gets its text fetched again (the PDF cache, else arXiv).
    restored = [p for p, t in todo if t is not None and t.stats.get("restored")]
    if restored and settings.fulltext:
        fetched = fetch_now(store, settings, restored, desc="full text")
        fulltexts.update(fetched)
        todo = [(p, fetched.get(p.arxiv_id, t)) for p, t in todo]

    def save(done: list[tuple[Summary, Verification | None]]) -> None:
        store.save_summaries(day, day_list.source, done)

    # Bounded in time too: a crash loses at most a second of (paid) summaries.
    notes: dict[str, str | None] = {}
    with WriteBuffer(save, size=50, seconds=1.0) as saved:
        _summarize_todo(settings, summarizer, todo, fulltexts, saved, report, notes)
    for entry in day_list.entries:
        arxiv_id = entry.paper.arxiv_id
        if arxiv_id in reused:
            notes[arxiv_id] = paper_note(fulltexts.get(arxiv_id), reused_summaries[arxiv_id])
    # Errors on the record: why a paper fell back or failed, on its day row (None clears).
    store.set_paper_errors(day, day_list.source, notes)
    report.usage = guard.usage(summarizer)
    return report


def _full_text_now(settings: Settings, summary: Summary,
                   fulltexts: MutableMapping[str, FullText], paper: Paper) -> bool:
    """Whether a cached summary must be written again: it was written from the abstract
    because the full text could not be had (``usage["fulltext_missing"]``, set by
    :func:`_mark_abstract_only`) and this run has it. Reads (waits for) that paper's text.
    A summary written from the abstract on purpose (full text off) or from a paper that
    has none (still none this run) is kept."""
    if not settings.fulltext or not summary.usage.get(FULLTEXT_MISSING):
        return False
    text = fulltexts.get(paper.arxiv_id)
    return text is not None and text.source != "abstract"


def _mark_abstract_only(settings: Settings, summary: Summary, fulltext: FullText | None) -> None:
    """Record on a summary that it was written from the abstract because the full text
    failed this run (full text on, the fetch fell back): a later run with the text redoes it."""
    if settings.fulltext and fulltext is not None and fulltext.source == "abstract" \
            and summary.source in (None, "abstract"):
        reasons = "; ".join(fulltext.fallback_reasons) or "no full text"
        summary.usage[FULLTEXT_MISSING] = redact(reasons)[:500]


def paper_note(fulltext: FullText | None, summary: Summary | None, *,
               fallback: str | None = None, failed: str | None = None) -> str | None:
    """What went wrong for one paper, in words for its day row: the full text it could not
    read, the summarizer it fell back from, the error that left it without a summary."""
    notes = []
    if failed:
        notes.append(f"failed: {failed}")
    if fulltext is not None and fulltext.source != "pdf" and fulltext.fallback_reasons:
        notes.append(f"full text: {'; '.join(fulltext.fallback_reasons)}")
    if fallback is None and summary is not None and summary.fallback_from:
        reason = summary.usage.get("fallback_reason")
        fallback = f"{summary.fallback_from} failed" + (f" ({reason})" if reason else "") \
            + f", used {summary.backend}"
    if fallback:
        notes.append(f"fallback: {fallback}")
    return redact("; ".join(notes))[:1000] if notes else None


def _summarize_todo(
    settings: Settings, summarizer: Summarizer, todo: list[tuple[Paper, FullText | None]],
    fulltexts: MutableMapping[str, FullText],
    saved: WriteBuffer[tuple[Summary, Verification | None]], report: RunReport,
    notes: dict[str, str | None],
) -> None:
    # A plug-in's bug is its papers' failure, not the run's (guard.py).
    results = guard.results(summarizer, [p for p, _ in todo], _with_texts(todo, fulltexts))
    for paper, result in progress(results, total=len(todo), desc="summarize"):
        fulltext = fulltexts.get(paper.arxiv_id)
        if isinstance(result, Exception):
            rescued = _last_resort(settings, summarizer, paper, fulltext, result, report)
            if rescued is None:
                notes[paper.arxiv_id] = paper_note(fulltext, None,
                                                   failed=report.failed.get(paper.arxiv_id))
                continue
            result = rescued
        # What a model wrote is data too: secrets it echoed are redacted, sizes bounded.
        scrub_summary(result, settings.llm_max_field_chars)
        _mark_abstract_only(settings, result, fulltext)
        notes[paper.arxiv_id] = paper_note(fulltext, result,
                                           fallback=report.fallbacks.get(paper.arxiv_id))
        # Verified once: a backend that checked its summary (the LLM repair turn) hands
        # that verification over; every other summary is checked here, the same way.
        verification = guard.verification_of(summarizer, result) or verify_paper(
            result, source_of(paper, fulltext))
        saved.add((result, verification))
        report.summarized += 1
        _count_summary(report, paper, result, verification)


def _ready(fulltexts: MutableMapping[str, FullText], arxiv_id: str) -> FullText | None:
    """A paper's text if it is already here (never waits for one still being fetched)."""
    return fulltexts.peek(arxiv_id) if isinstance(fulltexts, LazyTexts) else fulltexts.get(
        arxiv_id)


def _with_texts(
    todo: list[tuple[Paper, FullText | None]], fulltexts: MutableMapping[str, FullText]
) -> Iterator[tuple[Paper, FullText | None]]:
    """Each paper with its text, read (waited for) only when the summarizer gets to it."""
    for paper, text in todo:
        text = fulltexts.get(paper.arxiv_id, text)
        if text is not None and text.version and paper.version != text.version:
            paper.version = text.version
        yield paper, text


def _last_resort(
    settings: Settings, summarizer: Summarizer, paper: Paper, fulltext: FullText | None,
    error: Exception, report: RunReport,
) -> Summary | None:
    """When a backend fails on a paper, publish its own abstract rather than drop it."""
    reason = redact(str(error)) or type(error).__name__
    if not isinstance(error, DailyPapersError):  # one line; the traceback at -v
        reason = guard.bug(f"summarizer {summarizer.id} on {paper.arxiv_id}", error)
    if summarizer.id == "abstract":
        report.failed[paper.arxiv_id] = reason
        return None
    try:
        summary = get_summarizer("abstract", settings).summarize(paper, fulltext)
    except SummarizerError as exc:
        report.failed[paper.arxiv_id] = f"{reason}; {exc}"
        return None
    summary.fallback_from = summarizer.id
    report.fallbacks[paper.arxiv_id] = f"{summarizer.id} failed ({reason}), used the abstract"
    return summary


def _count_summary(
    report: RunReport, paper: Paper, summary: Summary, verification: Verification | None
) -> None:
    if verification is not None and verification.unsupported:
        report.unsupported += 1
    if summary.fallback_from and paper.arxiv_id not in report.fallbacks:
        report.fallbacks[paper.arxiv_id] = f"{summary.fallback_from} -> {summary.backend}"


def publish(store: Store, settings: Settings, day: str) -> list[str]:
    """Write the day's outputs and the indexes from the store; returns changed paths."""
    digest = store.load_digest(day)
    if digest is None or not digest.entries:
        raise EmptyDayError(f"nothing to publish for {day}: no papers stored")
    root = settings.root
    changed = markdown.write_day(
        root, digest, max_authors=settings.max_authors, min_papers=settings.min_papers,
        max_bytes=settings.max_file_bytes,
    )
    all_dates = store.days()
    latest = [d for d in (store.load_digest(x) for x in all_dates[: settings.readme_days]) if d]
    changed += markdown.write_indexes(
        root, latest, all_dates, title=settings.site_title, max_authors=settings.max_authors,
        max_bytes=settings.max_file_bytes,
    )
    durable.note(store, root, [durable.data_path(root, day)])
    written = [str(p.relative_to(root)) for p in changed]
    if settings.site:
        site = build_site(store, settings, dates=[day])
        written.append(f"site/ ({site.written} files changed)")
        from .foryou.site import publish_profiles  # public profiles' ranked pages

        written += publish_profiles(store, settings, day)
    return written


# --------------------------------------------------------------------------- the whole day


def run_day(
    store: Store, settings: Settings, day: str, *, source_input: str | None = None,
    refresh: bool = False, deliver: bool = True,
) -> RunReport:
    """collect -> fetch -> summarize -> verify -> publish -> deliver for one day."""
    started = time.monotonic()
    report = RunReport(date=day)
    me = process_id()
    crashed = mark_crashed_runs(store, me)
    if crashed:
        report.note(f"earlier run(s) {', '.join(map(str, crashed))} had crashed")
    run_id = store.start_run(day, "run")
    set_run_owner(store, run_id, me)
    workers: WorkerPool | None = None
    try:
        # Settings and keys are checked before anything touches the network.
        summarizer = guard.make_summarizer(settings.summarizer, settings)
        # The extraction workers start now: their start-up overlaps collecting the list.
        workers = start_workers(settings)
        try:
            day_list = collect(store, settings, day, source_input=source_input)
        except EmptyDayError as exc:
            report.status, report.message = "empty", str(exc)
            return report
        report.skipped_items = len(day_list.skipped)
        if day_list.skipped:
            position, reason = day_list.skipped[0]
            report.first_skipped = f"item {position}: {reason}"[:200]
        from .foryou import spend  # profiles: the top picks get the full text and the LLM

        chosen = spend.focus(store, settings, day)
        if settings.fulltext:
            # Texts arrive while earlier papers are summarized: both CPUs work (prefetch).
            with prefetch_fulltexts(store, settings, day, report.fulltext_fallbacks,
                                    only=chosen, workers=workers) as texts:
                spend.summarize(store, settings, day, summarizer=summarizer, fulltexts=texts,
                                refresh=refresh, report=report, chosen=chosen)
        else:
            spend.summarize(store, settings, day, summarizer=summarizer, fulltexts={},
                            refresh=refresh, report=report, chosen=chosen)
        report.written = publish(store, settings, day)
        if deliver and (settings.channels or settings.podcast or settings.readers):
            _deliver(store, settings, day, report)
        if report.failed or report.fallbacks or report.fulltext_fallbacks or report.skipped_items:
            report.status = "partial"
        if len(day_list.entries) < settings.min_papers:
            report.status = "partial"
            report.note(
                f"only {len(day_list.entries)} papers (min_papers={settings.min_papers}):"
                " the list may still be filling"
            )
        return report
    except DailyPapersError as exc:
        report.status, report.message = "failed", redact(str(exc))
        raise
    except KeyboardInterrupt:
        report.status, report.message = "failed", "interrupted"
        raise
    except Exception as exc:  # a bug or an unforeseen fault: recorded, then shown as is
        report.status = "failed"
        report.message = redact(f"{type(exc).__name__}: {exc}")[:500]
        raise
    finally:
        if workers is not None:
            workers.close()
        report.seconds = time.monotonic() - started
        store.finish_run(run_id, report.status, report.counts(), report.message or None)
        _write_ledger(store, settings, day)
        if report.status in ("failed", "empty") and settings.alert_channel:
            from .deliver import send_alert

            send_alert(settings, f"dailypapers: {report.line()}")


def _write_ledger(store: Store, settings: Settings, day: str) -> None:
    try:
        durable.write_ledger(store, settings, day)
    except OSError as exc:  # the database still has it: the next run writes it again
        log.warning("could not write the ledger of %s: %s", day, exc)


def _deliver(store: Store, settings: Settings, day: str, report: RunReport) -> None:
    from .deliver import deliver_day

    delivery = deliver_day(store, settings, day)
    report.delivered = delivery.sent
    if delivery.status in ("partial", "failed"):
        report.status = "partial"
        report.note(delivery.line())


def missing_weekdays(store: Store, end: str, days: int) -> Iterator[str]:
    """Weekdays in the ``days`` before ``end`` that have no stored list (for backfills)."""
    have = set(store.days())
    last = date.fromisoformat(end)
    for back in range(days, 0, -1):
        candidate = last - timedelta(days=back)
        if candidate.weekday() < 5 and candidate.isoformat() not in have:
            yield candidate.isoformat()
