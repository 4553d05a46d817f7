"""One tree of errors. The library raises these (cause chained); the CLI turns them into advice.

Messages never contain secrets: keys are not part of any URL or argument we format here.
"""

from __future__ import annotations


class DailyPapersError(Exception):
    """Base of every error this package raises on purpose.

    ``hint`` says what the user can do next; the CLI prints it after the message.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class ConfigError(DailyPapersError):
    """Bad settings, unknown backend ids, missing keys."""


class MissingKeyError(ConfigError):
    """A backend needs a secret that is not in the environment or key file."""


class StoreError(DailyPapersError):
    """The database cannot be opened, migrated or written."""


class SourceError(DailyPapersError):
    """A day's list could not be fetched or parsed."""


class EmptyDayError(SourceError):
    """The source answered correctly with no papers (weekend, holiday, not yet filled)."""


class FetchError(DailyPapersError):
    """A paper's full text could not be downloaded or extracted."""


class SummarizerError(DailyPapersError):
    """A summary could not be produced by a backend."""


class BudgetExceeded(SummarizerError):
    """The run's token or cost budget is spent; no more calls are made."""


class RenderError(DailyPapersError):
    """An output could not be written."""


class DeliveryError(DailyPapersError):
    """A channel refused or failed a send."""


class BusyError(DailyPapersError):
    """Another command holds the working directory (see :mod:`dailypapers.runlock`)."""
