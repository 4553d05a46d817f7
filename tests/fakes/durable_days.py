"""Three HF days written as files (the ``file`` source), and every output a reader or git
sees, for the durable-state tests (test_durable*.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATES = ["2025-03-03", "2025-03-04", "2025-03-05"]


def hf_item(date: str, n: int) -> dict[str, Any]:
    arxiv_id = f"2503.{int(date[-2:]) * 100 + n:05d}"
    return {
        "paper": {
            "id": arxiv_id, "title": f"TinyNet {date} number {n}: small vision models",
            "summary": "We introduce TinyNet, a 7B vision model. TinyNet reaches 88.5% top-1 "
                       "accuracy on ImageNet, 2.3 points above the baseline.",
            "authors": [{"name": "Ana Ruiz"}, {"name": "Bo Li"}],
            "publishedAt": f"{date}T00:00:00.000Z", "upvotes": 10 - n,
            "ai_keywords": ["distillation", "vision"],
        },
        "numComments": n,
    }


def write_days(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for date in DATES:
        items = [hf_item(date, n) for n in range(3)]
        (folder / f"{date}.json").write_text(json.dumps(items), encoding="utf-8")


def outputs(root: Path) -> dict[str, bytes]:
    """Every file a reader or git sees, except the run record (runs only ever add to it)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith("dailypapers.db")
        and not {"cache", "ledger", "input"} & set(p.relative_to(root).parts)
    }
