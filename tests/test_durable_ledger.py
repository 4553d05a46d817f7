"""The committed ledger: bounded, and naming no recipient.

Three channels on loopback (Telegram stand-in, a real SMTP server, a webhook server) deliver
several days, one email is refused once; then no committed file holds a chat id, an address,
the webhook URL or a secret, yet after the database is deleted and rebuilt from those files
a re-run sends nothing (the recipients' keyed hashes still match). A day re-run many times
keeps its last runs only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes.durable_days import DATES, outputs, write_days
from fakes.smtp import smtp_server
from fakes.telegram import TOKEN, TelegramStandIn
from fakes.webhook import Hook
from pytest_httpserver import HTTPServer

from dailypapers import durable, pipeline
from dailypapers.cli import main
from dailypapers.config import Settings, load_settings
from dailypapers.deliver.recipients import plain_key, record_key, scrub

CHAT = "-1001234567890"
ADDRESSES = ["ann@example.org", "bob@example.net"]
HOOK_PATH = "/services/T0/B0/hooksecret42"


def committed_bytes(work: Path) -> dict[str, bytes]:
    return {p.relative_to(work).as_posix(): p.read_bytes()
            for name in durable.COMMITTED_PATHS for p in sorted((work / name).rglob("*"))
            if p.is_file()} | ({"README.md": (work / "README.md").read_bytes()}
                               if (work / "README.md").is_file() else {})


def run_days(settings: Settings, source: Path) -> list[str]:
    lines = []
    for date in DATES:
        with durable.open_store(settings) as store:
            lines.append(pipeline.run_day(store, settings, date, source_input=str(source))
                         .line())
    return lines


def test_no_committed_file_names_a_recipient_and_a_rebuild_sends_nothing(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    work = isolated_env
    source = work.parent / "input"
    write_days(source)
    hook = Hook()
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_handler(hook)
    webhook_url = httpserver.url_for(HOOK_PATH)
    monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", webhook_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_CHAT_ID", CHAT)
    with TelegramStandIn() as tg, smtp_server(monkeypatch) as box:
        box.refuse_once = {ADDRESSES[1]}
        settings = load_settings(
            work, source="file", fulltext=False, channels=["telegram", "email", "webhook"],
            telegram_url=tg.url, telegram_audio=False, telegram_per_minute=600000.0,
            email_from="Daily <daily@example.com>", email_to=ADDRESSES, http_retries=1,
            site_url="https://papers.example.org",
        )
        run_days(settings, source)
        refused = json.loads(durable.ledger_path(work, DATES[0]).read_text())["deliveries"]
        assert sorted(d["status"] for d in refused if d["channel"] == "email") == [
            "failed", "sent"]
        run_days(settings, source)  # the refused email goes out now; nothing else
        assert len(box.messages) == 2 * len(DATES)
        sent = (len(tg.messages), len(box.messages), len(hook.posts))
        assert sent[0] >= 4 * len(DATES) and sent[2] >= len(DATES)

        files = committed_bytes(work)
        assert any(name.startswith("ledger/") for name in files)
        smtp_url = os.environ["DAILYPAPERS_SMTP_URL"]
        needles = [CHAT, CHAT.removeprefix("-100"), *ADDRESSES, webhook_url, HOOK_PATH,
                   "hooksecret42", TOKEN, smtp_url, "p%40ss", "p@ss:w/rd"]
        for name, data in files.items():
            for needle in needles:
                assert needle.encode() not in data, (name, needle)
        targets = {d["target"] for date in DATES for d in json.loads(
            durable.ledger_path(work, date).read_text())["deliveries"]}
        assert len(targets) == 1 + 2 + 1 and all(t.startswith("k1:") for t in targets)
        before = outputs(work)
        ledgers = {date: json.loads(durable.ledger_path(work, date).read_text())["deliveries"]
                   for date in DATES}

        db = Path(settings.db_path)
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
        result = CliRunner().invoke(main, ["rebuild", "--dir", str(work)])
        assert result.exit_code == 0, result.output
        run_days(settings, source)
        assert (len(tg.messages), len(box.messages), len(hook.posts)) == sent
        assert outputs(work) == before
        assert {date: json.loads(durable.ledger_path(work, date).read_text())["deliveries"]
                for date in DATES} == ledgers


def test_a_day_rerun_many_times_keeps_its_last_runs(isolated_env: Path) -> None:
    work = isolated_env
    source = work.parent / "input"
    write_days(source)
    settings = load_settings(work, source="file", fulltext=False, channels=[], site=False)
    date = DATES[0]
    sizes = []
    for _ in range(durable.LEDGER_RUNS + 3):
        with durable.open_store(settings) as store:
            pipeline.run_day(store, settings, date, source_input=str(source))
        sizes.append(durable.ledger_path(work, date).stat().st_size)
    ledger = json.loads(durable.ledger_path(work, date).read_text())
    with durable.open_store(settings) as store:
        every = store.runs(date, limit=100)
    assert len(every) == durable.LEDGER_RUNS + 3  # the database keeps them all
    kept = [r["started_at"] for r in ledger["runs"]]
    assert kept == sorted(r["started_at"] for r in every)[-durable.LEDGER_RUNS:]
    assert len(ledger["runs"]) == durable.LEDGER_RUNS
    # Once full, the file stops growing (a run's record has the same shape every time).
    full = sizes[durable.LEDGER_RUNS - 1]
    assert all(abs(size - full) <= 16 for size in sizes[durable.LEDGER_RUNS:]), sizes


def test_record_keys_are_keyed_stable_and_hide_the_recipient(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    class Chan:
        key_env = "TELEGRAM_BOT_TOKEN"

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:first-token")
    first = record_key(Chan(), CHAT)
    assert first.startswith("k1:") and CHAT not in first and first == record_key(Chan(), CHAT)
    assert record_key(Chan(), "-1001234567891") != first
    assert record_key(Chan(), first) == first  # an already hidden target stays as it is
    # Another key, another record key: the hash cannot be recomputed without the secret.
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:other-token")
    assert record_key(Chan(), CHAT) != first
    monkeypatch.setenv("DAILYPAPERS_LEDGER_KEY", "a ledger key")
    pinned = record_key(Chan(), CHAT)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:rotated")
    assert record_key(Chan(), CHAT) == pinned  # the ledger key outlives a token rotation
    monkeypatch.delenv("DAILYPAPERS_LEDGER_KEY")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    assert record_key(Chan(), CHAT) == plain_key(CHAT)  # no secret at all: a plain hash


def test_scrub_removes_recipients_addresses_and_chat_ids() -> None:
    text = ("550 <bob@example.net> refused; chat -1001234567890 migrated to 77712345678;"
            " hook https://hooks.example/T0/B0/x failed; paper 2501.08313, hep-th/9901001,"
            " HTTP 429")
    clean = scrub(text, ["https://hooks.example/T0/B0/x"])
    assert "bob@" not in clean and "1001234567890" not in clean and "77712345678" not in clean
    assert "hooks.example" not in clean
    assert "2501.08313" in clean and "hep-th/9901001" in clean
    assert "HTTP 429" in clean and "550" in clean


def test_profile_examples_survive_a_rebuild(isolated_env: Path) -> None:
    """Imports and likes are the user's own choices: kept in profiles/NAME.json, sorted, and
    put back by a rebuild exactly (when each was added too); a database that has examples
    but no file (from before profiles/) writes it on open."""
    from fakes.profiles import BIBTEX
    from fakes.profiles import arxiv_new_day as _day

    from dailypapers.foryou import service
    from dailypapers.store import Store

    work = isolated_env
    (work / "refs.bib").write_text(BIBTEX, encoding="utf-8")
    (work / "dailypapers.toml").write_text("[profiles.alice]\npublic = false\n")
    settings = load_settings(work)
    with durable.open_store(settings) as store:
        ids = _day(store, count=5)
        service.import_library(store, settings, "alice", bibtex=work / "refs.bib")
        service.feedback(store, settings, ids[0], "like", "alice")
        service.feedback(store, settings, ids[1], "dislike", "alice")
        examples = store.profile_examples("alice")
    assert {e["origin"] for e in examples} == {"bibtex", "like", "dislike"}
    path = durable.profile_path(work, "alice")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [e["key"] for e in data["examples"]] == sorted(e["key"] for e in examples)

    db = Path(settings.db_path)
    db.unlink()
    report = durable.rebuild(settings)
    assert report.examples == len(examples) == 4
    with Store(db) as store:
        assert store.profile_examples("alice") == examples

    path.unlink()
    with durable.open_store(settings):
        pass
    assert json.loads(path.read_text(encoding="utf-8")) == data
    assert "profiles" in durable.COMMITTED_PATHS and "profiles" in durable.DURABLE_DIRS
