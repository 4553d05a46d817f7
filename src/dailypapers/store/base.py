"""The connection, its transactions and the schema migrations: what every table group shares."""

from __future__ import annotations

import importlib
import itertools
import json
import pkgutil
import sqlite3
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreError
from . import migrations

T = TypeVar("T")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_json(data: dict[str, Any]) -> str:
    """Compact JSON for a stored object: keys whose value is None, [] or {} are left out,
    since every model's ``from_dict`` gives them back as its defaults."""
    return json.dumps(
        {k: v for k, v in data.items() if v is not None and v != [] and v != {}},
        ensure_ascii=False, separators=(",", ":"),
    )


def chunks(values: Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """Bounded batches (SQLite limits the parameters of one statement)."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def marks(values: Sized) -> str:
    return ",".join("?" * len(values))


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for info in pkgutil.iter_modules(migrations.__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{migrations.__name__}.{info.name}")
            found.append((int(info.name[1:4]), info.name, module.SQL))
    found.sort()
    for (number, first, _), (other, second, _) in itertools.pairwise(found):
        if number == other:  # the second would be skipped as already applied
            raise StoreError(f"two migrations numbered {number}: {first}, {second}",
                             hint="renumber the newer one to the next free number")
    return found


def split_sql(script: str) -> list[str]:
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


class Database:
    """The open SQLite connection, migrated to the newest schema."""

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
                hint="run 'dailypapers doctor' to check and repair it; the delivery record "
                "is also in ledger/, and 'dailypapers rebuild' recreates the database from "
                "the durable files",
            ) from exc

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

        Inside another transaction it is a savepoint of it: rolled back alone on an error,
        committed with the outer one.
        """
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT inner")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO inner")
                self.conn.execute("RELEASE inner")
                raise
            self.conn.execute("RELEASE inner")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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
                    for statement in split_sql(sql):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"migration {name} failed: {exc}") from exc
