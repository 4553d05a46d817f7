"""Bounded sizes of generated files: every README, page and feed stays under
``max_file_bytes`` (a hostile list or a runaway model must not make one that a browser chokes
on or git refuses to push) and stays whole: a renderer does not cut bytes, it renders less.
:func:`fit` tries smaller renderings in order (fewer days in the README, shorter texts on a
day page), :func:`fit_count` the largest number of items that fits (a feed keeps its newest
entries); both log what they left out. Writing the result is ``dailypapers.files``'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# Characters kept per long text field when a day page is over the limit, tried in order.
FIELD_CAPS: tuple[int, ...] = (2000, 600, 200, 60)


def _size(text: str | bytes) -> int:
    return len(text.encode("utf-8")) if isinstance(text, str) else len(text)


def fit(render: Callable[[T], str | bytes], options: Sequence[T], limit: int, *,
        what: str) -> str | bytes:
    """``render(option)`` for the first option whose output is at most ``limit`` bytes (the
    options go from fullest to smallest); the last option's output when none fits."""
    out: str | bytes = b""
    for number, option in enumerate(options):
        out = render(option)
        if _size(out) <= limit:
            if number:
                log.warning("%s: made smaller to stay under max_file_bytes=%d (%s)",
                            what, limit, option)
            return out
    log.warning("%s: %d bytes even at its smallest (max_file_bytes=%d)", what, _size(out),
                limit)
    return out


def fit_count(render: Callable[[int], str | bytes], count: int, limit: int, *,
              what: str) -> str | bytes:
    """``render(n)`` for the largest ``n <= count`` whose output is at most ``limit`` bytes (
    ``render`` must grow with ``n``; found by bisection); ``render(0)`` if none fits."""
    out = render(count)
    if _size(out) <= limit:
        return out
    low, high = 0, count - 1  # the answer is in [low, high]
    best: str | bytes | None = None  # render(low), once low has moved
    while low < high:
        middle = (low + high + 1) // 2
        attempt = render(middle)
        if _size(attempt) <= limit:
            low, best = middle, attempt
        else:
            high = middle - 1
    log.warning("%s: %d of %d entries kept to stay under max_file_bytes=%d", what, low,
                count, limit)
    return best if best is not None else render(0)
