"""The store: one SQLite database, the single source of truth. The only code that touches SQL.

Every write method is one transaction: a crash at any point leaves the database as it was
before that call or after it, never in between. Objects go in and come out as
:mod:`dailypapers.models` dataclasses (stored as JSON next to the indexed columns).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..models import (
    DayDigest,
    DayEntry,
    DayList,
    DigestEntry,
    FullText,
    Paper,
    Summary,
    Verification,
)
from . import migrations


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for info in pkgutil.iter_modules(migrations.__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{migrations.__name__}.{info.name}")
            found.append((int(info.name[1:4]), info.name, module.SQL))
    return sorted(found)


class Store:
    """A handle on the database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the database {self.path}: {exc}",
                hint="is it a dailypapers database? move it away to start afresh",
            ) from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ---------------------------------------------------------------- schema

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        pending = [m for m in _migrations() if m[0] > self.schema_version]
        for number, name, sql in pending:
            try:
                with self.transaction() as conn:
                    # Another process may have migrated while we waited for the lock.
                    if self.schema_version >= number:
                        continue
                    for statement in _split_sql(sql):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"migration {name} failed: {exc}") from exc

    # ---------------------------------------------------------------- papers

    def upsert_paper(self, paper: Paper, *, conn: sqlite3.Connection | None = None) -> None:
        if conn is None:
            with self.transaction() as tx:
                self._upsert_paper(tx, paper)
        else:
            self._upsert_paper(conn, paper)

    def _upsert_paper(self, conn: sqlite3.Connection, paper: Paper) -> None:
        old = self.get_paper(paper.arxiv_id)
        if old is not None:
            paper = _merged(old, paper)
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

    # ---------------------------------------------------------------- days

    def save_day(self, day: DayList) -> None:
        """Store a day's list, replacing any earlier list of the same date and source.

        Summaries already linked to papers that stay on the list are kept.
        """
        fetched_at = day.fetched_at or now_iso()
        if self._same_day(day):
            return  # nothing changed since the last fetch: keep it byte for byte
        with self.transaction() as conn:
            kept = {
                row["arxiv_id"]: (row["summary_id"], row["error"])
                for row in conn.execute(
                    "SELECT arxiv_id, summary_id, error FROM day_papers WHERE date=? AND source=?",
                    (day.date, day.source),
                )
            }
            for entry in day.entries:
                self._upsert_paper(conn, entry.paper)
            conn.execute("DELETE FROM day_papers WHERE date=? AND source=?", (day.date, day.source))
            conn.execute(
                """INSERT INTO day_lists (date, source, fetched_at, count, skipped)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(date, source) DO UPDATE SET fetched_at=excluded.fetched_at,
                     count=excluded.count, skipped=excluded.skipped""",
                (day.date, day.source, fetched_at, len(day.entries), json.dumps(day.skipped)),
            )
            seen: set[str] = set()
            for entry in day.entries:
                if entry.paper.arxiv_id in seen:  # a list that names a paper twice keeps the first
                    continue
                seen.add(entry.paper.arxiv_id)
                summary_id, error = kept.get(entry.paper.arxiv_id, (None, None))
                conn.execute(
                    """INSERT INTO day_papers (date, source, rank, arxiv_id, upvotes, summary_id,
                                               error) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (day.date, day.source, entry.rank, entry.paper.arxiv_id, entry.upvotes,
                     summary_id, error),
                )

    def _same_day(self, day: DayList) -> bool:
        stored = self.load_day(day.date, day.source)
        if stored is None or stored.skipped != [tuple(s) for s in day.skipped]:
            return False
        if len(stored.entries) != len(day.entries):
            return False
        for old, new in zip(stored.entries, day.entries, strict=True):
            if (old.rank, old.upvotes) != (new.rank, new.upvotes):
                return False
            merged = self.get_paper(new.paper.arxiv_id)
            if merged is None or old.paper.to_dict() != _merged(merged, new.paper).to_dict():
                return False
        return True

    def day_sources(self, date: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT source FROM day_lists WHERE date=? ORDER BY fetched_at DESC", (date,)
        )
        return [r["source"] for r in rows]

    def _pick_source(self, date: str, source: str | None) -> str | None:
        if source is not None:
            return source
        sources = self.day_sources(date)
        return sources[0] if sources else None

    def load_day(self, date: str, source: str | None = None) -> DayList | None:
        source = self._pick_source(date, source)
        if source is None:
            return None
        head = self.conn.execute(
            "SELECT fetched_at, skipped FROM day_lists WHERE date=? AND source=?", (date, source)
        ).fetchone()
        if head is None:
            return None
        rows = self.conn.execute(
            """SELECT d.rank, d.upvotes, p.data FROM day_papers d
               JOIN papers p USING (arxiv_id) WHERE d.date=? AND d.source=? ORDER BY d.rank""",
            (date, source),
        ).fetchall()
        return DayList(
            date=date,
            source=source,
            entries=[
                DayEntry(Paper.from_dict(json.loads(r["data"])), r["rank"], r["upvotes"])
                for r in rows
            ],
            fetched_at=head["fetched_at"],
            skipped=[tuple(s) for s in json.loads(head["skipped"])],
        )

    def days(self, *, limit: int | None = None, before: str | None = None) -> list[str]:
        """Dates with a non-empty list, newest first."""
        sql = "SELECT DISTINCT date FROM day_lists WHERE count > 0"
        args: list[Any] = []
        if before:
            sql += " AND date < ?"
            args.append(before)
        sql += " ORDER BY date DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [r["date"] for r in self.conn.execute(sql, args)]

    def set_paper_error(self, date: str, source: str, arxiv_id: str, error: str | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE day_papers SET error=? WHERE date=? AND source=? AND arxiv_id=?",
                (error, date, source, arxiv_id),
            )

    # ---------------------------------------------------------------- full texts

    def save_fulltext(self, fulltext: FullText) -> None:
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO fulltexts (arxiv_id, version, source, data, created_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(arxiv_id, version) DO UPDATE SET source=excluded.source,
                     data=excluded.data, created_at=excluded.created_at""",
                (fulltext.arxiv_id, fulltext.version or 0, fulltext.source,
                 json.dumps(fulltext.to_dict(), ensure_ascii=False), now_iso()),
            )

    def get_fulltext(self, arxiv_id: str, version: int | None = None) -> FullText | None:
        """The full text of a version (the newest we have when ``version`` is None)."""
        if version is None:
            row = self.conn.execute(
                "SELECT data FROM fulltexts WHERE arxiv_id=? ORDER BY version DESC LIMIT 1",
                (arxiv_id,),
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT data FROM fulltexts WHERE arxiv_id=? AND version=?", (arxiv_id, version)
            ).fetchone()
        return FullText.from_dict(json.loads(row["data"])) if row else None

    # ---------------------------------------------------------------- summaries

    def find_summary(
        self, arxiv_id: str, version: int | None, backend: str, model: str | None,
        prompt_hash: str | None,
    ) -> tuple[int, Summary, Verification | None] | None:
        """The cached summary for exactly this (paper, version, backend, model, prompt)."""
        row = self.conn.execute(
            """SELECT s.id, s.data, v.data AS vdata FROM summaries s
               LEFT JOIN verifications v ON v.summary_id = s.id
               WHERE s.arxiv_id=? AND s.version=? AND s.backend=? AND s.model=?
                 AND s.prompt_hash=?""",
            (arxiv_id, version or 0, backend, model or "", prompt_hash or ""),
        ).fetchone()
        if row is None:
            return None
        verification = Verification.from_dict(json.loads(row["vdata"])) if row["vdata"] else None
        return row["id"], Summary.from_dict(json.loads(row["data"])), verification

    def save_summary(self, summary: Summary, verification: Verification | None = None) -> int:
        """Store (or replace) a summary and its verification; returns its id."""
        summary.created_at = summary.created_at or now_iso()
        with self.transaction() as conn:
            row = conn.execute(
                """INSERT INTO summaries (arxiv_id, version, backend, model, prompt_hash, source,
                                          data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(arxiv_id, version, backend, model, prompt_hash) DO UPDATE SET
                     source=excluded.source, data=excluded.data, created_at=excluded.created_at
                   RETURNING id""",
                (summary.arxiv_id, summary.version or 0, summary.backend, summary.model or "",
                 summary.prompt_hash or "", summary.source,
                 json.dumps(summary.to_dict(), ensure_ascii=False), summary.created_at),
            ).fetchone()
            summary_id = int(row[0])
            if verification is not None:
                self._save_verification(conn, summary_id, verification)
            else:
                conn.execute("DELETE FROM verifications WHERE summary_id=?", (summary_id,))
        return summary_id

    def _save_verification(
        self, conn: sqlite3.Connection, summary_id: int, verification: Verification
    ) -> None:
        conn.execute(
            """INSERT INTO verifications (summary_id, status, unsupported, data, created_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(summary_id) DO UPDATE SET status=excluded.status,
                 unsupported=excluded.unsupported, data=excluded.data,
                 created_at=excluded.created_at""",
            (summary_id, verification.status, len(verification.unsupported),
             json.dumps(verification.to_dict(), ensure_ascii=False), now_iso()),
        )

    def attach_summary(self, date: str, source: str, arxiv_id: str, summary_id: int) -> None:
        """Make a stored summary the one published for a paper on a day."""
        with self.transaction() as conn:
            conn.execute(
                """UPDATE day_papers SET summary_id=?, error=NULL
                   WHERE date=? AND source=? AND arxiv_id=?""",
                (summary_id, date, source, arxiv_id),
            )
            self._index_paper(conn, arxiv_id)

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

    # ---------------------------------------------------------------- digests

    def load_digest(self, date: str, source: str | None = None) -> DayDigest | None:
        """Everything published for a day, from the store alone."""
        source = self._pick_source(date, source)
        if source is None:
            return None
        head = self.conn.execute(
            "SELECT fetched_at FROM day_lists WHERE date=? AND source=?", (date, source)
        ).fetchone()
        if head is None:
            return None
        rows = self.conn.execute(
            """SELECT d.rank, d.upvotes, p.data AS pdata, s.data AS sdata, v.data AS vdata,
                      (SELECT f.source FROM fulltexts f WHERE f.arxiv_id = d.arxiv_id
                       ORDER BY f.version DESC LIMIT 1) AS ftsource
               FROM day_papers d
               JOIN papers p USING (arxiv_id)
               LEFT JOIN summaries s ON s.id = d.summary_id
               LEFT JOIN verifications v ON v.summary_id = d.summary_id
               WHERE d.date=? AND d.source=? ORDER BY d.rank""",
            (date, source),
        ).fetchall()
        entries = [
            DigestEntry(
                paper=Paper.from_dict(json.loads(r["pdata"])),
                rank=r["rank"],
                upvotes=r["upvotes"],
                summary=Summary.from_dict(json.loads(r["sdata"])) if r["sdata"] else None,
                verification=(
                    Verification.from_dict(json.loads(r["vdata"])) if r["vdata"] else None
                ),
                fulltext_source=r["ftsource"],
            )
            for r in rows
        ]
        return DayDigest(date=date, source=source, entries=entries, fetched_at=head["fetched_at"])

    def day_errors(self, date: str, source: str) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT arxiv_id, error FROM day_papers"
            " WHERE date=? AND source=? AND error IS NOT NULL",
            (date, source),
        )
        return {r["arxiv_id"]: r["error"] for r in rows}

    # ---------------------------------------------------------------- deliveries

    def delivery_status(self, channel: str, target: str, item: str) -> str | None:
        row = self.conn.execute(
            "SELECT status FROM deliveries WHERE channel=? AND target=? AND item=?",
            (channel, target, item),
        ).fetchone()
        return row["status"] if row else None

    def delivered(self, channel: str, target: str, item: str) -> bool:
        return self.delivery_status(channel, target, item) == "sent"

    def record_delivery(
        self, channel: str, target: str, item: str, *, status: str,
        message_id: str | None = None, error: str | None = None,
    ) -> None:
        """Record a send (or a failed attempt); a later success overwrites a failure."""
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO deliveries (channel, target, item, status, message_id, error,
                                           attempts, sent_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT(channel, target, item) DO UPDATE SET status=excluded.status,
                     message_id=excluded.message_id, error=excluded.error,
                     attempts=deliveries.attempts + 1, sent_at=excluded.sent_at""",
                (channel, target, item, status, message_id, error, now_iso()),
            )

    def deliveries(self, channel: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM deliveries"
        args: tuple[Any, ...] = ()
        if channel:
            sql += " WHERE channel=?"
            args = (channel,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY sent_at", args)]

    # ---------------------------------------------------------------- runs

    def start_run(self, date: str, command: str) -> int:
        with self.transaction() as conn:
            row = conn.execute(
                "INSERT INTO runs (date, command, started_at) VALUES (?, ?, ?) RETURNING id",
                (date, command, now_iso()),
            ).fetchone()
        return int(row[0])

    def finish_run(
        self, run_id: int, status: str, counts: dict[str, Any], message: str | None = None
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at=?, status=?, counts=?, message=? WHERE id=?",
                (now_iso(), status, json.dumps(counts), message, run_id),
            )

    def runs(self, date: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        sql = "SELECT * FROM runs"
        args: list[Any] = []
        if date:
            sql += " WHERE date=?"
            args.append(date)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        rows = [dict(r) for r in self.conn.execute(sql, args)]
        for row in rows:
            row["counts"] = json.loads(row["counts"])
        return rows


def _merged(old: Paper, new: Paper) -> Paper:
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


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script (sqlite3.complete_statement knows about triggers)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def open_store(path: Path | str) -> Store:
    return Store(path)


__all__ = ["Store", "now_iso", "open_store"]
