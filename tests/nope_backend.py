"""A summarizer with a plain bug outside per-paper isolation, for the fault suite."""

from __future__ import annotations

from dailypapers.summarize.abstract import AbstractSummarizer


class Nope(AbstractSummarizer):
    def cache_keys(self) -> list[tuple[str, str | None, str | None]]:
        raise ZeroDivisionError("a bug in a backend")
