"""``dailypapers doctor``: check the database, repair what can be repaired, never lose the
delivery record.

Checks: SQLite's ``PRAGMA integrity_check``, the search index's own ``integrity-check``, runs
left ``running`` by dead processes, delivery claims left by dead processes. Repairs: the
search index is rebuilt from the tables it indexes; dead runs are marked ``crashed``. A
database SQLite cannot read as a whole is only reset on request (``--reset``), and only
after the delivery record has been exported to ``deliveries-<time>.json`` (whatever rows can
still be read) and the damaged file moved aside; the fresh database gets the record back, so
nothing already sent is sent again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .runlock import is_alive, process_id

_DELIVERY_COLUMNS = ("channel", "target", "item", "status", "message_id", "error", "attempts",
                     "sent_at", "claimant", "claimed_at")


@dataclass
class DoctorReport:
    path: Path
    lines: list[str] = field(default_factory=list)
    problems: int = 0  # found and not repaired
    repaired: int = 0
    exported: Path | None = None

    def ok(self, text: str) -> None:
        self.lines.append(f"ok: {text}")

    def fixed(self, text: str) -> None:
        self.repaired += 1
        self.lines.append(f"repaired: {text}")

    def bad(self, text: str) -> None:
        self.problems += 1
        self.lines.append(f"PROBLEM: {text}")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def export_deliveries(path: Path, into: Path) -> tuple[Path, int]:
    """Write every delivery row that can still be read to ``into``/deliveries-<time>.json."""
    rows: list[dict[str, Any]] = []
    try:
        conn = _connect(path)
        try:
            cursor = conn.execute("SELECT * FROM deliveries")
            names = [d[0] for d in cursor.description]
            while True:
                try:
                    row = cursor.fetchone()
                except sqlite3.DatabaseError:
                    break  # a damaged page: keep what came before it
                if row is None:
                    break
                rows.append(dict(zip(names, row, strict=True)))
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass
    target = into / f"deliveries-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    target.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return target, len(rows)


def import_deliveries(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        values = [row.get(c) for c in _DELIVERY_COLUMNS]
        if not all(values[:4]) or values[7] is None:
            continue
        values[6] = values[6] or 1
        conn.execute(
            f"INSERT OR IGNORE INTO deliveries ({', '.join(_DELIVERY_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(_DELIVERY_COLUMNS))})", values)
        count += 1
    return count


def check(path: Path, *, reset: bool = False) -> DoctorReport:
    report = DoctorReport(path)
    if not path.exists():
        report.bad(f"no database at {path}")
        return report
    healthy = _integrity(path, report)
    if healthy:
        _search_index(path, report)
        _leftovers(path, report)
        return report
    target, count = export_deliveries(path, path.parent)
    report.exported = target
    report.lines.append(f"exported {count} delivery records to {target}")
    if not reset:
        report.lines.append("the database is damaged: 'dailypapers doctor --reset' moves it"
                            " aside and starts a fresh one with this delivery record")
        return report
    _reset(path, target, report)
    return report


def _integrity(path: Path, report: DoctorReport) -> bool:
    try:
        conn = _connect(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        report.bad(f"SQLite cannot read the database: {exc}")
        return False
    if rows == ["ok"]:
        report.ok("integrity_check")
        return True
    report.bad(f"integrity_check: {'; '.join(rows[:3])}")
    return False


def _search_index(path: Path, report: DoctorReport) -> None:
    conn = _connect(path)
    try:
        try:
            conn.execute("INSERT INTO search(search) VALUES('integrity-check')")
            report.ok("search index")
            return
        except sqlite3.DatabaseError as exc:
            problem = str(exc)
        try:
            conn.execute("INSERT INTO search(search) VALUES('rebuild')")
            report.fixed(f"search index rebuilt ({problem})")
        except sqlite3.DatabaseError as exc:
            report.bad(f"search index: {problem}; rebuild failed: {exc}")
    finally:
        conn.close()


def _leftovers(path: Path, report: DoctorReport) -> None:
    from .store import Store
    from .store.claims import mark_crashed_runs

    with Store(path) as store:
        crashed = mark_crashed_runs(store, process_id())
        if crashed:
            report.fixed(f"runs {', '.join(map(str, crashed))} left 'running' marked crashed")
        claims = store.conn.execute(
            "SELECT channel, item, claimant FROM deliveries WHERE status='claimed'").fetchall()
        dead = [c for c in claims if is_alive(c["claimant"] or "") is False]
        if dead:
            report.lines.append(
                f"note: {len(dead)} delivery claims of dead processes (e.g. {dead[0]['item']}):"
                " the next run takes them over; each may have been sent once already")
        else:
            report.ok("delivery claims")


def _reset(path: Path, exported: Path, report: DoctorReport) -> None:
    from .store import Store

    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(aside.with_name(aside.name + suffix))
    rows = json.loads(exported.read_text(encoding="utf-8"))
    with Store(path) as store, store.transaction() as conn:
        count = import_deliveries(conn, rows)
    report.fixed(f"damaged database moved to {aside}; a fresh one holds the {count} delivery"
                 " records (run 'dailypapers run' to collect and publish again)")
