"""One definition of the source and one check: the LLM repair turn and the pipeline use the
same ``source_of`` and ``verify_paper``; a summary is verified once and its verdict stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.llm import GOOD, Answer, FakeLLM, Seen, chat_body, paper, serve

from dailypapers import pipeline
from dailypapers import verify as verify_module
from dailypapers.config import Settings
from dailypapers.models import DayEntry, DayList, FullText, Paper, Summary, Verification
from dailypapers.store import Store
from dailypapers.summarize import llm
from dailypapers.summarize.openai_backend import OpenAISummarizer
from dailypapers.verify import Source, source_of, verify_paper

DAY = "2025-01-15"


def test_source_is_title_abstract_and_full_text_and_says_what_was_read() -> None:
    p = Paper("2501.00001", "TinyNet-7B", "We reach 88.5% on ImageNet.")
    ft = FullText("2501.00001", 1, "pdf", "Body with 1019 FLOPs.", flattened_numbers=["1019"])
    full = source_of(p, ft)
    assert full.text.index("TinyNet-7B") < full.text.index("88.5%") < full.text.index("Body")
    assert full.read == "pdf" and full.flattened == ("1019",)
    for fulltext in (None, FullText("2501.00001", 1, "abstract", p.abstract),
                     FullText("2501.00001", 1, "pdf", "")):
        only = source_of(p, fulltext)
        assert only.read == "abstract" and "Body" not in only.text and "TinyNet-7B" in only.text
    summary = Summary("2501.00001", "TinyNet-7B reaches 88.5%.", "", "", "", "")
    checked = verify_paper(summary, full)
    assert checked.source == "pdf" and checked.full_text
    assert verify_paper(summary, source_of(p, None)).full_text is False


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Summary]:
    calls: list[Summary] = []

    def counted(summary: Summary, source: Source) -> Verification:
        calls.append(summary)
        return verify_paper(summary, source)

    monkeypatch.setattr(pipeline, "verify_paper", counted)
    monkeypatch.setattr(llm, "verify_paper", counted)
    return calls


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "dp.db")
    p, ft = paper("2501.00001")
    store.upsert_paper(p)
    store.save_fulltext(ft)
    store.save_day(DayList(date=DAY, source="hf-daily", entries=[DayEntry(paper=p, rank=1)]))
    return store


def test_an_llm_summary_is_verified_once_and_that_verdict_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting(monkeypatch)
    with serve(FakeLLM()) as fake, _store(tmp_path) as store:
        settings = Settings(dir=tmp_path, summarizer="openai", model="m1",
                            openai_base_url=fake.url + "/v1")
        summarizer = OpenAISummarizer(settings, verifier=llm.verify_paper)
        pipeline.summarize_day(store, settings, DAY, summarizer=summarizer)
        digest = store.load_digest(DAY)
    assert len(calls) == 1  # the engine's check, reused by the pipeline
    assert digest is not None and digest.entries[0].verification is not None
    stored = digest.entries[0].verification
    assert stored.source == "pdf" and stored.status == "grounded"
    assert [i.text for i in stored.items] == [
        i.text for i in summarizer.verifications["2501.00001"].items]


def test_a_repaired_summary_stores_the_verdict_of_the_answer_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting(monkeypatch)
    bad = dict(GOOD, results="TinyNet reaches 97.3% top-1 accuracy on ImageNet.")
    answers = iter([bad, GOOD])

    def script(seen: Seen) -> Answer:
        return Answer(body=chat_body(next(answers)))

    with serve(FakeLLM(script)) as fake, _store(tmp_path) as store:
        settings = Settings(dir=tmp_path, summarizer="openai", model="m1",
                            openai_base_url=fake.url + "/v1")
        summarizer = OpenAISummarizer(settings, verifier=llm.verify_paper)
        pipeline.summarize_day(store, settings, DAY, summarizer=summarizer)
        digest = store.load_digest(DAY)
    assert len(calls) == 2  # the first answer and the repaired one; nothing after
    assert digest is not None
    entry = digest.entries[0]
    assert entry.summary is not None and "88.5%" in entry.summary.results
    assert entry.verification is not None and entry.verification.unsupported == []


def test_an_offline_summary_is_verified_by_the_pipeline_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting(monkeypatch)
    with _store(tmp_path) as store:
        settings = Settings(dir=tmp_path)
        pipeline.summarize_day(store, settings, DAY)
        pipeline.summarize_day(store, settings, DAY)  # cached: the stored verdict is reused
        digest = store.load_digest(DAY)
    assert len(calls) == 1
    assert digest is not None and digest.entries[0].verification is not None
    assert digest.entries[0].verification.source == "pdf"


def test_verify_module_has_one_source_definition() -> None:
    assert not hasattr(llm, "source_text_of") and not hasattr(pipeline, "_verify")
    assert verify_module.source_of is source_of
