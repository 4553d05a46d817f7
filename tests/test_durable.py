"""Durable per-day files: the database is rebuilt from them and a re-run changes nothing.

Several days are published and delivered (an LLM stand-in and a Telegram stand-in on
loopback), the database is deleted, ``dailypapers rebuild`` recreates it, and every day is
run again: no LLM call, no message, every output byte for byte the same. A working
directory whose database predates the files is exported to them on first open, nothing lost.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes.durable_days import DATES, outputs, write_days
from fakes.files import serve_folder
from fakes.llm import GOOD, FakeLLM, serve
from fakes.pdfkit import make_paper_pdf
from fakes.telegram import TOKEN, TelegramStandIn

from dailypapers import durable, pipeline
from dailypapers.cli import main
from dailypapers.config import Settings, load_settings
from dailypapers.models import FullText
from dailypapers.store import Store


def settings_for(work: Path, llm: FakeLLM, tg: TelegramStandIn) -> Settings:
    return load_settings(
        work, source="file", summarizer="openai", openai_base_url=llm.url + "/v1", model="m1",
        retry_base_wait=0.01, fulltext=False, channels=["telegram"], telegram_url=tg.url,
        telegram_chat_id="-10042", telegram_audio=False, telegram_per_minute=600000.0,
        site_url="https://papers.example.org",
    )


def run_all(settings: Settings, source: Path, ok: tuple[str, ...] = ("ok",)) -> None:
    for date in DATES:
        with durable.open_store(settings) as store:
            report = pipeline.run_day(store, settings, date, source_input=str(source))
        assert report.status in ok, report.line()


def table(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(sql).fetchall())


STATE = {
    "days": "SELECT date, source, fetched_at, count, skipped FROM day_lists",
    "papers": "SELECT arxiv_id, version, data FROM papers",
    "day_papers": "SELECT d.date, d.rank, d.arxiv_id, d.upvotes, d.error, s.data, v.data"
                  " FROM day_papers d LEFT JOIN summaries s ON s.id = d.summary_id"
                  " LEFT JOIN verifications v ON v.summary_id = d.summary_id",
    "deliveries": "SELECT channel, target, item, status, message_id, attempts, sent_at"
                  " FROM deliveries",
    "runs": "SELECT date, command, started_at, finished_at, status, counts FROM runs",
}


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")


def test_rebuild_then_rerun_calls_no_llm_sends_nothing_changes_nothing(tmp_path: Path) -> None:
    work = tmp_path / "work"
    source = work / "input"
    write_days(source)
    with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
        settings = settings_for(work, llm, tg)
        run_all(settings, source)
        assert len(llm.seen) == 3 * len(DATES)
        sent = len(tg.messages)
        assert sent >= 4 * len(DATES)  # a header and one message per paper, every day
        before = outputs(work)
        db = Path(settings.db_path)
        state = {name: table(db, sql) for name, sql in STATE.items()}
        for date in DATES:
            assert durable.ledger_path(work, date).exists()

        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
        result = CliRunner().invoke(main, ["rebuild", "--dir", str(work)])
        assert result.exit_code == 0, result.output
        assert "3 days, 9 papers, 9 summaries" in result.output
        assert {name: table(db, sql) for name, sql in STATE.items()} == state

        run_all(settings, source)
        assert len(llm.seen) == 3 * len(DATES)  # no LLM call
        assert len(tg.messages) == sent  # nothing sent twice
        assert outputs(work) == before  # every output byte for byte the same


def test_run_rebuilds_a_missing_database_by_itself(tmp_path: Path) -> None:
    work = tmp_path / "work"
    source = work / "input"
    write_days(source)
    with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
        settings = settings_for(work, llm, tg)
        run_all(settings, source)
        before = outputs(work)
        Path(settings.db_path).unlink()
        calls, sent = len(llm.seen), len(tg.messages)
        run_all(settings, source)
        assert (len(llm.seen), len(tg.messages)) == (calls, sent)
        assert outputs(work) == before


def test_a_database_older_than_the_files_is_rebuilt(tmp_path: Path) -> None:
    """Files from elsewhere (a git pull) that the database never saw trigger a rebuild;
    files merely touched (a checkout) do not."""
    work = tmp_path / "work"
    source = work / "input"
    write_days(source)
    with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
        settings = settings_for(work, llm, tg)
        run_all(settings, source)
        data = durable.data_path(work, DATES[0])
        data.touch()
        with durable.open_store(settings) as store:
            assert durable.stale_files(store, work) == []
        payload = json.loads(data.read_text(encoding="utf-8"))
        payload["papers"][0]["summary"]["one_line"] = "Edited elsewhere, then pulled."
        data.write_text(json.dumps(payload), encoding="utf-8")
        with durable.open_store(settings) as store:
            digest = store.load_digest(DATES[0])
        assert digest is not None and digest.entries[0].summary is not None
        assert digest.entries[0].summary.one_line == "Edited elsewhere, then pulled."


def test_an_old_working_directory_is_exported_on_first_open(tmp_path: Path) -> None:
    """A database from before the durable files: the first open writes them, and a rebuild
    from them gives back every day, summary, verification, delivery and run."""
    work = tmp_path / "work"
    source = work / "input"
    write_days(source)
    with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
        settings = settings_for(work, llm, tg)
        run_all(settings, source)
        db = Path(settings.db_path)
        # What today's version left behind: a database, its data/ files, no ledger and no
        # record of durable files.
        for path in (work / "ledger").rglob("*.json"):
            path.unlink()
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM durable_files")
        with Store(db) as store:
            store.set_paper_error(DATES[1], "file", "2503.00401", "LLM timed out")
        state = {name: table(db, sql) for name, sql in STATE.items()}
        with durable.open_store(settings) as store:
            assert store.durable_files()
        for date in DATES:
            assert durable.ledger_path(work, date).exists()
        db.unlink()
        durable.rebuild(settings)
        after = {name: table(db, sql) for name, sql in STATE.items()}
        assert after == state


def test_a_restored_text_is_fetched_again_only_when_needed(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        from fakes.days import make_day

        day = make_day(n=1)
        store.save_day(day)
        paper = day.entries[0].paper
        store.save_fulltexts([FullText(paper.arxiv_id, None, "pdf", "", stats={"restored": True})])
        stub = store.get_fulltext(paper.arxiv_id)
        assert stub is not None and stub.source == "pdf" and stub.stats["restored"]
        digest = store.load_digest(day.date)
        assert digest is not None and digest.entries[0].fulltext_source == "pdf"


def test_ledger_files_are_small_sorted_and_stable(tmp_path: Path) -> None:
    work = tmp_path / "work"
    source = work / "input"
    write_days(source)
    with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
        settings = settings_for(work, llm, tg)
        run_all(settings, source)
        ledger = durable.ledger_path(work, DATES[0])
        first = ledger.read_bytes()
        data = json.loads(first)
        items = [(d["channel"], d["target"], d["item"]) for d in data["deliveries"]]
        assert items == sorted(items) and len(items) >= 4
        assert all(d["status"] == "sent" for d in data["deliveries"])
        assert len(first) < 10_000
        with durable.open_store(settings) as store:
            durable.write_ledger(store, settings, DATES[0])
        assert ledger.read_bytes() == first


def test_the_workflow_paths_name_no_database() -> None:
    assert "dailypapers.db" not in durable.COMMITTED_PATHS
    assert set(durable.DURABLE_DIRS) <= set(durable.COMMITTED_PATHS)
    assert "dailypapers.db" in durable.CACHE_PATHS
    assert GOOD["one_line"]  # the stand-in answers with a real five-part summary


def test_losing_the_whole_cache_with_full_texts_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an evicted actions/cache loses: the database AND cache/ (PDFs, pictures, the site
    index). The days were read from PDFs served on loopback (one paper's PDF and HTML are
    missing: its abstract is used). After a rebuild from the committed files, a re-run calls
    no LLM, sends nothing, downloads nothing it had, and leaves the data, ledger, archive
    and README as they were. The site is not yet: its pictures were cut from the cached
    PDFs and are gone with them (an xfail that says so until that is fixed)."""

    work = tmp_path / "work"
    source = work / "input"
    write_days(source)
    served = tmp_path / "arxiv"
    (served / "pdf").mkdir(parents=True)
    for date in DATES:
        for n in range(3):
            arxiv_id = f"2503.{int(date[-2:]) * 100 + n:05d}"
            if (date, n) != (DATES[1], 2):  # this one has no PDF (and no HTML)
                make_paper_pdf(served / "pdf" / arxiv_id, title=f"TinyNet {date} {n}",
                               caption=f"Figure 1: TinyNet {n} against three baselines.")
    with serve_folder(served, "application/pdf") as files:
        hits = files.asked
        with serve(FakeLLM()) as llm, TelegramStandIn() as tg:
            settings = settings_for(work, llm, tg).model_copy(update={
                "fulltext": True, "arxiv_url": files.url,
                "arxiv_delay": 0.0, "http_retries": 1})
            run_all(settings, source, ok=("ok", "partial"))
            assert len(llm.seen) == 3 * len(DATES)
            with durable.open_store(settings) as store:
                sources = [e.fulltext_source for d in DATES
                           for e in (store.load_digest(d) or pytest.fail(d)).entries]
            assert sources.count("pdf") == 8 and sources.count("abstract") == 1
            assert list((work / "site").rglob("*.webp"))  # pictures cut from the PDFs
            calls, sent, downloads = len(llm.seen), len(tg.messages), len(hits)
            before = outputs(work)

            db = Path(settings.db_path)
            for lost in [*db.parent.glob(db.name + "*"), settings.cache_path]:
                if lost.is_dir():
                    shutil.rmtree(lost)
                else:
                    lost.unlink()
            result = CliRunner().invoke(main, ["rebuild", "--dir", str(work)])
            assert result.exit_code == 0, result.output
            run_all(settings, source, ok=("ok", "partial"))
            assert (len(llm.seen), len(tg.messages)) == (calls, sent)
            after = outputs(work)
            # Only the paper without a PDF is tried again (as any re-run would).
            assert all("2503.00402" in path for path in hits[downloads:]), hits[downloads:]
            assert set(after) <= set(before)
            changed = [name for name in before if after.get(name) != before[name]]
            assert changed == []
            assert after == before
            # the pictures came back from the site, not from PDFs: none was downloaded again
            restored = sorted((settings.cache_path / "pictures" / "site").glob("*.webp"))
            assert len(restored) == 8
            pages = [after[n] for n in after if n.startswith("site/papers/")]
            assert sum(b'alt="TinyNet ' in page for page in pages) == 8
