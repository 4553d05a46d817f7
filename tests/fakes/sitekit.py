"""Small synthetic stores for the site and feed tests (test_site*.py, test_feed*.py)."""

from __future__ import annotations

from pathlib import Path

from dailypapers.config import Settings, load_settings
from dailypapers.models import (
    CheckedItem,
    Paper,
    Summary,
    Verification,
)
from dailypapers.store import Store

from .days import store_day

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
    store_day(store, date, [(p, s, verification(grounded)) for p, s in papers], source=source,
              upvotes=[10 * (n + 1) for n in range(len(papers))])


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


_TEXT = ("adaptive sparse attention for long context reasoning with verifiable rewards in "
         "multimodal agents trained on synthetic video benchmarks using diffusion policies "
         "and retrieval augmented planning over large scale code repositories")
_WORDS = _TEXT.split(" ")
_TAGS = ["LLMs", "reinforcement learning", "diffusion models", "agents", "video",
         "code generation", "RAG", "multimodal", "robotics", "speech", "benchmark"]


def busy_day_store(root: Path, papers: int = 50, date: str = "2025-09-30") -> tuple[Settings,
                                                                                     Store]:
    """One day of ``papers`` papers with realistic lengths (titles, 3-14 authors, summaries)."""
    settings = load_settings(root)
    store = Store(settings.db_path)
    items: list[tuple[Paper, Summary | None]] = []
    for n in range(papers):
        words = [_WORDS[(n * 7 + k * 3) % len(_WORDS)] for k in range(8 + n % 7)]
        title = " ".join(words).capitalize() + (f": Part {n}" if n % 3 == 0 else "")
        authors = [f"Author{n}-{k} Surname{k}" for k in range(3 + n % 12)]
        arxiv_id = f"2509.{20000 + n:05d}"
        p = Paper(arxiv_id=arxiv_id, title=title, authors=authors, version=1,
                  abstract=f"We study {title.lower()}. It improves accuracy by {n + 3}.5%.",
                  ai_keywords=[_TAGS[(n + k) % len(_TAGS)] for k in range(2 + n % 3)],
                  github_repo="https://github.com/example/repo" if n % 2 else None,
                  project_page="https://huggingface.co/spaces/example/demo" if n % 5 == 0
                  else None)
        s = Summary(
            arxiv_id=arxiv_id,
            one_line=f"{title} reaches {n + 3}.5% higher accuracy than strong baselines on "
                     "four benchmarks while using a tenth of the compute.",
            objective="To find out whether the method scales to long inputs.",
            method="A transformer trained on 1,000 tasks with a sparse attention pattern.",
            results=f"It reaches 88.5% accuracy, up from 71.2%, and {n + 3}.5% on average.",
            implication="Practitioners can use smaller models for long documents.",
            keywords=[_TAGS[(n * 3) % len(_TAGS)]], backend="extractive", source="pdf")
        items.append((p, s))
    store_day(store, date, [(p, s, verification(p.arxiv_id[-1] != "7")) for p, s in items],
              upvotes=[(papers - n) * 3 + n % 4 for n in range(len(items))])
    return settings, store
