"""The summary cache and its verifications (tables ``summaries``, ``verifications``)."""

from __future__ import annotations

import json
import sqlite3

from ..models import Summary, Verification
from .base import now_iso
from .papers import PaperStore


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
