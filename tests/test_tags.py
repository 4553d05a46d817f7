"""Tags: one key per idea (case, plurals, hyphens, aliases), generic words stop-listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.sitekit import add_day, paper, summary

from dailypapers.config import load_settings
from dailypapers.render.site import build_site
from dailypapers.render.tags import (
    _ALIAS_GROUPS,
    GENERIC,
    canonical,
    is_generic,
    singular,
    tag_key,
    tag_label,
)
from dailypapers.store import Store

MERGES = {
    "llm": ["LLM", "LLMs", "llms", "Large Language Models", "large language model",
            "Large Language Models (LLMs)", "LLM-based", "LLM-Based", "language models"],
    "reinforcement learning": ["RL", "Reinforcement Learning", "reinforcement-learning",
                               "Deep Reinforcement Learning"],
    "mllm": ["MLLMs", "MLLM", "Multimodal Large Language Models", "LMMs",
             "multi-modal LLMs"],
    "vlm": ["VLM", "VLMs", "Vision-Language Models", "vision language model",
            "Vision-Language"],
    "chain of thought": ["CoT", "chain-of-thought", "Chain of Thought"],
    "multimodal": ["multimodal", "Multi-Modal", "multi modal", "Multimodality"],
    "pretraining": ["pre-training", "Pretraining", "pre training"],
    "text to video": ["T2V", "Text-to-Video", "text-to-video generation"],
    "diffusion model": ["diffusion", "Diffusion Models", "diffusion model"],
    "finetuning": ["fine-tuning", "Fine-Tuning", "finetuning", "SFT"],
    "rag": ["RAG", "Retrieval-Augmented Generation", "retrieval augmented generation"],
    "mixture of expert": ["MoE", "Mixture-of-Experts", "mixture of experts"],
}


@pytest.mark.parametrize("key", sorted(MERGES))
def test_alias_merges_are_pinned(key: str) -> None:
    assert {tag_key(label) for label in MERGES[key]} == {key}
    labels = {tag_label(label) for label in MERGES[key]}
    assert len(labels) == 1, labels  # one display name, whatever the paper wrote


def test_every_display_label_maps_back_to_its_key() -> None:
    for key, label, variants in _ALIAS_GROUPS:
        assert tag_key(label) == key, label
        for variant in variants:
            assert tag_key(variant) == key, variant


@pytest.mark.parametrize(("word", "one"), [
    ("models", "model"), ("policies", "policy"), ("patches", "patch"), ("boxes", "box"),
    ("llms", "llm"), ("agents", "agent"), ("physics", "physics"), ("analysis", "analysis"),
    ("corpus", "corpus"), ("data", "data"), ("process", "process"), ("robotics", "robotics"),
    ("bias", "bias"), ("videos", "video"), ("hypotheses", "hypothesis"),
    ("hypothesis", "hypothesis"), ("analyses", "analysis"), ("syntheses", "synthesis"),
    ("matrices", "matrix"), ("devices", "device"), ("cheeses", "cheese"), ("uses", "use"),
])
def test_singular(word: str, one: str) -> None:
    assert singular(word) == one


def test_case_hyphens_and_plurals_merge_without_an_alias() -> None:
    assert tag_key("Graph Transformers") == tag_key("graph-transformer") == "graph transformer"
    assert tag_key("Speculative  Decoding") == tag_key("speculative-decoding")
    assert tag_label("Speculative Decoding (SD)") == "Speculative Decoding"


def test_generic_words_are_no_tags() -> None:
    for word in ("data", "Time", "Models", "framework", "tasks", "Deep Learning", "AI", "2024"):
        assert is_generic(tag_key(word)), word
    assert canonical(["data", "LLMs", "time", "Large Language Models", "RL", 7, ""]) == [
        ("llm", "LLMs"), ("reinforcement learning", "reinforcement learning")]
    assert all(tag_key(word) == word for word in GENERIC)  # the list is written in keys


def test_site_merges_tags_and_gives_generic_words_no_page(isolated_env: Path) -> None:
    settings = load_settings(isolated_env)
    with Store(settings.db_path) as store:
        add_day(store, "2025-02-03", [
            (paper("2502.00001", "A", keywords=["LLMs", "data"]),
             summary("2502.00001", "One.", ["Large Language Models", "time"])),
            (paper("2502.00002", "B", keywords=["LLM"]),
             summary("2502.00002", "Two.", ["RL", "data"])),
            (paper("2502.00003", "C", keywords=["LLM-based", "Reinforcement Learning"]),
             summary("2502.00003", "Three.", ["data", "time"])),
            (paper("2502.00004", "D", keywords=["reinforcement-learning", "Time"]),
             summary("2502.00004", "Four.", ["data"])),
        ])
        build_site(store, settings)
    site = isolated_env / "site"
    pages = sorted(p.stem for p in (site / "tags").glob("*.html"))
    assert pages == ["llm", "reinforcement-learning"]
    index = (site / "tags.html").read_text(encoding="utf-8")
    assert index.index(">LLMs</a>") < index.index(">reinforcement learning</a>")  # busiest first
    assert '<span class="n">3</span>' in index


def _raw_key(label: str) -> str:
    """What the site used as a tag's identity before normalization: case and spaces."""
    return " ".join(label.split()).casefold()


@pytest.mark.shared
def test_recorded_days_have_a_third_fewer_tags(isolated_env: Path, shared_data: Path) -> None:
    """Every recorded day: normalized tags with enough papers vs raw keywords, same data."""
    from dailypapers.sources.hf_daily import parse_daily
    from dailypapers.summarize.extractive import ExtractiveSummarizer

    settings = load_settings(isolated_env)
    summarizer = ExtractiveSummarizer(settings)
    raw: dict[str, set[str]] = {}
    with Store(settings.db_path) as store:
        for path in sorted((shared_data / "hf_daily").glob("*.json")):
            day = parse_daily(json.loads(path.read_text(encoding="utf-8")), date=path.stem)
            store.save_day(day)
            for entry in day.entries:
                keywords = list(entry.paper.ai_keywords)
                if entry.paper.abstract.strip() and entry.paper.title.isascii():
                    made = summarizer.summarize(entry.paper)
                    keywords += made.keywords
                    sid = store.save_summary(made, None)
                    store.attach_summary(day.date, day.source, entry.paper.arxiv_id, sid)
                for label in keywords:
                    raw.setdefault(_raw_key(label), set()).add(entry.paper.arxiv_id)
        build_site(store, settings)
    before = sum(1 for ids in raw.values() if len(ids) >= 2)  # yesterday's rule: 2 papers
    pages = {p.stem for p in (isolated_env / "site" / "tags").glob("*.html")}
    assert len(pages) <= before * 2 / 3, (len(pages), before)
    assert not pages & {"data", "time", "model", "ai", "learning", "framework"}
