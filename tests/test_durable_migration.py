"""A working directory from the version before the durable files, converted on first run.

``selfmade/v0_workdir`` is what ``ef231e8`` (schema 1, no ledger, the database committed)
left after two delivered days: its database as SQL and its ``data/`` files (made by
``selfmade/make_v0_workdir.py`` with that version's own code). Today's code opens it:
the schema is migrated, every day is exported to ``data/`` and ``ledger/``, nothing is
lost (the rebuilt database holds what the migrated one held), no recipient is written in
clear, and sending the days again sends only the one email the old run could not deliver.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes.smtp import smtp_server
from fakes.telegram import TOKEN, TelegramStandIn

from dailypapers import durable
from dailypapers.cli import main
from dailypapers.config import load_settings
from dailypapers.deliver.recipients import is_hidden, plain_key
from dailypapers.models import Paper, Summary, Verification
from dailypapers.store import Store

V0 = Path(__file__).parent / "selfmade" / "v0_workdir"
DATES = ["2025-03-03", "2025-03-04"]
CHAT = "-1009876543210"  # what the old run delivered to (make_v0_workdir.py)
ADDRESSES = ["ann@example.org", "bob@example.net"]

STATE = {
    "days": "SELECT date, source, fetched_at, count, skipped FROM day_lists",
    "papers": "SELECT arxiv_id, version, data FROM papers",
    "day_papers": "SELECT d.date, d.rank, d.arxiv_id, d.upvotes, d.error, s.backend, s.model,"
                  " s.prompt_hash, s.data, v.data FROM day_papers d"
                  " LEFT JOIN summaries s ON s.id = d.summary_id"
                  " LEFT JOIN verifications v ON v.summary_id = d.summary_id",
    "texts": "SELECT arxiv_id, version, source FROM fulltexts",
    "deliveries": "SELECT channel, target, item, status, message_id, attempts, sent_at, error"
                  " FROM deliveries",
    "runs": "SELECT date, command, started_at, finished_at, status, counts FROM runs",
}


def _data(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _data(v) for k, v in value.items() if v not in (None, "", [], {})}
    return [_data(v) for v in value] if isinstance(value, list) else value


def _value(value: Any) -> Any:
    """A JSON column as its data: the old schema wrote it spaced and with every empty
    field, today's compact and without them."""
    if isinstance(value, str) and value[:1] in "{[":
        return json.dumps(_data(json.loads(value)), sort_keys=True)
    return value


# The JSON columns read as today's models read them (the old version wrote a
# verification's status, which today's derives from its items).
AS_MODEL: dict[tuple[str, int], Any] = {("papers", 2): Paper, ("day_papers", 8): Summary,
                                        ("day_papers", 9): Verification}


def state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    def row_of(name: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
        out = []
        for n, value in enumerate(row):
            model = AS_MODEL.get((name, n))
            if model is not None and value is not None:
                value = json.dumps(model.from_dict(json.loads(value)).to_dict())
            out.append(_value(value))
        return tuple(out)

    with sqlite3.connect(db) as conn:
        return {name: sorted((row_of(name, row) for row in conn.execute(sql)), key=repr)
                for name, sql in STATE.items()}


def old_workdir(work: Path) -> Path:
    shutil.copytree(V0 / "data", work / "data")
    db = work / "dailypapers.db"
    with sqlite3.connect(db) as conn:
        conn.executescript((V0 / "dailypapers.sql").read_text(encoding="utf-8"))
    return db


@pytest.fixture
def work(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_CHAT_ID", CHAT)
    monkeypatch.setenv("DAILYPAPERS_EMAIL_TO", ",".join(ADDRESSES))
    return isolated_env


def test_the_old_database_is_as_ef231e8_left_it(tmp_path: Path) -> None:
    db = old_workdir(tmp_path)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        targets = {r[0] for r in conn.execute("SELECT target FROM deliveries")}
    assert "durable_files" not in tables and not (tmp_path / "ledger").exists()
    assert CHAT in targets  # the old record named the chat in clear


def test_first_open_exports_everything_and_a_rebuild_loses_nothing(work: Path) -> None:
    db = old_workdir(work)
    with Store(db):  # today's schema, not yet exported
        pass
    migrated = state(db)
    assert len(migrated["day_papers"]) == 6 and all(r[5] for r in migrated["day_papers"])
    assert {r[2] for r in migrated["deliveries"]} >= {"day:2025-03-03:header"}
    assert any(r[7] for r in migrated["deliveries"])  # the refused email, with its error

    with durable.open_store(load_settings(work)) as store:
        assert store.durable_files()
    for date in DATES:
        assert durable.ledger_path(work, date).is_file()
        assert durable.data_path(work, date).is_file()
    for path in durable.durable_files(work):
        text = path.read_text(encoding="utf-8")
        assert CHAT not in text and not any(a in text for a in ADDRESSES), path

    db.unlink()
    durable.rebuild(load_settings(work))
    rebuilt = state(db)
    # The recipients are hidden in the files; everything else comes back as it was.
    hidden = [(c, t if is_hidden(t) else plain_key(t), *rest)
              for c, t, *rest in migrated["deliveries"]]
    assert rebuilt["deliveries"] == sorted(hidden, key=repr)
    for name in STATE:
        if name != "deliveries":
            assert rebuilt[name] == migrated[name], name


def test_sending_the_old_days_again_sends_only_what_was_never_delivered(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_workdir(work)
    with TelegramStandIn() as tg, smtp_server(monkeypatch) as box:
        (work / "dailypapers.toml").write_text(
            'channels = ["telegram", "email"]\n'
            f'telegram_url = "{tg.url}"\ntelegram_audio = false\n'
            'email_from = "Daily <daily@example.com>"\n', encoding="utf-8")
        for date in DATES:
            result = CliRunner().invoke(main, ["send", "--date", date])
            assert result.exit_code == 0, result.output
        assert tg.messages == []
        ((to, message),) = box.messages  # bob's refused email of the first day, only
        assert to == ["bob@example.net"] and "2025-03-03" in message["Subject"]
        # Again: nothing at all, and every record keyed (no plain hash, no chat id left).
        for date in DATES:
            assert CliRunner().invoke(main, ["send", "--date", date]).exit_code == 0
        assert tg.messages == [] and len(box.messages) == 1
    with sqlite3.connect(work / "dailypapers.db") as conn:
        targets = {r[0] for r in conn.execute("SELECT target FROM deliveries")}
    assert targets and all(t.startswith("k1:") for t in targets)
    committed = [p for name in durable.COMMITTED_PATHS for p in (work / name).rglob("*")
                 if p.is_file()]
    assert committed
    for path in committed:
        data = path.read_bytes()
        assert CHAT.encode() not in data and b"example.net" not in data, path
