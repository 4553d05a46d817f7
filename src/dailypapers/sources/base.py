"""The source interface: one class per way of getting a day's list of papers.

A source turns a date (``YYYY-MM-DD``) into a :class:`~dailypapers.models.DayList` or raises
:class:`~dailypapers.errors.SourceError` (with a hint) or
:class:`~dailypapers.errors.EmptyDayError` (a correct answer with no papers, made by
:func:`~dailypapers.errors.empty_day`). Sources never return partial garbage: an answer
that cannot be read as a whole is an error; single malformed items are reported in
``DayList.skipped``.

Sources take an injected ``httpx2`` client (tests pass one pointed at a local server); when
none is given they build one with :func:`dailypapers.http.make_client` and close it themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Any, ClassVar

import httpx2 as httpx
from pydantic import BaseModel

from .. import plugins
from ..config import Settings
from ..errors import SourceError
from ..http import DeadlineExceeded, ResponseTooLarge, make_client, request
from ..models import DayList
from ..plugins import plugin_options

_WS_RE = re.compile(r"\s+")



def normalize_ws(text: str) -> str:
    """Collapse every run of whitespace (newlines from hard-wrapped titles too) to one space."""
    return _WS_RE.sub(" ", text).strip()


def check_date(date: str) -> str:
    """Validate a ``YYYY-MM-DD`` date; returns it unchanged."""
    try:
        parsed = dt.date.fromisoformat(date)
    except (TypeError, ValueError) as exc:
        raise SourceError(
            f"not a date: {date!r}", hint="give the day as YYYY-MM-DD, e.g. 2025-01-15"
        ) from exc
    if parsed.isoformat() != date:
        raise SourceError(f"not a date: {date!r}", hint="give the day as YYYY-MM-DD")
    return date


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_future(date: str) -> bool:
    """True when ``date`` has not started yet anywhere on Earth (UTC+14)."""
    earliest_today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()
    return dt.date.fromisoformat(date) > earliest_today


class Source(ABC):
    """A way of getting a day's papers. Subclasses set ``id`` and implement :meth:`fetch`.

    ``input`` is source-specific: ids or a file of ids (``ids``, ``arxiv``), ``query:<q>``
    (``arxiv``), a path to a saved JSON answer or a folder of ``<date>.json`` (``file``).
    """

    id: ClassVar[str]
    # The env var of a secret the source cannot work without (None: needs none).
    key_env: ClassVar[str | None] = None
    # A secret that helps when present (higher rate limits) but is never required.
    optional_key_env: ClassVar[str | None] = None
    # A third-party source's own settings, from its [<id>] table (plugins.plugin_options).
    Options: ClassVar[type[BaseModel] | None] = None

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.Client | None = None,
        input: str | None = None,
    ) -> None:
        self.settings = settings
        self.options = plugin_options(type(self), settings.plugins)
        self.input = input
        self._client = client
        self._owns_client = client is None

    @property
    def client(self) -> httpx.Client:
        """The HTTP client, built on first use so offline sources never open one."""
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    @abstractmethod
    def fetch(self, date: str) -> DayList:
        """The list for ``date`` (``YYYY-MM-DD``); raises SourceError or EmptyDayError."""

    def close(self) -> None:
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Source:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- helpers for HTTP sources

    def _get(
        self,
        what: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        pacer: Any = None,
        hint: str,
    ) -> httpx.Response:
        """GET with the shared retry policy; transport failures become a SourceError.

        ``what`` names the request in messages ("HF daily papers for 2025-01-15"). Non-2xx
        answers are returned for the caller to explain (only it knows what a 400 means).
        """
        attempts = max(1, self.settings.http_retries)
        try:
            return request(
                self.client,
                "GET",
                url,
                params=params,
                headers=headers,
                attempts=attempts,
                max_wait=self.settings.retry_max_wait,
                pacer=pacer,
                deadline=self.settings.http_deadline,
                max_bytes=self.settings.max_response_bytes,
            )
        except DeadlineExceeded as exc:
            raise SourceError(
                f"{what}: the answer was not complete after {self.settings.http_deadline:g} s"
                " (http_deadline); the server is trickling or stalled",
                hint=f"nothing was kept from it; retry later; {hint}",
            ) from exc
        except ResponseTooLarge as exc:
            raise SourceError(
                f"{what}: answer larger than {self.settings.max_response_bytes} bytes"
                " (max_response_bytes)",
                hint=f"nothing was kept from it; {hint}",
            ) from exc
        except httpx.TimeoutException as exc:
            raise SourceError(
                f"{what}: timed out after {attempts} attempt(s) "
                f"({self.settings.http_timeout:g} s each)",
                hint=f"the server is slow or unreachable; retry later or raise "
                f"DAILYPAPERS_HTTP_TIMEOUT; {hint}",
            ) from exc
        except httpx.TransportError as exc:
            raise SourceError(
                f"{what}: connection failed after {attempts} attempt(s): "
                f"{type(exc).__name__}: {exc}",
                hint=f"check the network; {hint}",
            ) from exc
        except httpx.RequestError as exc:  # e.g. a body that cannot be decompressed
            raise SourceError(
                f"{what}: unreadable answer: {type(exc).__name__}: {exc}",
                hint=f"nothing was kept from it; run again; {hint}",
            ) from exc


def status_message(response: httpx.Response) -> str:
    """A short description of an error answer: status plus the server's own words, if any."""
    detail = ""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        body = None
    if isinstance(body, dict):
        for key in ("error", "message", "detail"):
            if isinstance(body.get(key), str):
                detail = body[key]
                break
    elif not looks_like_html(response):
        detail = response.text.strip()
    detail = normalize_ws(detail)[:200]
    reason = response.reason_phrase or ""
    text = f"HTTP {response.status_code}" + (f" {reason}" if reason else "")
    return f"{text}: {detail}" if detail else text


def looks_like_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "").lower()
    if "html" in ctype:
        return True
    head = response.content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def get_source(name: str, settings: Settings, **kwargs: Any) -> Source:
    """An instance of the source registered as ``name`` (unknown names list the known ones)."""
    cls = plugins.load("source", name)
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise SourceError(f"source {name!r} does not implement dailypapers.sources.Source")
    return cls(settings, **kwargs)
