"""Claims: a delivery item is claimed in the store before it is sent; runs know their process.

The directory lock (:mod:`dailypapers.runlock`) keeps two commands apart; claims make double
sending impossible even for processes that bypass it (two machines on a shared directory, a
library caller). An item goes ``claimed`` -> ``sent`` | ``failed``, the claim carrying the
claimant (:func:`~dailypapers.runlock.process_id`) and its time, in one ``BEGIN IMMEDIATE``
transaction, so of two processes only one ever holds the claim.

A claim whose process is dead (same host, pid gone) or that is older than ``stale_after``
seconds (another host: we cannot ask) is *taken over*: the item may or may not have reached
the service before the claimant died, which is the one documented duplicate.

Runs carry their owner the same way: :func:`mark_crashed_runs` turns a ``running`` run whose
process is gone into ``crashed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from ..runlock import is_alive

if TYPE_CHECKING:
    from . import Store

ClaimState = Literal["claimed", "taken_over", "sent", "busy"]


@dataclass
class Claim:
    state: ClaimState
    previous: str | None = None  # the stale claimant, when taken over
    since: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _stale(claimant: str | None, claimed_at: str | None, me: str, stale_after: float) -> bool:
    if not claimant or claimant == me:
        return True
    alive = is_alive(claimant)
    if alive is not None:
        return not alive
    try:
        since = datetime.fromisoformat(claimed_at or "")
    except ValueError:
        return True
    return _now() - since > timedelta(seconds=stale_after)


def claim(
    store: Store, channel: str, target: str, item: str, me: str, *, stale_after: float = 3600.0
) -> Claim:
    """Claim one item for sending by ``me``; ``state`` says whether we may send it."""
    now = _now().isoformat(timespec="seconds")
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT status, claimant, claimed_at FROM deliveries"
            " WHERE channel=? AND target=? AND item=?",
            (channel, target, item),
        ).fetchone()
        if row is not None and row["status"] == "sent":
            return Claim("sent")
        result = Claim("claimed")
        if row is not None and row["status"] == "claimed":
            if not _stale(row["claimant"], row["claimed_at"], me, stale_after):
                return Claim("busy", row["claimant"], row["claimed_at"])
            if row["claimant"] != me:
                result = Claim("taken_over", row["claimant"], row["claimed_at"])
        conn.execute(
            """INSERT INTO deliveries (channel, target, item, status, attempts, sent_at,
                                       claimant, claimed_at)
               VALUES (?, ?, ?, 'claimed', 0, ?, ?, ?)
               ON CONFLICT(channel, target, item) DO UPDATE SET status='claimed',
                 claimant=excluded.claimant, claimed_at=excluded.claimed_at""",
            (channel, target, item, now, me, now),
        )
    return result


def release(store: Store, channel: str, target: str, item: str, me: str) -> None:
    """Give back a claim that was not used (nothing was sent): the item stays pending."""
    where = " WHERE channel=? AND target=? AND item=? AND status='claimed' AND claimant=?"
    args = (channel, target, item, me)
    with store.transaction() as conn:
        conn.execute("DELETE FROM deliveries" + where + " AND attempts=0", args)
        conn.execute("UPDATE deliveries SET status='failed', claimant=NULL, claimed_at=NULL"
                     + where, args)


def set_run_owner(store: Store, run_id: int, owner: str) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE runs SET owner=? WHERE id=?", (owner, run_id))


def mark_crashed_runs(store: Store, me: str) -> list[int]:
    """Runs left ``running`` by a process that is gone become ``crashed``; returns their ids."""
    rows = store.conn.execute(
        "SELECT id, owner FROM runs WHERE status='running'"
    ).fetchall()
    dead = [r["id"] for r in rows if r["owner"] != me and (
        r["owner"] is None or is_alive(r["owner"]) is False)]
    if dead:
        now = _now().isoformat(timespec="seconds")
        with store.transaction() as conn:
            conn.executemany(
                "UPDATE runs SET status='crashed', finished_at=?,"
                " message=COALESCE(message, 'the process ended without finishing the run')"
                " WHERE id=? AND status='running'",
                [(now, run_id) for run_id in dead],
            )
    return dead
