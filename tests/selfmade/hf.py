"""Hugging Face ``/api/daily_papers`` answers written by the tests (the 2025 schema)."""

from __future__ import annotations

from typing import Any

_TOPICS = [
    ("Sparse Mixture-of-Experts Routing for Long-Context Language Models",
     "We study token routing in mixture-of-experts transformers for contexts of up to 128k "
     "tokens. Our router balances expert load with a learned capacity factor. On LongBench it "
     "improves accuracy from 41.2% to 45.8% while using 23% fewer FLOPs than a dense 7B model."),
    ("Grounded Video Question Answering with Temporal Pointers",
     "Video question answering models often answer without looking at the right frames. We "
     "add temporal pointers that cite the frames supporting each answer. On NExT-QA accuracy "
     "rises by 3.1 points and 87% of the cited frames are judged relevant by annotators."),
    ("Cheap Self-Verification for Mathematical Reasoning",
     "We train a 1.5B verifier that scores each step of a chain of thought. Re-ranking 16 "
     "samples with it lifts GSM8K accuracy from 72.4% to 81.0% and MATH from 30.2% to 36.5%, "
     "at one tenth of the cost of a 70B judge."),
    ("Diffusion Policies for Dexterous Manipulation from Few Demonstrations",
     "Robots learn in-hand manipulation from 20 demonstrations with a diffusion policy over "
     "action chunks. Success on five real tasks reaches 78% versus 41% for behaviour cloning."),
    ("Tokenizer-Free Speech Recognition at Scale",
     "We remove the tokenizer from an end-to-end speech recognizer and predict bytes directly. "
     "Word error rate on LibriSpeech test-other drops from 5.9 to 5.2 with 300M parameters."),
]


def hf_item(n: int, *, day: str = "2025-01-15", upvotes: int | None = None) -> dict[str, Any]:
    """One daily_papers item: paper ``2501.000NN`` with a title, abstract and authors."""
    title, abstract = _TOPICS[n % len(_TOPICS)]
    if n >= len(_TOPICS):
        title = f"{title} (part {n // len(_TOPICS) + 1})"
    arxiv_id = f"2501.{n + 1:05d}"
    votes = upvotes if upvotes is not None else 50 - n
    return {
        "paper": {
            "id": arxiv_id,
            "authors": [
                {"_id": f"a{n}1", "name": "Ada Lovelace", "hidden": False},
                {"_id": f"a{n}2", "name": "Alan Turing", "hidden": False},
                {"_id": f"a{n}3", "name": "Grace Hopper", "hidden": False},
            ],
            "publishedAt": f"{day}T08:00:00.000Z",
            "title": title,
            "summary": abstract,
            "upvotes": votes,
            "ai_keywords": ["language models", "evaluation"],
        },
        "publishedAt": f"{day}T09:30:00.000Z",
        "title": title,
        "summary": abstract,
        "numComments": n % 3,
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
        "submittedBy": {"name": "someone", "fullname": "Some One"},
    }


def hf_day(n: int = 5, *, day: str = "2025-01-15") -> list[dict[str, Any]]:
    """A day of ``n`` papers, most upvoted first (as HF lists them)."""
    return [hf_item(i, day=day) for i in range(n)]
