"""Interest profiles' example papers and the ranker's embeddings cache
(tables ``profile_examples``, ``embeddings``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .base import Database, now_iso


class ProfileStore(Database):
    def save_examples(
        self, profile: str, examples: Iterable[tuple[str, str, float, dict[str, Any]]],
        *, replace_origin: str | None = None,
    ) -> int:
        """Store (key, origin, weight, data) examples of a profile in one transaction.

        ``replace_origin`` first drops the profile's examples of that origin (a re-import
        of a library replaces the previous import). Returns how many were written.
        """
        count = 0
        with self.transaction() as conn:
            if replace_origin is not None:
                conn.execute("DELETE FROM profile_examples WHERE profile=? AND origin=?",
                             (profile, replace_origin))
            for key, origin, weight, data in examples:
                conn.execute(
                    """INSERT INTO profile_examples (profile, key, origin, weight, data, added_at)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT(profile, key) DO UPDATE SET origin=excluded.origin,
                         weight=excluded.weight, data=excluded.data,
                         added_at=excluded.added_at""",
                    (profile, key, origin, weight, json.dumps(data, ensure_ascii=False),
                     now_iso()),
                )
                count += 1
        return count

    def restore_examples(self, profile: str, rows: list[dict[str, Any]]) -> None:
        """Put a profile's examples back as they were recorded, with when they were added
        (a rebuild from ``profiles/NAME.json``)."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO profile_examples (profile, key, origin, weight, data,"
                " added_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(profile, r["key"], r["origin"], r["weight"],
                  json.dumps(r["data"], ensure_ascii=False), r["added_at"]) for r in rows])

    def example_profiles(self) -> list[str]:
        """Every profile with stored examples."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT profile FROM profile_examples ORDER BY profile")]

    def profile_examples(self, profile: str) -> list[dict[str, Any]]:
        """Rows (key, origin, weight, data, added_at) of a profile, oldest first."""
        rows = self.conn.execute(
            "SELECT key, origin, weight, data, added_at FROM profile_examples"
            " WHERE profile=? ORDER BY added_at, key", (profile,))
        return [{**dict(r), "data": json.loads(r["data"])} for r in rows]

    def get_embedding(self, key: str, model: str, text_hash: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT vector FROM embeddings WHERE key=? AND model=? AND text_hash=?",
            (key, model, text_hash)).fetchone()
        return bytes(row["vector"]) if row else None

    def save_embeddings(self, model: str, vectors: Iterable[tuple[str, str, bytes]]) -> None:
        """Store (key, text hash, float32 bytes) vectors of one model in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                """INSERT INTO embeddings (key, model, text_hash, vector, created_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(key, model) DO UPDATE SET
                     text_hash=excluded.text_hash, vector=excluded.vector,
                     created_at=excluded.created_at""",
                [(key, model, text_hash, vector, now_iso()) for key, text_hash, vector in vectors],
            )
