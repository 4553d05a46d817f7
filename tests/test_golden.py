"""Golden outputs: every reader-facing rendering of one day, pinned byte for byte.

Two layers: a day the test writes itself (always runs) and a recorded Hugging Face day
(``shared_data``; skipped without it). Each pins the archive page, the data JSON, the site's
day page, one paper page, the Atom and RSS feeds, the Telegram messages, the email bodies
and the Slack and Discord webhook payloads.

When an output changes on purpose, regenerate and review the diff::

    UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dailypapers.config import Settings, load_settings
from dailypapers.deliver.email import EmailChannel
from dailypapers.deliver.telegram import TelegramChannel
from dailypapers.deliver.webhook import WebhookChannel
from dailypapers.models import (
    CheckedItem,
    DayDigest,
    DayEntry,
    DayList,
    Paper,
    Summary,
    Verification,
)
from dailypapers.render import markdown
from dailypapers.render.paths import day_path, paper_path
from dailypapers.render.site import build_site
from dailypapers.store import Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
FIXED_TIME = "2025-01-15T08:00:00Z"
CONFIG = """\
site_url = "https://papers.example.org/daily/"
site_title = "Golden Papers"
site_workers = 1
max_authors = 3
channels = ["telegram", "email", "webhook"]
telegram_audio = false
email_from = "Daily <daily@example.org>"
email_to = ["reader@example.org"]
email_unsubscribe = "https://papers.example.org/unsubscribe"

[telegram]
chat_id = "-100123"
"""


def _check(layer: str, outputs: dict[str, bytes]) -> None:
    """Compare each output with ``tests/golden/<layer>/<name>`` (or write it)."""
    folder = GOLDEN / layer
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in outputs:
                old.unlink()
        for name, data in outputs.items():
            (folder / name).write_bytes(data)
        return
    assert folder.is_dir(), f"no goldens in {folder}: run with UPDATE_GOLDEN=1"
    assert sorted(p.name for p in folder.iterdir()) == sorted(outputs), (
        "the set of golden files changed: run with UPDATE_GOLDEN=1 and review the diff")
    for name, data in outputs.items():
        expected = (folder / name).read_bytes()
        assert data == expected, (
            f"{layer}/{name} differs from its golden; if the change is intended, run "
            "UPDATE_GOLDEN=1 pytest tests/test_golden.py and review `git diff tests/golden`")


def _outputs(settings: Settings, store: Store, date: str, arxiv_id: str) -> dict[str, bytes]:
    """Every rendering of ``date``, named by what it is."""
    root = settings.root
    markdown.write_day(root, store_digest(store, date), max_authors=settings.max_authors,
                       min_papers=settings.min_papers)
    build_site(store, settings)
    y, m, d = date.split("-")
    site = root / "site"
    out = {
        "archive.md": (root / "archive" / y / m / f"{d}.md").read_bytes(),
        "data.json": (root / "data" / y / m / f"{d}.json").read_bytes(),
        "day.html": (site / day_path(date)).read_bytes(),
        "paper.html": (site / paper_path(arxiv_id)).read_bytes(),
        "atom.xml": (site / "atom.xml").read_bytes(),
        "rss.xml": (site / "rss.xml").read_bytes(),
    }
    digest = store_digest(store, date)
    telegram = TelegramChannel(settings).items(digest)
    out["telegram.txt"] = "\n\n=====\n\n".join(
        f"[{i.key}]\n{i.body}" for i in telegram).encode() + b"\n"
    email = EmailChannel(settings)
    text, html = email.render(digest)
    out["email.txt"] = text.encode()
    out["email.html"] = html.encode()
    for kind in ("slack", "discord"):
        hook = WebhookChannel(settings.model_copy(update={"webhook_kind": kind}))
        payloads = [hook.payload(batch) for batch in hook.batches(hook.items(digest))]
        out[f"{kind}.json"] = (json.dumps(payloads, ensure_ascii=False, indent=1) + "\n").encode()
    return out


def store_digest(store: Store, date: str) -> DayDigest:
    digest = store.load_digest(date)
    assert digest is not None
    return digest


@pytest.fixture
def golden_env(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    (isolated_env / "dailypapers.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", "https://hooks.example.org/T000/B000/XXX")
    return load_settings(isolated_env)


# ---------------------------------------------------------------------- own fixtures


def _paper(n: int, **extra: object) -> Paper:
    values: dict[str, object] = {
        "arxiv_id": f"2501.0{n:04d}", "version": 1, "published": "2025-01-13T00:00:00Z",
        "title": f"Paper {n}: Sparse Attention for Long Contexts",
        "abstract": f"We study sparse attention {n}. It reaches 88.{n}% accuracy on LRA.",
        "authors": ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"][: n + 1],
        "upvotes": 10 + n, "ai_keywords": ["sparse attention", "LLMs"],
    }
    values.update(extra)
    return Paper(**values)  # type: ignore[arg-type]


def _summary(arxiv_id: str, n: int) -> Summary:
    return Summary(
        arxiv_id=arxiv_id, version=1, one_line=f"Sparse attention {n} halves memory.",
        objective="To cut the memory cost of attention on long inputs.",
        method="A block-sparse kernel trained on 1,000 tasks.",
        results=f"It reaches 88.{n}% accuracy, up from 71.2%, at 2x speed.",
        implication="Long-context models fit on one GPU.", keywords=["Sparse Attention"],
        backend="extractive", model=None, prompt_hash="p1", source="pdf",
        created_at=FIXED_TIME,
    )


def _verification(n: int, bad: bool) -> Verification:
    items = [CheckedItem(text=f"88.{n}%", kind="percent", status="grounded", part="results",
                         snippet=f"reaches 88.{n}% accuracy")]
    items.append(CheckedItem(text="71.2%", kind="percent",
                             status="unsupported" if bad else "grounded", part="results",
                             snippet=None if bad else "baseline 71.2%"))
    return Verification(items=items, source="pdf")


def own_day(settings: Settings) -> Store:
    """Two days; the second has a plain paper, an unverified one, an evil one, one unsummarized."""
    store = Store(settings.db_path)
    store.save_day(DayList(date="2025-01-14", source="hf-daily", fetched_at=FIXED_TIME,
                           entries=[DayEntry(_paper(9), rank=1, upvotes=3)]))
    papers = [
        _paper(1, github_repo="https://github.com/example/sparse",
               project_page="https://example.org/sparse"),
        _paper(2),
        _paper(3, title='Evil <script>alert("x")</script> | $\\alpha$ & "quotes"\nnewline',
               authors=["Zoë Ångström", "张三"]),
        _paper(4, upvotes=None),
    ]
    store.save_day(DayList(date="2025-01-15", source="hf-daily", fetched_at=FIXED_TIME,
                           entries=[DayEntry(p, rank=n, upvotes=None if n == 2 else 20 - n)
                                    for n, p in enumerate(papers, 1)]))
    for n, p in enumerate(papers[:3], 1):
        sid = store.save_summary(_summary(p.arxiv_id, n), _verification(n, bad=n == 2))
        store.attach_summary("2025-01-15", "hf-daily", p.arxiv_id, sid)
    return store


def test_golden_own_day(golden_env: Settings) -> None:
    with own_day(golden_env) as store:
        outputs = _outputs(golden_env, store, "2025-01-15", "2501.00001")
    _check("own", outputs)


# ---------------------------------------------------------------------- recorded day


@pytest.mark.shared
def test_golden_recorded_day(golden_env: Settings, shared_data: Path) -> None:
    from dailypapers.sources.hf_daily import parse_daily

    date = "2025-01-15"
    raw = json.loads((shared_data / "hf_daily" / f"{date}.json").read_text(encoding="utf-8"))
    day = parse_daily(raw, date=date)
    day.fetched_at = FIXED_TIME
    with Store(golden_env.db_path) as store:
        store.save_day(day)
        for entry in day.entries:
            paper = entry.paper
            # Summaries that depend on no summarizer: HF's one-liner and the abstract.
            sid = store.save_summary(Summary(
                arxiv_id=paper.arxiv_id, version=paper.version,
                one_line=paper.ai_summary or "", objective="", method="",
                results=paper.abstract, implication="", keywords=paper.ai_keywords[:3],
                backend="golden", created_at=FIXED_TIME))
            store.attach_summary(date, day.source, paper.arxiv_id, sid)
        outputs = _outputs(golden_env, store, date, day.entries[0].paper.arxiv_id)
    _check("recorded", outputs)
