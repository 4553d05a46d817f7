"""The delivery loop and the ``send`` command: dry runs, exit statuses, configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes.days import make_store
from fakes.telegram import TOKEN, TelegramStandIn

from dailypapers.cli import main
from dailypapers.config import load_settings
from dailypapers.deliver import deliver_day
from dailypapers.deliver.base import selected_entries
from dailypapers.models import DayDigest, DigestEntry, Paper

DATE = "2025-01-15"


def _configure(work: Path, url: str) -> None:
    (work / "dailypapers.toml").write_text(
        'channels = ["telegram"]\n'
        "[telegram]\n"
        f'url = "{url}"\n'
        "chat_id = -1001234567890\n"
        "audio = false\n"
        "per_minute = 600000.0\n"
    )


def test_send_dry_run_shows_what_would_go_out(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(isolated_env / "dailypapers.db", n=2).close()
    _configure(isolated_env, "http://127.0.0.1:9")
    result = CliRunner().invoke(main, ["send", "--date", DATE, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "--- telegram -> -1001234567890 [paper:2025-01-15:2501.08300]" in result.output
    assert "1. Attention <Is> All & You | Need" in result.output  # previews are plain text
    assert "Would deliver: 2025-01-15: telegram: 3 to send, 0 already sent" in result.output
    with make_store(isolated_env / "dailypapers.db", n=2) as store:
        assert store.deliveries() == []


def test_send_delivers_then_reports_nothing_left(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    make_store(isolated_env / "dailypapers.db", n=2).close()
    with TelegramStandIn() as tg:
        _configure(isolated_env, tg.url)
        first = CliRunner().invoke(main, ["send", "--date", DATE])
        second = CliRunner().invoke(main, ["send", "--date", DATE, "--channel", "telegram"])
    assert first.exit_code == 0, first.output
    assert "Delivered: 2025-01-15: telegram: 3 sent, 0 already sent" in first.output
    assert "telegram: 0 sent, 3 already sent" in second.output
    assert len(tg.messages) == 3 and {m.chat_id for m in tg.messages} == {"-1001234567890"}


def test_send_exit_statuses(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    nowhere = runner.invoke(main, ["send", "--date", "2025-01-18"])
    assert nowhere.exit_code == 1 and "no database" in nowhere.output
    assert not (isolated_env / "dailypapers.db").exists()  # a wrong --dir creates nothing
    make_store(isolated_env / "dailypapers.db", n=1).close()
    empty = runner.invoke(main, ["send", "--date", "2025-01-18"])
    assert empty.exit_code == 4 and "no papers stored for 2025-01-18" in empty.output
    nothing = runner.invoke(main, ["send", "--date", DATE])
    assert nothing.exit_code == 5 and "no channels configured" in nothing.output
    unknown = runner.invoke(main, ["send", "--date", DATE, "--channel", "pigeon"])
    assert unknown.exit_code == 2  # a bad flag: usage error listing the choices
    assert "unknown channel 'pigeon'" in unknown.output and "email, telegram, webhook" in (
        unknown.output)
    no_alert = runner.invoke(main, ["send", "--alert", "day failed"])
    assert no_alert.exit_code == 5 and "alert_channel" in no_alert.output


def test_failed_channel_does_not_stop_the_others(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    store = make_store(isolated_env / "dailypapers.db", n=2)
    with TelegramStandIn() as tg:
        settings = load_settings(isolated_env, telegram_url=tg.url, telegram_chat_id="5",
                                 telegram_audio=False, telegram_per_minute=600000.0)
        report = deliver_day(store, settings, DATE, channels=["email", "telegram"])
    assert report.status == "partial"
    assert [c.channel for c in report.channels] == ["email", "telegram"]
    assert report.channels[0].error and "no recipients" in report.channels[0].error
    assert len(report.channels[1].sent) == 3


def test_top_n_by_upvotes_in_rank_order() -> None:
    def entry(rank: int, upvotes: int | None) -> DigestEntry:
        return DigestEntry(Paper(f"2501.{rank:05d}", f"t{rank}"), rank=rank, upvotes=upvotes)

    digest = DayDigest(DATE, "hf-daily", [entry(1, 5), entry(2, 50), entry(3, None),
                                          entry(4, 50), entry(5, 7)])
    assert [e.rank for e in selected_entries(digest, 3)] == [2, 4, 5]
    assert [e.rank for e in selected_entries(digest, None)] == [1, 2, 3, 4, 5]
    assert [e.rank for e in selected_entries(digest, 10)] == [1, 2, 3, 4, 5]
