"""Click parameter types: dates and backend ids checked while parsing the command line.

A bad value is a usage error (exit 2) that lists what is accepted, and shell completion
offers the same choices. Nothing heavy is imported here: backend ids are read from the
entry points only when a value is checked or completed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
from click.shell_completion import CompletionItem

DATE_WORDS = ("today", "yesterday")


def resolve_date(value: str) -> str:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` (UTC) as an ISO date; ValueError if not."""
    now = datetime.now(UTC).date()
    if value == "today":
        return now.isoformat()
    if value == "yesterday":
        return (now - timedelta(days=1)).isoformat()
    return date.fromisoformat(value).isoformat()


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A day: ``YYYY-MM-DD`` (a real calendar date), ``today`` or ``yesterday`` (UTC)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, date):
            return value.isoformat()
        text = str(value).strip().lower()
        try:
            return resolve_date(text)
        except ValueError:
            self.fail(f"{value!r} is not a date: use YYYY-MM-DD, today or yesterday", param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        return [CompletionItem(w) for w in DATE_WORDS if w.startswith(incomplete)]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"


class PluginType(click.ParamType):  # type: ignore[type-arg]
    """An installed backend id (``hf-daily``, ``extractive``, ``telegram``...) or
    ``package.module:Class`` for an unpackaged one."""

    name = "id"

    def __init__(self, kind: str) -> None:
        self.kind = kind  # source | summarizer | channel

    def choices(self) -> list[str]:
        from ..plugins import available

        return sorted(available(self.kind))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if ":" in text:  # module:Class, checked when loaded
            return text
        known = self.choices()
        if text not in known:
            listed = ", ".join(known) or "none installed"
            self.fail(f"unknown {self.kind} {text!r} (choose from: {listed})", param, ctx)
        return text

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        return [CompletionItem(c) for c in self.choices() if c.startswith(incomplete)]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.kind.upper()


DATE = DateType()
SOURCE = PluginType("source")
SUMMARIZER = PluginType("summarizer")
CHANNEL = PluginType("channel")
