"""Backend registry: sources, summarizers and channels load through entry points.

Built-ins register in our own ``pyproject.toml`` exactly as a third-party package would, under
the groups ``dailypapers.sources``, ``dailypapers.summarizers`` and ``dailypapers.channels``.

What a plugin class declares, and who reads it:

- ``id``: the name users pick it by (:func:`load`).
- ``key_env``: the secret it cannot work without (``secrets.require_key``);
  ``optional_key_env``: one that helps when present (``secrets.optional_key``). Both feed
  the list of secrets :func:`dailypapers.secrets.redact` scrubs (:func:`declared_keys`).
- ``Options``: a pydantic model of its own settings, read from the table named after it in
  ``dailypapers.toml`` (``[my-channel] room = "x"``) by :func:`plugin_options`. Built-ins keep
  their settings in :class:`~dailypapers.config.Settings` and declare none.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:  # pydantic is imported when a plugin's options are read (start-up time)
    from importlib.metadata import EntryPoints

    from pydantic import BaseModel


def entry_points(*, group: str) -> EntryPoints:
    """importlib.metadata's, imported on first use (it costs every command's start-up)."""
    from importlib.metadata import entry_points as found

    return found(group=group)

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


def all_ids() -> set[str]:
    """Every registered plugin id, of every kind (without loading any)."""
    return {ep.name for group in GROUPS.values() for ep in entry_points(group=group)}


def declared_keys(failed: list[str] | None = None) -> list[str]:
    """The secrets (``key_env``, ``optional_key_env``) every registered plugin declares.

    A plugin that fails to import is skipped (it cannot have read its secret yet) and, when
    ``failed`` is given, named there, so a caller can ask again later.
    """
    names: list[str] = []
    for group in GROUPS.values():
        for ep in entry_points(group=group):
            try:
                cls = ep.load()
            except Exception:
                if failed is not None:
                    failed.append(ep.name)
                continue
            for attr in ("key_env", "optional_key_env"):
                value = getattr(cls, attr, None)
                for name in (value,) if isinstance(value, str) else (value or ()):
                    if name not in names:
                        names.append(name)
    return names


def plugin_options(cls: Any, tables: dict[str, dict[str, Any]]) -> BaseModel | None:
    """The plugin's own settings: its ``[<id>]`` table validated by its ``Options`` model."""
    plugin_id = getattr(cls, "id", "?")
    table = tables.get(plugin_id)
    model = getattr(cls, "Options", None)
    if model is None:
        if table:
            raise ConfigError(f"[{plugin_id}] in dailypapers.toml: {plugin_id} takes no settings"
                              " table", hint="remove the table, or set its built-in settings")
        return None
    from pydantic import ValidationError

    try:
        options: BaseModel = model.model_validate(table or {})
    except ValidationError as exc:
        raise ConfigError(f"[{plugin_id}] in dailypapers.toml: {exc}") from exc
    return options
