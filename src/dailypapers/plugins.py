"""Backend registry: sources, summarizers and channels load through entry points.

Built-ins register in our own ``pyproject.toml`` exactly as a third-party package would, under
the groups ``dailypapers.sources``, ``dailypapers.summarizers`` and ``dailypapers.channels``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from .errors import ConfigError

GROUPS = {
    "source": "dailypapers.sources",
    "summarizer": "dailypapers.summarizers",
    "channel": "dailypapers.channels",
}


def available(kind: str) -> dict[str, Any]:
    """``{id: entry point}`` for one kind of backend."""
    return {ep.name: ep for ep in entry_points(group=GROUPS[kind])}


def load(kind: str, name: str) -> Any:
    """The backend class registered as ``name``; an unknown id lists the known ones.

    ``package.module:Class`` loads a class directly, for backends that are not packaged.
    """
    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            return getattr(import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"cannot load {kind} {name!r}: {exc}") from exc
    known = available(kind)
    if name not in known:
        names = ", ".join(sorted(known)) or "none installed"
        raise ConfigError(f"unknown {kind} {name!r}", hint=f"known {kind}s: {names}")
    return known[name].load()
