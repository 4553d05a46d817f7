"""Read-only bulk queries for publishing the whole archive fast (the site, at 10^5 papers).

Functions here take a :class:`~dailypapers.store.Store` and only read. They pick a day's
list by the one rule in :mod:`.published` (as ``Store.load_digest`` does) and skip days whose
published list is empty, so a streamed digest equals ``load_digest(date)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..models import DayDigest, DigestEntry
from . import Store
from .days import digest_entry
from .published import CHOSEN

_ENTRIES = """
    SELECT c.date, c.source, c.fetched_at, d.rank, d.upvotes,
           p.data AS pdata, s.data AS sdata, v.data AS vdata,
           (SELECT f.source FROM fulltexts f WHERE f.arxiv_id = d.arxiv_id
            ORDER BY f.version DESC LIMIT 1) AS ftsource
    FROM chosen c
    JOIN day_papers d ON d.date = c.date AND d.source = c.source
    JOIN papers p ON p.arxiv_id = d.arxiv_id
    LEFT JOIN summaries s ON s.id = d.summary_id
    LEFT JOIN verifications v ON v.summary_id = d.summary_id
"""


def day_counts(store: Store) -> list[tuple[str, int]]:
    """(date, number of papers) of every published day, oldest first."""
    rows = store.conn.execute(
        f"""WITH chosen AS ({CHOSEN})
            SELECT c.date, count(d.arxiv_id) AS n FROM chosen c
            JOIN day_papers d ON d.date = c.date AND d.source = c.source
            GROUP BY c.date ORDER BY c.date"""
    )
    return [(r["date"], int(r["n"])) for r in rows]


def first_listed(store: Store) -> list[tuple[str, str]]:
    """(arxiv_id, first date it was published) of every published paper, in that order.

    The order (first date, then id) is stable as days are appended, which lets the search
    index give papers ids that never move when a new day arrives.
    """
    rows = store.conn.execute(
        f"""WITH chosen AS ({CHOSEN})
            SELECT d.arxiv_id, min(c.date) AS first FROM chosen c
            JOIN day_papers d ON d.date = c.date AND d.source = c.source
            GROUP BY d.arxiv_id ORDER BY first, d.arxiv_id"""
    )
    return [(r["arxiv_id"], r["first"]) for r in rows]


def _group(rows: Iterable[Any]) -> Iterator[DayDigest]:
    current: DayDigest | None = None
    for row in rows:
        if current is None or current.date != row["date"]:
            if current is not None:
                yield current
            current = DayDigest(
                date=row["date"], source=row["source"], fetched_at=row["fetched_at"]
            )
        current.entries.append(digest_entry(row))
    if current is not None:
        yield current


def iter_digests(store: Store, dates: Sequence[str] | None = None) -> Iterator[DayDigest]:
    """Every published day's digest (or those of ``dates``), oldest first, in one query."""
    if dates is None:
        rows = store.conn.execute(
            f"WITH chosen AS ({CHOSEN}) {_ENTRIES} ORDER BY c.date, d.rank"
        )
        yield from _group(rows)
        return
    wanted = sorted(set(dates))
    # Bounded batches keep the number of SQL parameters under SQLite's limit.
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        marks = ",".join("?" * len(batch))
        rows = store.conn.execute(
            f"""WITH chosen AS ({CHOSEN} AND dl.date IN ({marks}))
                {_ENTRIES} ORDER BY c.date, d.rank""",
            batch,
        )
        yield from _group(rows)


def paper_dates(store: Store, arxiv_ids: Sequence[str]) -> dict[str, list[str]]:
    """Every published date of each paper, oldest first."""
    found: dict[str, list[str]] = {}
    ids = sorted(set(arxiv_ids))
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        marks = ",".join("?" * len(batch))
        rows = store.conn.execute(
            f"""WITH chosen AS ({CHOSEN})
                SELECT d.arxiv_id, c.date FROM chosen c
                JOIN day_papers d ON d.date = c.date AND d.source = c.source
                WHERE d.arxiv_id IN ({marks}) ORDER BY c.date""",
            batch,
        )
        for row in rows:
            found.setdefault(row["arxiv_id"], []).append(row["date"])
    return found


def all_paper_dates(store: Store) -> dict[str, list[str]]:
    """Every published date of every paper, oldest first (one query)."""
    found: dict[str, list[str]] = {}
    rows = store.conn.execute(
        f"""WITH chosen AS ({CHOSEN})
            SELECT d.arxiv_id, c.date FROM chosen c
            JOIN day_papers d ON d.date = c.date AND d.source = c.source ORDER BY c.date"""
    )
    for row in rows:
        found.setdefault(row[0], []).append(row[1])
    return found


def paper_index(store: Store) -> list[dict[str, Any]]:
    """A light record of every published paper, from its latest day, ordered by first date.

    Keys: arxiv_id, first (date), last (date), title, authors, ai_keywords, keywords,
    one_line, upvotes, version. JSON fields are decoded by SQLite, so this stays cheap at
    10^5 papers.
    """
    rows = store.conn.execute(
        f"""WITH chosen AS MATERIALIZED ({CHOSEN}),
            span AS MATERIALIZED (
                SELECT d.arxiv_id, min(c.date) AS first, max(c.date) AS last FROM chosen c
                JOIN day_papers d ON d.date = c.date AND d.source = c.source
                GROUP BY d.arxiv_id)
            SELECT sp.arxiv_id, sp.first, sp.last, p.title,
                   json_extract(p.data, '$.authors') AS authors,
                   json_extract(p.data, '$.ai_keywords') AS aik,
                   json_extract(s.data, '$.keywords') AS kw,
                   json_extract(s.data, '$.one_line') AS one_line, d.upvotes, p.version
            FROM span sp
            JOIN chosen c ON c.date = sp.last
            JOIN day_papers d ON d.date = c.date AND d.source = c.source
                             AND d.arxiv_id = sp.arxiv_id
            JOIN papers p ON p.arxiv_id = sp.arxiv_id
            LEFT JOIN summaries s ON s.id = d.summary_id
            ORDER BY sp.first, sp.arxiv_id"""
    )
    return [
        {
            "arxiv_id": r["arxiv_id"], "first": r["first"], "last": r["last"],
            "title": r["title"], "authors": json.loads(r["authors"] or "[]"),
            "ai_keywords": json.loads(r["aik"] or "[]"), "keywords": json.loads(r["kw"] or "[]"),
            "one_line": r["one_line"] or "", "upvotes": r["upvotes"], "version": r["version"],
        }
        for r in rows
    ]


def latest_entries(store: Store, arxiv_ids: Sequence[str]) -> dict[str, tuple[str, DigestEntry]]:
    """For each paper, (date, entry) of the latest day it was published on."""
    found: dict[str, tuple[str, DigestEntry]] = {}
    ids = sorted(set(arxiv_ids))
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        marks = ",".join("?" * len(batch))
        rows = store.conn.execute(
            f"""WITH chosen AS MATERIALIZED ({CHOSEN}),
                last AS (SELECT d.arxiv_id, max(c.date) AS date FROM chosen c
                         JOIN day_papers d ON d.date = c.date AND d.source = c.source
                         WHERE d.arxiv_id IN ({marks}) GROUP BY d.arxiv_id)
                SELECT c.date, c.source, c.fetched_at, d.rank, d.upvotes,
                       p.data AS pdata, s.data AS sdata, v.data AS vdata,
                       (SELECT f.source FROM fulltexts f WHERE f.arxiv_id = d.arxiv_id
                        ORDER BY f.version DESC LIMIT 1) AS ftsource
                FROM last l
                JOIN chosen c ON c.date = l.date
                JOIN day_papers d ON d.date = c.date AND d.source = c.source
                                 AND d.arxiv_id = l.arxiv_id
                JOIN papers p ON p.arxiv_id = d.arxiv_id
                LEFT JOIN summaries s ON s.id = d.summary_id
                LEFT JOIN verifications v ON v.summary_id = d.summary_id""",
            batch,
        )
        for row in rows:
            entry = digest_entry(row)
            found[entry.paper.arxiv_id] = (row["date"], entry)
    return found


__all__ = [
    "all_paper_dates", "day_counts", "first_listed", "iter_digests", "latest_entries",
    "paper_dates", "paper_index",
]
