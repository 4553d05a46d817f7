"""The markdown archive: reference format, escaping that never breaks the table, indexes."""

from __future__ import annotations

import json
from pathlib import Path

import gfm
import pytest

from dailypapers.models import (
    CheckedItem,
    DayDigest,
    DigestEntry,
    Paper,
    Summary,
    Verification,
)
from dailypapers.render import markdown
from dailypapers.view import paper_view

NASTY_TITLES = [
    "A | B: Pipes | Everywhere",
    "Line\nbreaks\r\nand\ttabs",
    "<script>alert('x')</script> and <b>bold</b>",
    '"><img src=x onerror=alert(1)>',
    r"$\mathcal{O}(n^2)$ Attention with \| escaped pipes \\",
    "Back`ticks` and ``double``",
    "Ünïcödé 模型 and emoji 🚀 & entities &amp; &lt;",
    "Stars *and* _underscores_ [brackets](http://evil) ~strike~",
    "Trailing backslash \\",
]


def entry(title: str, rank: int = 1, summary_text: str = "It works.") -> DigestEntry:
    paper = Paper(arxiv_id=f"2501.{10000 + rank}", title=title, abstract="x",
                  authors=["Ada Lovelace", "Alan Turing"])
    summary = Summary(arxiv_id=paper.arxiv_id, one_line=summary_text, objective="", method="",
                      results="", implication="", backend="abstract")
    return DigestEntry(paper=paper, rank=rank, summary=summary)


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("title", NASTY_TITLES)
def test_nasty_title_and_summary_keep_one_row_of_three_cells(title: str) -> None:
    digest = DayDigest(date="2025-01-15", source="hf-daily",
                       entries=[entry(title, summary_text=f"Summary with {title}")])
    (table,) = gfm.tables(markdown.render_day(digest))
    header, *rows = table
    assert [c.text for c in header] == ["Title", "Authors", "Summary"]
    assert len(rows) == 1 and len(rows[0]) == 3
    title_cell, authors_cell, summary_cell = rows[0]
    # The reader sees exactly the original text, with no markup interpreted from it.
    assert title_cell.text.startswith(plain(title) + " (Read more on arXiv or HuggingFace)")
    assert title_cell.tags == ["a", "a"]
    assert [href for _, href in title_cell.links] == [
        "https://arxiv.org/abs/2501.10001", "https://huggingface.co/papers/2501.10001"]
    assert authors_cell.text == "Ada Lovelace, Alan Turing"
    assert summary_cell.text == plain(f"Summary with {title}") + "."
    assert summary_cell.tags == []


def test_matches_reference_layout(shared_data: Path) -> None:
    reference = (shared_data / "seed" / "2025-01-15.md").read_text(encoding="utf-8")
    digest = DayDigest(date="2025-01-15", source="hf-daily", entries=[entry("T")])
    ours = markdown.render_day(digest)
    # Same header bytes, same row shape as the reference day.
    assert ours.split("| T ")[0] == reference.split("| MiniMax")[0]
    ref_row = reference.splitlines()[6]
    assert ref_row.startswith("| MiniMax-01") and "(Read more on [arXiv](" in ref_row
    row = ours.splitlines()[6]
    assert row == (
        "| T (Read more on [arXiv](https://arxiv.org/abs/2501.10001) or "
        "[HuggingFace](https://huggingface.co/papers/2501.10001))| Ada Lovelace, Alan Turing"
        " | It works. |"
    )


def test_long_author_lists_are_shortened() -> None:
    names = [f"Author {i}" for i in range(12)]
    assert markdown.format_authors(names, 3) == "Author 0, Author 1, Author 2 et al."
    assert markdown.format_authors(names[:2], 3) == "Author 0, Author 1"
    assert markdown.format_authors(names, 0).count(",") == 11
    assert markdown.format_authors([], 3) == "Unknown authors"


def test_unsupported_numbers_are_flagged_in_the_row() -> None:
    e = entry("T", summary_text="Accuracy reaches 97.3%")
    e.verification = Verification(items=[
        CheckedItem("97.3%", "percent", "unsupported", part="one_line"),
        CheckedItem("GPT-40", "model_name", "unsupported", part="one_line"),
    ])
    text = markdown.summary_text(paper_view(e, max_authors=5))
    assert text.endswith("[Numbers checked against the paper: not found in the paper: "
                         "97.3%, GPT-40]")
    e.verification.source = "abstract"
    (table,) = gfm.tables(markdown.render_day(DayDigest("2025-01-15", "x", [e])))
    assert table[1][2].text.endswith("[Numbers checked against the abstract only: not found "
                                     "in the paper: 97.3%, GPT-40]")
    e.verification = Verification(items=[CheckedItem("97.3%", "percent", "grounded")],
                                  source="pdf")
    (table,) = gfm.tables(markdown.render_day(DayDigest("2025-01-15", "x", [e])))
    assert table[1][2].text.endswith("[Numbers checked against the full text: 1 of 1 found]")


def test_missing_summary_keeps_the_paper() -> None:
    e = entry("Kept")
    e.summary = None
    (table,) = gfm.tables(markdown.render_day(DayDigest("2025-01-15", "x", [e])))
    assert table[1][0].text.startswith("Kept") and table[1][2].text


def test_write_day_is_idempotent_and_json_has_every_field(tmp_path: Path) -> None:
    digest = DayDigest("2025-01-15", "hf-daily", [entry("A", 1), entry("B | C", 2)])
    changed = markdown.write_day(tmp_path, digest, max_authors=5, min_papers=0)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in changed) == [
        "archive/2025/01/15.md", "data/2025/01/15.json"]
    assert markdown.write_day(tmp_path, digest, max_authors=5, min_papers=0) == []
    data = json.loads((tmp_path / "data/2025/01/15.json").read_text())
    assert data["count"] == 2
    assert data["papers"][1]["paper"]["title"] == "B | C"
    assert data["papers"][1]["summary"]["backend"] == "abstract"


def test_readme_is_bounded_and_links_the_archive() -> None:
    digests = [DayDigest(f"2025-01-{d:02d}", "x", [entry(f"Day {d}")]) for d in (15, 14)]
    text = markdown.render_readme(digests, title="Daily Papers", archive_days=40)
    assert text.count("## Papers for") == 2
    assert "40 days in all" in text and "archive/README.md" in text
    assert len(gfm.tables(text)) == 2


def test_archive_index_groups_by_month() -> None:
    text = markdown.render_archive_index(["2025-02-01", "2025-01-15", "2025-01-14"])
    assert "## 2025-02" in text and "- [2025-01-14](2025/01/14.md)" in text
