"""Full texts of papers, every version kept (table ``fulltexts``).

The database is the one place an extracted text is kept. A PDF or HTML text is stored as
zlib-compressed JSON. An abstract-only fallback stores no text at all, only why the better
sources failed: its text is the paper's own title and abstract, rebuilt on reading.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from typing import Any

from ..models import FullText, Paper
from .base import Database, now_iso, to_json


def _pack(fulltext: FullText) -> bytes | str:
    if fulltext.source == "abstract":
        return to_json({"fallback_reasons": fulltext.fallback_reasons})
    return zlib.compress(to_json(fulltext.to_dict()).encode("utf-8"), 6)


def _unpack(row: Any) -> FullText:
    data = row["data"]
    if isinstance(data, bytes):
        return FullText.from_dict({"version": None, **json.loads(zlib.decompress(data))})
    decoded = json.loads(data)
    if row["source"] == "abstract" and "text" not in decoded:
        paper = Paper.from_dict(json.loads(row["pdata"]))
        paper.version = row["version"] or paper.version
        fulltext = FullText.of_abstract(paper, decoded.get("fallback_reasons", []))
        fulltext.version = row["version"] or None
        return fulltext
    return FullText.from_dict(decoded)


class TextStore(Database):
    def save_fulltext(self, fulltext: FullText) -> None:
        self.save_fulltexts([fulltext])

    def save_fulltexts(self, fulltexts: Iterable[FullText]) -> None:
        """Store (or replace) full texts, all in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                """INSERT INTO fulltexts (arxiv_id, version, source, data, created_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(arxiv_id, version) DO UPDATE SET source=excluded.source,
                     data=excluded.data, created_at=excluded.created_at""",
                [(f.arxiv_id, f.version or 0, f.source, _pack(f), now_iso()) for f in fulltexts],
            )

    def get_fulltext(self, arxiv_id: str, version: int | None = None) -> FullText | None:
        """The full text of a version (the newest we have when ``version`` is None)."""
        sql = """SELECT f.version, f.source, f.data, p.data AS pdata FROM fulltexts f
                 LEFT JOIN papers p ON p.arxiv_id = f.arxiv_id WHERE f.arxiv_id=?"""
        if version is None:
            row = self.conn.execute(sql + " ORDER BY f.version DESC LIMIT 1", (arxiv_id,))
        else:
            row = self.conn.execute(sql + " AND f.version=?", (arxiv_id, version))
        found = row.fetchone()
        return _unpack(found) if found else None
