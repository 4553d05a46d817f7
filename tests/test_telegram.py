"""Telegram delivery through the stand-in: escaping, splitting, pacing, exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.days import NASTY_TITLES, make_store
from fakes.telegram import TOKEN, TelegramStandIn, parse_html

from dailypapers.config import Settings, load_settings
from dailypapers.deliver import deliver_day, send_alert
from dailypapers.deliver.telegram import Span, split_lines, to_html, utf16_len, visible_len
from dailypapers.store import Store

DATE = "2025-01-15"


def tg_settings(work: Path, url: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "telegram_url": url, "telegram_chat_id": "-10042", "telegram_audio": False,
        "telegram_per_minute": 600000.0, "site_url": "https://papers.example.org",
        "channels": ["telegram"], "retry_max_wait": 5.0,
    }
    values.update(extra)
    return load_settings(work, **values)


@pytest.fixture(autouse=True)
def bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)


def test_every_paper_arrives_intact(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db")
    with TelegramStandIn() as tg:
        report = deliver_day(store, tg_settings(isolated_env, tg.url), DATE)
    assert report.status == "ok", report.line()
    assert not tg.rejected
    texts = tg.texts()
    assert len(texts) == 1 + 5  # header + one message per paper
    assert texts[0].startswith("Daily Papers — 2025-01-15") and "5 papers" in texts[0]
    assert "https://papers.example.org/days/2025-01-15.html" in tg.messages[0].html
    digest = store.load_digest(DATE)
    assert digest is not None
    for entry, text in zip(digest.entries, texts[1:], strict=True):
        assert " ".join(entry.paper.title.split()) in text  # newlines folded, rest verbatim
        assert entry.summary is not None
        assert entry.summary.one_line in text
        assert entry.summary.results in text
    assert NASTY_TITLES[0] in texts[1] and "🚀" in texts[1]
    assert "not found in the paper: 88.5%" in texts[1]  # the unsupported number is flagged
    assert "et al." in texts[1]
    assert "summarized from the abstract only" in texts[3]
    assert all(m.chat_id == "-10042" for m in tg.messages)
    rows = store.deliveries("telegram")
    assert len(rows) == 6 and all(r["status"] == "sent" and r["message_id"] for r in rows)


def test_rerun_sends_nothing_and_top_n_picks_by_upvotes(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=6)
    with TelegramStandIn() as tg:
        settings = tg_settings(isolated_env, tg.url, telegram_top_n=2)
        first = deliver_day(store, settings, DATE)
        second = deliver_day(store, settings, DATE)
    assert len(first.channels[0].sent) == 3
    assert second.channels[0].sent == [] and second.channels[0].already == 3
    assert len(tg.messages) == 3
    assert "6 papers, the top 2 by upvotes" in tg.texts()[0]
    assert tg.texts()[1].startswith("1. Attention") and tg.texts()[2].startswith("2. MiniMax")


def test_long_summary_is_split_under_the_limit(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=3, long=True)
    with TelegramStandIn() as tg:
        report = deliver_day(store, tg_settings(isolated_env, tg.url), DATE)
    assert report.status == "ok" and not tg.rejected
    keys = report.channels[0].sent
    assert "paper:2025-01-15:2501.08301#2" in keys and "paper:2025-01-15:2501.08301#3" in keys
    parts = [m.text for m in tg.messages if "Long results sentence" in m.text]
    assert len(parts) >= 3 and all(utf16_len(p) <= 4096 for p in parts)
    joined = " ".join(" ".join(p.split()) for p in parts)
    assert joined.count("Long results sentence with <angle> & more.") == 250


def test_retry_after_is_honoured(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=5)
    with TelegramStandIn(rate=(3, 1.0)) as tg:
        # The stand-in allows 3 messages a second; the rest wait out its 429s.
        report = deliver_day(store, tg_settings(isolated_env, tg.url, retry_max_wait=2), DATE)
    assert tg.rate_limited >= 1
    assert tg.early_returns == 0  # never came back before retry_after was over
    assert report.status == "ok", report.line()
    assert len(tg.texts()) == 6


def test_rate_limit_past_max_wait_stops_and_next_run_finishes(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=5)
    with TelegramStandIn(rate=(2, 60.0)) as tg:
        settings = tg_settings(isolated_env, tg.url, retry_max_wait=1)
        first = deliver_day(store, settings, DATE)
        assert first.status == "partial" and "rate limited" in (first.channels[0].error or "")
        assert len(tg.messages) == 2
        tg.rate = None
        tg._blocked_until.clear()
        second = deliver_day(store, settings, DATE)
    assert second.status == "ok"
    texts = tg.texts()
    assert len(texts) == 6 and len(set(texts)) == 6  # each message exactly once


def test_failure_midway_is_retried_without_repeats(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=5)
    with TelegramStandIn(fail_at=3, fail_status=400) as tg:
        settings = tg_settings(isolated_env, tg.url)
        first = deliver_day(store, settings, DATE)
        assert first.status == "partial"
        assert list(first.channels[0].failed) == ["paper:2025-01-15:2501.08301"]
        assert len(tg.messages) == 5
        second = deliver_day(store, settings, DATE)
    assert second.channels[0].sent == ["paper:2025-01-15:2501.08301"]
    texts = tg.texts()
    assert len(texts) == 6 and len(set(texts)) == 6
    row = next(r for r in store.deliveries("telegram") if r["item"].endswith("2501.08301"))
    assert row["status"] == "sent" and row["attempts"] == 2


def test_server_error_is_retried_within_the_run(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=2)
    with TelegramStandIn(fail_at=2, fail_status=502) as tg:
        report = deliver_day(store, tg_settings(isolated_env, tg.url, retry_max_wait=0.1), DATE)
    assert report.status == "ok" and tg.attempts == 4
    texts = tg.texts()
    assert len(texts) == 3 and len(set(texts)) == 3


def test_kill_midway_then_rerun_delivers_each_once(isolated_env: Path) -> None:
    make_store(isolated_env / "dailypapers.db", n=5).close()
    with TelegramStandIn(hang_at=4) as tg:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "DAILYPAPERS_TELEGRAM_URL": tg.url,
               "TELEGRAM_CHAT_ID": "-10042", "DAILYPAPERS_TELEGRAM_AUDIO": "false",
               "DAILYPAPERS_TELEGRAM_PER_MINUTE": "600000"}
        proc = subprocess.Popen(
            [sys.executable, "-c", "from dailypapers.cli import main; main()",
             "--dir", str(isolated_env), "send", "--date", DATE, "--channel", "telegram"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            assert tg.hanging.wait(60), "the sender never reached the 4th message"
        finally:
            proc.kill()
            proc.wait(30)
        tg.release.set()
        assert len(tg.messages) == 3  # header + 2 papers went out before the kill
        tg.hang_at = None
        with Store(isolated_env / "dailypapers.db") as store:
            report = deliver_day(store, tg_settings(isolated_env, tg.url), DATE)
    assert report.channels[0].already == 3 and len(report.channels[0].sent) == 3
    texts = tg.texts()
    assert len(texts) == 6 and len(set(texts)) == 6


def test_bad_token_stops_the_channel_and_records_nothing_sent(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:wrong")
    store = make_store(isolated_env / "dailypapers.db", n=2)
    with TelegramStandIn() as tg:
        report = deliver_day(store, tg_settings(isolated_env, tg.url), DATE)
    assert report.status == "failed"
    assert "Unauthorized" in (report.channels[0].error or "")
    assert "999:wrong" not in report.line()
    assert not any(r["status"] == "sent" for r in store.deliveries("telegram"))


def test_missing_token_is_a_clear_error(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    store = make_store(isolated_env / "dailypapers.db", n=1)
    report = deliver_day(store, tg_settings(isolated_env, "http://127.0.0.1:9"), DATE)
    assert report.status == "failed"
    assert "TELEGRAM_BOT_TOKEN" in (report.channels[0].error or "")


def test_dry_run_sends_nothing(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=3)
    with TelegramStandIn() as tg:
        report = deliver_day(store, tg_settings(isolated_env, tg.url), DATE, dry_run=True)
    assert not tg.messages and not store.deliveries()
    assert [i.key for i in report.channels[0].pending][:2] == [
        "day:2025-01-15:header", "paper:2025-01-15:2501.08300"]
    assert "Would deliver: 2025-01-15: telegram: 4 to send" in report.line()


def test_alert_goes_to_the_alert_channel(isolated_env: Path) -> None:
    with TelegramStandIn() as tg:
        settings = tg_settings(isolated_env, tg.url, alert_channel="telegram")
        assert send_alert(settings, "2025-01-15 failed: <HF> & arXiv down")
        assert not send_alert(tg_settings(isolated_env, tg.url), "no alert channel set")
    assert tg.texts() == ["dailypapers alert\n2025-01-15 failed: <HF> & arXiv down"]


# ------------------------------------------------------------------ message building


def test_split_counts_utf16_and_keeps_tags_closed() -> None:
    emoji_line = [Span("😀" * 3000, "b")]  # 6,000 UTF-16 units in one span
    lines = [[Span("head & <tail>", "i")], emoji_line, [Span("x", "a", "https://a.b/?q=1&r=2")]]
    messages = split_lines(lines, budget=4096)
    assert len(messages) >= 2
    for message in messages:
        assert visible_len(message) <= 4096
        assert utf16_len(parse_html(to_html(message))) <= 4096
    rebuilt = "".join(parse_html(to_html(m)) for m in messages)
    assert rebuilt.count("😀") == 3000


def test_migrated_group_stops_with_the_new_chat_id(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=2)
    with TelegramStandIn() as tg:
        def migrated(method: str, token: str, form: dict[str, object]) -> tuple[int, object]:
            return 400, {"ok": False, "error_code": 400,
                         "description": "Bad Request: group chat was upgraded to a supergroup chat",
                         "parameters": {"migrate_to_chat_id": -1009876}}

        tg.handle = migrated  # type: ignore[method-assign]
        report = deliver_day(store, tg_settings(isolated_env, tg.url), DATE)
    assert report.status == "failed"
    assert len(report.channels[0].failed) == 1  # stopped at the first message
    assert "-1009876" in report.line() and "telegram_chat_id" in report.line()
