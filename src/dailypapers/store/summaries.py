"""The summary cache and its verifications (tables ``summaries``, ``verifications``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

from ..models import Summary, Verification
from .base import now_iso, to_json
from .papers import PaperStore


def _verification_json(verification: Verification) -> str:
    data = verification.to_dict()
    data.pop("status", None)  # a column of its own, and derived from the items
    data["items"] = [{k: v for k, v in i.items() if v is not None} for i in data["items"]]
    return to_json(data)


class SummaryStore(PaperStore):
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
        with self.transaction() as conn, self.reindexing(conn, [summary.arxiv_id]):
            return self._save_summary(conn, summary, verification)

    def save_summaries(
        self, date: str, source: str, done: Iterable[tuple[Summary, Verification | None]],
    ) -> list[int]:
        """Store summaries with their verifications and publish each on the day, in one
        transaction with one search-index update per paper; returns their ids."""
        done = list(done)
        with self.transaction() as conn, self.reindexing(conn, [s.arxiv_id for s, _ in done]):
            ids = [self._save_summary(conn, s, v) for s, v in done]
            self._attach(conn, date, source, {s.arxiv_id: i for (s, _), i in zip(done, ids,
                                                                                  strict=True)})
        return ids

    def _save_summary(
        self, conn: sqlite3.Connection, summary: Summary, verification: Verification | None
    ) -> int:
        summary.created_at = summary.created_at or now_iso()
        row = conn.execute(
            """INSERT INTO summaries (arxiv_id, version, backend, model, prompt_hash, source,
                                      data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(arxiv_id, version, backend, model, prompt_hash) DO UPDATE SET
                 source=excluded.source, data=excluded.data, created_at=excluded.created_at
               RETURNING id""",
            (summary.arxiv_id, summary.version or 0, summary.backend, summary.model or "",
             summary.prompt_hash or "", summary.source, to_json(summary.to_dict()),
             summary.created_at),
        ).fetchone()
        summary_id = int(row[0])
        if verification is not None:
            conn.execute(
                """INSERT INTO verifications (summary_id, status, unsupported, data, created_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(summary_id) DO UPDATE SET status=excluded.status,
                     unsupported=excluded.unsupported, data=excluded.data,
                     created_at=excluded.created_at""",
                (summary_id, verification.status, len(verification.unsupported),
                 _verification_json(verification), now_iso()),
            )
        else:
            conn.execute("DELETE FROM verifications WHERE summary_id=?", (summary_id,))
        return summary_id

    def attach_summary(self, date: str, source: str, arxiv_id: str, summary_id: int) -> None:
        """Make a stored summary the one published for a paper on a day."""
        self.attach_summaries(date, source, {arxiv_id: summary_id})

    def attach_summaries(self, date: str, source: str, chosen: Mapping[str, int]) -> None:
        """Make stored summaries the ones published for papers on a day (one transaction)."""
        if not chosen:
            return
        with self.transaction() as conn:
            changed = {
                arxiv_id: summary_id for arxiv_id, summary_id in chosen.items()
                if conn.execute(
                    "SELECT 1 FROM day_papers WHERE date=? AND source=? AND arxiv_id=?"
                    " AND (summary_id IS NOT ? OR error IS NOT NULL)",
                    (date, source, arxiv_id, summary_id),
                ).fetchone()
            }
            with self.reindexing(conn, changed):
                self._attach(conn, date, source, changed)

    def _attach(
        self, conn: sqlite3.Connection, date: str, source: str, chosen: Mapping[str, int]
    ) -> None:
        conn.executemany(
            """UPDATE day_papers SET summary_id=?, error=NULL
               WHERE date=? AND source=? AND arxiv_id=?""",
            [(summary_id, date, source, arxiv_id) for arxiv_id, summary_id in chosen.items()],
        )
