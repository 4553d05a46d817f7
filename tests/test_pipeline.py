"""End to end: a recorded Hugging Face day through the real HTTP stack to the archive page."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gfm
import pytest
from click.testing import CliRunner, Result
from fakes.replay import hf_dates, hf_day, json_response, serve_hf_days
from pytest_httpserver import HTTPServer
from selfmade.hf import hf_day as made_day
from selfmade.pdfs import make_paper

from dailypapers.cli import main
from dailypapers.store import Store

pytestmark = pytest.mark.shared


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def hf(httpserver: HTTPServer, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = serve_hf_days(httpserver, shared_data, missing="400")
    monkeypatch.setenv("DAILYPAPERS_HF_URL", url)
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0")
    return url


def archive_rows(root: Path, date: str) -> list[list[gfm.Cell]]:
    year, month, day = date.split("-")
    text = (root / "archive" / year / month / f"{day}.md").read_text(encoding="utf-8")
    (table,) = gfm.tables(text)
    return table[1:]


class Data:
    """A day's HF answer and a paper's PDF: written by the tests ("made"), or the recorded
    ones from ../shared ("recorded", deselected when it is absent)."""

    def __init__(self, shared: Path | None, tmp: Path) -> None:
        self.shared, self.tmp = shared, tmp

    def day(self, date: str) -> list[Any]:
        if self.shared is not None:
            return hf_day(self.shared, date)
        return made_day(10, day=date)

    def pdf(self) -> tuple[bytes, str]:
        """A PDF's bytes and a word its text must contain."""
        if self.shared is not None:
            path = self.shared / "pdfs" / "2508.10683v1_coptic_french_nmt.pdf"
            return path.read_bytes(), "Coptic"
        facts = make_paper(self.tmp / "made.pdf")
        return facts.path.read_bytes(), "capacity factor"


@pytest.fixture(params=["made", pytest.param("recorded", marks=pytest.mark.recorded)])
def data(request: pytest.FixtureRequest, tmp_path: Path) -> Data:
    if request.param == "recorded":
        return Data(request.getfixturevalue("shared_data"), tmp_path)
    return Data(None, tmp_path)


@pytest.fixture
def hf_data(httpserver: HTTPServer, data: Data, monkeypatch: pytest.MonkeyPatch) -> str:
    url = serve_hf_days(httpserver, None, days={"2025-01-15": data.day("2025-01-15")},
                        missing="400")
    monkeypatch.setenv("DAILYPAPERS_HF_URL", url)
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0")
    return url


def expected_papers(source: Path | Data, date: str) -> list[dict[str, object]]:
    seen, papers = set(), []
    items = source.day(date) if isinstance(source, Data) else hf_day(source, date)
    for item in items:
        paper = item["paper"]
        if paper["id"] not in seen:
            seen.add(paper["id"])
            papers.append(paper)
    return papers


def test_reference_day_end_to_end(hf: str, shared_data: Path, isolated_env: Path) -> None:
    result = run_cli("run", "--date", "2025-01-15", "--no-fulltext", "--dir", "out")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Done: 2025-01-15: 10 papers, 10 summarized")
    root = isolated_env / "out"
    rows = archive_rows(root, "2025-01-15")
    papers = expected_papers(shared_data, "2025-01-15")
    assert len(rows) == len(papers) == 10
    for row, paper in zip(rows, papers, strict=True):
        assert len(row) == 3
        title = " ".join(str(paper["title"]).split())
        assert row[0].text.startswith(title + " (Read more on arXiv")
        assert (
            ("arXiv", f"https://arxiv.org/abs/{paper['id']}")
            in row[0].links
        )
        names = [a["name"] for a in paper["authors"] if not a.get("hidden")]  # type: ignore[union-attr,index]
        assert row[1].text.startswith(", ".join(names[:5]))
        assert row[2].text
    # The reference day's first paper is MiniMax-01 by real authors, not HF user names.
    assert rows[0][1].text.startswith("MiniMax, Aonian Li, Bangwei Gong")
    data = json.loads((root / "data/2025/01/15.json").read_text())
    assert [p["paper"]["arxiv_id"] for p in data["papers"]] == [p["id"] for p in papers]
    assert "## Papers for 2025-01-15" in (root / "README.md").read_text()

    # Every output (archive, README, data, site, feeds), not the database or caches, nor
    # the ledger (the record of runs, to which each run adds its own line).
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()
              and "dailypapers.db" not in p.name
              and not {"cache", "ledger"} & set(p.relative_to(root).parts)}
    assert (root / "site" / "index.html").exists()
    again = run_cli("run", "--date", "2025-01-15", "--no-fulltext", "--dir", "out")
    assert again.exit_code == 0
    assert "10 from cache" in again.output
    after = {p: p.read_bytes() for p in before}
    assert after == before  # a second run changes nothing


@pytest.mark.parametrize("date", [
    "2024-05-27", "2024-06-17", "2024-10-10", "2025-01-13", "2025-01-14", "2025-01-17",
    "2025-02-18", "2025-05-27", "2025-08-15", "2025-12-23",
])
def test_every_recorded_day(hf: str, shared_data: Path, isolated_env: Path, date: str) -> None:
    assert date in hf_dates(shared_data)
    result = run_cli("run", "--date", date, "--no-fulltext", "--dir", "out")
    assert result.exit_code in (0, 3), result.output
    rows = archive_rows(isolated_env / "out", date)
    papers = expected_papers(shared_data, date)
    assert len(rows) == len(papers)
    for row, paper in zip(rows, papers, strict=True):
        assert len(row) == 3
        assert row[0].text.startswith(" ".join(str(paper["title"]).split()))
        assert "\n" not in row[0].text


def test_empty_day_is_reported_not_published(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    monkeypatch.setenv("DAILYPAPERS_HF_URL", serve_hf_days(httpserver, None, days={}))
    result = run_cli("run", "--date", "2025-01-18", "--no-fulltext")
    assert result.exit_code == 4
    assert result.output.startswith("Empty: 2025-01-18")
    assert not (isolated_env / "archive").exists()


def test_future_date_fails_clearly_and_keeps_the_store(
    hf_data: str, isolated_env: Path
) -> None:
    assert run_cli("run", "--date", "2025-01-15", "--no-fulltext").exit_code == 0
    result = run_cli("run", "--date", "2099-01-01", "--no-fulltext")
    assert result.exit_code in (1, 4)
    with Store(isolated_env / "dailypapers.db") as store:
        digest = store.load_digest("2025-01-15")
        assert digest is not None and len(digest.entries) == 10
    assert (isolated_env / "archive/2025/01/15.md").exists()
    assert not (isolated_env / "archive/2099").exists()


def test_broken_answers_publish_nothing_and_lose_nothing(
    httpserver: HTTPServer, data: Data, monkeypatch: pytest.MonkeyPatch,
    isolated_env: Path,
) -> None:
    good = serve_hf_days(httpserver, None, days={"2025-01-15": data.day("2025-01-15")})
    monkeypatch.setenv("DAILYPAPERS_HF_URL", good)
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0")
    assert run_cli("run", "--date", "2025-01-15", "--no-fulltext").exit_code == 0
    page = (isolated_env / "archive/2025/01/15.md").read_bytes()
    httpserver.clear()
    body = json.dumps(data.day("2025-01-15"))
    httpserver.expect_request("/api/daily_papers").respond_with_data(
        body[: len(body) // 2], content_type="application/json")
    result = run_cli("run", "--date", "2025-01-15", "--no-fulltext")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert (isolated_env / "archive/2025/01/15.md").read_bytes() == page
    with Store(isolated_env / "dailypapers.db") as store:
        digest = store.load_digest("2025-01-15")
        assert digest is not None and all(e.summary for e in digest.entries)


def count_rows(db: Path, table: str) -> int:
    """Read-only peek at another process's database (0 while it is still being created)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_kill_mid_run_then_rerun_gives_the_same_result(
    httpserver: HTTPServer, data: Data, tmp_path: Path, isolated_env: Path
) -> None:
    """Kill a real process while it summarizes; the re-run finishes without duplicates."""
    items = data.day("2025-01-15")
    serve_hf_days(httpserver, None, days={"2025-01-15": data.day("2025-01-15")})
    tests_dir = Path(__file__).parent
    env = {**os.environ, "DAILYPAPERS_HF_URL": httpserver.url_for("/").rstrip("/"),
           "PYTHONPATH": str(tests_dir), "SLOW_SUMMARIZER_DELAY": "0.3"}
    cmd = [sys.executable, "-m", "dailypapers", "run", "--date", "2025-01-15",
           "--no-fulltext", "--summarizer", "slow_summarizer:SlowSummarizer", "--dir", "k"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = isolated_env / "k" / "dailypapers.db"
    deadline = time.monotonic() + 60
    summarized = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            summarized = count_rows(db, "summaries")
            if summarized >= 3:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert 3 <= summarized < 10, proc.stderr.read() if proc.stderr else ""
    assert not (isolated_env / "k" / "archive").exists()

    env["SLOW_SUMMARIZER_DELAY"] = "0"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM summaries").fetchone()[0] == 10
        assert store.conn.execute("SELECT count(*) FROM day_papers").fetchone()[0] == 10
    rows = archive_rows(isolated_env / "k", "2025-01-15")
    assert len(rows) == len({i["paper"]["id"] for i in items}) == 10


def test_full_text_path_and_fallbacks_are_counted(
    httpserver: HTTPServer, data: Data, monkeypatch: pytest.MonkeyPatch,
    isolated_env: Path,
) -> None:
    """One paper gets a real PDF, the others 404: nobody is dropped, fallbacks are counted."""
    serve_hf_days(httpserver, None, days={"2025-01-15": data.day("2025-01-15")})
    pdf, word = data.pdf()
    first = data.day("2025-01-15")[0]["paper"]["id"]
    httpserver.expect_request(f"/pdf/{first}").respond_with_data(
        pdf, content_type="application/pdf")
    base = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("DAILYPAPERS_HF_URL", base)
    monkeypatch.setenv("DAILYPAPERS_ARXIV_URL", base)
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0")
    result = run_cli("run", "--date", "2025-01-15")
    assert result.exit_code == 3, result.output  # partial: 9 papers had no full text
    assert result.output.startswith("Partial: 2025-01-15: 10 papers, 10 summarized")
    assert "9 without full text" in result.output
    with Store(isolated_env / "dailypapers.db") as store:
        digest = store.load_digest("2025-01-15")
        assert digest is not None
        sources = {e.paper.arxiv_id: e.fulltext_source for e in digest.entries}
        assert sources[first] == "pdf"
        assert sorted(set(sources.values())) == ["abstract", "pdf"]
        assert all(e.summary and e.verification for e in digest.entries)
        text = store.get_fulltext(first)
        assert text is not None and word in text.text
    rows = archive_rows(isolated_env, "2025-01-15")
    assert len(rows) == 10
    # A second run downloads nothing new for the PDF it has, and retries the others.
    again = run_cli("run", "--date", "2025-01-15")
    assert again.exit_code == 3 and "10 from cache" in again.output
    pdf_requests = [r for r, _ in httpserver.log if r.path == f"/pdf/{first}"]
    assert len(pdf_requests) == 1


def test_run_delivers_once_and_alerts_on_an_empty_day(
    httpserver: HTTPServer, data: Data, monkeypatch: pytest.MonkeyPatch,
    isolated_env: Path,
) -> None:
    serve_hf_days(httpserver, None, days={"2025-01-15": data.day("2025-01-15")})
    posts: list[dict[str, object]] = []

    def hook(request):  # type: ignore[no-untyped-def]
        posts.append(json.loads(request.get_data()))
        return json_response({"ok": True})

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    base = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("DAILYPAPERS_HF_URL", base)
    monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", f"{base}/hook")
    monkeypatch.setenv("DAILYPAPERS_CHANNELS", "webhook")
    monkeypatch.setenv("DAILYPAPERS_ALERT_CHANNEL", "webhook")
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0")
    result = run_cli("run", "--date", "2025-01-15", "--no-fulltext")
    assert result.exit_code == 0, result.output
    assert "sent" in result.output
    sent_text = json.dumps(posts)
    assert posts and all(
        p["id"] in sent_text for p in expected_papers(data, "2025-01-15"))
    count = len(posts)
    again = run_cli("run", "--date", "2025-01-15", "--no-fulltext")
    assert again.exit_code == 0 and len(posts) == count  # nothing sent twice

    empty = run_cli("run", "--date", "2025-01-18", "--no-fulltext")
    assert empty.exit_code == 4
    assert len(posts) == count + 1  # the alert
    assert "2025-01-18" in json.dumps(posts[-1])
