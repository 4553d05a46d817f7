"""Findings 5 and 6: every wait is bounded (a trickling server ends in a clear error), and the
bot token never reaches a log line; one retry policy honours Retry-After and RateLimit."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from faultkit import DATE, TOKEN, ChatServer, TrickleServer, cli, cli_env, hf_item, telegram_dir

from dailypapers.config import Settings
from dailypapers.fulltext.download import DownloadError, stream_to_file
from dailypapers.http import DeadlineExceeded, _Retry, request, retry_call
from dailypapers.secrets import install_log_redaction, redact_log


def test_a_trickling_list_ends_in_a_clear_error_and_keeps_nothing(tmp_path: Path) -> None:
    with TrickleServer(every=0.2) as slow:
        env = cli_env(DAILYPAPERS_HF_URL=slow.url, DAILYPAPERS_HTTP_DEADLINE="1.5",
                      DAILYPAPERS_HTTP_RETRIES="1")
        done = cli(tmp_path / "w", "run", "--date", DATE, "--no-fulltext", env=env, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "not complete after 1.5 s (http_deadline)" in done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(tmp_path / "w" / "dailypapers.db") as conn:
        assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0
        assert conn.execute("SELECT status FROM runs").fetchone()[0] == "failed"
    assert not (tmp_path / "w" / "archive").exists()


def test_a_trickling_pdf_falls_back_to_the_abstract(tmp_path: Path) -> None:
    settings = Settings(dir=tmp_path, download_deadline=1.0, http_retries=2, retry_max_wait=0)
    with TrickleServer(every=0.1, body=b"%PDF-1.4 " + b"x" * 10_000,
                       content_type="application/pdf") as slow, httpx.Client() as client:
        with pytest.raises(DownloadError, match="too slow: not complete after 1s"):
            stream_to_file(client, slow.url + "/pdf/2503.10001", settings=settings, pacer=None,
                           tmp_dir=tmp_path / "tmp", max_bytes=1 << 20,
                           content_types=("application/pdf",))
        assert slow.requests == 1  # a deadline is not retried
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_trickling_telegram_is_a_failed_item_sent_next_run(tmp_path: Path) -> None:
    items = [hf_item(1), hf_item(2)]
    with TrickleServer(every=0.2, body=b'{"ok": true}' + b" " * 10_000) as slow:
        root = telegram_dir(tmp_path / "w", slow.url, items)
        env = cli_env(DAILYPAPERS_HTTP_DEADLINE="1")
        done = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"), env=env,
                   timeout=120)
    assert done.returncode == 3, done.stderr  # published; delivery failed
    assert "no answer" in done.stdout and "Traceback" not in done.stderr
    assert (root / "archive").exists()
    with ChatServer() as chat:
        root = telegram_dir(root, chat.url, items)
        again = cli(root, "send", "--date", DATE)
        assert again.returncode == 0, again.stderr
        assert len(chat.received) == 3


def test_the_bot_token_never_reaches_the_log_even_at_debug(tmp_path: Path) -> None:
    with ChatServer() as chat:
        root = telegram_dir(tmp_path / "w", chat.url, [hf_item(1)])
        done = cli(root, "-vv", "run", "--date", DATE, "--input", str(root / "day.json"))
    assert done.returncode == 0, done.stderr
    secret = TOKEN.split(":", 1)[1]
    assert secret not in done.stderr and secret not in done.stdout
    assert "bot***" in done.stderr  # the request lines are there, scrubbed


def test_log_redaction_covers_every_logger(caplog: pytest.LogCaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-value")
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("POST %s key=%s",
                                               f"https://x/bot{TOKEN}/send", "sk-very-secret-value")
    assert caplog.messages == ["POST https://x/bot***/send key=***"]
    assert redact_log("https://user:pw@example.org/x") == "https://***@example.org/x"


def test_one_policy_honours_retry_after_and_bounds_attempts() -> None:
    waits: list[float] = []
    calls: list[int] = []

    def attempt(number: int) -> str:
        calls.append(number)
        if number < 3:
            raise _Retry("busy", after=0.5 * number)
        return "ok"

    assert retry_call(attempt, attempts=4, max_wait=10,
                      sleep=lambda s, r: waits.append(s)) == "ok"
    assert waits == [0.5, 1.0] and calls == [1, 2, 3]

    def always(number: int) -> str:
        raise _Retry("busy", after=100)

    with pytest.raises(_Retry) as err:
        retry_call(always, attempts=4, max_wait=10, over_max="give_up", sleep=lambda s, r: None)
    assert err.value.too_long and err.value.attempts == 1
    waits.clear()
    with pytest.raises(_Retry):
        retry_call(always, attempts=3, max_wait=10, sleep=lambda s, r: waits.append(s))
    assert waits == [10, 10]  # capped, and bounded to attempts - 1 waits
    with pytest.raises(_Retry):  # a wait that would pass the deadline is not started
        retry_call(always, attempts=3, max_wait=10, deadline=time.monotonic() + 1,
                   sleep=lambda s, r: waits.append(s))


def test_ratelimit_headers_set_the_wait(httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"RateLimit": "limit=10, remaining=0, reset=0"})
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    with httpx.Client() as client:
        response = request(client, "GET", httpserver.url_for("/x"), attempts=3, max_wait=5)
    assert response.status_code == 200 and response.text == "ok"


def test_whole_answer_deadline_on_the_shared_request() -> None:
    with TrickleServer(every=0.1) as slow, httpx.Client(timeout=5) as client:
        with pytest.raises(DeadlineExceeded):
            request(client, "GET", slow.url, attempts=3, max_wait=0, deadline=0.5)
        assert slow.requests == 1


def test_the_delivery_stage_ends_at_stage_deadline_and_resumes(tmp_path: Path) -> None:
    items = [hf_item(n) for n in range(1, 7)]
    with ChatServer(delay=0.5) as slow:
        root = telegram_dir(tmp_path / "w", slow.url, items)
        done = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"),
                   "--no-fulltext", env=cli_env(DAILYPAPERS_STAGE_DEADLINE="1"))
        first = len(slow.received)
    assert done.returncode == 3, done.stdout + done.stderr  # published, delivery cut short
    assert "stage_deadline (1 s); the rest goes next run" in done.stdout
    assert 1 <= first < 7 and "Traceback" not in done.stderr
    assert (root / "archive").exists()
    with ChatServer() as chat:
        root = telegram_dir(root, chat.url, items)
        again = cli(root, "send", "--date", DATE)
        assert again.returncode == 0, again.stderr
        assert len(chat.received) == 7 - first  # the rest, nothing twice


def test_a_plugin_that_fails_to_load_once_has_its_secret_scrubbed_later(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin that could not be imported when redact first looked (a broken install, or
    asked in the middle of its own import) is looked up again, not forgotten for the run."""
    from dailypapers import secrets

    real = secrets.declared_keys
    looks: list[int] = []

    def flaky(failed: list[str] | None = None) -> list[str]:
        looks.append(1)
        names = real(failed)
        if len(looks) == 1 and failed is not None:
            failed.append("openai")
            return [n for n in names if n != "OPENAI_API_KEY"]
        return names

    monkeypatch.setattr(secrets, "declared_keys", flaky)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-late-loaded-0123456789")
    secrets.forget_known_secrets()
    try:
        assert secrets.redact("k=sk-late-loaded-0123456789") == "k=sk-late-loaded-0123456789"
        monkeypatch.setattr(secrets, "RETRY_INCOMPLETE", 0.0)
        assert secrets.redact("k=sk-late-loaded-0123456789") == "k=***"
        assert len(looks) == 2
        assert secrets.redact("k=sk-late-loaded-0123456789") == "k=***"
        assert len(looks) == 2  # complete now: not looked up again
    finally:
        secrets.forget_known_secrets()
