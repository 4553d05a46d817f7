"""One tree of errors. The library raises these (cause chained); the CLI turns them into advice.

Every error this package raises on purpose is defined here, and nowhere else::

    DailyPapersError                  base; ``hint`` says what to do next
    ├── ConfigError                   bad settings, unknown plugin ids
    │   └── MissingKeyError           a secret is not in the environment or key file
    ├── StoreError                    the database cannot be opened, migrated or written
    ├── SourceError                   a day's list could not be fetched or parsed
    │   └── EmptyDayError             a correct answer with no papers (date, reason, source)
    ├── FetchError                    a paper's full text could not be had
    │   ├── DownloadError             download failed or did not pass the checks (status)
    │   ├── PdfError                  a PDF that gives no text (reason)
    │   └── WorkerError               no PDFium worker could be started (our side, not the
    │                                 PDF's: the paper is tried again next run)
    ├── SummarizerError               a backend could not summarize
    │   └── BudgetExceeded            the run's token or cost budget is spent
    ├── EmbeddingError                the embeddings endpoint failed (ranking goes on)
    ├── RenderError                   an output could not be written
    │   └── SiteError                 the static site could not be built
    ├── DeliveryError                 a channel refused or failed one send
    │   ├── ChannelDown               the channel cannot take more this run (stop it)
    │   └── AudioError                speech could not be produced or encoded
    └── BusyError                     another command holds the working directory

Outside the tree, on purpose:

- ``http.DeadlineExceeded`` and ``http.ResponseTooLarge`` subclass httpx's own errors, so
  callers that already handle transport errors handle them too.
- Control flow that never leaves its package: ``http._Retry`` (an attempt worth repeating),
  ``summarize.llm._RetryableCall`` / ``_FormatRejected`` (the engine's retry and format
  fallback), ``sources.validate._BadValue`` and the sources' ``_MalformedItem`` /
  ``_UnsafeXML`` (one item skipped and reported), ``fulltext.figure._FigureError`` (a
  paper without a picture, recorded by the pictures worker). None of them reaches a caller of the
  library; each is turned into one of the errors above (or a reported skip) where it is
  caught.

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
    """The source answered correctly with no papers (weekend, holiday, not yet filled).

    Sources raise it through :func:`empty_day`, which fills ``date``, ``reason`` (a short
    human guess) and ``source``; the pipeline raises it with a message only.
    """

    def __init__(
        self, message: str, *, hint: str | None = None, date: str | None = None,
        reason: str | None = None, source: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.date = date
        self.reason = reason
        self.source = source


def empty_day(date: str, reason: str, *, source: str, hint: str | None = None) -> EmptyDayError:
    """``EmptyDayError("<source>: no papers for <date> (<reason>)")`` with its fields set."""
    return EmptyDayError(f"{source}: no papers for {date} ({reason})", hint=hint, date=date,
                         reason=reason, source=source)


class FetchError(DailyPapersError):
    """A paper's full text could not be downloaded or extracted."""


class DownloadError(FetchError):
    """A download that failed or did not pass the checks; nothing was kept from it."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class PdfError(FetchError):
    """A PDF that cannot give text. ``reason`` is short and recorded on the FullText."""

    def __init__(self, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"pdf: {reason}", hint=hint)
        self.reason = reason


class WorkerError(FetchError):
    """No PDFium worker process could be started (or one died before it was given a PDF).

    Our fault, never the PDF's: nothing is recorded against the paper, and the next run
    tries it again. ``reason`` is short and recorded on the FullText.
    """

    def __init__(self, reason: str, *, hint: str | None = None) -> None:
        super().__init__(reason, hint=hint)
        self.reason = reason


class SummarizerError(DailyPapersError):
    """A summary could not be produced by a backend."""


class BudgetExceeded(SummarizerError):
    """The run's token or cost budget is spent; no more calls are made."""


class EmbeddingError(DailyPapersError):
    """The embeddings endpoint failed; the ranking goes on without embeddings."""


class RenderError(DailyPapersError):
    """An output could not be written."""


class SiteError(RenderError):
    """The site could not be written (templates broken, disk full...)."""


class DeliveryError(DailyPapersError):
    """A channel refused or failed a send."""


class ChannelDown(DeliveryError):
    """The channel cannot take more messages this run (rate limit, auth, network down).

    The delivery loop stops that channel for the run; what was not sent goes next run.
    """


class AudioError(DeliveryError):
    """Speech could not be produced or encoded."""


class BusyError(DailyPapersError):
    """Another command holds the working directory (see :mod:`dailypapers.runlock`)."""
