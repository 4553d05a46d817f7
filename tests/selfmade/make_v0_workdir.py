"""Make tests/selfmade/v0_workdir: a working directory as the version before issue 17 left it.

    .venv/bin/python tests/selfmade/make_v0_workdir.py [REV]        # REV default ef231e8

That version (``ef231e8``: schema 1, no ledger/ files, the database committed) runs two
days through ``pipeline.run_day`` with an LLM stand-in, a Telegram stand-in and a real SMTP
server on loopback (one recipient refuses once, one list item is malformed). What it
leaves is kept as text: ``dailypapers.sql`` (the database's dump) and its ``data/`` files.
``tests/test_durable_migration.py`` converts it with today's code. The run is made once,
here, with the old code from ``git archive``; the output is checked in so the test needs
neither git history nor the old code.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
OUT = HERE / "v0_workdir"
DATES = ["2025-03-03", "2025-03-04"]
CHAT = "-1009876543210"
ADDRESSES = ["ann@example.org", "bob@example.net"]

sys.path.insert(0, str(TESTS))
from fakes.durable_days import hf_item as item  # noqa: E402  (no dailypapers import)


def old_src(rev: str, into: Path) -> Path:
    with tempfile.TemporaryFile() as tar:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True, stdout=tar)
        tar.seek(0)
        with tarfile.open(fileobj=tar) as archive:
            archive.extractall(into, filter="data")
    return into / "src"


def run_old(work: Path) -> None:
    """Runs inside the old code (PYTHONPATH): two days, delivered."""
    sys.path.insert(0, str(TESTS))
    from aiosmtpd.controller import Controller
    from fakes.llm import FakeLLM, serve
    from fakes.smtp import Mailbox, free_port
    from fakes.telegram import TOKEN, TelegramStandIn

    from dailypapers import pipeline
    from dailypapers.config import load_settings
    from dailypapers.store import Store

    inputs = work.parent / "input"
    inputs.mkdir()
    for date in DATES:
        items: list[object] = [item(date, n) for n in range(3)]
        items.append({"paper": {"id": "not an id"}})  # skipped, and recorded as such
        (inputs / f"{date}.json").write_text(json.dumps(items), encoding="utf-8")
    box = Mailbox(refuse_once={ADDRESSES[1]})
    port = free_port()
    smtp = Controller(box, hostname="127.0.0.1", port=port)
    smtp.start()
    os.environ.update(TELEGRAM_BOT_TOKEN=TOKEN, OPENAI_API_KEY="sk-test-not-real",
                      DAILYPAPERS_SMTP_URL=f"smtp://127.0.0.1:{port}")
    try:
        with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
            settings = load_settings(
                work, source="file", summarizer="openai", openai_base_url=llm.url + "/v1",
                model="m1", retry_base_wait=0.01, fulltext=False,
                channels=["telegram", "email"], telegram_url=tg.url, telegram_chat_id=CHAT,
                telegram_audio=False, telegram_per_minute=600000.0,
                email_from="Daily <daily@example.com>", email_to=ADDRESSES,
                site_url="https://papers.example.org",
            )
            for date in DATES:
                with Store(settings.db_path) as store:
                    report = pipeline.run_day(store, settings, date,
                                              source_input=str(inputs / f"{date}.json"))
                print(report.line())
            print(f"{len(llm.seen)} LLM calls, {len(tg.messages)} Telegram messages,"
                  f" {len(box.messages)} emails")
    finally:
        smtp.stop()


def dump(db: Path) -> str:
    """The database as SQL: tables, rows (the full-text table's too, not its shadow tables),
    then indexes and triggers, and the schema version."""
    conn = sqlite3.connect(db)
    schema = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                          " AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    virtual = {n for t, n, sql in schema if t == "table" and "VIRTUAL TABLE" in sql}
    shadow = {n for _, n, _ in schema if any(n.startswith(v + "_") for v in virtual)}
    tables = [(n, sql) for t, n, sql in schema if t == "table" and n not in shadow]
    lines = [f"PRAGMA user_version={conn.execute('PRAGMA user_version').fetchone()[0]};",
             "BEGIN;"]
    lines += [sql + ";" for _, sql in tables]
    for name, _ in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
        row = " || ', ' || ".join(f'quote("{c}")' for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        for (values,) in conn.execute(f'SELECT {row} FROM "{name}" ORDER BY rowid'):
            lines.append(f'INSERT INTO "{name}" ({names}) VALUES ({values});')
    lines += [sql + ";" for t, n, sql in schema if t in ("index", "trigger", "view")
              and n not in shadow]
    lines.append("COMMIT;")
    conn.close()
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--old":
        run_old(Path(sys.argv[2]))
        return
    rev = sys.argv[1] if len(sys.argv) > 1 else "ef231e8"
    with tempfile.TemporaryDirectory() as tmp:
        src = old_src(rev, Path(tmp))
        work = Path(tmp) / "work"
        subprocess.run([sys.executable, __file__, "--old", str(work)], check=True,
                       env={**os.environ, "PYTHONPATH": str(src)}, cwd=tmp)
        shutil.rmtree(OUT, ignore_errors=True)
        OUT.mkdir()
        (OUT / "dailypapers.sql").write_text(dump(work / "dailypapers.db"), encoding="utf-8")
        shutil.copytree(work / "data", OUT / "data")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
