"""Remote data is data, never code: the one check for links, and the one cleaner for text.

Every URL that came from a remote source (a paper's code repository, project page,
thumbnail) passes :func:`safe_url` before it is stored and again in every renderer (site,
feeds, email, Telegram, Slack, Discord), so a ``javascript:`` link, a link with credentials,
or a 100 KB "URL" is dropped rather than made clickable. :func:`strip_controls` drops control
characters and bidirectional overrides from text shown in chats and pages (they can hide or
reorder what a reader sees); :func:`flat_text` is the same text as every output starts from
it (one line, nothing XML forbids). :func:`check_json_depth` refuses deeply nested JSON before it is
parsed (Python's parser recurses). :func:`clip` bounds a text's length.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .models import Summary

MAX_URL_CHARS = 2048
SCHEMES = frozenset({"http", "https"})

# C0 controls except tab and newline, DEL, C1 controls; bidi embeddings, overrides, isolates
# and marks. Removing them never changes what a well-formed text says.
_DROP = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
         *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_TABLE = dict.fromkeys(_DROP)
_CR = {0x0D: "\n"}
_NON_XML = dict.fromkeys([0xFFFE, 0xFFFF])
_HOST_RE = re.compile(r"^[A-Za-z0-9._~%!$&'()*+,;=:\[\]-]+$")
_STRING_RE = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def safe_url(value: object, *, max_chars: int = MAX_URL_CHARS) -> str | None:
    """``value`` when it is a plain absolute http(s) link, else None.

    Refused: other schemes (``javascript:``, ``data:``, ``file:``...), no host, user names or
    passwords in the link, whitespace or control characters anywhere, more than
    ``max_chars`` characters.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > max_chars or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    del port
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return None
    if "@" in parts.netloc or not parts.hostname or not _HOST_RE.match(parts.netloc):
        return None
    return url


def why_unsafe(value: object, *, max_chars: int = MAX_URL_CHARS) -> str:
    """A short reason :func:`safe_url` refused ``value`` (for reports)."""
    if not isinstance(value, str):
        return f"not text ({type(value).__name__})"
    url = value.strip()
    if len(url) > max_chars:
        return f"{len(url)} characters (limit {max_chars})"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "a malformed link"
    if parts.scheme and parts.scheme.lower() not in SCHEMES:
        return f"a {parts.scheme.lower()[:20]}: link, not http(s)"
    if "@" in parts.netloc:
        return "credentials in the link"
    return "not a plain http(s) link"


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and newline kept) or bidi controls."""
    return text.translate(_CR).translate(_TABLE)


def flat_text(text: str | None) -> str:
    """Text as every output starts from it: controls, bidi marks and the non-characters XML
    forbids (U+FFFE, U+FFFF) dropped, whitespace collapsed to single spaces."""
    if not text:
        return ""
    if text.isprintable():
        # Every character dropped here is non-printable, and the only printable space is
        # " ": the common case skips both translations (a site build flattens ~10^6 texts).
        if "  " in text or text[0] == " " or text[-1] == " ":
            return " ".join(text.split())
        return text
    return " ".join(strip_controls(text).translate(_NON_XML).split())


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a space when one is near, with ``…``."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def check_json_depth(raw: bytes, limit: int) -> None:
    """Raise ValueError when the JSON in ``raw`` nests arrays/objects deeper than ``limit``.

    Linear in the size: strings are blanked by one regular expression, everything but the
    brackets deleted, and the depth counted over what is left.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return
    brackets = _STRING_RE.sub(b'""', raw).translate(None, _NOT_BRACKET)
    depth = 0
    for byte in brackets:
        if byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                raise ValueError(f"JSON nested deeper than {limit} levels")
        else:
            depth -= 1


MAX_KEYWORD_COUNT = 32


def scrub_summary(summary: Summary, max_chars: int) -> Summary:
    """A summary fit to store and publish, changed in place: no known secret (a model may
    echo a key it was shown), no control or bidi characters, each part at most
    ``max_chars`` characters, at most 32 keywords of 100."""
    from .models import SUMMARY_PARTS  # models imports this module
    from .secrets import redact

    for name in SUMMARY_PARTS:
        value = getattr(summary, name)
        if isinstance(value, str):
            setattr(summary, name, clip(redact(strip_controls(value[: max_chars * 2])), max_chars))
    summary.keywords = [clip(redact(strip_controls(k)), 100)
                        for k in summary.keywords[:MAX_KEYWORD_COUNT] if isinstance(k, str)]
    return summary
