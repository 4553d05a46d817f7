"""Finding 9 for plug-ins: a bug in a summarizer or a channel (an exception that is not one of
ours) is that paper's or that channel's recorded failure, said in one line (the traceback
only with -v); the rest of the day is published and delivered, and the run ends partial."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from faultkit import DATE, ChatServer, cli, cli_env, hf_item, telegram_dir

TESTS = str(Path(__file__).parent)


def day_dir(root: Path, chat: ChatServer, **extra: object) -> Path:
    return telegram_dir(root, chat.url, [hf_item(1), hf_item(2), hf_item(3)], **extra)


def run(root: Path, *flags: str, **env: str) -> tuple[int, str, str]:
    done = cli(root, *flags, "run", "--date", DATE, "--input", str(root / "day.json"),
               "--no-fulltext", env=cli_env(PYTHONPATH=TESTS, **env))
    return done.returncode, done.stdout, done.stderr


def summaries(root: Path) -> dict[str, str]:
    with sqlite3.connect(root / "dailypapers.db") as conn:
        return dict(conn.execute(
            "SELECT d.arxiv_id, s.backend FROM day_papers d"
            " JOIN summaries s ON s.id = d.summary_id"))


def errors(root: Path) -> dict[str, str]:
    with sqlite3.connect(root / "dailypapers.db") as conn:
        return {a: e for a, e in conn.execute("SELECT arxiv_id, error FROM day_papers") if e}


def test_a_summarizer_raising_on_one_paper_is_that_papers_fallback(tmp_path: Path) -> None:
    with ChatServer() as chat:
        root = day_dir(tmp_path / "w", chat, summarizer="fakes.raising:RaisingSummarizer")
        code, out, err = run(root, RAISE_FOR="2503.10002")
        assert len(chat.received) == 4  # the day's header and all three papers
    assert code == 3, out + err
    assert "Traceback" not in err
    bug_lines = [line for line in err.splitlines() if "bug in summarizer" in line]
    assert len(bug_lines) == 1 and "RuntimeError: model crashed on 2503.10002" in bug_lines[0]
    assert "-v for the traceback" in bug_lines[0]
    assert summaries(root) == {"2503.10001": "extractive", "2503.10002": "abstract",
                               "2503.10003": "extractive"}
    assert list(errors(root)) == ["2503.10002"]
    assert "model crashed on 2503.10002" in errors(root)["2503.10002"]
    assert (root / "archive" / "2025" / "03" / "04.md").read_text().count("Paper ") >= 3


def test_with_v_a_plugin_bug_shows_its_traceback(tmp_path: Path) -> None:
    with ChatServer() as chat:
        root = day_dir(tmp_path / "w", chat, summarizer="fakes.raising:RaisingSummarizer")
        code, out, err = run(root, "-v", RAISE_FOR="2503.10001")
    assert code == 3, out + err
    assert "Traceback" in err and "model crashed on 2503.10001" in err


def test_a_summarize_many_that_raises_fails_only_the_papers_it_left(tmp_path: Path) -> None:
    with ChatServer() as chat:
        root = day_dir(tmp_path / "w", chat, summarizer="fakes.buggy:BrokenManySummarizer")
        code, out, err = run(root)
        assert len(chat.received) == 4
    assert code == 3, out + err
    assert "Traceback" not in err
    assert "bug in summarizer broken-many: IndexError: a bug in summarize_many" in err
    assert sorted(summaries(root).values()) == ["abstract", "abstract", "extractive"]
    assert len(errors(root)) == 2


def test_a_summarizer_that_cannot_be_made_leaves_every_paper_its_abstract(
    tmp_path: Path
) -> None:
    with ChatServer() as chat:
        root = day_dir(tmp_path / "w", chat, summarizer="fakes.buggy:UnmakeableSummarizer")
        code, out, err = run(root)
        assert len(chat.received) == 4
    assert code == 3, out + err
    assert "Traceback" not in err
    assert err.count("AttributeError: a bug in a constructor") == 1
    assert set(summaries(root).values()) == {"abstract"}
    assert all("a bug in a constructor" in e for e in errors(root).values())
    status = cli(root, "status", "--date", DATE)
    assert "a bug in a constructor" in status.stdout


def test_a_bug_in_cache_keys_only_costs_the_cache(tmp_path: Path) -> None:
    with ChatServer() as chat:
        root = day_dir(tmp_path / "w", chat, summarizer="nope_backend:Nope")
        code, out, err = run(root)
    assert code == 0, out + err
    assert "ZeroDivisionError: a bug in a backend" in err and "Traceback" not in err
    assert set(summaries(root).values()) == {"abstract"}


def test_a_channel_bug_stops_that_channel_and_the_others_deliver(tmp_path: Path) -> None:
    with ChatServer() as chat:
        root = day_dir(tmp_path / "w", chat,
                       channels=["fakes.buggy:BuggyChannel", "telegram"])
        code, out, err = run(root)
        assert len(chat.received) == 4  # telegram: everything
    assert code == 3, out + err  # published; one channel failed
    assert "Traceback" not in err
    assert "[stopped: bug in channel fakes.buggy:BuggyChannel: KeyError" in out
    assert "telegram: 4 sent" in out
    with sqlite3.connect(root / "dailypapers.db") as conn:
        rows = dict(conn.execute(
            "SELECT item, status FROM deliveries WHERE channel LIKE 'fakes%'"))
    assert rows == {f"buggy:{DATE}:1": "sent", f"buggy:{DATE}:2": "failed"}
    # The next delivery tries only what failed (and fails the same way), sends nothing twice.
    with ChatServer() as chat:
        root = day_dir(root, chat, channels=["fakes.buggy:BuggyChannel", "telegram"])
        again = cli(root, "send", "--date", DATE, env=cli_env(PYTHONPATH=TESTS))
        assert chat.received == []
    assert again.returncode != 0 and "Traceback" not in again.stderr
    assert "1 already sent" in again.stdout and "KeyError" in again.stdout
