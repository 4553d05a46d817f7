"""Delivery: every day's papers to the configured channels, exactly once.

:func:`deliver_day` is the last stage of a run. For each channel it composes the day's items
(see :mod:`.base`), drops those the store records as sent to that target, and sends the rest
in order, recording each success the moment the service confirms it. A failure is recorded
too and retried on the next run; what succeeded is never sent again. A channel that cannot
go on (rate limit past ``retry_max_wait``, bad token, network down) is stopped for the run
without touching the others.

A bug in a channel (any exception that is not one of ours, from making it, composing its
items or sending) stops that channel for the run with one line (:func:`dailypapers.guard.bug`;
the traceback at ``-v``); the batch it was sending is recorded failed, so the next run sends
it again; the other channels go on.

Delivery is a stage with a deadline: once ``stage_deadline`` seconds have passed, no new
message is started; each channel still to send stops with that reason and the rest goes on
the next run.

The one gap no sender can close: a process killed after the service accepted a message but
before the store recorded it will send that one message again on the next run.

:func:`send_alert` reports a failed or empty day to ``Settings.alert_channel``.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..config import Settings
from ..errors import ChannelDown, ConfigError, DailyPapersError, DeliveryError
from ..guard import bug
from ..models import DayDigest
from ..runlock import process_id
from ..secrets import redact
from ..store import Store
from ..store.claims import claim
from .base import Channel, Item, get_channel
from .recipients import plain_key, record_key, scrub

log = logging.getLogger(__name__)


@dataclass
class ChannelResult:
    """What happened on one channel for one day."""

    channel: str
    sent: list[str] = field(default_factory=list)  # item keys sent this run
    already: int = 0  # items found already delivered
    failed: dict[str, str] = field(default_factory=dict)  # item key -> error
    pending: list[Item] = field(default_factory=list)  # dry run: what would go out
    busy: list[str] = field(default_factory=list)  # claimed by another live process
    taken_over: list[str] = field(default_factory=list)  # stale claims of dead processes
    error: str | None = None  # the channel could not run or was stopped
    note: str | None = None  # e.g. why audio was left out

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


@dataclass
class DeliveryReport:
    date: str
    dry_run: bool = False
    channels: list[ChannelResult] = field(default_factory=list)
    message: str = ""
    audio: list[str] = field(default_factory=list)  # files written for the site
    empty: bool = False  # no papers stored for the day
    audio_failed: bool = False  # podcast on, but audio could not be made

    @property
    def sent(self) -> int:
        return sum(len(c.sent) for c in self.channels)

    @property
    def failed(self) -> int:
        return sum(len(c.failed) for c in self.channels)

    @property
    def status(self) -> str:
        """ok | partial (something failed, something went) | failed | empty | nothing."""
        if self.empty:
            return "empty"
        if not self.channels:
            if self.audio_failed:
                return "failed"
            return "ok" if self.audio else "nothing"
        bad = [c for c in self.channels if not c.ok]
        if not bad:
            return "partial" if self.audio_failed else "ok"
        if len(bad) == len(self.channels) and not any(c.sent or c.already for c in bad):
            return "failed"
        return "partial"

    def line(self) -> str:
        if not self.channels:
            audio = f"; {len(self.audio)} audio files written" if self.audio else ""
            return f"Delivery: {self.date}: {self.message}{audio}"
        parts = []
        for c in self.channels:
            if self.dry_run:
                text = f"{c.channel}: {len(c.pending)} to send, {c.already} already sent"
            else:
                text = f"{c.channel}: {len(c.sent)} sent, {c.already} already sent"
                if c.failed:
                    first = next(iter(c.failed.items()))
                    text += f", {len(c.failed)} failed ({first[0]}: {first[1]})"
            if c.busy:
                text += f", {len(c.busy)} being sent by another process"
            if c.taken_over:
                text += (f", {len(c.taken_over)} stale claims taken over"
                         f" ({c.taken_over[0]}; may be sent twice)")
            if c.error:
                text += f" [stopped: {c.error}]"
            if c.note:
                text += f" [{c.note}]"
            parts.append(text)
        head = "Would deliver" if self.dry_run else "Delivered"
        tail = f" [{self.message}]" if self.message else ""
        return f"{head}: {self.date}: " + "; ".join(parts) + tail


def deliver_day(
    store: Store, settings: Settings, date: str, *,
    channels: Sequence[str] | None = None, dry_run: bool = False,
) -> DeliveryReport:
    """Send what is missing of a day to each channel (default: ``settings.channels``)."""
    names = list(channels) if channels is not None else list(settings.channels)
    report = DeliveryReport(date=date, dry_run=dry_run)
    digest = store.load_digest(date)
    if digest is None or not digest.entries:
        report.message = f"no papers stored for {date}: nothing to deliver"
        report.empty = True
        return report
    if settings.podcast and not dry_run:
        from .podcast import publish_audio

        try:
            report.audio = [str(p) for p in publish_audio(store, settings, date)]
        except DailyPapersError as exc:
            report.message = f"audio not published: {_message(exc)}"
            report.audio_failed = True
    if not names and not settings.readers:
        report.message = report.message or "no channels configured (set channels = [...])"
        return report
    stop = time.monotonic() + settings.stage_deadline
    for name in names:
        report.channels.append(_deliver_channel(store, settings, name, digest, dry_run=dry_run,
                                                stop=stop))
    if settings.readers:  # [[readers]]: a profile's ranked selection per target (foryou)
        from ..foryou.readers import deliver_readers

        report.channels.extend(deliver_readers(store, settings, digest, dry_run=dry_run,
                                               channels=channels))
    return report


def _deliver_channel(
    store: Store, settings: Settings, name: str, digest: DayDigest, *, dry_run: bool,
    key_prefix: str = "", label: str | None = None, stop: float | None = None,
) -> ChannelResult:
    """``key_prefix`` keeps a reader's items apart from the day's own to the same target."""
    result = ChannelResult(label or name)
    try:
        channel = get_channel(name, settings)
    except ConfigError as exc:
        result.error = _message(exc)
        return result
    except Exception as exc:  # DailyPapersError too: it could not be made at all
        result.error = _message(exc) if isinstance(exc, DailyPapersError) else bug(
            f"channel {name}", exc)
        return result
    mine: list[Item] = []
    try:
        items = channel.items(digest)
        for item in items if key_prefix else ():
            item.key = key_prefix + item.key
            item.before = key_prefix + item.before if item.before else None
        result.note = channel.note
        # The record names a recipient only by its keyed hash (recipients.py); rows from
        # before that are moved to it first.
        keys = {i.target: record_key(channel, i.target) for i in items}
        store.rekey_deliveries(name, {old: new for target, new in keys.items()
                                      for old in (target, plain_key(target)) if old != new})
        pending = [i for i in items if not store.delivered(name, keys[i.target], i.key)
                   and not (i.before and store.delivered(name, keys[i.target], i.before))]
        result.already = len(items) - len(pending)
        if dry_run:
            result.pending = pending
            return result
        me = process_id()
        for batch in channel.batches(pending):
            if stop is not None and time.monotonic() > stop:
                result.error = (f"the delivery stage passed its stage_deadline "
                                f"({settings.stage_deadline:g} s); the rest goes next run")
                break
            mine = _claim(store, settings, name, batch, me, result, keys)
            if not mine:
                continue
            try:
                message_id = channel.send(mine)
            except (ChannelDown, ConfigError) as exc:
                result.error = _message(exc)
                _record_failed(store, name, mine, result, result.error, keys)
                break
            except DeliveryError as exc:
                _record_failed(store, name, mine, result, _message(exc), keys)
                continue
            for item in mine:
                store.record_delivery(name, keys[item.target], item.key, status="sent",
                                      message_id=message_id)
                result.sent.append(item.key)
            mine = []
    except sqlite3.Error:
        raise  # the store's fault (disk full, damage), not the channel's: the CLI says so
    except Exception as exc:  # a bug in the channel: it stops, the day goes on
        result.error = _message(exc) if isinstance(exc, DailyPapersError) else bug(
            f"channel {name}", exc)
        if mine:  # claimed and perhaps half sent: failed, so the next run sends it
            _record_failed(store, name, mine, result, result.error, keys)
    finally:
        try:
            channel.close()
        except Exception as exc:
            bug(f"channel {name} (close)", exc)
    return result


def _claim(
    store: Store, settings: Settings, name: str, batch: list[Item], me: str,
    result: ChannelResult, keys: dict[str, str],
) -> list[Item]:
    """The items of a batch this process may send: each claimed in the store first."""
    mine: list[Item] = []
    for item in batch:
        got = claim(store, name, keys[item.target], item.key, me,
                    stale_after=settings.claim_stale_after)
        if got.state == "sent":
            result.already += 1
        elif got.state == "busy":
            result.busy.append(item.key)
        else:
            if got.state == "taken_over":
                note = f"{item.key} claimed by {got.previous} at {got.since}"
                result.taken_over.append(note)
                log.warning("%s: taking over a stale claim: %s", name, note)
            mine.append(item)
    return mine


def _record_failed(
    store: Store, name: str, batch: list[Item], result: ChannelResult, error: str,
    keys: dict[str, str],
) -> None:
    for item in batch:
        store.record_delivery(name, keys[item.target], item.key, status="failed",
                              error=scrub(error, _named(item)))
        result.failed[item.key] = error
    log.warning("%s: %s: %s", name, ", ".join(i.key for i in batch), error)


def _named(item: Item) -> list[str]:
    """The recipient as an error message may name it (the record must not)."""
    body = item.body if isinstance(item.body, dict) else {}
    return [item.target, *(str(body[k]) for k in ("to", "chat_id") if body.get(k))]


def _message(exc: DailyPapersError) -> str:
    text = redact(str(exc))
    return f"{text} ({redact(exc.hint)})" if exc.hint else text


def send_alert(settings: Settings, message: str) -> bool:
    """Send an operator alert to ``settings.alert_channel``; False when none or it failed.

    Alerts are not recorded: a day that keeps failing should keep saying so.
    """
    if not settings.alert_channel:
        log.info("no alert_channel set; alert not sent: %s", message)
        return False
    channel: Channel | None = None
    try:
        channel = get_channel(settings.alert_channel, settings)
        for item in channel.alert_items(redact(message)):
            channel.send([item])
    except DailyPapersError as exc:
        log.warning("alert to %s failed: %s", settings.alert_channel, _message(exc))
        return False
    except Exception as exc:  # an alert never turns a report into a crash
        bug(f"channel {settings.alert_channel} (alert)", exc)
        return False
    finally:
        if channel is not None:
            channel.close()
    return True


__all__ = ["Channel", "ChannelResult", "DeliveryReport", "Item", "deliver_day", "send_alert"]
