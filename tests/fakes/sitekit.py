"""Small synthetic stores for the site and feed tests (test_site*.py, test_feed*.py)."""

from __future__ import annotations

from pathlib import Path

from dailypapers.config import Settings, load_settings
from dailypapers.models import (
    CheckedItem,
    DayEntry,
    DayList,
    Paper,
    Summary,
    Verification,
)
from dailypapers.store import Store

EVIL_TITLE = (
    'Attention <script>alert("t")</script> "><img src=x onerror=alert(1)> | '
    "$\\mathcal{O}(n^2)$ for Schrödinger 量子 Models\nSecond line"
)
EVIL_ONE_LINE = 'Shows "><img src=x onerror=alert(2)> and <script>alert(3)</script> | \\alpha'


def paper(arxiv_id: str, title: str, *, keywords: list[str] | None = None,
          authors: list[str] | None = None) -> Paper:
    return Paper(
        arxiv_id=arxiv_id, title=title,
        abstract=f"We study {title.lower()} and report 88.5% accuracy.",
        authors=authors if authors is not None else ["Zoë Ångström", "Li Wei", "A. Person"],
        ai_keywords=keywords or [], github_repo="https://github.com/example/repo",
        project_page="https://example.org/project", version=2,
    )


def summary(arxiv_id: str, one_line: str, keywords: list[str]) -> Summary:
    return Summary(
        arxiv_id=arxiv_id, one_line=one_line,
        objective="To find out whether the method scales.",
        method="A transformer trained on 1,000 tasks.",
        results="It reaches 88.5% accuracy, up from 71.2%.",
        implication="Practitioners can use smaller models.",
        keywords=keywords, backend="extractive", model="test-model", source="pdf",
    )


def verification(grounded: bool = True) -> Verification:
    return Verification(items=[
        CheckedItem(text="88.5%", kind="percent", status="grounded", part="results",
                    snippet="reaches 88.5 % accuracy on <b>held-out</b> tasks"),
        CheckedItem(text="71.2%", kind="percent",
                    status="grounded" if grounded else "unsupported", part="results",
                    snippet=None if not grounded else "baseline at 71.2 %"),
    ])


def add_day(store: Store, date: str, papers: list[tuple[Paper, Summary | None]],
            source: str = "hf-daily", grounded: bool = True) -> None:
    store.save_day(DayList(date=date, source=source, entries=[
        DayEntry(p, rank=n + 1, upvotes=10 * (n + 1)) for n, (p, _s) in enumerate(papers)
    ]))
    for p, s in papers:
        if s is not None:
            sid = store.save_summary(s, verification(grounded))
            store.attach_summary(date, source, p.arxiv_id, sid)


def small_site_store(root: Path) -> tuple[Settings, Store]:
    """Three days, an evil paper, shared tags ("vision" twice, "speech" once), one repeat.

    Tag pages from two papers on (the default minimum is larger than this small store).
    """
    settings = load_settings(root).model_copy(update={"site_tag_min_papers": 2})
    store = Store(settings.db_path)
    add_day(store, "2025-01-13", [
        (paper("2501.00001", "Vision Transformers at Scale", keywords=["Vision"]),
         summary("2501.00001", "Scaling vision transformers works.", ["vision", "scaling"])),
        (paper("2501.00002", "Speech Recognition Without Labels"),
         summary("2501.00002", "Self-supervised speech recognition.", ["speech"])),
    ])
    add_day(store, "2025-01-14", [
        (paper("2501.00003", EVIL_TITLE, authors=["Jürgen Ñoño", "Zhang San 张三"]),
         summary("2501.00003", EVIL_ONE_LINE, ["vision", "Quantum <b>ML</b>"])),
        (paper("2501.00004", "Unsummarized Paper On Graphs"), None),
    ], grounded=False)
    add_day(store, "2025-01-15", [
        (paper("2501.00005", "Diffusion Policies for Robots", keywords=["robotics"]),
         summary("2501.00005", "Diffusion policies control robots.", ["robotics", "diffusion"])),
        (paper("2501.00001", "Vision Transformers at Scale", keywords=["Vision"]),
         summary("2501.00001", "Scaling vision transformers works, again.", ["vision"])),
    ])
    return settings, store
