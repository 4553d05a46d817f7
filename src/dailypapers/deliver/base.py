"""The channel interface every delivery backend implements, and how one is looked up by id.

A channel turns a day's digest into *items*: the smallest things whose delivery is recorded
(a Telegram message, one recipient's email, one paper in a webhook post). Composing items is
pure; :meth:`Channel.send` is the one method that talks to the outside world. The delivery
loop (:mod:`dailypapers.deliver`) skips items the store already records as sent, so a channel
never has to remember anything itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import httpx2 as httpx
from pydantic import BaseModel

from ..config import Settings
from ..http import make_client
from ..models import DayDigest, DigestEntry
from ..plugins import plugin_options
from ..render.paths import SiteUrls
from ..view import PaperView, upvotes_of
from ..view import paper_view as make_view


@dataclass
class Item:
    """One recorded unit of delivery.

    ``key`` is stable across runs ("day:2025-01-15", "paper:2025-01-15:2501.08313"); together
    with the channel id and ``target`` it is the store's delivery key. ``preview`` is what a
    dry run shows. ``body`` is channel-specific (text, HTML, a file to synthesize...).
    """

    key: str
    target: str
    preview: str
    body: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Sent only ahead of the item with this key: once that one went out, this one is late
    # and left out (a paper's picture made after its message was sent).
    before: str | None = None


class Channel(ABC):
    """A delivery backend.

    ``id`` is the name users pick it by; ``key_env`` names the environment variable holding
    its secret (``None`` if it needs none; read with ``secrets.require_key``); ``Options``, a
    pydantic model, validates its own ``[<id>]`` table of ``dailypapers.toml`` into
    ``self.options``. ``send``
    delivers one batch of items as one message and returns the remote message id (or
    ``None``), or raises :class:`~dailypapers.errors.DeliveryError`; a batch is either all
    sent or not sent.
    """

    id: ClassVar[str]
    key_env: ClassVar[str | None] = None
    # A third-party channel's own settings, from its [<id>] table (plugins.plugin_options).
    Options: ClassVar[type[BaseModel] | None] = None

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.options = plugin_options(type(self), settings.plugins)
        # Something the report should say about this run (e.g. why audio was left out).
        self.note: str | None = None

    @abstractmethod
    def items(self, digest: DayDigest) -> list[Item]:
        """Everything this channel delivers for a day, in sending order (pure)."""

    def batches(self, items: list[Item]) -> list[list[Item]]:
        """Group the items still to send into messages; by default one item a message."""
        return [[item] for item in items]

    @abstractmethod
    def alert_items(self, text: str) -> list[Item]:
        """Items that carry an operator alert (not recorded in the store)."""

    @abstractmethod
    def send(self, batch: list[Item]) -> str | None:
        """Deliver one message; returns the remote message id when the service gives one."""

    def close(self) -> None:  # noqa: B027 - optional hook, most channels hold nothing
        """Release connections; the default has none."""


class HttpChannel(Channel):
    """A channel that talks HTTP: one client, built on first use, closed with the channel.

    An injected client (tests, shared pools) belongs to the caller and is left open.
    """

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        super().__init__(settings)
        self._client = client
        self._own_client = client is None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def close(self) -> None:
        if self._client is not None and self._own_client:
            self._client.close()
            self._client = None


T = TypeVar("T")


def pack(things: Sequence[T], fits: Callable[[list[T]], bool]) -> list[list[T]]:
    """Greedy packing in order: start a new group when adding the next thing would not fit.

    A thing that does not fit even alone still gets a group of its own.
    """
    groups: list[list[T]] = []
    current: list[T] = []
    for thing in things:
        if current and not fits([*current, thing]):
            groups.append(current)
            current = []
        current.append(thing)
    if current:
        groups.append(current)
    return groups


def selected_entries(digest: DayDigest, top_n: int | None) -> list[DigestEntry]:
    """The papers a channel sends: all in rank order, or the top N by upvotes (rank breaks ties)."""
    entries = sorted(digest.entries, key=lambda e: e.rank)
    if top_n is None or top_n <= 0 or top_n >= len(entries):
        return entries
    ranked = sorted(entries, key=lambda e: (-(upvotes_of(e) or 0), e.rank))[:top_n]
    return sorted(ranked, key=lambda e: e.rank)


@dataclass(frozen=True)
class ChannelPaper:
    """A paper as the channels show it: the one paper view, plus the channel lines made from it.

    Plain text; each channel escapes it for its own format.
    """

    view: PaperView
    number: int
    meta: str  # authors and upvotes
    notes: list[str]  # abstract-only, no summary yet, numbers not found in the paper
    reasons: str = ""  # why a profile ranked it here (a reader's ranked selection)

    @property
    def arxiv_id(self) -> str:
        return self.view.arxiv_id

    @property
    def title(self) -> str:
        return self.view.title

    @property
    def one_line(self) -> str:
        return self.view.one_line

    @property
    def labelled(self) -> list[tuple[str, str]]:
        """(label, text) of the summary's non-empty parts, or the abstract when there is none."""
        if not self.view.has_summary:
            return [("Abstract", self.view.abstract)] if self.view.abstract else []
        return [(p.label, p.text) for p in self.view.present_parts]

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, URL): our paper page first (with a site URL), then the paper's sources."""
        return [(link.label, link.url) for link in self.view.links]

    @property
    def page_url(self) -> str | None:
        return self.view.page_url

    @property
    def abs_url(self) -> str:
        return self.view.abs_url

    @property
    def pdf_url(self) -> str:
        return self.view.pdf_url

    @property
    def hf_url(self) -> str:
        return self.view.hf_url

    @property
    def code_url(self) -> str | None:
        return self.view.code_url


def one_line(text: str) -> str:
    """Whitespace (newlines in titles included) folded to single spaces."""
    return " ".join(text.split())


def paper_view(settings: Settings, entry: DigestEntry, number: int) -> ChannelPaper:
    view = make_view(entry, max_authors=settings.max_authors, site_url=settings.site_url,
                     number=number)
    meta = view.authors_short
    if view.upvotes:
        meta = f"{meta} · ▲ {view.upvotes}" if meta else f"▲ {view.upvotes}"
    if view.check.read:  # what the number check read: a fact, not a warning
        checked = f"numbers checked against the {view.check.read}"
        meta = f"{meta} · {checked}" if meta else checked
    notes: list[str] = []
    if not view.has_summary:
        notes.append("no summary yet: this is the abstract")
    if view.abstract_only:
        notes.append("summarized from the abstract only")
    if view.check.failed:
        notes.append(f"not found in the paper: {', '.join(view.check.failed[:5])}")
    return ChannelPaper(view=view, number=number, meta=meta, notes=notes,
                        reasons="; ".join(entry.reasons))


def paper_key(date: str, arxiv_id: str) -> str:
    return f"paper:{date}:{arxiv_id}"


def day_key(date: str) -> str:
    return f"day:{date}"


def site_day_url(settings: Settings, date: str) -> str | None:
    """The day's page on the published site, when a site URL is configured."""
    return SiteUrls.of(settings).day(date)


def get_channel(name: str, settings: Settings) -> Channel:
    from ..plugins import load

    cls: type[Channel] = load("channel", name)
    return cls(settings)
