"""A small stored, summarized day with hostile titles and summaries, for the delivery tests."""

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

NASTY_TITLES = [
    "Attention <Is> All & You | Need: a 𝔽ancy \\LaTeX $O(n^2)$ study 🚀",
    "MiniMax-01: Scaling Foundation Models with\nLightning Attention",
    "x < y && y > z: «quotes» \"double\" 'single' — <b>not bold</b>",
]


def make_store(path: Path, date: str = "2025-01-15", n: int = 5, *, long: bool = False) -> Store:
    """A stored, summarized day with hostile titles and summaries (and one unsupported number)."""
    store = Store(path)
    entries = []
    for i in range(n):
        title = NASTY_TITLES[i] if i < len(NASTY_TITLES) else f"Plain paper number {i + 1}"
        paper = Paper(
            arxiv_id=f"2501.{8300 + i:05d}", title=title,
            abstract=f"Abstract {i} with <tags> & ampersands | pipes and $\\alpha$.",
            authors=[f"Author {j} Ñoño" for j in range(7 if i == 0 else 2)],
            upvotes=10 * (n - i) + (i % 2),
        )
        entries.append(DayEntry(paper, rank=i + 1, upvotes=paper.upvotes))
    store.save_day(DayList(date=date, source="hf-daily", entries=entries))
    for entry in entries:
        i = entry.rank - 1
        results = "It reaches 88.5% on <MMLU> & 2× speed-up, p < 0.05 😀."
        if long and i == 1:
            results = " ".join(["Long results sentence with <angle> & more."] * 250)
        summary = Summary(
            arxiv_id=entry.paper.arxiv_id,
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
        sid = store.save_summary(summary, verification)
        store.attach_summary(date, "hf-daily", entry.paper.arxiv_id, sid)
    return store
