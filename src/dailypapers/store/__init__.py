"""The store: one SQLite database, the single source of truth. The only code that touches SQL.

Every write method is one transaction: a crash at any point leaves the database as it was
before that call or after it, never in between. Objects go in and come out as
:mod:`dailypapers.models` dataclasses (stored as JSON next to the indexed columns).

This module is the face; the work is split by table group:

- ``base``: the connection, transactions, migrations (``migrations/mNNN_*.py``)
- ``papers``: ``papers`` and the ``search`` index
- ``days``: ``day_lists``, ``day_papers`` and the digest published from them
- ``published``: which list is published for a date (the one rule, shared with ``queries``)
- ``texts``: ``fulltexts``
- ``summaries``: ``summaries`` and ``verifications``
- ``ledger``: ``deliveries`` and ``runs``
- ``profiles``: interest profiles' examples and the ranker's embeddings cache
- ``queries``: read-only bulk queries for the site; ``site_index``: the site's own cache
"""

from __future__ import annotations

from pathlib import Path

from .base import now_iso
from .days import DayStore
from .ledger import LedgerStore
from .profiles import ProfileStore
from .summaries import SummaryStore
from .texts import TextStore


class Store(DayStore, SummaryStore, TextStore, LedgerStore, ProfileStore):
    """A handle on the database. Use as a context manager or call :meth:`close`."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: Path | str) -> Store:
    return Store(path)


__all__ = ["Store", "now_iso", "open_store"]
