"""Findings 2, 3, 7 and 10 (ids, control characters): hostile lists are data, bad items skipped."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from faultkit import CHAT, DATE, ChatServer, cli, hf_item, telegram_dir, write_day

from dailypapers.models import split_arxiv_id
from dailypapers.safety import (
    check_json_depth,
    clip,
    flat_text,
    safe_url,
    strip_controls,
    why_unsafe,
)
from dailypapers.sources.hf_daily import parse_daily
from dailypapers.sources.validate import Limits

HOSTILE = "javascript:alert(document.domain)"


@pytest.mark.parametrize("url", [
    "https://github.com/org/repo", "http://example.org/a?b=1&c=2#x", "https://[::1]:8080/x",
])
def test_plain_links_pass(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize("url", [
    HOSTILE, "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>",
    "file:///etc/passwd", "vbscript:x", "https://user:pw@github.com/x", "https://tok@x.org/",
    "//evil.org/x", "https://", "https:///path", "https://x.org/a b", "https://x.org/\x00",
    "https://x.org/\u202e", "https://x.org:99999/", "https://" + "a" * 3000 + ".org/", "",
    None, 42,
])
def test_everything_else_is_refused_with_a_reason(url: object) -> None:
    assert safe_url(url) is None
    assert why_unsafe(url)


def test_control_and_bidi_characters_are_dropped() -> None:
    text = "A\x00B\x1b[31mC\x07D\u202eE\u2066F\u200fG\r\nH\tI 🚀"
    assert strip_controls(text) == "AB[31mCDEFG\n\nH\tI 🚀"
    # What every output starts from: the same, on one line, without XML's non-characters.
    assert flat_text(text + "\ufffe\uffffJ \n K") == "AB[31mCDEFG H I 🚀J K"
    assert flat_text(None) == ""


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    assert clip("short", 10) == "short"
    cut = clip("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("…")


def test_json_depth_is_bounded_and_strings_do_not_count() -> None:
    check_json_depth(b'[{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]', 4)
    check_json_depth(json.dumps([[[[1]]]]).encode(), 4)
    with pytest.raises(ValueError, match="deeper than 4"):
        check_json_depth(json.dumps([[[[[1]]]]]).encode(), 4)
    check_json_depth(b'["\\"[[[[[["]', 2)  # an escaped quote does not end the string


@pytest.mark.parametrize("raw", [
    "２５０１.08313", "2501.０8313", "2501.08313v99999999999999999999", "2501.08313v١",
])
def test_ids_need_ascii_digits_and_a_sane_version(raw: str) -> None:
    with pytest.raises(ValueError):
        split_arxiv_id(raw)


def test_one_bad_item_is_skipped_and_the_rest_kept() -> None:
    items = [
        hf_item(1, upvotes=2**63),
        hf_item(2, id="2503.10002v99999999999999999999"),
        hf_item(3, id="２５０３.10003"),
        hf_item(4, githubRepo=HOSTILE, projectPage="https://user:pw@x.org/"),
        hf_item(5, title="T" * 1_000_000, summary="S" * 5_000_000,
                authors=[{"name": "N" * 10_000}] * 5_000),
        hf_item(6, upvotes=-(2**63) - 1),
        hf_item(7, title="Bell\x07 and \u202eevil\x00 title"),
        hf_item(8),
    ]
    day = parse_daily(items, date=DATE, limits=Limits())
    kept = {e.paper.arxiv_id: e.paper for e in day.entries}
    assert sorted(kept) == ["2503.10004", "2503.10005", "2503.10007", "2503.10008"]
    reasons = dict(day.skipped)
    assert "64-bit" in reasons[1] and "not an arXiv id" in reasons[2]
    assert "not an arXiv id" in reasons[3] and "64-bit" in reasons[6]
    dropped = [reason for position, reason in day.skipped if position == 4]
    assert dropped == ["2503.10004: githubRepo dropped: a javascript: link, not http(s)",
                       "2503.10004: projectPage dropped: credentials in the link"]
    assert kept["2503.10004"].github_repo is None and kept["2503.10004"].project_page is None
    big = kept["2503.10005"]
    assert len(big.title) <= 1_000 and len(big.abstract) <= 20_000
    assert len(big.authors) == 2_000 and max(map(len, big.authors)) <= 300
    assert kept["2503.10007"].title == "Bell and evil title"


def _site_and_archive_text(root: Path) -> str:
    parts = []
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".md", ".json", ".xml", ".txt") and (
                path.name != "day.json"  # the hostile input itself
                and "ledger" not in path.relative_to(root).parts):  # the run record, unpublished
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def test_hostile_list_publishes_inert_links_and_clean_text_everywhere(tmp_path: Path) -> None:
    items = [
        hf_item(1, githubRepo=HOSTILE, projectPage="javascript:void(0)",
                title="Evil \u202etitle\x1b[2J with a bell\x07"),
        hf_item(2, upvotes=2**64),
        hf_item(3, githubRepo="https://github.com/ok/repo"),
    ]
    with ChatServer() as chat:
        root = telegram_dir(tmp_path / "w", chat.url, items, site=True,
                            site_url="https://papers.example.org")
        done = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"))
        sent = json.dumps([r.fields for r in chat.received])
    assert done.returncode == 3, done.stderr  # partial: one item skipped, one link dropped
    assert "Traceback" not in done.stderr
    assert "2 papers" in done.stdout and "skipped" in done.stdout
    published = _site_and_archive_text(root)
    for text in (published, sent):
        assert "javascript:" not in text.lower()
        assert "\u202e" not in text and "\x1b" not in text and "\x07" not in text
        assert "\\u202e" not in text.lower()
    assert "https://github.com/ok/repo" in published and "https://github.com/ok/repo" in sent
    assert "2503.10002" not in published and "2503.10002" not in sent
    status = cli(root, "status", "--date", DATE)
    assert "2503.10002" in status.stdout and "64-bit" in status.stdout
    assert "githubRepo dropped" in status.stdout


def test_deep_json_fails_clearly_and_is_recorded(tmp_path: Path) -> None:
    root = tmp_path / "w"
    deep = "[" * 100_000 + "]" * 100_000
    (root).mkdir()
    (root / "day.json").write_text(deep, encoding="utf-8")
    done = cli(root, "run", "--date", DATE, "--source", "file", "--input",
               str(root / "day.json"), "--no-fulltext")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "deeper than 64" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2  # the error and its hint
    with sqlite3.connect(root / "dailypapers.db") as conn:
        status, message = conn.execute("SELECT status, message FROM runs").fetchone()
    assert status == "failed" and "deeper" in message


def test_stale_ids_from_the_store_are_still_checked_by_renderers(tmp_path: Path) -> None:
    """A link stored before the check existed (or by another tool) is not rendered."""
    items = [hf_item(1), hf_item(2)]
    with ChatServer() as chat:
        root = telegram_dir(tmp_path / "w", chat.url, items, site=True)
        write_day(root / "day.json", items)
        first = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"),
                    "--no-fulltext")
        assert first.returncode == 0, first.stderr
        with sqlite3.connect(root / "dailypapers.db") as conn:
            data = json.loads(conn.execute(
                "SELECT data FROM papers WHERE arxiv_id='2503.10001'").fetchone()[0])
            data["github_repo"] = HOSTILE
            data["project_page"] = "data:text/html,x"
            conn.execute("UPDATE papers SET data=? WHERE arxiv_id='2503.10001'",
                         (json.dumps(data),))
            conn.execute("DELETE FROM deliveries")
        again = cli(root, "publish", "--date", DATE)
        assert again.returncode == 0, again.stderr
        chat.received.clear()
        sent = cli(root, "send", "--date", DATE)
        assert sent.returncode == 0, sent.stderr
        payloads = json.dumps([r.fields for r in chat.received])
    assert "javascript:" not in _site_and_archive_text(root / "site").lower()
    assert "javascript:" not in payloads and CHAT in payloads
