"""Writes gathered into few transactions: flushed every ``size`` items or ``seconds``.

A stage that produces results one by one (full texts, summaries) hands them to a buffer;
the store then writes them in one transaction per batch instead of one per item. What is
done is never lost: leaving the ``with`` block, even on an error, flushes the rest, and the
time bound keeps a slow stage (an LLM day) from holding many finished results in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")


class WriteBuffer(Generic[T]):
    def __init__(
        self, flush: Callable[[list[T]], object], *, size: int = 200, seconds: float = 10.0
    ) -> None:
        self._flush = flush
        self.size = size
        self.seconds = seconds
        self._items: list[T] = []
        self._since = time.monotonic()

    def add(self, item: T) -> None:
        self._items.append(item)
        if len(self._items) >= self.size or time.monotonic() - self._since >= self.seconds:
            self.flush()

    def flush(self) -> None:
        items, self._items = self._items, []
        self._since = time.monotonic()
        if items:
            self._flush(items)

    def __enter__(self) -> WriteBuffer[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.flush()
