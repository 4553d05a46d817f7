"""The one place that builds HTTP clients and owns retries, waits and deadlines.

- :func:`make_client`: timeouts, User-Agent, redirects.
- :func:`retry_call`: the one retry policy. An attempt raises :class:`_Retry` when it is worth
  another try; the wait is what the server asked (``Retry-After`` in seconds or as an HTTP
  date, ``RateLimit-Reset``, the IETF ``RateLimit: reset=N``), else exponential backoff with
  jitter. Attempts are always bounded; a server asking for more than ``max_wait`` is either
  waited ``max_wait`` (``over_max="cap"``) or given up on at once (``"give_up"``, for
  channels that should stop for the run); no wait ever passes the caller's ``deadline``.
  Used by :func:`request`/:func:`stream` (sources, webhooks, the PDF downloader), the
  Telegram channel and the LLM engine.
- :func:`stream`: one request whose response is handed, still streaming, to a callback (the
  downloader stops reading at its size limit); statuses 408/425/429/5xx are retried first.
- :func:`read_body`: a whole body with a deadline for the *whole* answer and a size limit,
  so a server trickling one byte every few seconds ends in :class:`DeadlineExceeded` rather
  than holding the run (the client's timeout only bounds each read).
- :func:`io_deadline`: every socket read and write of this thread inside the block, on a
  client from :func:`make_client` or :func:`bound_transport` (the LLM SDKs get one), ends by
  one instant: the connection, the response headers and the body alike. A server trickling
  its *headers* is bounded too, which no per-read timeout does. :func:`stream` puts each
  attempt under it.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, TypeVar

import httpcore2 as httpcore
import httpx2 as httpx

from .config import Settings

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
T = TypeVar("T")


class _Retry(Exception):
    """Raised by an attempt that is worth another try.

    ``after``: seconds the server asked to wait (None: back off). ``response``: the answer
    that asked for it, if any (closed or fully read).
    """

    def __init__(
        self, reason: str, *, after: float | None = None, response: httpx.Response | None = None
    ) -> None:
        super().__init__(reason)
        self.after = after
        self.response = response
        self.attempts = 0  # set when the policy gives up
        self.too_long = False  # the server asked for more than the policy waits


class DeadlineExceeded(httpx.TimeoutException):
    """A whole answer (or download) took longer than its deadline."""


class ResponseTooLarge(httpx.RequestError):
    """An answer larger than the caller's limit; nothing of it was kept."""


def make_client(settings: Settings, *, timeout: float | None = None, **kwargs: Any) -> httpx.Client:
    return bound_client(httpx.Client(
        timeout=httpx.Timeout(timeout or settings.http_timeout, connect=10.0),
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
        **kwargs,
    ))


# ------------------------------------------------------------------------ whole-answer deadlines

# The instant (time.monotonic()) every network read/write of this thread must end by.
_IO_DEADLINE: ContextVar[float | None] = ContextVar("dailypapers_io_deadline", default=None)


@contextmanager
def io_deadline(
    seconds: float | None = None, *, until: float | None = None
) -> Iterator[float | None]:
    """Bound every socket operation of this thread in the block by one instant.

    ``seconds`` from now, or ``until`` (a ``time.monotonic()`` instant); an enclosing,
    earlier deadline wins. Only clients made by :func:`make_client`/:func:`bound_client`
    (or given :func:`bound_transport`) obey it; past the instant they raise
    :class:`DeadlineExceeded`. Yields the instant (None: unbounded).
    """
    instants = [t for t in (until, None if seconds is None else time.monotonic() + seconds,
                            _IO_DEADLINE.get()) if t is not None]
    instant = min(instants) if instants else None
    token = _IO_DEADLINE.set(instant)
    try:
        yield instant
    finally:
        _IO_DEADLINE.reset(token)


def _left(timeout: float | None) -> tuple[float | None, bool]:
    """The timeout for one socket operation under the current deadline, and whether the
    deadline (not the caller's own timeout) is what limits it."""
    instant = _IO_DEADLINE.get()
    if instant is None:
        return timeout, False
    left = instant - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the answer was not complete by its deadline")
    if timeout is None or left < timeout:
        return left, True
    return timeout, False


class _BoundStream(httpcore.NetworkStream):
    """A connection whose reads and writes end by the thread's :func:`io_deadline`."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout, bound = _left(timeout)
        try:
            return self._inner.read(max_bytes, timeout)
        except httpcore.ReadTimeout:
            if bound:
                raise DeadlineExceeded("the answer was not complete by its deadline") from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout, bound = _left(timeout)
        try:
            self._inner.write(buffer, timeout)
        except httpcore.WriteTimeout:
            if bound:
                raise DeadlineExceeded("the request could not be sent by its deadline") from None
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        timeout, _ = _left(timeout)
        return _BoundStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundBackend(httpcore.NetworkBackend):
    """The default network backend, its connections bounded by :func:`io_deadline`."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        timeout, _ = _left(timeout)
        return _BoundStream(self._inner.connect_tcp(host, port, timeout, local_address,
                                                    socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> (
        httpcore.NetworkStream
    ):
        timeout, _ = _left(timeout)
        return _BoundStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _bind(transport: object) -> None:
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _BoundBackend):
        pool._network_backend = _BoundBackend(backend)  # type: ignore[union-attr]


def bound_transport(**kwargs: Any) -> httpx.HTTPTransport:
    """An ``HTTPTransport`` obeying :func:`io_deadline` (for SDKs that take a transport)."""
    transport = httpx.HTTPTransport(**kwargs)
    _bind(transport)
    return transport


def bound_client(client: httpx.Client) -> httpx.Client:
    """``client`` with every transport (proxies from the environment too) obeying
    :func:`io_deadline`; returned for chaining."""
    _bind(client._transport)
    for transport in client._mounts.values():
        _bind(transport)
    return client


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


def backoff(attempt: int, base: float, max_wait: float) -> float:
    """Exponential backoff with full jitter on top: ``base * 2**(n-1) + U(0, base)``, capped."""
    return float(min(max_wait, base * 2 ** (attempt - 1) + random.uniform(0, base)))


def retry_call(
    attempt: Callable[[int], T],
    *,
    attempts: int,
    max_wait: float,
    base_wait: float = 1.0,
    what: str = "request",
    over_max: Literal["cap", "give_up"] = "cap",
    deadline: float | None = None,
    sleep: Callable[[float, _Retry], None] | None = None,
) -> T:
    """Call ``attempt(n)`` (n = 1, 2, ...) until it returns; retry when it raises _Retry.

    Gives up by re-raising the last :class:`_Retry` (with ``attempts`` set, and ``too_long``
    when the server asked for more than the policy waits). ``deadline`` is a
    ``time.monotonic()`` instant no wait may pass. ``sleep(seconds, retry)`` replaces
    ``time.sleep`` (the LLM engine pauses every thread of the run on a Retry-After).
    """
    attempts = max(1, attempts)
    for number in range(1, attempts + 1):
        try:
            return attempt(number)
        except _Retry as exc:
            exc.attempts = number
            if number >= attempts:
                raise
            if exc.after is not None:
                if exc.after > max_wait and over_max == "give_up":
                    exc.too_long = True
                    raise
                wait = min(exc.after, max_wait)
            else:
                wait = backoff(number, base_wait, max_wait)
            if deadline is not None and time.monotonic() + wait > deadline:
                raise
            log.info("retrying %s in %.1fs after %s (attempt %d of %d)",
                     what, wait, exc, number, attempts)
            if sleep is not None:
                sleep(wait, exc)
            else:
                time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def read_body(response: httpx.Response, *, deadline: float | None, max_bytes: int | None) -> bytes:
    """Read a streamed body whole, within ``deadline`` (monotonic) and ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise ResponseTooLarge(f"answer larger than {max_bytes} bytes")
        if deadline is not None and time.monotonic() > deadline:
            raise DeadlineExceeded("the answer did not arrive in time (deadline passed)")
        chunks.append(chunk)
    body = b"".join(chunks)
    # What Response.read() would have stored: later .content/.json() use it.
    response._content = body
    return body


def stream(
    client: httpx.Client,
    method: str,
    url: str,
    on_response: Callable[[httpx.Response], T],
    *,
    attempts: int = 4,
    max_wait: float = 60.0,
    base_wait: float = 1.0,
    pacer: Pacer | None = None,
    deadline: float | None = None,
    answer_deadline: float | None = None,
    **kwargs: Any,
) -> T:
    """Send a request and hand the streaming response to ``on_response``; retries first.

    A 408/425/429/5xx answer is retried (its body is not read); a final one is given to
    ``on_response`` like any other. Transport errors are retried and the last one raised.
    ``deadline`` (monotonic) bounds every wait and every attempt; ``answer_deadline``
    (seconds) bounds each attempt, headers and body (:func:`io_deadline`), which ends in
    :class:`DeadlineExceeded` and is not retried.
    """

    def attempt(number: int) -> T:
        if pacer is not None:
            pacer.wait()
        try:
            with io_deadline(answer_deadline, until=deadline), \
                    client.stream(method, url, **kwargs) as response:
                if response.status_code in RETRY_STATUS and number < attempts:
                    raise _Retry(f"HTTP {response.status_code}",
                                after=retry_after_seconds(response.headers), response=response)
                return on_response(response)
        except (httpx.TransportError, DeadlineExceeded) as exc:
            if isinstance(exc, DeadlineExceeded) or number >= attempts:
                raise
            raise _Retry(f"{type(exc).__name__}: {exc}") from exc

    try:
        return retry_call(attempt, attempts=attempts, max_wait=max_wait, base_wait=base_wait,
                          what=f"{method} {safe_url(url)}", deadline=deadline)
    except _Retry as exc:
        if isinstance(exc.__cause__, httpx.TransportError):
            raise exc.__cause__ from None
        raise httpx.TransportError(str(exc)) from exc


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    attempts: int = 4,
    max_wait: float = 60.0,
    base_wait: float = 1.0,
    pacer: Pacer | None = None,
    deadline: float | None = None,
    max_bytes: int | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request, retrying what is worth retrying; returns the last response, read.

    A final 429/5xx is returned (not raised) so the caller can say what went wrong; a final
    transport error (timeout, refused connection) is raised as ``httpx.TransportError``.
    ``deadline`` (seconds) bounds each whole answer, ``max_bytes`` its size
    (:class:`DeadlineExceeded`, :class:`ResponseTooLarge`).
    """

    def on_response(response: httpx.Response) -> httpx.Response:
        read_body(response, deadline=_IO_DEADLINE.get(), max_bytes=max_bytes)
        return response

    return stream(client, method, url, on_response, attempts=attempts, max_wait=max_wait,
                  base_wait=base_wait, pacer=pacer, answer_deadline=deadline, **kwargs)


def safe_url(url: str) -> str:
    """A URL fit for logs: no query string, no userinfo, no bot token in the path."""
    url = re.sub(r"//[^/@]*@", "//", url.split("?", 1)[0])
    return re.sub(r"/bot[^/]+/", "/bot***/", url)


_safe_url = safe_url  # the old private name


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
