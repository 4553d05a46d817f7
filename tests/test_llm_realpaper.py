"""A real paper (the Transformer PDF, extracted by the fulltext stage) through the openai
backend: the context budget holds, true numbers pass, a misread number is repaired."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.llm import Answer, FakeLLM, chat_body, serve

from dailypapers.config import Settings
from dailypapers.fulltext import extract_pdf
from dailypapers.models import Paper
from dailypapers.summarize.openai_backend import OpenAISummarizer

pytestmark = pytest.mark.shared

TRUE = {
    "one_line": "The paper introduces the Transformer, a model based solely on attention.",
    "objective": "It asks whether attention alone can replace recurrence in translation.",
    "method": "An encoder-decoder of stacked self-attention and feed-forward layers.",
    "results": "The model achieves 28.4 BLEU on the WMT 2014 English-to-German task.",
    "implication": "Attention-only models train faster and parallelize better.",
    "keywords": ["attention", "translation"],
}


def test_real_paper_budget_and_numbers(shared_data: Path) -> None:
    ft = extract_pdf(shared_data / "pdfs" / "1706.03762v5_attention_is_all_you_need.pdf",
                     "1706.03762", 5)
    paper = Paper(arxiv_id="1706.03762", version=5, title="Attention Is All You Need")
    misread = dict(TRUE, results="The model achieves 28.7 BLEU on WMT 2014 English-to-German.")
    answers = iter([Answer(body=chat_body(misread)), Answer(body=chat_body(TRUE))])
    with serve(FakeLLM(lambda seen: next(answers))) as fake:
        summarizer = OpenAISummarizer(Settings(
            openai_base_url=fake.url + "/v1", model="m", context_chars=8000,
        ))
        summary = summarizer.summarize(paper, ft)
    user = fake.seen[0].body["messages"][1]["content"]
    assert len(user) < 8000 + 600  # the paper fitted to the budget, plus the framing
    assert "28.4 BLEU" in user  # the abstract's headline result made the cut
    assert "'28.7'" in fake.seen[1].body["messages"][-1]["content"]
    assert summary.results == TRUE["results"]
    assert summarizer.verifications["1706.03762"].status == "grounded"
