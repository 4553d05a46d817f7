"""Per-part scoring (reference split, positional baselines) and the defect checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dailypapers.models import Paper, Summary
from dailypapers.summarize.base import Summarizer
from dailypapers.summarize.defects import DEFECT_KINDS, find_defects
from dailypapers.summarize.evaluation import Pair, evaluate, fields_text, load_pairs
from dailypapers.summarize.reference_parts import (
    positional_parts,
    positional_single,
    split_reference,
    strip_connective,
)

PARAGRAPH = (
    "SlimAttn is a sparse attention scheme for long documents. The primary objective is to "
    "cut the quadratic cost of attention on long inputs. The key methodology involves a "
    "learned router that keeps 12.5% of the keys. The model reaches 45.3 points on "
    "LongBench, 3.1x faster than dense attention. The principal implication for AI "
    "practitioners is that learned sparsity makes long-context inference affordable."
)
ROMAN = (
    "i) SlimAttn is a sparse attention scheme. ii) **Main research question:** Can attention "
    "be sparse without loss? iii) The methodology involves a learned router. iv) Results "
    "show 45.3 points on LongBench. v) AI practitioners can serve long inputs cheaply. "
    "Follow-up questions: 1. How does it scale?"
)
LETTERS = ("a) The paper asks whether attention can be sparse. b) The authors train a router. "
           "c) It reaches 45.3 points. d) Practitioners can use it.")


def test_split_reference_paragraph_with_openers() -> None:
    parts = split_reference(PARAGRAPH)
    assert parts["one_line"].startswith("SlimAttn is a sparse")
    assert parts["objective"] == "Cut the quadratic cost of attention on long inputs."
    assert parts["method"].startswith("A learned router")
    # No opener before the results: the sentence after the method's first one.
    assert parts["results"].startswith("The model reaches 45.3")
    assert parts["implication"].startswith("Learned sparsity makes")


def test_split_reference_marked_lists() -> None:
    roman = split_reference(ROMAN)
    assert roman["objective"] == "Can attention be sparse without loss?"
    assert roman["method"] == "A learned router."
    assert roman["implication"] == "AI practitioners can serve long inputs cheaply."
    assert "Follow-up" not in roman["implication"]
    letters = split_reference(LETTERS)
    assert list(letters) == ["objective", "method", "results", "implication"]
    assert letters["results"] == "It reaches 45.3 points."


def test_free_form_reference_is_not_split() -> None:
    assert split_reference("SlimAttn is fast. It keeps few keys. Practice follows.") == {}


def test_strip_connective() -> None:
    assert strip_connective("The primary results show that X wins.") == "X wins."
    assert strip_connective("Methodologically, the authors train it.") == "The authors train it."
    assert strip_connective("The primary objective is to address the problem that a b.") == \
        "A b."
    assert strip_connective("SlimAttn wins.") == "SlimAttn wins."


def test_positional_baselines() -> None:
    abstract = " ".join(f"Sentence number {w} is here." for w in
                        ("one", "two", "three", "four", "five", "six", "seven"))
    runs = positional_parts(abstract)
    assert runs["one_line"] == "Sentence number one is here."
    # 7 sentences in five runs: 1, 2, 1, 2, 1.
    assert runs["objective"] == "Sentence number two is here. Sentence number three is here."
    assert runs["implication"] == "Sentence number seven is here."
    assert " ".join(runs.values()).count("Sentence") == 7
    single = positional_single(abstract)
    assert single["one_line"].endswith("one is here.")
    assert single["results"].endswith("five is here.")
    assert single["implication"].endswith("seven is here.")
    short = positional_parts("Only one sentence here.")
    assert short["one_line"] and not short["results"]


CLEAN = Summary("x", "SlimAttn keeps 12.5% of the keys with a learned router.",
                "Attention cost grows quadratically with the length of the input.",
                "A learned router picks the keys each query attends to.",
                "SlimAttn reaches 45.3 points on LongBench, 3.1x faster than dense attention.",
                "Learned sparsity is a practical path to long-context inference.")


def test_a_clean_summary_has_no_defects() -> None:
    assert find_defects(CLEAN) == []


@pytest.mark.parametrize(("part", "text", "kind"), [
    ("results", "The primary results show that SlimAttn reaches 45.3 points.", "stock_opener"),
    ("method", "Methodologically, a router picks the keys.", "stock_opener"),
    ("objective", "However, attention cost grows with length.", "dangling_start"),
    ("method", "It picks the keys each query attends to.", "dangling_start"),
    ("objective", "The goal is to automate this process for every model.", "dangling_start"),
    ("method", "A router picks keys for each query.To save memory it drops them.",
     "glued_words"),
    ("method", "A router improves the Abilitytheir keys of each query.", "glued_words"),
    ("method", "A router improves the multi- modal keys of each query.", "glued_words"),
    ("implication", "Acknowledgements The authors are grateful to the reviewers.",
     "heading_or_ack"),
    ("method", "3 Method Overview The router picks keys for each query.", "heading_or_ack"),
    ("method", "Figure 2: The router picks keys for each query.", "heading_or_ack"),
    ("method", "(3) MathBook-RL: a router picks keys for each query.", "heading_or_ack"),
    ("results", "The authors collect a dataset of 250K documents from the web.", "wrong_role"),
    ("implication", "The authors propose a router that picks keys.", "wrong_role"),
    ("objective", "SlimAttn outperforms dense attention by 3.2 points.", "wrong_role"),
    ("results", "The abstract does not report specific results.", "placeholder"),
])
def test_each_defect_kind(part: str, text: str, kind: str) -> None:
    summary = Summary(**{**CLEAN.to_dict(), part: text})
    kinds = {d.kind for d in find_defects(summary)}
    assert kind in kinds
    assert kinds <= set(DEFECT_KINDS)


def test_pronoun_exceptions_are_not_defects() -> None:
    fine = Summary(**{**CLEAN.to_dict(),
                      "one_line": "This paper introduces SlimAttn, a sparse attention scheme.",
                      "implication": "These results suggest that sparsity is practical."})
    assert find_defects(fine) == []


class _Fixed(Summarizer):
    id = "fixed"

    def __init__(self, summary: Summary) -> None:  # no settings: a fixed answer
        self.summary = summary

    def summarize(self, paper: Paper, fulltext: object = None) -> Summary:  # type: ignore[override]
        return Summary(**{**self.summary.to_dict(), "arxiv_id": paper.arxiv_id})


ABSTRACT = ("Long documents are hard for language models. Attention cost grows quadratically. "
            "We propose SlimAttn, a sparse attention scheme. A learned router keeps 12.5% of "
            "the keys. SlimAttn reaches 45.3 points on LongBench, 3.1x faster than dense "
            "attention. Our results suggest sparsity is a practical path to long inputs.")


def test_evaluate_scores_parts_and_counts_defects() -> None:
    ref = split_reference(PARAGRAPH)
    perfect = Summary("x", ref["one_line"], ref["objective"], ref["method"], ref["results"],
                      ref["implication"])
    pairs = [Pair(Paper(f"2501.0000{i}", "SlimAttn", ABSTRACT), PARAGRAPH) for i in range(4)]
    report = evaluate(pairs, _Fixed(perfect))["all"]
    for part in ("objective", "method", "results", "implication"):
        row = report["parts"][part]
        assert row["system"] == 1.0
        assert row["positional"] < 1.0 and row["positional_single"] < 1.0
        assert row["references"] == 4
    assert report["defects_per_100"]["total"] == 0
    assert report["system_fields"]["rougeL"] > report["baseline_abstract"]["rougeL"]

    stocky = Summary(**{**perfect.to_dict(),
                        "results": "The primary results show that " + ref["results"],
                        "implication": "The abstract states no implication beyond these."})
    report = evaluate(pairs, _Fixed(stocky))["all"]
    # One stock opener and one placeholder in every summary: 200 per 100 summaries.
    assert report["defects_per_100"]["stock_opener"] == 100.0
    assert report["defects_per_100"]["placeholder"] == 100.0
    assert report["defects_per_100"]["total"] == 200.0
    # The stock opener earns nothing: scored without connectives, results still match.
    assert report["parts"]["results"]["system"] == 1.0
    assert fields_text(stocky).count("primary results") == 0


def test_eval_json_carries_parts_and_defects(tmp_path: Path) -> None:
    abstracts = tmp_path / "a.jsonl"
    references = tmp_path / "r.jsonl"
    abstracts.write_text(json.dumps({"arxiv_id": "2501.1", "title": "SlimAttn",
                                     "abstract": ABSTRACT}) + "\n")
    references.write_text(json.dumps({"arxiv_id": "2501.1", "summary": PARAGRAPH}) + "\n")
    pairs, _ = load_pairs(abstracts, references)
    from dailypapers.config import Settings
    from dailypapers.summarize.extractive import ExtractiveSummarizer
    report = evaluate(pairs, ExtractiveSummarizer(Settings()))
    assert set(report["all"]["parts"]) == {"one_line", "objective", "method", "results",
                                           "implication"}
    assert set(report["all"]["defects_per_100"]) == {*DEFECT_KINDS, "total"}
