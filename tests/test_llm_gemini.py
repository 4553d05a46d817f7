"""The gemini backend through the real google-genai SDK against a fake server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fakes.llm import GOOD, Answer, FakeLLM, Seen, gemini_body, paper, serve

from dailypapers.config import Settings
from dailypapers.errors import MissingKeyError
from dailypapers.fulltext.download import Downloaded, PdfCache
from dailypapers.summarize import get_summarizer
from dailypapers.summarize.gemini_backend import GeminiSummarizer
from dailypapers.summarize.prompt import output_schema

KEY = "gk-test-NEVER-SHOW-0b5e55ed"
PDF = b"%PDF-1.5\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def gemini_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", KEY)


def make(fake: FakeLLM, **overrides: Any) -> GeminiSummarizer:
    values: dict[str, Any] = {
        "gemini_base_url": fake.url, "model": "g1", "retry_base_wait": 0.01, "http_retries": 3,
    }
    values.update(overrides)
    return GeminiSummarizer(Settings(**values))


def test_registered_and_keyed() -> None:
    summarizer = get_summarizer("gemini", Settings(gemini_base_url="http://127.0.0.1:9"))
    assert isinstance(summarizer, GeminiSummarizer)
    assert summarizer.model == "gemini-2.5-flash" and summarizer.prompt_hash


def test_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY")
    with pytest.raises(MissingKeyError) as info:
        GeminiSummarizer(Settings())
    assert "GEMINI_API_KEY" in (info.value.hint or "")


def test_sends_the_pdf_itself_with_a_response_schema(tmp_path: Path) -> None:
    (tmp_path / "p.pdf").write_bytes(PDF)
    with serve(FakeLLM()) as fake:
        summarizer = make(fake)
        p, ft = paper()
        ft.stats["pdf_path"] = str(tmp_path / "p.pdf")
        summary = summarizer.summarize(p, ft)
    seen = fake.seen[0]
    assert seen.path.endswith("/models/g1:generateContent")
    assert seen.headers["x-goog-api-key"] == KEY and KEY not in seen.path
    parts = seen.body["contents"][0]["parts"]
    inline = parts[0].get("inlineData") or parts[0]["inline_data"]
    data = inline["data"]
    assert base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)) == PDF
    assert inline.get("mimeType", inline.get("mime_type")) == "application/pdf"
    assert "BEGIN PAPER" not in parts[1]["text"]  # the PDF is the paper; no text copy
    config = seen.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config["responseSchema"]
    assert set(schema["properties"]) == set(output_schema()["properties"])  # no drift
    assert set(schema["required"]) == set(output_schema()["required"])
    assert seen.body["systemInstruction"]["parts"][0]["text"] == summarizer.prompt.text
    assert (summary.backend, summary.model, summary.source) == ("gemini", "g1", "pdf")
    assert summary.results == GOOD["results"]
    assert summary.usage["tokens_in"] == 100


def test_finds_the_pdf_in_the_fetch_stage_cache(tmp_path: Path) -> None:
    settings_dir = tmp_path / "work"
    tmp = tmp_path / "download.part"
    tmp.write_bytes(PDF)
    sha = hashlib.sha256(PDF).hexdigest()
    PdfCache(settings_dir / "cache" / "pdf").store(
        Downloaded(tmp, sha, len(PDF), "https://arxiv.org/pdf/2501.00001v1", "application/pdf",
                   ""), "2501.00001", 1,
    )
    with serve(FakeLLM()) as fake:
        summarizer = make(fake, dir=settings_dir)
        p, ft = paper()
        ft.stats["pdf_sha256"] = sha
        summarizer.summarize(p, ft)
        ft.stats["pdf_sha256"] = "0" * 64  # the text came from another PDF: don't send this one
        summarizer.summarize(p, ft)
    assert "inlineData" in fake.seen[0].body["contents"][0]["parts"][0]
    assert "BEGIN PAPER" in fake.seen[1].body["contents"][0]["parts"][0]["text"]


def test_falls_back_to_text_without_a_pdf() -> None:
    with serve(FakeLLM()) as fake:
        p, ft = paper()
        ft.stats["pdf_path"] = "/nonexistent/p.pdf"
        summary = make(fake).summarize(p, ft)
    parts = fake.seen[0].body["contents"][0]["parts"]
    assert len(parts) == 1 and "BEGIN PAPER" in parts[0]["text"]
    assert "88.5%" in parts[0]["text"]
    assert summary.fallback_from is None


def test_429_retry_then_repair_round_in_the_conversation() -> None:
    bad = dict(GOOD, results="TinyNet reaches 97.3% top-1 accuracy.")
    answers = iter([
        Answer(429, {"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}},
               {"Retry-After": "1"}),
        Answer(body=gemini_body(bad)),
        Answer(),
    ])
    with serve(FakeLLM(lambda seen: next(answers))) as fake:
        summarizer = make(fake)
        summary = summarizer.summarize(*paper())
    assert len(fake.seen) == 3
    assert summarizer.usage_totals["retry_wait_s"] == 1.0
    turns = fake.seen[2].body["contents"]
    assert [t["role"] for t in turns] == ["user", "model", "user"]
    assert "97.3%" in turns[2]["parts"][0]["text"]
    assert "88.5%" in summary.results


def test_errors_fall_back_and_never_leak_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    echo = {"error": {"code": 403, "message": f"API key {KEY} is not valid",
                      "status": "PERMISSION_DENIED"}}

    def script(seen: Seen) -> Answer:
        return Answer(403, echo)

    with serve(FakeLLM(script)) as fake:
        summarizer = make(fake, fallback_models=["g2"])
        summary = summarizer.summarize(*paper())
    assert [s.path.rsplit("/", 1)[-1] for s in fake.seen] == [
        "g1:generateContent", "g2:generateContent",
    ]
    assert summary.fallback_from == "gemini:g1" and summary.backend == "extractive"
    assert "403" in summary.usage["fallback_reason"]
    assert KEY not in caplog.text and KEY not in json.dumps(summary.to_dict())


def test_hang_past_the_timeout_falls_back() -> None:
    with serve(FakeLLM(lambda seen: Answer(delay=3.0))) as fake:
        summarizer = make(fake, request_timeout=0.3, http_retries=2)
        summary = summarizer.summarize(*paper())
    assert len(fake.seen) == 2  # one retry, then the offline summary
    assert summary.fallback_from == "gemini:g1" and summary.backend == "extractive"
