"""A summary written from the abstract because the full text failed is written again once the
full text can be had; one written from the abstract on purpose, or of a paper that has no
full text, is reused as any cached summary.

An arXiv stand-in on loopback answers 503 for one paper's PDF and HTML on the first run and
serves a generated PDF on the next; an LLM stand-in counts the calls per paper; a Telegram
stand-in records what is sent. Run 1 is partial (exit 3) with that paper summarized from its
abstract; run 2 summarizes it again from its PDF (one call, none for the others), exits 0
and sends nothing twice; run 3 calls nothing.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakes.llm import GOOD, Answer, FakeLLM, chat_body, serve
from fakes.pdfkit import make_paper_pdf
from fakes.telegram import TOKEN, TelegramStandIn

from dailypapers import durable
from dailypapers.cli import main
from dailypapers.config import load_settings
from dailypapers.pipeline import FULLTEXT_MISSING

DAY = "2025-03-04"
IDS = ["2503.00101", "2503.00102", "2503.00103"]
FLAKY = IDS[0]  # 503 while the stand-in is down
GONE = "2503.00109"  # no PDF and no HTML, ever (404)
# A summary every number of which the abstract grounds: one call per summary (no repair turn).
GROUNDED = dict(GOOD, objective="It asks whether a small model can match larger ones.",
                method="TinyNet distills a teacher into a student with a new loss.")


@dataclass
class ArxivStandIn:
    """PDFs under /pdf/<id>; ``down`` ids answer 503 to everything, unknown ids 404."""

    pdfs: dict[str, bytes]
    down: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str) -> tuple[int, bytes, str]:
        self.asked.append(path)
        arxiv_id = path.rstrip("/").rsplit("/", 1)[-1]
        if arxiv_id in self.down:
            return 503, b"busy", "text/plain"
        if path.startswith("/pdf/") and arxiv_id in self.pdfs:
            return 200, self.pdfs[arxiv_id], "application/pdf"
        return 404, b"not found", "text/plain"


@contextmanager
def arxiv_stand_in(folder: Path, ids: list[str]) -> Iterator[ArxivStandIn]:
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = {i: make_paper_pdf(folder / f"{i}.pdf", title=f"Paper {i}").read_bytes()
            for i in ids}
    arxiv = ArxivStandIn(pdfs)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            status, body, ctype = arxiv.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    arxiv.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield arxiv
    finally:
        server.shutdown()
        server.server_close()


def day_file(path: Path, ids: list[str]) -> Path:
    items = [{
        "paper": {"id": arxiv_id, "title": f"Paper {arxiv_id}: small vision models",
                  "summary": f"We introduce TinyNet {n}. It reaches 88.5% top-1 accuracy on "
                             "ImageNet, 2.3 points above the baseline.",
                  "authors": [{"name": "Ana Ruiz"}], "publishedAt": f"{DAY}T00:00:00.000Z",
                  "upvotes": 10 - n},
        "title": f"Paper {arxiv_id}: small vision models",
    } for n, arxiv_id in enumerate(ids)]
    path.write_text(json.dumps(items), "utf-8")
    return path


def calls(llm: FakeLLM) -> dict[str, int]:
    """LLM calls so far, per paper (the title is in the request)."""
    counts: dict[str, int] = {}
    for seen in llm.seen:
        text = json.dumps(seen.body)
        for arxiv_id in [*IDS, GONE]:
            if f"Paper {arxiv_id}" in text:
                counts[arxiv_id] = counts.get(arxiv_id, 0) + 1
    return counts


def published(work: Path) -> dict[str, dict[str, object]]:
    """Each paper's entry in the day's durable data file."""
    data = json.loads(durable.data_path(work, DAY).read_text("utf-8"))
    return {p["paper"]["arxiv_id"]: p for p in data["papers"]}


@pytest.fixture
def stand_ins(isolated_env: Path, monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[tuple[ArxivStandIn, FakeLLM, TelegramStandIn]]:
    fake = FakeLLM(lambda seen: Answer(body=chat_body(GROUNDED)))
    with arxiv_stand_in(isolated_env.parent / "served", IDS) as arxiv, serve(fake) as llm, \
            TelegramStandIn() as tg:
        for name, value in {
            "ARXIV_URL": arxiv.url, "HTTP_RETRIES": "2", "RETRY_BASE_WAIT": "0",
            "RETRY_MAX_WAIT": "0", "SOURCE": "file", "SUMMARIZER": "openai",
            "OPENAI_BASE_URL": llm.url + "/v1", "MODEL": "m1", "CHANNELS": "telegram",
            "TELEGRAM_URL": tg.url, "TELEGRAM_CHAT_ID": "-10042", "TELEGRAM_AUDIO": "false",
            "TELEGRAM_PER_MINUTE": "600000", "SITE_URL": "https://papers.example.org",
        }.items():
            monkeypatch.setenv(f"DAILYPAPERS_{name}", value)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
        yield arxiv, llm, tg


def run(source: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["run", "--date", DAY, "--input", str(source), *extra])


def test_a_summary_from_the_abstract_after_a_503_is_written_again_from_the_pdf(
    isolated_env: Path, stand_ins: tuple[ArxivStandIn, FakeLLM, TelegramStandIn],
) -> None:
    arxiv, llm, tg = stand_ins
    source = day_file(isolated_env / "day.json", IDS)
    arxiv.down = {FLAKY}
    first = run(source)
    assert first.exit_code == 3, first.output  # partial: one paper from its abstract only
    assert "1 without full text" in first.output and "503" in first.output
    assert calls(llm) == dict.fromkeys(IDS, 1)
    entry = published(isolated_env)[FLAKY]
    summary = entry["summary"]
    assert isinstance(summary, dict) and summary["source"] == "abstract"
    assert "503" in summary["usage"][FULLTEXT_MISSING]
    assert entry["fulltext_source"] == "abstract"
    for other in IDS[1:]:  # written from their PDFs: nothing to redo
        assert FULLTEXT_MISSING not in published(isolated_env)[other]["summary"]["usage"]
    sent = list(tg.texts())
    assert len(sent) == 1 + len(IDS)  # the day's header and one message per paper
    page = next((isolated_env / "site" / "papers").rglob(f"{FLAKY}*.html"))
    assert "Checked against the abstract only" in page.read_text("utf-8")
    archive = isolated_env / "archive" / "2025" / "03" / "04.md"
    before = archive.read_text("utf-8")

    arxiv.down = set()
    second = run(source)
    assert second.exit_code == 0, second.output  # the day is complete
    assert "without full text" not in second.output
    assert "now from the full text" in second.output
    assert calls(llm) == {FLAKY: 2, IDS[1]: 1, IDS[2]: 1}  # one call, for that paper only
    assert tg.texts() == sent  # nothing sent twice: the improved summary is not sent again
    entry = published(isolated_env)[FLAKY]
    summary = entry["summary"]
    assert isinstance(summary, dict) and summary["source"] == "pdf"
    assert FULLTEXT_MISSING not in summary["usage"]
    verification = entry["verification"]
    assert isinstance(verification, dict) and verification["source"] == "pdf"  # checked again
    assert entry["fulltext_source"] == "pdf"
    assert "Checked against the abstract only" not in page.read_text("utf-8")
    assert archive.read_text("utf-8") != before

    third = run(source)
    assert third.exit_code == 0, third.output
    assert calls(llm) == {FLAKY: 2, IDS[1]: 1, IDS[2]: 1}  # stable: nothing redone again
    assert tg.texts() == sent


def test_no_fulltext_summaries_and_a_paper_without_a_pdf_are_reused(
    isolated_env: Path, stand_ins: tuple[ArxivStandIn, FakeLLM, TelegramStandIn],
) -> None:
    """Full text off is a choice, not a failure: turning it on later redoes nothing (that
    costs an LLM call per paper; ``--refresh`` is the way). A paper whose PDF and HTML are
    missing (404) is fetched again each run, as before, and is not summarized again while
    it still has none."""
    arxiv, llm, _ = stand_ins
    source = day_file(isolated_env / "day.json", [*IDS, GONE])
    chosen = run(source, "--no-fulltext")
    assert chosen.exit_code == 0, chosen.output
    assert calls(llm) == dict.fromkeys([*IDS, GONE], 1)
    assert all(FULLTEXT_MISSING not in p["summary"]["usage"]  # type: ignore[index]
               for p in published(isolated_env).values())

    normal = run(source)
    assert normal.exit_code == 3, normal.output  # the 404 paper: abstract only
    assert calls(llm) == dict.fromkeys([*IDS, GONE], 1)  # no call: every summary reused
    assert {i: p["summary"]["source"]  # type: ignore[index]
            for i, p in published(isolated_env).items()} == dict.fromkeys([*IDS, GONE],
                                                                            "abstract")
    assert any(GONE in path for path in arxiv.asked)

    refreshed = run(source, "--refresh")  # the documented way to have them from the PDFs
    assert refreshed.exit_code == 3, refreshed.output
    assert calls(llm) == dict.fromkeys([*IDS, GONE], 2)
    gone = published(isolated_env)[GONE]["summary"]
    assert isinstance(gone, dict) and "404" in gone["usage"][FULLTEXT_MISSING]

    asked = len(arxiv.asked)
    again = run(source)  # the 404 paper is asked again, and not summarized again
    assert again.exit_code == 3, again.output
    assert calls(llm) == dict.fromkeys([*IDS, GONE], 2)
    assert any(GONE in path for path in arxiv.asked[asked:])


def test_the_mark_survives_a_rebuild_and_the_next_run_completes_the_day(
    isolated_env: Path, stand_ins: tuple[ArxivStandIn, FakeLLM, TelegramStandIn],
) -> None:
    """The durable files keep why a summary is abstract-only: after the database and the
    cache are lost and rebuilt, the paper whose PDF failed is still summarized again once it
    can be read, and the papers read from their PDFs (restored as stubs) are not."""
    arxiv, llm, tg = stand_ins
    source = day_file(isolated_env / "day.json", IDS)
    arxiv.down = {FLAKY}
    assert run(source).exit_code == 3
    sent = list(tg.texts())
    settings = load_settings(isolated_env)
    db = Path(settings.db_path)
    for lost in [*db.parent.glob(db.name + "*"), settings.cache_path]:
        if lost.is_dir():
            shutil.rmtree(lost)
        else:
            lost.unlink()
    rebuilt = CliRunner().invoke(main, ["rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output

    arxiv.down = set()
    second = run(source)
    assert second.exit_code == 0, second.output
    assert calls(llm) == {FLAKY: 2, IDS[1]: 1, IDS[2]: 1}
    assert tg.texts() == sent
    summary = published(isolated_env)[FLAKY]["summary"]
    assert isinstance(summary, dict) and summary["source"] == "pdf"
