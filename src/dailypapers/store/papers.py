"""Papers and their full-text search index (tables ``papers``, ``search``).

A paper's metadata is stored once, as compact JSON in ``papers.data``. The search index keeps
only its word lists: its text is the ``search_source`` view (the paper's metadata and the
summary published on its latest day), so every write that changes what the view shows for
a paper goes through :meth:`PaperStore.reindexing`, which takes the paper's old words out
before the change and puts the new ones in after it, once per change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..models import Paper
from .base import Database, chunks, marks, now_iso, to_json

_COLUMNS = "arxiv_id, title, authors, abstract, summary, keywords"


def merged(old: Paper, new: Paper) -> Paper:
    """``new`` completed from ``old``: a source that knows less never erases what we know."""
    paper = Paper.from_dict(new.to_dict())
    if paper.version is None or (old.version or 0) > paper.version:
        paper.version = old.version
    for name in ("github_repo", "github_stars", "project_page", "organization",
                 "ai_summary", "submitter", "thumbnail", "published"):
        if getattr(paper, name) in (None, "") and getattr(old, name) not in (None, ""):
            setattr(paper, name, getattr(old, name))
    for name in ("ai_keywords", "categories"):
        if not getattr(paper, name) and getattr(old, name):
            setattr(paper, name, getattr(old, name))
    if not paper.abstract:
        paper.abstract = old.abstract
    if not paper.authors:
        paper.authors = old.authors
    paper.extra = {**old.extra, **paper.extra}
    return paper


class PaperStore(Database):
    """Paper metadata and the search index over it."""

    def upsert_paper(self, paper: Paper) -> None:
        with self.transaction() as tx, self.reindexing(tx, [paper.arxiv_id]):
            self._upsert_paper(tx, paper)

    def _upsert_paper(self, conn: sqlite3.Connection, paper: Paper) -> None:
        """Write the paper (merged with what we knew); the caller reindexes it."""
        old = self.get_paper(paper.arxiv_id)
        if old is not None:
            paper = merged(old, paper)
        conn.execute(
            """INSERT INTO papers (arxiv_id, version, title, published, data, updated_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(arxiv_id) DO UPDATE SET version=excluded.version,
                 title=excluded.title, published=excluded.published, data=excluded.data,
                 updated_at=excluded.updated_at
               WHERE papers.data IS NOT excluded.data OR papers.version IS NOT excluded.version
            """,
            (paper.arxiv_id, paper.version, paper.title, paper.published,
             to_json(paper.to_dict()), now_iso()),
        )

    def get_paper(self, arxiv_id: str) -> Paper | None:
        row = self.conn.execute(
            "SELECT data FROM papers WHERE arxiv_id = ?", (arxiv_id,)
        ).fetchone()
        return Paper.from_dict(json.loads(row["data"])) if row else None

    def count_papers(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM papers").fetchone()[0])

    # ---------------------------------------------------------------- search index

    @contextmanager
    def reindexing(self, conn: sqlite3.Connection, arxiv_ids: Iterable[str]) -> Iterator[None]:
        """Around a change to these papers (or the summaries on their days): their search
        rows are taken out with the words they were indexed with, then written anew."""
        ids = sorted(set(arxiv_ids))
        for batch in chunks(ids):
            # Only rows that are in the index: deleting words never added corrupts it.
            conn.execute(
                f"""INSERT INTO search (search, rowid, {_COLUMNS})
                    SELECT 'delete', docid, {_COLUMNS} FROM search_source
                    WHERE docid IN (SELECT p.rowid FROM papers p
                                    JOIN search_docsize z ON z.id = p.rowid
                                    WHERE p.arxiv_id IN ({marks(batch)}))""",
                batch,
            )
        yield
        for batch in chunks(ids):
            conn.execute(
                f"""INSERT INTO search (rowid, {_COLUMNS})
                    SELECT docid, {_COLUMNS} FROM search_source
                    WHERE docid IN (SELECT rowid FROM papers WHERE arxiv_id IN ({marks(batch)}))""",
                batch,
            )

    def rebuild_search(self) -> None:
        """Rewrite the whole search index from the papers and summaries."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO search (search) VALUES ('rebuild')")

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """(arxiv_id, title, snippet) best first; the query is matched as plain words."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in query).split() if w]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        rows = self.conn.execute(
            """SELECT arxiv_id, title, snippet(search, 4, '[', ']', '…', 12) AS snip
               FROM search WHERE search MATCH ? ORDER BY bm25(search, 0, 10, 3, 1, 2, 3)
               LIMIT ?""",
            (match, limit),
        ).fetchall()
        return [(r["arxiv_id"], r["title"], r["snip"]) for r in rows]
