"""The Telegram stand-in (tests/fakes/telegram.py) refuses what Telegram refuses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.telegram import TOKEN, EntityError, TelegramStandIn, parse_html


@pytest.fixture
def standin() -> Iterator[TelegramStandIn]:
    with TelegramStandIn() as tg:
        yield tg


# ------------------------------------------------------------------ the stand-in's own tests


@pytest.mark.parametrize("bad", [
    "a < b", "AT&T", "<b>bold", "<b><i>x</b></i>", "<script>x</script>", "x > y",
    '<a href="https://x.org/?a=1&b=2">x</a>', "<a>no href</a>",
])
def test_standin_refuses_what_telegram_refuses(bad: str) -> None:
    with pytest.raises(EntityError):
        parse_html(bad)


def test_standin_parses_what_telegram_accepts() -> None:
    text = '<b>1. a &lt; b &amp; c</b>\n<a href="https://x.org/?a=1&amp;b=2">link</a> &#128512;'
    assert parse_html(text) == "1. a < b & c\nlink 😀"


def test_standin_answers_429_with_retry_after(standin: TelegramStandIn) -> None:
    standin.rate = (1, 60.0)
    assert standin.handle("sendMessage", TOKEN, {"chat_id": "1", "text": "a"})[0] == 200
    status, body = standin.handle("sendMessage", TOKEN, {"chat_id": "1", "text": "b"})
    assert status == 429 and body["parameters"]["retry_after"] >= 59
    assert standin.handle("sendMessage", TOKEN, {"chat_id": "1", "text": "c"})[0] == 429
    assert standin.early_returns == 1
    assert standin.handle("sendMessage", "wrong", {"chat_id": "1", "text": "a"})[0] == 401
