"""view.py: one typed view of a paper on a day, the facts every output shows."""

from __future__ import annotations

from dailypapers.models import CheckedItem, DigestEntry, Paper, Summary, Verification
from dailypapers.view import PART_LABELS, check_view, paper_view, short_authors, upvotes_of


def _entry(**paper: object) -> DigestEntry:
    values: dict[str, object] = {
        "arxiv_id": "2501.00001", "title": "A  Title\nsplit", "abstract": "An abstract.",
        "authors": ["Ada  Lovelace", " ", "Alan Turing", "Grace\nHopper", "E. D."],
        "upvotes": 7, "ai_keywords": ["LLMs", "llms", "  RL "],
    }
    values.update(paper)
    return DigestEntry(paper=Paper(**values), rank=3)  # type: ignore[arg-type]


def _summary(**parts: str) -> Summary:
    values = {"one_line": "One line.", "objective": "Why.", "method": "",
              "results": "88.5% accuracy.", "implication": "Use it."}
    values.update(parts)
    return Summary(arxiv_id="2501.00001", keywords=["Sparse\x00 attention", "LLMs"],
                   backend="extractive", source="pdf", **values)


def test_short_authors_once() -> None:
    names = ["A", "B", "C", "D"]
    assert short_authors(names, 3) == "A, B, C et al."
    assert short_authors(names, 4) == "A, B, C, D"
    assert short_authors(names, 0) == "A, B, C, D"  # 0: everyone
    assert short_authors(["", "  "], 3) == ""
    assert short_authors(["Grace\n  Hopper"], 3) == "Grace Hopper"


def test_upvotes_fall_back_to_the_paper() -> None:
    entry = _entry()
    assert upvotes_of(entry) == 7
    entry.upvotes = 0
    assert upvotes_of(entry) == 0  # the day's count wins, even when zero
    entry.paper.upvotes, entry.upvotes = None, None
    assert upvotes_of(entry) is None


def test_view_of_a_summarized_paper() -> None:
    entry = _entry(github_repo="https://github.com/x/y", project_page="https://x.org")
    entry.summary = _summary()
    view = paper_view(entry, max_authors=2, site_url="https://example.org/d/")
    assert view.title == "A Title split"
    assert view.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper", "E. D.")
    assert view.authors_short == "Ada Lovelace, Alan Turing et al."
    assert view.number == view.rank == 3
    assert [p.label for p in view.parts] == list(PART_LABELS.values())
    assert view.one_line == "One line."
    assert view.missing_parts == ["Method"]
    assert [p.name for p in view.present_parts] == ["one_line", "objective", "results",
                                                    "implication"]
    assert view.paragraph == "One line. Why. 88.5% accuracy. Use it."
    assert [link.kind for link in view.links] == ["page", "arxiv", "hf", "pdf", "code", "project"]
    assert view.page_url == "https://example.org/d/papers/2501/2501.00001.html"
    assert view.page_path == "papers/2501/2501.00001.html"
    assert view.keywords == ("Sparse attention", "LLMs", "reinforcement learning")  # tags.py
    assert view.check.status == "unchecked" and view.check.label == "not checked"
    assert not view.abstract_only


def test_view_without_summary_or_site_url() -> None:
    entry = _entry(title="  ")
    entry.fulltext_source = "abstract"
    view = paper_view(entry, max_authors=5, number=1)
    assert view.title == "2501.00001" and view.number == 1
    assert not view.has_summary and view.parts == () and view.paragraph == ""
    assert view.missing_parts == list(PART_LABELS.values())
    assert view.page_url is None and view.link("page") is None
    assert view.abstract_only


def test_check_badge() -> None:
    items = [CheckedItem("88.5%", "percent", "grounded"),
             CheckedItem("71.2%", "percent", "unsupported"),
             CheckedItem("71.2%", "percent", "unsupported", part="results"),
             CheckedItem("GPT-5", "model_name", "unverifiable")]
    check = check_view(Verification(items=items, source="abstract"))
    assert (check.status, check.checked, check.found, check.failed) == (
        "unsupported", 4, 1, ("71.2%",))
    assert check.read == "abstract only" and check.tone == "warn"
    # The badge says what was read and names what failed; numbers and names counted apart.
    assert check.label == "not found: 71.2% (abstract only)"
    assert (check.numbers, check.names, check.counted) == (3, 1, "3 numbers and 1 name")
    assert check.note == ("Numbers checked against the abstract only: not found in the "
                          "paper: 71.2%")
    ok = check_view(Verification(items=items[:1], source="pdf"))
    assert (ok.status, ok.read, ok.tone) == ("grounded", "full text", "ok")
    assert ok.label == "1 number checked: found (full text)"
    assert ok.note == "Numbers checked against the full text: 1 of 1 found"
    assert check_view(Verification()).label == "no numbers to check"
    swapped = check_view(Verification(items=[CheckedItem("85.2%", "percent",
                                                         "grounded_elsewhere")], source="pdf"))
    assert swapped.failed == ("85.2%",) and swapped.tone == "warn"
