"""Who a delivery went to, as the record keeps it: a keyed hash, never the recipient itself.

The delivery record (the ``deliveries`` table and the committed ``ledger/`` files) must say
"this item was sent to this recipient" without naming the recipient: a Telegram chat id, an
email address or a webhook URL committed to a public repository is a leak. A recipient is
recorded as ``k1:`` + HMAC-SHA256 of the channel's target, keyed by a secret that survives
a lost database: ``DAILYPAPERS_LEDGER_KEY`` when set, else the channel's own secret (the
bot token, the SMTP URL, the webhook URL). The same recipient under the same key gives the
same record key on every machine, so a rebuilt database still sends nothing twice; without
the key, the hash cannot be turned back into a chat id or an address by trying them all.

Changing the key (a new bot token, setting ``DAILYPAPERS_LEDGER_KEY`` later) changes the
record keys: days already delivered are not re-run by the schedule, but re-running one by
hand after the change would send it again.

A channel with no secret at all gets ``h1:`` + a plain SHA-256 (not a secret, but not the
recipient in clear); rows written before this module (the recipient in clear, or the old
``sha256:`` forms) are moved to the keyed form the next time their channel delivers.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from ..secrets import get_secret, optional_key

LEDGER_KEY_ENV = "DAILYPAPERS_LEDGER_KEY"
KEYED, PLAIN = "k1:", "h1:"
_DIGITS = 20  # hex digits kept: 80 bits, no collision among one channel's recipients


def plain_key(target: str) -> str:
    """The unkeyed form (a channel without a secret; a row from before keyed records)."""
    return PLAIN + hashlib.sha256(target.encode()).hexdigest()[:_DIGITS]


def record_key(channel: object, target: str) -> str:
    """What the record keeps for ``target`` of ``channel`` (an already hidden one is kept)."""
    if is_hidden(target):
        return target
    key = get_secret(LEDGER_KEY_ENV) or optional_key(channel)
    if not key:
        return plain_key(target)
    digest = hmac.new(key.encode(), target.encode(), hashlib.sha256).hexdigest()
    return KEYED + digest[:_DIGITS]


def is_hidden(target: str) -> bool:
    return target.startswith((KEYED, PLAIN))


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"(?<![\w./])-?\d{7,}(?![\w.])")  # chat ids, not arXiv ids


def scrub(text: str, names: list[str]) -> str:
    """``text`` without these recipients, any email address, or a chat-id-like number."""
    for name in sorted({n for n in names if n and len(n) >= 3}, key=len, reverse=True):
        text = text.replace(name, "<recipient>")
    return _LONG_NUMBER.sub("<id>", _EMAIL.sub("<address>", text))


__all__ = ["LEDGER_KEY_ENV", "is_hidden", "plain_key", "record_key", "scrub"]
