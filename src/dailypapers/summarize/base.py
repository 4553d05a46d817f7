"""The summarizer interface every backend implements, and how one is looked up by id."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pydantic import BaseModel

from ..config import Settings
from ..models import FullText, Paper, Summary, Verification
from ..plugins import plugin_options


class Summarizer(ABC):
    """A summary backend.

    ``id`` is the name users pick it by; ``key_env`` names the environment variable holding
    its secret (``None`` if it needs none). ``summarize`` must return a Summary or raise
    :class:`~dailypapers.errors.SummarizerError`; it never returns partial garbage.
    """

    id: ClassVar[str]
    # The secret it needs (read by secrets.require_key/optional_key; several names: the
    # first one set wins).
    key_env: ClassVar[str | tuple[str, ...] | None] = None
    # A third-party backend's own settings, from its [<id>] table (plugins.plugin_options).
    Options: ClassVar[type[BaseModel] | None] = None

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.options = plugin_options(type(self), settings.plugins)

    @property
    def model(self) -> str | None:
        return None

    @property
    def prompt_hash(self) -> str | None:
        return None

    def cache_keys(self) -> list[tuple[str, str | None, str | None]]:
        """(backend, model, prompt hash) of every summary this backend may write, best first.

        The pipeline reuses the first one stored; a backend with a fallback chain lists each
        of its models so a summary written by a fallback model is reused too.
        """
        return [(self.id, self.model, self.prompt_hash)]

    @property
    def usage(self) -> dict[str, Any]:
        """Tokens, calls and cost spent so far by this instance (empty for offline backends)."""
        return {}

    def verification_of(self, summary: Summary) -> Verification | None:
        """The verification this backend already made of ``summary`` (from
        :func:`dailypapers.verify.verify_paper`, against :func:`~dailypapers.verify.source_of`),
        so the pipeline stores it instead of checking again; None when it made none."""
        return None

    @abstractmethod
    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary: ...

    def summarize_many(
        self, items: Iterable[tuple[Paper, FullText | None]]
    ) -> Iterator[tuple[Paper, Summary | Exception]]:
        """Summarize several papers; yields each result (or the error) as it is done.

        The default is sequential; remote backends override it with bounded concurrency.
        """
        for paper, fulltext in items:
            try:
                yield paper, self.summarize(paper, fulltext)
            except Exception as exc:  # one bad paper never sinks the day; caller records it
                yield paper, exc


def get_summarizer(name: str, settings: Settings) -> Summarizer:
    from ..plugins import load

    cls: type[Summarizer] = load("summarizer", name)
    return cls(settings)
