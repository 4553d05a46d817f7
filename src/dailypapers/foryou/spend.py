"""Spend where it matters: with profiles configured, only the papers some profile ranks in
its ``top_n`` get the full text and the configured summarizer; every other paper of the day
gets the offline (extractive) summary of its abstract.

The focus is the union of the profiles' selections, taken round-robin (each profile's first,
then each one's second, ...), so one summarizer, and so one budget, serves every profile
fairly, and a paper two profiles want is summarized once. Summaries are cached as always:
a re-run summarizes nothing it has summarized.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from itertools import zip_longest

from ..config import Settings
from ..models import FullText
from ..store import Store
from ..summarize import Summarizer, get_summarizer
from .profiles import profiles
from .service import day_papers, rank_day

log = logging.getLogger(__name__)
OFFLINE = "extractive"


def focus(store: Store, settings: Settings, day: str) -> list[str] | None:
    """The papers that get the full treatment, best first; None when no profile is set."""
    names = list(profiles(settings))
    if not names:
        return None
    papers = day_papers(store, day)
    selections = []
    for name in names:
        ranking = rank_day(store, settings, day, name, papers=papers)
        selections.append([s.paper.arxiv_id for s in ranking.top()])
    chosen: list[str] = []
    for row in zip_longest(*selections):
        for arxiv_id in row:
            if arxiv_id is not None and arxiv_id not in chosen:
                chosen.append(arxiv_id)
    return chosen


def summarize(
    store: Store, settings: Settings, day: str, *, summarizer: Summarizer,
    fulltexts: MutableMapping[str, FullText], refresh: bool, report: object,
    chosen: list[str] | None,
) -> None:
    """Summarize the day: everything with ``summarizer``, or only ``chosen`` with it and the
    rest offline."""
    from ..pipeline import RunReport, summarize_day

    assert isinstance(report, RunReport)
    if chosen is None:
        summarize_day(store, settings, day, summarizer=summarizer, fulltexts=fulltexts,
                      refresh=refresh, report=report)
        return
    summarize_day(store, settings, day, summarizer=summarizer, fulltexts=fulltexts,
                  refresh=refresh, report=report, only=set(chosen))
    usage = report.usage
    rest = summarizer if summarizer.id == OFFLINE else get_summarizer(OFFLINE, settings)
    summarize_day(store, settings, day, summarizer=rest, fulltexts=fulltexts,
                  refresh=refresh, report=report, skip=set(chosen))
    report.usage = usage
    log.info("%s: %d papers for the profiles' top picks with %s, the rest with %s", day,
             len(chosen), summarizer.id, OFFLINE)
