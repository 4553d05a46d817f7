"""hf-daily's parser on answers the tests write: what test_sources_hf_daily.py checks on the
recorded days (schema generations, hidden authors, names, titles, malformed items)."""

from __future__ import annotations

import copy
from typing import Any

from selfmade.hf import hf_day, hf_item

from dailypapers.sources.hf_daily import parse_daily


def test_a_made_day_parses_in_the_apis_order() -> None:
    raw = hf_day(12)
    day = parse_daily(raw, date="2025-01-15")
    assert (day.date, day.source, day.skipped) == ("2025-01-15", "hf-daily", [])
    assert [e.rank for e in day.entries] == list(range(1, 13))
    assert [e.paper.arxiv_id for e in day.entries] == [i["paper"]["id"] for i in raw]
    for entry, item in zip(day.entries, raw, strict=True):
        paper = entry.paper
        assert paper.title == item["paper"]["title"] and paper.abstract
        assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
        assert paper.version is None
        assert entry.upvotes == paper.upvotes == item["paper"]["upvotes"]
        assert paper.published == item["paper"]["publishedAt"]  # the paper's date
        assert paper.num_comments == item["numComments"]


def test_titles_and_abstracts_with_newlines_are_joined() -> None:
    item = hf_item(0)
    item["paper"]["title"] = ("We-Math 2.0: A Versatile MathBook System\n  for Incentivizing"
                              "\nReasoning")
    item["paper"]["summary"] = "First line\nsecond  line."
    paper = parse_daily([item], date="2025-08-15").entries[0].paper
    assert paper.title == "We-Math 2.0: A Versatile MathBook System for Incentivizing Reasoning"
    assert paper.abstract == "First line second line."


def test_hidden_authors_are_left_out_and_names_kept_intact() -> None:
    item = hf_item(0)
    item["paper"]["authors"] = [
        {"_id": "1", "name": "Amir Hidden", "hidden": True},
        {"_id": "2", "name": "François Yvon", "hidden": False},
        {"_id": "3", "name": " Hinrich Schütze ", "user": {"user": "hschuetze"}},
        {"_id": "4", "name": "Aleksander Mądry"},
        {"_id": "5", "name": "Hal Daumé III"},
        {"_id": "6"},  # no name: not an author
    ]
    item["paper"]["title"] = "FürElise: Capturing Piano Performance"
    paper = parse_daily([item], date="2024-06-17").entries[0].paper
    assert paper.authors == ["François Yvon", "Hinrich Schütze", "Aleksander Mądry",
                             "Hal Daumé III"]
    assert paper.title.startswith("FürElise:")


def test_schema_generations() -> None:
    # 2024-05: the thumbnail is mediaUrl; no submitter, no AI fields.
    old = hf_item(0)
    old.pop("thumbnail")
    old.pop("submittedBy")
    old["mediaUrl"] = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2501.00001.png"
    del old["paper"]["ai_keywords"]
    paper = parse_daily([old], date="2024-05-27").entries[0].paper
    assert paper.thumbnail == old["mediaUrl"]
    assert paper.submitter is None and paper.ai_summary is None and paper.ai_keywords == []
    # 2025-08: GitHub repo and stars, project page, AI summary, submitter, media in extra.
    new = hf_item(1)
    new["paper"].update(
        githubRepo="https://github.com/example/repo", githubStars=79, upvotes=92,
        projectPage="https://example.github.io/", ai_summary="It enhances reasoning.",
        ai_keywords=["MathBook-RL", "curriculum"], submittedOnDailyBy={"user": "someone"},
        mediaUrls=["https://a.example/1.png", "https://a.example/2.mp4"],
        isAuthorParticipating=False,
    )
    new["numComments"] = 4
    paper = parse_daily([new], date="2025-08-15").entries[0].paper
    assert paper.github_repo == "https://github.com/example/repo"
    assert (paper.github_stars, paper.upvotes, paper.num_comments) == (79, 92, 4)
    assert paper.project_page == "https://example.github.io/"
    assert paper.ai_summary == "It enhances reasoning."
    assert paper.ai_keywords == ["MathBook-RL", "curriculum"]
    assert paper.submitter == "someone"
    assert len(paper.extra["mediaUrls"]) == 2 and paper.extra["isAuthorParticipating"] is False
    # 2025-12: an organization, its handle kept.
    org = hf_item(2)
    org["paper"]["organization"] = {"name": "ustc", "fullname": "University of Science and "
                                    "Technology of China"}
    paper = parse_daily([org], date="2025-12-23").entries[0].paper
    assert paper.organization == "University of Science and Technology of China"
    assert paper.extra["organization_id"] == "ustc"


def test_paper_title_preferred_over_submission_title() -> None:
    item = hf_item(0)
    item["title"] = "$\\text{Transformer}^2$: Self-adaptive LLMs"
    item["paper"]["title"] = "Transformer^2: Self-adaptive LLMs"
    assert parse_daily([item], date="2025-01-14").entries[0].paper.title == (
        "Transformer^2: Self-adaptive LLMs")
    item["paper"]["title"] = " "
    assert parse_daily([item], date="2025-01-14").entries[0].paper.title == (
        "$\\text{Transformer}^2$: Self-adaptive LLMs")  # only when the paper has none


def _item(arxiv_id: str, title: str = "A title", **paper: Any) -> dict[str, Any]:
    return {"paper": {"id": arxiv_id, "title": title, "authors": [], **paper}, "numComments": 0}


def test_malformed_items_are_skipped_and_reported() -> None:
    good = hf_day(3)
    payload = [good[0], "junk", {"title": "no paper"}, _item("not-an-id"), good[1],
               _item("2501.09991", "  \n "), _item("2501.09992", authors="Alice"), good[2]]
    day = parse_daily(copy.deepcopy(payload), date="2025-01-15")
    assert [e.paper.arxiv_id for e in day.entries] == [g["paper"]["id"] for g in good]
    assert [e.rank for e in day.entries] == [1, 2, 3]
    assert [pos for pos, _ in day.skipped] == [2, 3, 4, 6, 7]
    reasons = " | ".join(r for _, r in day.skipped)
    assert "not an object" in reasons and "no 'paper'" in reasons
    assert "not an arXiv id" in reasons and "no title" in reasons and "not a list" in reasons
