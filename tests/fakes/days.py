"""Days the tests make: a store's day built from (paper, summary, verification) items, a
small summarized day with hostile titles (delivery tests), plain days and summaries
(store tests). Benchmarks import ``store_day`` too (bench/site.py)."""

from __future__ import annotations

from pathlib import Path

from dailypapers.models import (
    CheckedItem,
    DayEntry,
    DayList,
    Paper,
    Summary,
    Verification,
)
from dailypapers.store import Store

Item = tuple[Paper, Summary | None, Verification | None]


def store_day(store: Store, date: str, items: list[Item], *, source: str = "hf-daily",
              upvotes: list[int | None] | None = None) -> None:
    """Store a day's list (ranks in order) and attach each summary with its verification.

    ``upvotes``: the day's upvotes per paper (default: each paper's own)."""
    store.save_day(DayList(date=date, source=source, entries=[
        DayEntry(p, rank=n + 1, upvotes=p.upvotes if upvotes is None else upvotes[n])
        for n, (p, _s, _v) in enumerate(items)
    ]))
    for p, s, v in items:
        if s is not None:
            sid = store.save_summary(s, v)
            store.attach_summary(date, source, p.arxiv_id, sid)


NASTY_TITLES = [
    "Attention <Is> All & You | Need: a 𝔽ancy \\LaTeX $O(n^2)$ study 🚀",
    "MiniMax-01: Scaling Foundation Models with\nLightning Attention",
    "x < y && y > z: «quotes» \"double\" 'single' — <b>not bold</b>",
]


def make_store(path: Path, date: str = "2025-01-15", n: int = 5, *, long: bool = False) -> Store:
    """A stored, summarized day with hostile titles and summaries (and one unsupported number)."""
    store = Store(path)
    items: list[Item] = []
    for i in range(n):
        title = NASTY_TITLES[i] if i < len(NASTY_TITLES) else f"Plain paper number {i + 1}"
        paper = Paper(
            arxiv_id=f"2501.{8300 + i:05d}", title=title,
            abstract=f"Abstract {i} with <tags> & ampersands | pipes and $\\alpha$.",
            authors=[f"Author {j} Ñoño" for j in range(7 if i == 0 else 2)],
            upvotes=10 * (n - i) + (i % 2),
        )
        results = "It reaches 88.5% on <MMLU> & 2× speed-up, p < 0.05 😀."
        if long and i == 1:
            results = " ".join(["Long results sentence with <angle> & more."] * 250)
        summary = Summary(
            arxiv_id=paper.arxiv_id,
            one_line=f"One-line summary {i}: $\\mathcal{{O}}(n)$ attention <fast> & cheap.",
            objective="The objective is to test escaping of <, > and & in | tables.",
            method="They use a method with \\frac{a}{b} LaTeX and emoji 🧪.",
            results=results,
            implication="Practitioners can ship it.",
            backend="extractive",
            source="abstract" if i == 2 else "pdf",
        )
        verification = Verification(
            items=[CheckedItem("88.5%", "percent", "unsupported" if i == 0 else "grounded")]
        )
        items.append((paper, summary, verification))
    store_day(store, date, items)
    return store


def make_day(date: str = "2025-01-15", n: int = 3, source: str = "hf-daily") -> DayList:
    entries = [
        DayEntry(
            Paper(arxiv_id=f"2501.0000{i}", title=f"Paper {i} on lightning attention",
                  abstract=f"Abstract {i} reaches 88.{i}% accuracy.",
                  authors=[f"Ann {i}", "Bo Li"]),
            rank=i + 1, upvotes=10 - i,
        )
        for i in range(n)
    ]
    return DayList(date=date, source=source, entries=entries)


def make_summary(arxiv_id: str, backend: str = "abstract") -> Summary:
    return Summary(arxiv_id=arxiv_id, one_line="A model.", objective="To test.", method="Tests.",
                   results="It reaches 88.1%.", implication="Useful.", backend=backend)
