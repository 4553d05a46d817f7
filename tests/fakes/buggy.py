"""Plug-ins with plain bugs (not our errors), for the fault suite: a channel whose ``send``
raises on its second message, and summarizers that raise from places outside one paper."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from dailypapers.deliver.base import Channel, Item
from dailypapers.models import DayDigest, FullText, Paper, Summary
from dailypapers.summarize.extractive import ExtractiveSummarizer


class BuggyChannel(Channel):
    """Two items a day; the first is "sent", sending the second raises a KeyError."""

    id: ClassVar[str] = "buggy"
    sent: ClassVar[list[str]] = []

    def items(self, digest: DayDigest) -> list[Item]:
        return [Item(key=f"buggy:{digest.date}:{n}", target="t", preview=str(n))
                for n in (1, 2)]

    def alert_items(self, text: str) -> list[Item]:
        return [Item(key="alert", target="t", preview=text)]

    def send(self, batch: list[Item]) -> str | None:
        if batch[0].key.endswith(":2"):
            raise KeyError("a bug in a channel")
        return "1"


class BrokenManySummarizer(ExtractiveSummarizer):
    """Summarizes the first paper, then its ``summarize_many`` generator raises."""

    id: ClassVar[str] = "broken-many"

    def summarize_many(
        self, items: Iterable[tuple[Paper, FullText | None]]
    ) -> Iterator[tuple[Paper, Summary | Exception]]:
        for number, (paper, fulltext) in enumerate(items):
            if number == 1:
                raise IndexError("a bug in summarize_many")
            yield paper, self.summarize(paper, fulltext)


class UnmakeableSummarizer(ExtractiveSummarizer):
    id: ClassVar[str] = "unmakeable"

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AttributeError("a bug in a constructor")
