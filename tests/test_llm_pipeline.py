"""The openai backend inside the pipeline and the store: cache hits make no calls, a new
prompt file re-summarizes, flagged summaries are stored with their verification."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fakes.llm import GOOD, Answer, FakeLLM, Seen, chat_body, paper, serve

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.models import DayEntry, DayList
from dailypapers.store import Store
from dailypapers.summarize.openai_backend import OpenAISummarizer

DAY = "2025-01-15"


def day_store(tmp_path: Path, n: int = 3) -> Store:
    store = Store(tmp_path / "dp.db")
    entries = []
    for i in range(n):
        p, ft = paper(f"2501.0000{i}")
        entries.append(DayEntry(paper=p, rank=i + 1))
        store.upsert_paper(p)
        store.save_fulltext(ft)
    store.save_day(DayList(date=DAY, source="hf-daily", entries=entries))
    return store


def settings_for(fake: FakeLLM, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(dir=tmp_path, summarizer="openai", openai_base_url=fake.url + "/v1",
                    model="m1", retry_base_wait=0.01, **extra)


def test_second_run_makes_no_calls_and_a_new_prompt_resummarizes(tmp_path: Path) -> None:
    with serve(FakeLLM()) as fake, day_store(tmp_path) as store:
        settings = settings_for(fake, tmp_path)
        first = pipeline.summarize_day(store, settings, DAY, summarizer=OpenAISummarizer(settings))
        assert len(fake.seen) == 3 and first.summarized == 3
        again = pipeline.summarize_day(store, settings, DAY, summarizer=OpenAISummarizer(settings))
        assert len(fake.seen) == 3  # zero LLM calls
        assert again.cached == 3 and again.summarized == 0
        (tmp_path / "prompt.txt").write_text("Summarize in five parts; facts only.\n", "utf-8")
        edited = settings_for(fake, tmp_path, prompt_file="prompt.txt")
        third = pipeline.summarize_day(store, edited, DAY, summarizer=OpenAISummarizer(edited))
        assert len(fake.seen) == 6 and third.summarized == 3
        system = fake.seen[-1].body["messages"][0]["content"]
        assert system == "Summarize in five parts; facts only."
        digest = store.load_digest(DAY)
        assert digest is not None
        hashes = {e.summary.prompt_hash for e in digest.entries if e.summary}
        assert hashes == {OpenAISummarizer(edited).prompt_hash}


def test_flagged_summary_is_stored_with_its_unsupported_items(tmp_path: Path) -> None:
    bad = dict(GOOD, results="TinyNet reaches 97.3% top-1 accuracy on ImageNet.")

    def script(seen: Seen) -> Answer:
        return Answer(body=chat_body(bad))

    with serve(FakeLLM(script)) as fake, day_store(tmp_path, 1) as store:
        settings = settings_for(fake, tmp_path)
        report = pipeline.summarize_day(store, settings, DAY,
                                        summarizer=OpenAISummarizer(settings))
        assert len(fake.seen) == 2  # the answer and one repair round
        assert report.unsupported == 1
        digest = store.load_digest(DAY)
    assert digest is not None
    entry = digest.entries[0]
    assert entry.summary is not None and entry.summary.backend == "openai"
    assert entry.verification is not None
    assert [i.text for i in entry.verification.unsupported] == ["97.3%"]


def test_all_models_failing_publishes_the_marked_extractive_summary(tmp_path: Path) -> None:
    with serve(FakeLLM(lambda seen: Answer(500, {"error": {}}))) as fake, \
            day_store(tmp_path, 2) as store:
        settings = settings_for(fake, tmp_path, http_retries=1, fallback_models=["m2"])
        report = pipeline.summarize_day(store, settings, DAY,
                                        summarizer=OpenAISummarizer(settings))
        digest = store.load_digest(DAY)
    assert [s.body["model"] for s in fake.seen].count("m2") == 2
    assert report.summarized == 2 and not report.failed
    assert digest is not None
    for entry in digest.entries:
        assert entry.summary is not None
        assert entry.summary.backend == "extractive"
        assert entry.summary.fallback_from == "openai:m1"
        assert "HTTP 500" in json.dumps(entry.summary.usage)


def test_summary_from_the_fallback_model_is_reused_on_the_next_run(tmp_path: Path) -> None:
    """m1 always fails, m2 answers: the re-run finds m2's summaries and calls nobody."""

    def script(seen: Seen) -> Answer:
        if seen.body.get("model") == "m1":
            return Answer(500, {"error": {"message": "m1 is down"}})
        return Answer(body=chat_body(GOOD))

    with serve(FakeLLM(script)) as fake, day_store(tmp_path, 2) as store:
        settings = settings_for(fake, tmp_path, fallback_models=["m2"], http_retries=1)
        first = pipeline.summarize_day(store, settings, DAY, summarizer=OpenAISummarizer(settings))
        assert first.summarized == 2
        calls = len(fake.seen)
        assert {s.body["model"] for s in fake.seen} == {"m1", "m2"}
        again = pipeline.summarize_day(store, settings, DAY, summarizer=OpenAISummarizer(settings))
        assert len(fake.seen) == calls  # zero calls
        assert again.cached == 2
        digest = store.load_digest(DAY)
    assert digest is not None
    assert {e.summary.model for e in digest.entries if e.summary} == {"m2"}
