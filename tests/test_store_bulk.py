"""Writes in bulk, data stored once: few transactions a day, one copy of the abstract, a
search index that follows every change, and the upgrade of a database from schema 1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fakes.days import make_day, make_summary

from dailypapers.models import CheckedItem, FullText, Paper, Summary, Verification
from dailypapers.store import Store
from dailypapers.store.base import split_sql
from dailypapers.store.buffer import WriteBuffer
from dailypapers.store.migrations import m001_initial


def index_is_sound(store: Store) -> None:
    """FTS5 checks its word lists against the text the view gives now."""
    store.conn.execute("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)")


def count_begins(store: Store) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(
        lambda s: seen.append(s) if s.lstrip().upper().startswith("BEGIN") else None
    )
    return seen


def test_a_days_summaries_are_written_in_one_transaction(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_day(make_day(n=9))
        begins = count_begins(store)
        done = [(make_summary(f"2501.0000{i}"),
                 Verification(items=[CheckedItem("88.1%", "percent", "grounded")]))
                for i in range(9)]
        ids = store.save_summaries("2025-01-15", "hf-daily", done)
        assert len(begins) == 1 and len(set(ids)) == 9
        digest = store.load_digest("2025-01-15")
        assert digest is not None and all(e.summary and e.verification for e in digest.entries)
        # Reusing cached summaries on a re-run: one transaction again, nothing rewritten.
        begins.clear()
        store.attach_summaries("2025-01-15", "hf-daily",
                               {f"2501.0000{i}": sid for i, sid in enumerate(ids)})
        assert len(begins) == 1
        index_is_sound(store)


def test_the_abstract_is_stored_once(tmp_path: Path) -> None:
    abstract = "A singular marmoset abstract, stored exactly once in the whole database."
    with Store(tmp_path / "db") as store:
        day = make_day(n=1)
        day.entries[0].paper.abstract = abstract
        store.save_day(day)
        paper = day.entries[0].paper
        store.save_fulltext(FullText.of_abstract(paper, ["pdf: HTTP 404", "html: HTTP 404"]))
        store.save_summaries("2025-01-15", "hf-daily", [(make_summary(paper.arxiv_id), None)])
        text = store.get_fulltext(paper.arxiv_id)
        assert text is not None and text.source == "abstract" and text.text == abstract
        assert text.fallback_reasons == ["pdf: HTTP 404", "html: HTTP 404"]
        assert store.search("marmoset")[0][0] == paper.arxiv_id
    raw = (tmp_path / "db").read_bytes()
    wal = tmp_path / "db-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert raw.count(b"singular marmoset") == 1


def test_a_pdf_text_round_trips_compressed(tmp_path: Path) -> None:
    body = "Results. We reach 97.3% on the held-out split. " * 200
    with Store(tmp_path / "db") as store:
        store.upsert_paper(Paper(arxiv_id="2501.1", title="T"))
        fulltext = FullText("2501.1", None, "pdf", body, pages=3, stats={"chars": len(body)})
        store.save_fulltexts([fulltext])
        assert store.get_fulltext("2501.1") == fulltext
        size = store.conn.execute("SELECT length(data) FROM fulltexts").fetchone()[0]
        assert size < len(body) / 5


def test_search_follows_the_published_summary(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_day(make_day(n=2))
        first = make_summary("2501.00001")
        first.one_line = "About walruses."
        store.save_summaries("2025-01-15", "hf-daily", [(first, None)])
        assert store.search("walruses")[0][0] == "2501.00001"
        # A newer summary (another backend) replaces it on the day: its words replace too.
        second = make_summary("2501.00001", backend="extractive")
        second.one_line = "About narwhals."
        store.save_summaries("2025-01-15", "hf-daily", [(second, None)])
        assert store.search("walruses") == []
        assert "[narwhals]" in store.search("narwhals")[0][2]
        # A later day that lists the paper again without a summary keeps the last one.
        store.save_day(make_day(date="2025-01-16", n=2))
        assert store.search("narwhals")[0][0] == "2501.00001"
        # Re-saving a summary under the same key (a refresh) re-indexes it.
        second.one_line = "About okapis."
        store.save_summary(second)
        assert store.search("okapis")[0][0] == "2501.00001"
        assert store.search("narwhals") == []
        index_is_sound(store)
        store.rebuild_search()
        index_is_sound(store)


def test_a_schema_1_database_is_upgraded_with_its_search(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in split_sql(m001_initial.SQL):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    paper = Paper(arxiv_id="2501.7", title="Capybara scaling laws", abstract="Capybaras scale.",
                  authors=["Ana Ruiz"])
    conn.execute(
        "INSERT INTO papers (arxiv_id, title, abstract, authors, data, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 'x')",
        (paper.arxiv_id, paper.title, paper.abstract, json.dumps(paper.authors),
         json.dumps(paper.to_dict())),
    )
    conn.execute("INSERT INTO search (rowid, arxiv_id, title, authors, abstract, summary,"
                 " keywords) VALUES (1, '2501.7', 'Capybara scaling laws', 'Ana Ruiz',"
                 " 'Capybaras scale.', '', '')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version >= 2
        assert store.get_paper("2501.7") == paper
        assert store.search("capybara")[0][0] == "2501.7"
        assert store.search("Ruiz")[0][0] == "2501.7"
        index_is_sound(store)


def test_a_write_buffer_keeps_what_was_done_when_a_stage_fails() -> None:
    flushed: list[list[int]] = []
    with pytest.raises(RuntimeError), WriteBuffer(flushed.append, size=3) as buffer:
        for n in range(5):
            buffer.add(n)
        raise RuntimeError("the summarizer broke")
    assert flushed == [[0, 1, 2], [3, 4]]


def test_summaries_keep_every_field(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_day(make_day(n=1))
        summary = Summary(arxiv_id="2501.00000", one_line="", objective="O.", method="M.",
                          results="R 1%.", implication="I.", keywords=["k"], version=2,
                          backend="openai", model="m", prompt_hash="h", usage={"calls": 1})
        verification = Verification(
            items=[CheckedItem("1%", "percent", "unsupported", part="results")], source="pdf")
        (sid,) = store.save_summaries("2025-01-15", "hf-daily", [(summary, verification)])
        found = store.find_summary("2501.00000", 2, "openai", "m", "h")
        assert found == (sid, summary, verification)
