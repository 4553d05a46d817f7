"""Bounds for every item a remote source returns: one bad item never sinks a day.

A source maps each item through these checks before it becomes a ``Paper``: integers must fit
SQLite's 64-bit range (else the item is skipped as malformed), texts are cleaned of control
characters and cut to their limit, author lists are capped, links must pass
:func:`~dailypapers.safety.safe_url` (else the link is dropped and the drop reported).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..safety import clip, safe_url, strip_controls, why_unsafe

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_KEYWORDS = 64
MAX_EXTRA_CHARS = 4096  # a field we do not model, kept verbatim only when this small


class _BadValue(ValueError):
    """A value no paper can carry (the item is skipped)."""


@dataclass(frozen=True)
class Limits:
    title: int = 1_000
    abstract: int = 20_000
    authors: int = 2_000
    author: int = 300
    url: int = 2_048

    @classmethod
    def of(cls, settings: Settings | None) -> Limits:
        if settings is None:
            return cls()
        return cls(title=settings.max_title_chars, abstract=settings.max_abstract_chars,
                   authors=settings.max_author_count, author=settings.max_author_chars,
                   url=settings.max_url_chars)


def bounded_int(value: Any, what: str) -> int | None:
    """An integer (or a string of ASCII digits) within SQLite's range; None when absent."""
    if isinstance(value, bool):
        return None  # a true/false "count" is not a count
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        value = int(text)
    if not isinstance(value, int):
        return None
    if not INT64_MIN <= value <= INT64_MAX:
        digits = str(value)
        shown = digits if len(digits) <= 24 else digits[:24] + "…"
        raise _BadValue(f"{what} {shown} does not fit a 64-bit integer")
    return value


def text(value: Any, limit: int) -> str:
    """Whitespace-folded, control-free text cut to ``limit`` characters ('' if not text)."""
    if not isinstance(value, str):
        return ""
    # Cut first (a hostile 100 MB string costs one slice), then clean and fold.
    return clip(" ".join(strip_controls(value[: limit * 2 + 64]).split()), limit)


def link(value: Any, what: str, limits: Limits, dropped: list[str]) -> str | None:
    """A checked link, or None (and a line in ``dropped`` when something was refused)."""
    if value is None or value == "":
        return None
    url = safe_url(value, max_chars=limits.url)
    if url is None:
        dropped.append(f"{what} dropped: {why_unsafe(value, max_chars=limits.url)}")
    return url


def keywords(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [t for t in (text(k, 100) for k in value[:MAX_KEYWORDS]) if t]


def small_extra(fields: dict[str, Any]) -> dict[str, Any]:
    """Unmodelled fields kept verbatim, but only small ones and at most 50."""
    kept: dict[str, Any] = {}
    for key, value in list(fields.items())[:50]:
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError, RecursionError):
            continue
        if size <= MAX_EXTRA_CHARS and len(key) <= 100:
            kept[key] = value
    return kept
