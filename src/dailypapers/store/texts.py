"""Full texts of papers, every version kept (table ``fulltexts``)."""

from __future__ import annotations

import json

from ..models import FullText
from .base import Database, now_iso


class TextStore(Database):
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
