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

    def rekey_deliveries(self, channel: str, renames: dict[str, str]) -> None:
        """Move a channel's rows from old target names to new ones (a row already under the
        new name wins); nothing to do, no write."""
        found = [old for old in renames if self.conn.execute(
            "SELECT 1 FROM deliveries WHERE channel=? AND target=? LIMIT 1",
            (channel, old)).fetchone()]
        if not found:
            return
        with self.transaction() as conn:
            for old in found:
                conn.execute("UPDATE OR IGNORE deliveries SET target=? WHERE channel=? AND"
                             " target=?", (renames[old], channel, old))
                conn.execute("DELETE FROM deliveries WHERE channel=? AND target=?",
                             (channel, old))

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
                (now_iso(), status, json.dumps(counts, sort_keys=True), message, run_id),
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

    # ---------------------------------------------------------------- durable files

    def ledger_rows(
        self, date: str, *, runs: int = 5
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(deliveries, the last ``runs`` runs) of a day: items naming the date, runs of it."""
        deliveries = [
            {k: v for k, v in dict(r).items() if v is not None}
            for r in self.conn.execute(
                "SELECT channel, target, item, status, message_id, error, attempts, sent_at"
                " FROM deliveries WHERE item LIKE ? OR item LIKE ?"
                " ORDER BY channel, target, item",
                (f"%:{date}", f"%:{date}:%"),
            )
        ]
        kept = []
        for r in self.conn.execute(
            "SELECT * FROM (SELECT command, started_at, finished_at, status, counts, message, id"
            " FROM runs WHERE date=? ORDER BY started_at DESC, id DESC LIMIT ?)"
            " ORDER BY started_at, id", (date, runs)
        ):
            row = {k: v for k, v in dict(r).items() if v is not None and k != "id"}
            row["counts"] = json.loads(row.get("counts") or "{}")
            kept.append(row)
        return deliveries, kept

    def ledger_dates(self) -> list[str]:
        """Every date with a delivery or a run, oldest first."""
        dates = {r[0] for r in self.conn.execute("SELECT DISTINCT date FROM runs")}
        for (item,) in self.conn.execute("SELECT item FROM deliveries"):
            dates.update(p for p in item.split(":") if len(p) == 10 and p[4] == "-")
        return sorted(dates)

    def restore_ledger(
        self, date: str, deliveries: list[dict[str, Any]], runs: list[dict[str, Any]]
    ) -> None:
        """Put a day's deliveries and runs back, as recorded (for a rebuild)."""
        with self.transaction() as conn:
            conn.executemany(
                """INSERT OR REPLACE INTO deliveries (channel, target, item, status, message_id,
                                                      error, attempts, sent_at)
                   VALUES (:channel, :target, :item, :status, :message_id, :error, :attempts,
                           :sent_at)""",
                [{"message_id": None, "error": None, "attempts": 1, **d} for d in deliveries],
            )
            conn.executemany(
                """INSERT INTO runs (date, command, started_at, finished_at, status, counts,
                                     message)
                   VALUES (:date, :command, :started_at, :finished_at, :status, :counts,
                           :message)""",
                [{"finished_at": None, "message": None, "status": "ok", **r, "date": date,
                  "counts": json.dumps(r.get("counts", {}), sort_keys=True)} for r in runs],
            )

    def durable_files(self) -> dict[str, tuple[int, int, str]]:
        """path -> (size, mtime_ns, sha256) of every durable file written or read."""
        return {
            r["path"]: (r["size"], r["mtime_ns"], r["sha256"])
            for r in self.conn.execute("SELECT * FROM durable_files")
        }

    def note_durable_files(self, files: dict[str, tuple[int, int, str]]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO durable_files (path, size, mtime_ns, sha256)"
                " VALUES (?, ?, ?, ?)",
                [(path, *meta) for path, meta in files.items()],
            )

    def forget_durable_files(self, paths: list[str]) -> None:
        with self.transaction() as conn:
            conn.executemany("DELETE FROM durable_files WHERE path=?", [(p,) for p in paths])
