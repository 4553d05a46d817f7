"""Delivered per reader: ``[[readers]]`` in dailypapers.toml names a channel target, the
profile it follows and how many papers it gets::

    [[readers]]
    channel = "telegram"      # telegram | email
    target = "-1001234567"    # the chat id, or the email address
    profile = "alice"
    top_n = 10                # default: the profile's top_n

Each reader receives the day's papers its profile ranks highest, in that order, each with
the reasons of its score, through the channel's own rendering. Its items are recorded under
``for:<profile>:`` keys, so a reader who also gets the day's list in the same chat gets
both, and each exactly once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..models import DayDigest, DigestEntry
from ..store import Store
from .service import Ranking, rank_day

CHANNEL_TARGET = {"telegram": "telegram_chat_id", "email": "email_to"}


@dataclass(frozen=True)
class Reader:
    channel: str
    target: str
    profile: str
    top_n: int | None = None


def readers(settings: Settings) -> list[Reader]:
    """The configured readers; a malformed one is a ConfigError naming it."""
    found = []
    for number, raw in enumerate(settings.readers, 1):
        where = f"[[readers]] #{number}"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a table")
        unknown = sorted(set(raw) - {"channel", "target", "profile", "top_n"})
        if unknown:
            raise ConfigError(f"{where}: unknown keys: {', '.join(unknown)}")
        channel, target, profile = (raw.get(k) for k in ("channel", "target", "profile"))
        if channel not in CHANNEL_TARGET:
            raise ConfigError(f"{where}: channel must be one of {', '.join(CHANNEL_TARGET)}")
        if isinstance(target, int) and not isinstance(target, bool):
            target = str(target)
        if not isinstance(target, str) or not target.strip():
            raise ConfigError(f"{where}: target must be a chat id or an email address")
        if not isinstance(profile, str) or not profile:
            raise ConfigError(f"{where}: profile must name a [profiles.NAME]")
        top_n = raw.get("top_n")
        if top_n is not None and (not isinstance(top_n, int) or isinstance(top_n, bool)
                                  or top_n < 1):
            raise ConfigError(f"{where}: top_n must be a whole number >= 1")
        found.append(Reader(channel, target.strip(), profile, top_n))
    return found


def ranked_digest(digest: DayDigest, ranking: Ranking, top_n: int) -> DayDigest:
    """The digest of a reader: the profile's top papers, in its order, with reasons."""
    by_id = {e.paper.arxiv_id: e for e in digest.entries}
    entries: list[DigestEntry] = []
    for scored in ranking.scored[:top_n]:
        entry = by_id.get(scored.paper.arxiv_id)
        if entry is not None:
            entries.append(dataclasses.replace(entry, rank=len(entries) + 1,
                                               reasons=list(scored.reasons)))
    return DayDigest(date=digest.date, source=digest.source, entries=entries,
                     fetched_at=digest.fetched_at)


def reader_settings(settings: Settings, reader: Reader, note: str = "") -> Settings:
    """The settings a reader's channel runs with: its target, no audio, a title that says
    whose selection it is (``note``: e.g. "top 10 of 2,000")."""
    title = f"{settings.site_title} · for {reader.profile}" + (f", {note}" if note else "")
    update: dict[str, Any] = {"site_title": title}
    if reader.channel == "telegram":
        update.update(telegram_chat_id=reader.target, telegram_top_n=None,
                      telegram_audio=False, telegram_voice=False)
    else:
        update.update(email_to=[reader.target])
    return settings.model_copy(update=update)


def deliver_readers(
    store: Store, settings: Settings, digest: DayDigest, *, dry_run: bool = False,
    channels: Sequence[str] | None = None,
) -> list[Any]:
    """Send each reader its ranked selection (what is missing of it); one result each."""
    from ..deliver import ChannelResult, _deliver_channel

    results: list[ChannelResult] = []
    rankings: dict[str, Ranking] = {}
    for reader in readers(settings):
        if channels is not None and reader.channel not in channels:
            continue
        label = f"{reader.channel}[{reader.profile}]"
        try:
            if reader.profile not in rankings:
                rankings[reader.profile] = rank_day(store, settings, digest.date, reader.profile)
            ranking = rankings[reader.profile]
        except ConfigError as exc:
            results.append(ChannelResult(label, error=str(exc)))
            continue
        top_n = reader.top_n or ranking.profile.top_n or len(ranking.scored)
        mine = ranked_digest(digest, ranking, top_n)
        note = f"top {len(mine.entries)} of {len(digest.entries):,}"
        results.append(_deliver_channel(
            store, reader_settings(settings, reader, note), reader.channel, mine,
            dry_run=dry_run, key_prefix=f"for:{reader.profile}:", label=label))
    return results
