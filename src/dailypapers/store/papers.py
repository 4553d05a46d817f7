"""Papers and their full-text search rows (tables ``papers``, ``search``)."""

from __future__ import annotations

import json
import sqlite3

from ..models import Paper, Summary
from .base import Database, now_iso


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

    def upsert_paper(self, paper: Paper, *, conn: sqlite3.Connection | None = None) -> None:
        if conn is None:
            with self.transaction() as tx:
                self._upsert_paper(tx, paper)
        else:
            self._upsert_paper(conn, paper)

    def _upsert_paper(self, conn: sqlite3.Connection, paper: Paper) -> None:
        old = self.get_paper(paper.arxiv_id)
        if old is not None:
            paper = merged(old, paper)
        conn.execute(
            """INSERT INTO papers (arxiv_id, version, title, abstract, authors, published, data,
                                   updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(arxiv_id) DO UPDATE SET version=excluded.version,
                 title=excluded.title, abstract=excluded.abstract, authors=excluded.authors,
                 published=excluded.published, data=excluded.data, updated_at=excluded.updated_at
            """,
            (paper.arxiv_id, paper.version, paper.title, paper.abstract,
             json.dumps(paper.authors, ensure_ascii=False), paper.published,
             json.dumps(paper.to_dict(), ensure_ascii=False), now_iso()),
        )
        self._index_paper(conn, paper.arxiv_id)

    def get_paper(self, arxiv_id: str) -> Paper | None:
        row = self.conn.execute(
            "SELECT data FROM papers WHERE arxiv_id = ?", (arxiv_id,)
        ).fetchone()
        return Paper.from_dict(json.loads(row["data"])) if row else None

    def count_papers(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM papers").fetchone()[0])

    def _index_paper(self, conn: sqlite3.Connection, arxiv_id: str) -> None:
        """Refresh the paper's full-text search row from its data and latest summary."""
        row = conn.execute(
            "SELECT rowid, data FROM papers WHERE arxiv_id=?", (arxiv_id,)
        ).fetchone()
        if row is None:
            return
        paper = Paper.from_dict(json.loads(row["data"]))
        srow = conn.execute(
            """SELECT s.data FROM day_papers d JOIN summaries s ON s.id = d.summary_id
               WHERE d.arxiv_id=? ORDER BY d.date DESC LIMIT 1""",
            (arxiv_id,),
        ).fetchone()
        summary = Summary.from_dict(json.loads(srow["data"])) if srow else None
        keywords = list(paper.ai_keywords) + (summary.keywords if summary else [])
        # The search row shares the paper's rowid: replacing it is an indexed lookup, where
        # a delete by the (unindexed) arxiv_id column would scan the whole index.
        conn.execute("DELETE FROM search WHERE rowid=?", (row["rowid"],))
        conn.execute(
            "INSERT INTO search (rowid, arxiv_id, title, authors, abstract, summary, keywords) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row["rowid"], arxiv_id, paper.title, ", ".join(paper.authors), paper.abstract,
             summary.render() if summary else "", ", ".join(keywords)),
        )

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
