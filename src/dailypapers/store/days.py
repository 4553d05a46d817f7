"""Day lists and what is published on them (tables ``day_lists``, ``day_papers``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from ..models import DayDigest, DayEntry, DayList, DigestEntry, Paper, Summary, Verification
from .base import now_iso
from .papers import PaperStore, merged
from .published import CHOSEN, published_source


def digest_entry(row: Any) -> DigestEntry:
    """A digest entry from a row of pdata, sdata, vdata (JSON), rank, upvotes, ftsource."""
    return DigestEntry(
        paper=Paper.from_dict(json.loads(row["pdata"])),
        rank=row["rank"],
        upvotes=row["upvotes"],
        summary=Summary.from_dict(json.loads(row["sdata"])) if row["sdata"] else None,
        verification=Verification.from_dict(json.loads(row["vdata"])) if row["vdata"] else None,
        fulltext_source=row["ftsource"],
    )


class DayStore(PaperStore):
    """A day's list of papers, its per-paper errors, and the digest published from it."""

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
            touched = set(kept) | {entry.paper.arxiv_id for entry in day.entries}
            with self.reindexing(conn, touched):
                self._write_day(conn, day, fetched_at, kept)

    def _write_day(
        self, conn: sqlite3.Connection, day: DayList, fetched_at: str,
        kept: dict[str, tuple[int | None, str | None]],
    ) -> None:
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
            known = self.get_paper(new.paper.arxiv_id)
            if known is None or old.paper.to_dict() != merged(known, new.paper).to_dict():
                return False
        return True

    def day_sources(self, date: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT source FROM day_lists WHERE date=? ORDER BY fetched_at DESC", (date,)
        )
        return [r["source"] for r in rows]

    def _pick_source(self, date: str, source: str | None) -> str | None:
        return source if source is not None else published_source(self.conn, date)

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
        """Published dates (their published list is not empty), newest first."""
        sql = f"SELECT date FROM ({CHOSEN})"
        args: list[Any] = []
        if before:
            sql += " WHERE date < ?"
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

    def set_paper_errors(self, date: str, source: str, errors: Mapping[str, str | None]) -> None:
        """Write (or clear, with None) the reason on each paper's day row, one transaction."""
        if not errors:
            return
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE day_papers SET error=? WHERE date=? AND source=? AND arxiv_id=?"
                " AND error IS NOT ?",
                [(error, date, source, arxiv_id, error) for arxiv_id, error in errors.items()],
            )

    def day_errors(self, date: str, source: str) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT arxiv_id, error FROM day_papers"
            " WHERE date=? AND source=? AND error IS NOT NULL",
            (date, source),
        )
        return {r["arxiv_id"]: r["error"] for r in rows}

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
        entries = [digest_entry(r) for r in rows]
        return DayDigest(date=date, source=source, entries=entries, fetched_at=head["fetched_at"])
