"""Spending limits for remote summarizers: request/token rate limits, a run budget, prices.

:class:`RateLimiter` promises that no more than ``requests_per_minute`` requests start in any
60-second window, and no more than ``tokens_per_minute`` tokens (as estimated when the request
starts, corrected once its usage is known) are charged to any window. It is a sliding-window
log, the way providers count, shared by every thread of a run. :class:`Budget` stops a run
before a request that would push its tokens or cost past the configured ceiling.
Both are pure bookkeeping with an injectable clock, so tests need not sleep.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import BudgetExceeded, ConfigError

WINDOW = 60.0
# The provider counts arrivals and we count departures; keeping a little time in hand means
# network jitter can never squeeze one window's worth of requests into 60 s on their side.
WINDOW_MARGIN = 0.25


@dataclass
class Reservation:
    """A slot taken in the limiter's window; ``settle`` corrects its token estimate."""

    at: float
    tokens: int


class RateLimiter:
    """Requests-per-minute and tokens-per-minute limits over a sliding window, thread-safe."""

    def __init__(
        self,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        *,
        window: float = WINDOW,
        margin: float = WINDOW_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if requests_per_minute is not None and requests_per_minute <= 0:
            raise ConfigError("requests_per_minute must be positive")
        if tokens_per_minute is not None and tokens_per_minute <= 0:
            raise ConfigError("tokens_per_minute must be positive")
        self.rpm = requests_per_minute
        self.tpm = tokens_per_minute
        self.window = window + margin
        self._clock = clock
        self._log: deque[Reservation] = deque()
        self._paused_until = 0.0
        self._cond = threading.Condition()

    @property
    def enabled(self) -> bool:
        return self.rpm is not None or self.tpm is not None

    def _prune(self, now: float) -> None:
        while self._log and self._log[0].at <= now - self.window:
            self._log.popleft()

    def _wait_needed(self, now: float, tokens: int) -> float:
        """Seconds until a request of ``tokens`` may start (0 = now)."""
        self._prune(now)
        waits = [0.0, self._paused_until - now]
        if self.rpm is not None and len(self._log) >= int(self.rpm):
            # The oldest request that must leave the window before we fit.
            oldest = self._log[len(self._log) - int(self.rpm)]
            waits.append(oldest.at + self.window - now)
        if self.tpm is not None and self._log:
            used = sum(r.tokens for r in self._log)
            # A request bigger than the whole minute's allowance runs alone, or never would.
            excess = used + min(tokens, int(self.tpm)) - self.tpm
            if excess > 0:
                freed = 0
                for entry in self._log:
                    freed += entry.tokens
                    if freed >= excess:
                        waits.append(entry.at + self.window - now)
                        break
        return max(waits)

    def acquire(self, tokens: int = 0) -> Reservation:
        """Block until a request of ``tokens`` estimated tokens may start; take its slot."""
        with self._cond:
            while True:
                now = self._clock()
                wait = self._wait_needed(now, tokens)
                if wait <= 0:
                    reservation = Reservation(now, max(0, tokens))
                    self._log.append(reservation)
                    return reservation
                # Each pass waits for the earliest entry to age out, so the loop always
                # makes progress; settle() wakes waiters early when estimates shrink.
                self._cond.wait(timeout=wait)

    def pause(self, seconds: float) -> None:
        """No request starts for ``seconds`` (a server's Retry-After speaks for every thread)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def settle(self, reservation: Reservation, actual_tokens: int) -> None:
        """Replace a reservation's estimated tokens by what the request really used."""
        with self._cond:
            reservation.tokens = max(0, actual_tokens)
            self._cond.notify_all()


def parse_prices(entries: Sequence[str]) -> dict[str, tuple[float, float]]:
    """``["m=0.15,0.60"]`` -> ``{"m": (0.15, 0.60)}``: USD per 1M tokens in and out."""
    prices: dict[str, tuple[float, float]] = {}
    for entry in entries:
        model, sep, values = entry.rpartition("=")
        parts = values.split(",")
        try:
            if not sep or not model.strip() or len(parts) != 2:
                raise ValueError(entry)
            prices[model.strip()] = (float(parts[0]), float(parts[1]))
        except ValueError as exc:
            raise ConfigError(
                f"bad llm_prices entry {entry!r}",
                hint='write "MODEL=INPUT,OUTPUT" in USD per million tokens, e.g. "m=0.15,0.6"',
            ) from exc
    return prices


def cost_of(
    prices: dict[str, tuple[float, float]], model: str, tokens_in: int, tokens_out: int
) -> float | None:
    """USD for one call, or None when the model has no configured price."""
    price = prices.get(model)
    if price is None:
        return None
    return (tokens_in * price[0] + tokens_out * price[1]) / 1_000_000


class Budget:
    """A run's ceiling on tokens and cost, reserved before each call and settled after it.

    A request whose estimate can never fit, even if every call in flight turned out free,
    raises :class:`BudgetExceeded` and is never sent; from then on the run spends nothing
    more. A request that would fit once calls in flight settle waits for them, so concurrent
    requests can't jointly overshoot and a wide run doesn't give up early either.
    """

    def __init__(self, max_tokens: int | None = None, max_cost: float | None = None) -> None:
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.tokens = 0
        self.cost = 0.0
        self.exhausted = False
        self._reserved_tokens = 0
        self._reserved_cost = 0.0
        self._cond = threading.Condition()

    def _over(self, tokens: int, cost: float, *, with_reserved: bool) -> bool:
        held_tokens = self._reserved_tokens if with_reserved else 0
        held_cost = self._reserved_cost if with_reserved else 0.0
        return (
            self.max_tokens is not None and self.tokens + held_tokens + tokens > self.max_tokens
        ) or (self.max_cost is not None and self.cost + held_cost + cost > self.max_cost)

    def reserve(self, tokens: int, cost: float | None) -> tuple[int, float]:
        cost = cost or 0.0
        with self._cond:
            # Bounded: every pass either returns, raises, or waits for a call in flight to
            # settle (each settles exactly once, in a finally path of the caller).
            while True:
                if not self.exhausted and self._over(tokens, cost, with_reserved=False):
                    self.exhausted = True
                if self.exhausted:
                    spent = f"{self.tokens} tokens" + (
                        f", ${self.cost:.4f}" if self.max_cost is not None else ""
                    )
                    raise BudgetExceeded(
                        f"the run's LLM budget is spent ({spent} used)",
                        hint="raise max_tokens_budget / max_cost; the rest get offline "
                        "summaries",
                    )
                if not self._over(tokens, cost, with_reserved=True):
                    self._reserved_tokens += tokens
                    self._reserved_cost += cost
                    return tokens, cost
                self._cond.wait()

    def settle(self, reserved: tuple[int, float], tokens: int, cost: float | None) -> None:
        with self._cond:
            self._reserved_tokens -= reserved[0]
            self._reserved_cost -= reserved[1]
            self.tokens += tokens
            self.cost += cost or 0.0
            self._cond.notify_all()
