"""Progress for long operations: a bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("dailypapers.progress")


def progress(items: Iterable[T], *, total: int | None, desc: str) -> Iterator[T]:
    if sys.stderr.isatty():
        try:
            from tqdm import tqdm
        except ImportError:  # tqdm is optional; fall through to log lines
            pass
        else:
            yield from tqdm(items, total=total, desc=desc, unit="paper", leave=False)
            return
    for done, item in enumerate(items, 1):
        yield item
        log.info("%s: %d/%s", desc, done, total if total is not None else "?")
