"""The one place that builds HTTP clients: timeouts, User-Agent, bounded retries, pacing.

Retries cover transport errors, 408, 429 and 5xx. A ``Retry-After`` (seconds or HTTP date)
or ``RateLimit``/``RateLimit-Reset`` header sets the wait, capped by ``max_wait``; otherwise
exponential backoff with jitter. The number of attempts is always bounded.
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx2 as httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from .config import Settings

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class RetryableStatus(Exception):
    """An HTTP answer worth retrying; carries the response for its headers."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def make_client(settings: Settings, *, timeout: float | None = None, **kwargs: Any) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout or settings.http_timeout, connect=10.0),
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
        **kwargs,
    )


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds a server asked us to wait, from Retry-After or the RateLimit headers."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - (now if now is not None else time.time()))
    reset = headers.get("ratelimit-reset") or headers.get("x-ratelimit-reset")
    if reset and re.fullmatch(r"\d+(\.\d+)?", reset.strip()):
        return float(reset)
    combined = headers.get("ratelimit")  # IETF draft: 'limit=100, remaining=0, reset=30'
    if combined:
        match = re.search(r"\breset=(\d+(?:\.\d+)?)", combined)
        if match:
            return float(match.group(1))
    return None


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TransportError)


class _Wait:
    def __init__(self, max_wait: float, base: float) -> None:
        self.max_wait = max_wait
        self.backoff = wait_exponential_jitter(initial=base, max=max_wait, jitter=base)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableStatus):
            asked = retry_after_seconds(exc.response.headers)
            if asked is not None:
                return min(asked, self.max_wait)
        return float(self.backoff(state))


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    attempts: int = 4,
    max_wait: float = 60.0,
    base_wait: float = 1.0,
    pacer: Pacer | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request, retrying what is worth retrying; returns the last response.

    A final 429/5xx is returned (not raised) so the caller can say what went wrong; a final
    transport error (timeout, refused connection) is raised as ``httpx.TransportError``.
    """
    last: httpx.Response | None = None

    def attempt() -> httpx.Response:
        nonlocal last
        if pacer is not None:
            pacer.wait()
        response = client.request(method, url, **kwargs)
        last = response
        if response.status_code in RETRY_STATUS:
            response.read()
            raise RetryableStatus(response)
        return response

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "retrying %s %s after %s (attempt %d of %d)",
            method, _safe_url(url), exc, state.attempt_number, attempts,
        )

    retrying = Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=_Wait(max_wait, base_wait),
        retry=retry_if_exception(_is_retryable),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except RetryableStatus:
        assert last is not None  # set by the attempt that raised
        return last


def _safe_url(url: str) -> str:
    """A URL fit for logs: no query string (tokens sometimes travel there), no userinfo."""
    return re.sub(r"//[^/@]*@", "//", url.split("?", 1)[0])


class Pacer:
    """At most one request every ``interval`` seconds, across threads."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._next:
                time.sleep(self._next - now)
                now = time.monotonic()
            self._next = now + self.interval
