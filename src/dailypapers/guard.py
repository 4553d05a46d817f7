"""A plug-in's bug is the failure of what it was doing, never a crashed run.

Summarizers and channels may come from third parties (entry points, ``package.module:Class``),
and even ours can have bugs. Anything one raises that is not one of our own errors
(:class:`~dailypapers.errors.DailyPapersError`, which already says what went wrong) is a
bug: :func:`bug` logs it as one line naming the plug-in (the traceback only at ``-v``,
redacted like every log line) and returns the reason to record. The pipeline then treats it
as that paper's failure (the paper falls back to its abstract) and :mod:`dailypapers.deliver`
as that channel's (its claimed items are recorded failed and sent next run); the rest of the
day is published and delivered, and the run ends partial (exit 3).

The helpers here wrap each call the pipeline makes on a summarizer outside the per-paper
isolation of ``summarize_many``: making it, ``cache_keys``, ``usage``, ``verification_of``,
and the ``summarize_many`` generator itself.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from .config import Settings
from .errors import DailyPapersError, SummarizerError
from .models import FullText, Paper, Summary, Verification
from .secrets import redact, redact_log
from .summarize import Summarizer, get_summarizer

log = logging.getLogger(__name__)


def bug(plugin: str, exc: BaseException) -> str:
    """Log a plug-in's unexpected exception in one line (with its traceback at -v) and
    return the reason to put on the record: ``bug in <plugin>: <Type>: <message>``."""
    reason = f"bug in {plugin}: {redact(f'{type(exc).__name__}: {exc}')[:300]}"
    if log.isEnabledFor(logging.INFO):
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.warning("%s\n%s", reason, redact_log(trace).rstrip())
    else:
        log.warning("%s (run with -v for the traceback)", reason)
    return reason


class _Broken(Summarizer):
    """Stands in for a summarizer that could not even be made: every paper fails with the
    reason, so each falls back to its abstract and says why."""

    id: ClassVar[str] = "broken"
    reason: ClassVar[str] = ""

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        raise SummarizerError(self.reason)


def make_summarizer(name: str, settings: Settings) -> Summarizer:
    """``get_summarizer``, with a bug in the plug-in's constructor turned into a stand-in
    whose every paper fails with that reason (our own errors, a missing key or a bad
    setting, still end the run before anything is fetched)."""
    try:
        return get_summarizer(name, settings)
    except DailyPapersError:
        raise
    except Exception as exc:
        reason = bug(f"summarizer {name}", exc)
        broken: type[_Broken] = type("Broken", (_Broken,), {"id": name, "reason": reason})
        return broken(settings)


def cache_keys(summarizer: Summarizer) -> list[tuple[str, str | None, str | None]]:
    """The summarizer's cache keys; none (nothing reused) when it raises."""
    try:
        return list(summarizer.cache_keys())
    except Exception as exc:
        bug(f"summarizer {summarizer.id} (cache_keys)", exc)
        return []


def usage(summarizer: Summarizer) -> dict[str, Any]:
    try:
        return dict(summarizer.usage)
    except Exception as exc:
        bug(f"summarizer {summarizer.id} (usage)", exc)
        return {}


def verification_of(summarizer: Summarizer, summary: Summary) -> Verification | None:
    """The backend's own verification of ``summary``; None (check it here) when it raises."""
    try:
        return summarizer.verification_of(summary)
    except Exception as exc:
        bug(f"summarizer {summarizer.id} (verification_of)", exc)
        return None


def results(
    summarizer: Summarizer, papers: list[Paper], items: Iterable[tuple[Paper, FullText | None]]
) -> Iterator[tuple[Paper, Summary | Exception]]:
    """``summarizer.summarize_many(items)``, one result per paper of ``papers`` whatever it
    does: when the generator itself raises, every paper it had not answered yet gets that
    error; an answer that is not a Summary is an error for its paper."""
    left = {p.arxiv_id: p for p in papers}
    try:
        for paper, result in summarizer.summarize_many(items):
            if left.pop(paper.arxiv_id, None) is None:
                continue  # not asked for, or answered twice
            if not isinstance(result, (Summary, Exception)):
                result = SummarizerError(
                    f"bug in summarizer {summarizer.id}: returned {type(result).__name__},"
                    " not a Summary")
            yield paper, result
    except Exception as exc:
        reason = bug(f"summarizer {summarizer.id}", exc)
        for paper in left.values():
            yield paper, SummarizerError(reason)
        left.clear()
    for paper in left.values():  # a generator that stopped early
        yield paper, SummarizerError(f"summarizer {summarizer.id} returned no summary")
