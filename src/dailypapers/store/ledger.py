"""The delivery record and the runs (tables ``deliveries``, ``runs``)."""

from __future__ import annotations

import json
from typing import Any

from .base import Database, now_iso


class LedgerStore(Database):
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
