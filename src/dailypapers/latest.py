"""Which day to run when none is given: the latest one whose list has papers.

Hugging Face fills a day's list during that day (UTC) and has none on weekends and
holidays, so "today" is often empty. :func:`latest_day` asks the source for today, then
each earlier day, and returns the first that has papers. It stores nothing: the run then
collects that day as usual.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from .config import Settings
from .errors import EmptyDayError

log = logging.getLogger(__name__)

# A week back covers a weekend plus a holiday or two; past that something is wrong.
MAX_DAYS_BACK = 7


def latest_day(
    settings: Settings, start: str, *, source_input: str | None = None,
    days_back: int = MAX_DAYS_BACK,
) -> str:
    """The latest day on or before ``start`` (ISO) whose list is not empty."""
    from .sources import get_source

    first = date.fromisoformat(start)
    with get_source(settings.source, settings, input=source_input) as src:
        for back in range(days_back + 1):
            day = (first - timedelta(days=back)).isoformat()
            try:
                src.fetch(day)
            except EmptyDayError as exc:
                log.info("%s: no list (%s); trying the day before", day, exc)
                continue
            return day
    oldest = (first - timedelta(days=days_back)).isoformat()
    raise EmptyDayError(
        f"no papers listed from {oldest} to {start} ({settings.source})",
        hint="pass --date YYYY-MM-DD for an older day, or check the source's URL setting",
    )
