"""Secrets: from the environment, else from a key file outside the repository. Never logged.

The key file (``DAILYPAPERS_KEY_FILE``, default ``$XDG_CONFIG_HOME/dailypapers/keys.env``) holds
``NAME=value`` lines. Values are returned to the caller only; :func:`redact` scrubs any known
secret out of text before it is shown or stored.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from .errors import MissingKeyError
from .plugins import declared_keys

# Secrets read outside the plugins (profiles, embeddings, the delivery record's key). The
# plugins' own come from what they declare (``key_env``, ``optional_key_env``): see
# :func:`known_secrets`.
OTHER_SECRETS = ("ZOTERO_API_KEY", "EMBEDDINGS_API_KEY", "DAILYPAPERS_LEDGER_KEY")


_loading = threading.local()


def known_secrets() -> tuple[str, ...]:
    """Every secret :func:`redact` scrubs: the registered plugins' and :data:`OTHER_SECRETS`.

    Loading the plugins may log (and every log record is redacted): while that runs, the
    names known so far are used instead of loading them again.
    """
    if getattr(_loading, "busy", False):
        return OTHER_SECRETS
    _loading.busy = True
    try:
        return _known_secrets()
    finally:
        _loading.busy = False


# The names once every plugin loaded; while one fails to import (a broken plug-in, or one
# asked for in the middle of its own import), the list is looked up again after a while, so
# a plugin that loads later has its secret scrubbed too.
_known: tuple[str, ...] | None = None
_partial: tuple[float, tuple[str, ...]] | None = None
RETRY_INCOMPLETE = 5.0  # seconds


def _known_secrets() -> tuple[str, ...]:
    global _known, _partial
    if _known is not None:
        return _known
    now = time.monotonic()
    if _partial is not None and now - _partial[0] < RETRY_INCOMPLETE:
        return _partial[1]
    failed: list[str] = []
    names = tuple(dict.fromkeys([*declared_keys(failed), *OTHER_SECRETS]))
    if failed:
        _partial = (now, names)
    else:
        _known, _partial = names, None
    return names


def forget_known_secrets() -> None:
    """Look the plugins' secrets up again next time (after installing a plugin, in tests)."""
    global _known, _partial
    _known = _partial = None


def _key_names(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, tuple | list) else ()


def require_key(plugin: object, *, alternative: str | None = None) -> str:
    """The secret a plugin declares in ``key_env`` (the first name set, when it lists several).

    Raises :class:`~dailypapers.errors.MissingKeyError` naming the plugin and the variable.
    """
    names = _key_names(getattr(plugin, "key_env", None))
    if not names:
        raise MissingKeyError(f"{getattr(plugin, 'id', plugin)!s} declares no key")
    for name in names:
        value = get_secret(name)
        if value:
            return value
    return require_secret(names[0], purpose=str(getattr(plugin, "id", "")), alternative=alternative)


def optional_key(plugin: object) -> str | None:
    """A plugin's ``optional_key_env`` secret (else its ``key_env``) when one is set."""
    for attr in ("optional_key_env", "key_env"):
        for name in _key_names(getattr(plugin, attr, None)):
            value = get_secret(name)
            if value:
                return value
    return None


def key_file() -> Path:
    """``DAILYPAPERS_KEY_FILE``, else ``$XDG_CONFIG_HOME/dailypapers/keys.env`` (~/.config)."""
    raw = os.environ.get("DAILYPAPERS_KEY_FILE")
    if raw:
        return Path(raw).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(config_home).expanduser() / "dailypapers" / "keys.env"


# The key file's values, with what identified the file when it was read: it is read again
# only when one of those changed (a redacted log record asks for every secret).
_file_cache: tuple[tuple[object, ...], dict[str, str]] | None = None
_file_lock = threading.Lock()


def _read_key_file() -> dict[str, str]:
    global _file_cache
    path = key_file()
    try:
        st = os.stat(path)
    except (FileNotFoundError, PermissionError, NotADirectoryError):
        return {}
    stamp = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    cached = _file_cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    values = _parse_key_file(path)
    with _file_lock:
        _file_cache = (stamp, values)
    return values


def _parse_key_file(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return {}
    values: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        values[name.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def get_secret(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    return _read_key_file().get(name) or None


def require_secret(name: str, *, purpose: str, alternative: str | None = None) -> str:
    value = get_secret(name)
    if value:
        return value
    hint = f"set {name} in the environment or in {key_file()}"
    if alternative:
        hint += f", or {alternative}"
    raise MissingKeyError(f"no key found for {purpose}", hint=hint)


def redact(text: str) -> str:
    """Replace every known secret value (and its URL-embedded password) with ``***``."""
    for name in known_secrets():
        value = get_secret(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text


# Telegram bot tokens travel in URL paths (/bot<id>:<secret>/method); third-party libraries
# log those URLs. Scrubbed even when the token is not one we know (a test, another bot).
_BOT_TOKEN_RE = re.compile(r"bot\d{3,}:[A-Za-z0-9_-]{10,}")
_USERINFO_RE = re.compile(r"(?<=//)[^/@\s:]+:[^/@\s]+@")


def redact_log(text: str) -> str:
    """:func:`redact`, plus bot tokens and URL passwords of any value."""
    return _USERINFO_RE.sub("***@", _BOT_TOKEN_RE.sub("bot***", redact(text)))


def install_log_redaction() -> None:
    """Make every log record (ours and every library's) pass :func:`redact_log`.

    Installed as the record factory, so it holds for loggers and handlers created later too;
    it costs nothing for records below the level (those are never created).
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "dailypapers_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a library's broken format string: leave it to logging
            return record
        clean = redact_log(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    factory.dailypapers_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
