"""The store: migrations, day lists, summaries cache, deliveries, search, crash safety."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fakes.days import make_day, make_summary

from dailypapers.models import (
    CheckedItem,
    DayList,
    FullText,
    Paper,
    Verification,
)
from dailypapers.store import Store


def test_migrations_are_numbered_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with Store(path) as store:
        version = store.schema_version
        assert version >= 1
    with Store(path) as store:  # reopening applies nothing twice
        assert store.schema_version == version


def test_save_day_replaces_not_duplicates(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_day(make_day(n=3))
        store.save_day(make_day(n=3))
        day = store.load_day("2025-01-15")
        assert day is not None
        assert [e.paper.arxiv_id for e in day.entries] == [f"2501.0000{i}" for i in range(3)]
        assert store.count_papers() == 3
        store.save_day(make_day(n=2))
        day = store.load_day("2025-01-15")
        assert day is not None and len(day.entries) == 2


def test_summary_cache_key_and_attach(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_day(make_day())
        verification = Verification(items=[CheckedItem("88.1%", "percent", "grounded")])
        sid = store.save_summary(make_summary("2501.00001"), verification)
        assert store.find_summary("2501.00001", None, "abstract", None, None) is not None
        assert store.find_summary("2501.00001", None, "openai", "gpt", "h") is None
        store.attach_summary("2025-01-15", "hf-daily", "2501.00001", sid)
        # Re-saving the same day list keeps the attached summary.
        store.save_day(make_day())
        digest = store.load_digest("2025-01-15")
        assert digest is not None
        attached = [e for e in digest.entries if e.summary is not None]
        assert [e.paper.arxiv_id for e in attached] == ["2501.00001"]
        assert attached[0].verification is not None
        assert attached[0].verification.status == "grounded"
        assert store.search("lightning attention")[0][0].startswith("2501.0000")


def test_upsert_keeps_richer_metadata(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.upsert_paper(Paper(arxiv_id="2501.1", title="T", version=2, github_repo="https://g"))
        store.upsert_paper(Paper(arxiv_id="2501.1", title="T2"))
        paper = store.get_paper("2501.1")
        assert paper is not None
        assert (paper.title, paper.version, paper.github_repo) == ("T2", 2, "https://g")


def test_fulltext_versions_are_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.upsert_paper(Paper(arxiv_id="2501.1", title="T"))
        store.save_fulltext(FullText("2501.1", 1, "pdf", "old text"))
        store.save_fulltext(FullText("2501.1", 2, "pdf", "new text"))
        latest = store.get_fulltext("2501.1")
        old = store.get_fulltext("2501.1", 1)
        assert latest is not None and latest.text == "new text"
        assert old is not None and old.text == "old text"


def test_failed_transaction_leaves_store_unchanged(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_day(make_day(n=2))
        bad = make_day(n=3)
        bad.entries[2].paper.title = None  # type: ignore[assignment]  # NOT NULL violation
        with pytest.raises(sqlite3.IntegrityError):
            store.save_day(bad)
        day = store.load_day("2025-01-15")
        assert day is not None and len(day.entries) == 2


def test_deliveries_record_once(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        assert not store.delivered("telegram", "42", "day:2025-01-15")
        store.record_delivery("telegram", "42", "day:2025-01-15", status="failed", error="429")
        assert not store.delivered("telegram", "42", "day:2025-01-15")
        store.record_delivery("telegram", "42", "day:2025-01-15", status="sent", message_id="7")
        assert store.delivered("telegram", "42", "day:2025-01-15")
        (row,) = store.deliveries("telegram")
        assert row["attempts"] == 2 and row["message_id"] == "7"


def test_not_a_database(tmp_path: Path) -> None:
    from dailypapers.errors import StoreError

    path = tmp_path / "db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


def test_search_command_finds_a_paper_by_title_words(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dailypapers.cli import main

    with Store(tmp_path / "dailypapers.db") as store:
        store.save_day(make_day(n=3))
        store.upsert_paper(Paper(arxiv_id="2501.99999", title="Quantum sheep herding",
                                 abstract="We herd sheep."))
    result = CliRunner().invoke(main, ["search", "--dir", str(tmp_path), "sheep", "herding"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "2501.99999  Quantum sheep herding"
    missing = CliRunner().invoke(main, ["search", "--dir", str(tmp_path), "zebra"])
    assert missing.exit_code == 1 and "No matches" in missing.output


def test_search_rows_follow_the_paper_not_duplicate(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        for title in ("First title about llamas", "Second title about alpacas"):
            store.upsert_paper(Paper(arxiv_id="2501.5", title=title))
        assert store.conn.execute("SELECT count(*) FROM search").fetchone()[0] == 1
        assert store.search("alpacas")[0][0] == "2501.5"
        assert store.search("llamas") == []


def test_the_published_list_is_one_rule_for_every_reader(tmp_path: Path) -> None:
    from dailypapers.store import queries

    with Store(tmp_path / "db") as store:
        older = make_day(date="2025-01-15", n=3, source="hf-daily")
        older.fetched_at = "2025-01-15T08:00:00+00:00"
        newer = make_day(date="2025-01-15", n=2, source="arxiv-list")
        newer.fetched_at = "2025-01-15T09:00:00+00:00"
        store.save_day(older)
        store.save_day(newer)
        empty = DayList(date="2025-01-16", source="hf-daily", entries=[],
                        fetched_at="2025-01-16T09:00:00+00:00")
        store.save_day(make_day(date="2025-01-16", n=1))
        store.save_day(empty)  # the newest list of the 16th is empty: not a published day

        digest = store.load_digest("2025-01-15")
        assert digest is not None and digest.source == "arxiv-list"
        assert len(digest.entries) == 2
        assert store.days() == ["2025-01-15"]
        streamed = list(queries.iter_digests(store))
        assert [(d.date, d.source, len(d.entries)) for d in streamed] == [
            ("2025-01-15", "arxiv-list", 2)
        ]
        assert queries.day_counts(store) == [("2025-01-15", 2)]
