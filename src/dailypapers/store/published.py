"""Which list is published for a date, written once: the newest fetch of that date.

A date may have lists from several sources (or refetches); the one published is the most
recently fetched, and a date whose published list is empty is not a published day.
:data:`CHOSEN` is that rule as a SQL query of (date, source, fetched_at) rows, for use as a
``WITH chosen AS (...)`` table; :func:`published_source` applies it to one date.
"""

from __future__ import annotations

import sqlite3

# Every date's published list: its newest fetch (rows of date, source, fetched_at, count).
_NEWEST = """
    SELECT dl.date, dl.source, dl.fetched_at, dl.count FROM day_lists dl
    WHERE dl.source = (
        SELECT d2.source FROM day_lists d2 WHERE d2.date = dl.date
        ORDER BY d2.fetched_at DESC LIMIT 1)
"""

# The published, non-empty lists: a ``chosen`` table for the bulk queries.
CHOSEN = _NEWEST + " AND dl.count > 0"


def published_source(conn: sqlite3.Connection, date: str) -> str | None:
    """The source of the list published for ``date`` (None when no list is stored)."""
    row = conn.execute(_NEWEST + " AND dl.date = ?", (date,)).fetchone()
    return str(row[1]) if row else None


__all__ = ["CHOSEN", "published_source"]
