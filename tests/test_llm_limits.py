"""Rate limits and the run budget, on a fake clock (no sleeping, no timing)."""

from __future__ import annotations

import threading

import pytest

from dailypapers.errors import BudgetExceeded, ConfigError
from dailypapers.summarize.limits import Budget, RateLimiter, cost_of, parse_prices


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_requests_per_minute_window() -> None:
    clock = Clock()
    limiter = RateLimiter(3, None, clock=clock, margin=0.0)
    for _ in range(3):
        limiter.acquire()
    assert limiter._wait_needed(clock.now, 0) == pytest.approx(60.0)
    clock.now = 59.0
    assert limiter._wait_needed(clock.now, 0) == pytest.approx(1.0)
    clock.now = 60.0
    limiter.acquire()  # the three of t=0 left the window
    assert len(limiter._log) == 1
    clock.now = 61.0
    limiter.acquire()
    limiter.acquire()
    assert limiter._wait_needed(clock.now, 0) == pytest.approx(59.0)  # until t=60 leaves


def test_tokens_per_minute_and_settle() -> None:
    clock = Clock()
    limiter = RateLimiter(None, 1000, clock=clock, margin=0.0)
    first = limiter.acquire(600)
    clock.now = 10.0
    assert limiter._wait_needed(clock.now, 600) == pytest.approx(50.0)
    limiter.settle(first, 100)  # it used less than estimated: room now
    assert limiter._wait_needed(clock.now, 600) == 0
    # A request larger than the whole allowance still runs, alone.
    clock.now = 200.0
    assert limiter._wait_needed(clock.now, 5000) == 0


def test_pause_blocks_everyone() -> None:
    clock = Clock()
    limiter = RateLimiter(None, None, clock=clock)
    limiter.pause(7.0)
    assert limiter._wait_needed(clock.now, 0) == pytest.approx(7.0)
    clock.now = 7.0
    assert limiter._wait_needed(clock.now, 0) == 0


def test_acquire_blocks_until_the_window_frees() -> None:
    clock = Clock()
    limiter = RateLimiter(1, None, clock=clock, margin=0.0, window=0.05)
    limiter.acquire()
    done = threading.Event()

    def second() -> None:
        limiter.acquire()
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(0.1)  # the fake clock has not moved: still blocked
    clock.now = 1.0
    thread.join(2)
    assert done.is_set()


def test_bad_limits_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        RateLimiter(0, None)
    with pytest.raises(ConfigError):
        parse_prices(["gpt-4o-mini"])
    with pytest.raises(ConfigError):
        parse_prices(["m=1"])


def test_prices_and_cost() -> None:
    prices = parse_prices(["org/model:v1=0.15,0.6"])
    assert prices == {"org/model:v1": (0.15, 0.6)}
    assert cost_of(prices, "org/model:v1", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert cost_of(prices, "other", 10, 10) is None


def test_budget_waits_for_calls_in_flight_then_stops() -> None:
    budget = Budget(max_tokens=1000)
    first = budget.reserve(600, None)
    got: list[tuple[int, float]] = []
    waiter = threading.Thread(target=lambda: got.append(budget.reserve(600, None)))
    waiter.start()
    waiter.join(0.1)
    assert waiter.is_alive() and not got  # 600 + 600 in flight would overshoot: it waits
    budget.settle(first, 300, None)  # the first used less: now 300 + 600 fits
    waiter.join(2)
    assert got == [(600, 0.0)]
    budget.settle(got[0], 600, None)
    assert budget.tokens == 900
    with pytest.raises(BudgetExceeded):
        budget.reserve(200, None)  # can never fit: the run stops spending
    assert budget.exhausted
    with pytest.raises(BudgetExceeded):
        budget.reserve(1, None)  # even what would fit: once spent, spent


def test_cost_budget() -> None:
    budget = Budget(max_cost=0.01)
    budget.settle(budget.reserve(10, 0.004), 10, 0.004)
    with pytest.raises(BudgetExceeded):
        budget.reserve(10, 0.007)
