"""Findings 4, 5, 8 and 9 for the LLM: a stalled or trickling endpoint (body or headers), a
model writing without end, an answer in HTML, and a key echoed by the model. Each ends in a
clear line, the papers fall back to the offline summary, the day is published and delivered.

The runs are the real ``dailypapers run`` against loopback servers; a stand-in that would
never finish (one byte every 0.2 s of a 100 KB answer) proves the deadline by the run ending.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fakes.llm import Answer, FakeLLM, Seen, chat_body, gemini_body, paper, serve
from faultkit import (
    DATE,
    ChatServer,
    HeaderTrickleServer,
    TrickleServer,
    cli,
    cli_env,
    hf_item,
    published_text,
    telegram_dir,
)
from pytest_httpserver import HTTPServer

from dailypapers.config import Settings
from dailypapers.errors import SummarizerError
from dailypapers.models import Summary
from dailypapers.summarize.llm import LLMSummarizer

KEY = "sk-proj-FAULTtestKEY-0123456789abcdef"


def llm_dir(root: Path, llm_url: str, chat_url: str, **extra: Any) -> Path:
    """Two papers from a file, summarized by the openai backend at ``llm_url``, published
    (site and feeds) and sent to the Telegram stand-in."""
    return telegram_dir(root, chat_url, [hf_item(1), hf_item(2)], summarizer="openai",
                        openai_base_url=llm_url, http_retries=1, site=True,
                        site_url="https://papers.example.org", **extra)


def run(root: Path, *flags: str) -> Any:
    env = cli_env(OPENAI_API_KEY=KEY)
    return cli(root, *flags, "run", "--date", DATE, "--input", str(root / "day.json"),
               "--no-fulltext", env=env)


def assert_day_published_with_offline_summaries(root: Path, chat: ChatServer) -> str:
    """Both papers on the record as offline fallbacks, on the site and in Telegram."""
    with sqlite3.connect(root / "dailypapers.db") as conn:
        rows = conn.execute(
            "SELECT s.backend, s.data FROM day_papers d"
            " JOIN summaries s ON s.id = d.summary_id ORDER BY d.arxiv_id").fetchall()
    assert [(b, json.loads(d)["fallback_from"]) for b, d in rows] == [
        ("extractive", "openai:gpt-4o-mini")] * 2
    assert (root / "archive" / "2025" / "03" / "04.md").exists()
    assert (root / "site" / "feed.xml").exists() or list((root / "site").glob("*.xml"))
    texts = chat.texts()
    assert len(texts) == 3 and sum("Paper 1" in t for t in texts) >= 1
    status = cli(root, "status", "--date", DATE)
    assert status.returncode == 0, status.stderr
    return status.stdout


# ------------------------------------------------------------------ a stalled endpoint


def test_a_trickling_llm_answer_ends_at_llm_deadline_and_the_day_is_published(
    tmp_path: Path
) -> None:
    with TrickleServer(every=0.2) as slow, ChatServer() as chat:
        root = llm_dir(tmp_path / "w", slow.url, chat.url, llm_deadline=1.5)
        done = run(root)
        assert done.returncode == 3, done.stdout + done.stderr  # partial: fallbacks
        assert "Traceback" not in done.stderr
        assert "no complete answer within 1.5 s (llm_deadline)" in done.stderr
        assert slow.requests == 2  # one per paper: a deadline is not retried
        status = assert_day_published_with_offline_summaries(root, chat)
    assert "llm_deadline" in status


def test_an_llm_trickling_its_headers_is_bounded_too(tmp_path: Path) -> None:
    with HeaderTrickleServer(every=0.1) as slow, ChatServer() as chat:
        root = llm_dir(tmp_path / "w", slow.url, chat.url, llm_deadline=1.5)
        done = run(root)
        assert done.returncode == 3, done.stdout + done.stderr
        assert "no complete answer within 1.5 s (llm_deadline)" in done.stderr
        assert "Traceback" not in done.stderr and slow.requests == 2
        assert_day_published_with_offline_summaries(root, chat)


def test_a_source_trickling_its_headers_ends_at_http_deadline(tmp_path: Path) -> None:
    with HeaderTrickleServer(every=0.1) as slow:
        env = cli_env(DAILYPAPERS_HF_URL=slow.url, DAILYPAPERS_HTTP_DEADLINE="1.5",
                      DAILYPAPERS_HTTP_RETRIES="3")
        done = cli(tmp_path / "w", "run", "--date", DATE, "--no-fulltext", env=env)
        assert slow.requests == 1  # the whole answer had its time; not retried
    assert done.returncode == 1, done.stderr
    assert "not complete after 1.5 s (http_deadline)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "w" / "archive").exists()


def test_telegram_trickling_its_headers_is_a_failed_item(tmp_path: Path) -> None:
    with HeaderTrickleServer(every=0.1) as slow:
        root = telegram_dir(tmp_path / "w", slow.url, [hf_item(1)])
        done = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"),
                   env=cli_env(DAILYPAPERS_HTTP_DEADLINE="1"))
    assert done.returncode == 3, done.stderr  # published, delivery failed
    assert "no answer (DeadlineExceeded)" in done.stdout and "Traceback" not in done.stderr
    with sqlite3.connect(root / "dailypapers.db") as conn:
        assert {r[0] for r in conn.execute("SELECT status FROM deliveries")} == {"failed"}


# ------------------------------------------------------------------ an answer in HTML


def test_an_llm_answering_html_is_one_clear_line_and_a_fallback(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        "<html><body>Sign in to the proxy</body></html>", content_type="text/html")
    with ChatServer() as chat:
        root = llm_dir(tmp_path / "w", httpserver.url_for("/v1"), chat.url)
        done = run(root)
        assert done.returncode == 3, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        said = [line for line in done.stderr.splitlines() if "'text/html', not JSON" in line]
        assert len(said) == 2, done.stderr  # one line per paper: its fallback and why
        assert len(httpserver.log) == 2  # not retried: it would be HTML again
        status = assert_day_published_with_offline_summaries(root, chat)
    assert "text/html" in status


# ------------------------------------------------------------------ output bounded


def _summarizer(url: str, backend: str = "openai", **extra: Any) -> LLMSummarizer:
    from dailypapers.summarize import get_summarizer

    options: dict[str, Any] = {"http_retries": 1, "retry_max_wait": 0, **extra}
    settings = Settings(summarizer=backend, openai_base_url=url, gemini_base_url=url,
                        **options)
    summarizer = get_summarizer(backend, settings)
    assert isinstance(summarizer, LLMSummarizer)
    return summarizer


def test_every_request_carries_the_output_token_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    answers = iter(["not json at all"])  # the first answer needs a repair turn

    def script(seen: Seen) -> Answer:
        bad = next(answers, None)
        if bad is None:
            return Answer()
        return Answer(body=gemini_body(bad) if ":generateContent" in seen.path
                      else chat_body(bad))

    for backend in ("openai", "gemini"):
        answers = iter(["not json at all"])
        with serve(FakeLLM(script)) as fake:
            summarizer = _summarizer(fake.url, backend, llm_max_output_tokens=1234)
            summary = summarizer.summarize(*paper())
            assert summary.backend == backend and not summary.fallback_from
            assert len(fake.seen) == 2
            for seen in fake.seen:
                if backend == "openai":
                    assert seen.body["max_tokens"] == 1234
                else:
                    assert seen.body["generationConfig"]["maxOutputTokens"] == 1234


def test_an_answer_cut_at_the_token_limit_is_not_repaired(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    cut = chat_body('{"one_line": "The paper introduces TinyNet, a sm')
    cut["choices"][0]["finish_reason"] = "length"
    with serve(FakeLLM(lambda seen: Answer(body=cut))) as fake:
        summarizer = _summarizer(fake.url, llm_max_output_tokens=300)
        summary = summarizer.summarize(*paper())
        assert len(fake.seen) == 1  # the same limit would cut a repair too
    assert summary.backend == "extractive" and summary.fallback_from == "openai:gpt-4o-mini"
    assert "cut at 300 output tokens (llm_max_output_tokens)" in summary.usage[
        "fallback_reason"]


def test_a_model_writing_megabytes_gets_fields_cut_before_the_check(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    from fakes.llm import GOOD

    huge = {**GOOD, "method": GOOD["method"] + " padding" * 1_500_000,
            "keywords": ["k"] * 10_000}
    with serve(FakeLLM(lambda seen: Answer(body=chat_body(huge)))) as fake:
        summarizer = _summarizer(fake.url, llm_max_field_chars=500)
        summary = summarizer.summarize(*paper())
    assert summary.backend == "openai"
    assert len(summary.method) <= 500 and summary.method.startswith(GOOD["method"])
    assert len(summary.keywords) <= 32
    assert summary.results == GOOD["results"]
    check = summarizer.verification_of(summary)
    assert check is not None and not check.unsupported


def test_the_summarizer_refuses_a_stalled_endpoint_without_retrying(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with TrickleServer(every=0.1) as slow:
        summarizer = _summarizer(slow.url, llm_deadline=1, http_retries=3)
        with pytest.raises(SummarizerError, match=r"within 1 s \(llm_deadline\)"):
            summarizer._summarize_with("gpt-4o-mini", *paper())
        assert slow.requests == 1


# ------------------------------------------------------------------ a key echoed by the model


def test_a_key_the_model_echoes_is_published_nowhere(tmp_path: Path) -> None:
    def echo(seen: Seen) -> Answer:
        number = 1 if "2503.10001" in json.dumps(seen.body) else 2
        return Answer(body=chat_body({
            "one_line": f"The paper studies thing {number}; the key is {KEY}.",
            "objective": f"It asks about thing {number} ({KEY}).",
            "method": f"A method, with {KEY} in the middle.",
            "results": f"The method reaches 91.{number}% accuracy on the benchmark.",
            "implication": f"Practitioners should not see {KEY}.",
            "keywords": ["things", KEY],
        }))

    with serve(FakeLLM(echo)) as fake, ChatServer() as chat:
        root = llm_dir(tmp_path / "w", fake.url, chat.url)
        done = run(root, "-vv")
        sent = json.dumps([r.fields for r in chat.received])
        assert fake.seen and all(s.headers["authorization"] == f"Bearer {KEY}"
                                 for s in fake.seen)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The paper studies thing 1; the key is ***." in sent  # the summaries went out
    everything = published_text(root)  # site, feeds, archive, data JSON, ledger, database
    assert "thing 1; the key is ***" in everything
    for text in (everything, sent, done.stdout, done.stderr):
        assert KEY not in text
        assert "FAULTtestKEY" not in text


# ------------------------------------------------------------------ the stage as a whole


def test_the_summarize_stage_ends_at_stage_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with serve(FakeLLM(lambda seen: Answer(delay=0.6))) as fake:
        summarizer = _summarizer(fake.url, concurrency=1, stage_deadline=1)
        papers = [paper(f"2501.0000{n}") for n in range(1, 6)]
        done = dict((p.arxiv_id, s) for p, s in summarizer.summarize_many(papers))
        asked = len(fake.seen)
    assert len(done) == 5 and all(not isinstance(s, Exception) for s in done.values())
    late = [s for s in done.values() if isinstance(s, Summary) and s.backend == "extractive"]
    assert 1 <= asked < 5 and len(late) == 5 - asked  # each paper asked once, or not at all
    assert all("stage_deadline (1 s)" in s.usage["fallback_reason"] for s in late)
