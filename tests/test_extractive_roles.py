"""The learned role scores (``extractive/roles.py`` + ``roles.json``) and the clauses that
move to another part (``extractive/clauses.py``), on self-made abstracts."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from dailypapers.models import Paper
from dailypapers.summarize.defects import find_defects
from dailypapers.summarize.extractive import summarize_paper
from dailypapers.summarize.extractive.candidates import candidates
from dailypapers.summarize.extractive.clauses import split_closing, split_which
from dailypapers.summarize.extractive.roles import KINDS, LEARNED_PARTS, annotate, features

ROOT = Path(__file__).resolve().parents[1]

# A sentence of each role, in an abstract's usual order.
ABSTRACT = (
    "Large language models are increasingly used as autonomous agents in software "
    "engineering. However, existing agents fail on long repositories because their context "
    "overflows. We propose TreeAgent, a repository agent that navigates code as a tree. "
    "TreeAgent first builds a symbol index with a static analyzer and then retrieves only "
    "the subtrees a patch touches, using a learned ranking module. On SWE-bench Verified, "
    "TreeAgent resolves 41.2% of the issues, outperforming the strongest baseline by 6.3 "
    "points. Our findings suggest that structured navigation is a practical alternative to "
    "ever longer context windows for code agents.")


def _cands(text: str = ABSTRACT) -> list:
    cands = candidates(text, "abstract", frozenset({"treeagent"}))
    annotate(cands, pivot=2)
    return cands


def test_weights_ship_with_the_package_and_cover_every_part() -> None:
    data = json.loads(resources.files("dailypapers.summarize.extractive")
                      .joinpath("roles.json").read_text(encoding="utf-8"))
    assert set(data["weights"]) == set(LEARNED_PARTS)
    assert set(data["kind"]) == set(KINDS)
    # Every weight names a feature the code computes: a renamed feature would silently
    # drop out of the score.
    names = set()
    for c in _cands():
        names |= set(features(c, 2, 6))
    known_prefixes = ("pivot_", "cue_")
    for table in [*data["weights"].values(), *data["kind"].values()]:
        for name in table:
            assert name in names or name.startswith(known_prefixes) or name == "bias" or \
                name in _ALL_FEATURES, name


_ALL_FEATURES = {
    "quantitative", "contrib", "aim", "purpose", "problem", "impl_cue", "own", "size_only",
    "result_word", "rel", "rel2", "first", "last", "second_last", "short_abstract",
    "log_words", "commas", "colon", "full_text", "start_we", "start_our", "start_this_paper",
    "start_demonstrative", "start_by", "start_to", "start_reports", "start_sequence",
    "start_contrast", "start_recent", "start_overall", "has_we", "has_our", "modal", "past",
    "enable", "suggest", "outlook", "release", "insight", "apply", "structure", "training",
    "mechanism", "data", "propose", "beats", "problem_words", "aim_words"}


def test_package_data_lists_the_weights() -> None:
    assert "summarize/extractive/*.json" in (ROOT / "pyproject.toml").read_text()


def test_learned_scores_rank_each_role_where_a_reader_would() -> None:
    cands = _cands()
    best = {part: max(cands, key=lambda c: c.learned[part]).index for part in LEARNED_PARTS}
    assert best["method"] == 3  # "TreeAgent first builds a symbol index ..."
    assert best["results"] == 4  # the sentence with the score
    assert best["implication"] == 5  # "Our findings suggest ..."
    assert best["objective"] in (0, 1)  # the motivation, before the contribution
    kinds = [c.kind for c in cands]
    assert kinds[3] == "method" and kinds[4] == "results"


def test_features_place_a_sentence_relative_to_the_contribution() -> None:
    cands = _cands()
    values = features(cands[3], 2, 6)
    assert values["pivot_1"] == 1.0 and values["structure"] == 1.0
    assert "pivot_-2" in features(cands[0], 2, 6) and "pivot_3" in features(cands[5], 2, 6)


def test_implication_never_takes_a_sentence_that_reads_like_the_method() -> None:
    abstract = (
        "Video generation models produce short clips but lose identity over long videos. "
        "We propose LongID, a diffusion framework for identity-preserving long video "
        "generation. LongID encodes the reference face with a frozen recognition network "
        "and injects the embedding into every temporal attention layer. A memory bank "
        "stores keyframe features and is refreshed every 16 frames. On our benchmark of 200 "
        "prompts, LongID improves identity similarity from 0.61 to 0.78. The memory bank is "
        "updated with a sliding window over the latent sequence.")
    summary = summarize_paper(Paper("2501.00001", "LongID: Identity over Long Videos",
                                    abstract))
    assert "sliding window" not in summary.implication
    assert "0.78" in summary.results
    assert "recognition network" in summary.method


def test_implication_from_a_closing_clause() -> None:
    text = ("Experiments on four benchmarks show that LoopKV reduces memory by 3.1x at equal "
            "accuracy, paving the way for long-context serving on a single consumer GPU.")
    head, clause = split_closing(text, "LoopKV") or ("", "")
    assert head.endswith("at equal accuracy.")
    assert clause == "LoopKV paves the way for long-context serving on a single consumer GPU."
    reads = split_closing("The probe separates truthful from deceptive answers in all seven "
                          "models, highlighting the importance of middle layers for honesty.",
                          None)
    assert reads is not None
    assert reads[1] == "These results highlight the importance of middle layers for honesty."
    # A closing clause that is itself a finding stays with its finding.
    assert split_closing("Our method was evaluated on ImageNet and COCO at scale, achieving "
                         "state-of-the-art accuracy on both.", "X") is None
    assert split_closing("We evaluate the models on six benchmarks in total, showing superior "
                         "performance against existing baselines.", "X") is None
    # "its" needs the name to stand for it.
    assert split_closing("We train the agent with rewards from a verifier in the loop, "
                         "demonstrating its utility as a last-mile safety procedure.",
                         None) is None
    owned = split_closing("We train the agent with rewards from a verifier in the loop, "
                          "demonstrating its utility as a last-mile safety procedure.", "Vera")
    assert owned is not None and owned[1] == ("These results demonstrate Vera's utility as a "
                                              "last-mile safety procedure.")


def test_closing_clause_fills_an_empty_implication_and_leaves_the_finding() -> None:
    abstract = (
        "Serving long contexts needs more GPU memory than consumer cards have. We propose "
        "LoopKV, a cache that stores evicted keys in host memory and reloads them by "
        "predicted attention. LoopKV ranks blocks with a small learned scorer that runs on "
        "the CPU. Experiments on four benchmarks show that LoopKV reduces memory by 3.1x at "
        "equal accuracy, paving the way for long-context serving on a single consumer GPU.")
    summary = summarize_paper(Paper("2501.00002", "LoopKV: Long Contexts on One GPU",
                                    abstract))
    assert summary.implication == ("LoopKV paves the way for long-context serving on a "
                                   "single consumer GPU.")
    assert "3.1x" in summary.results and "paving" not in summary.results
    assert find_defects(summary) == []


def test_which_clause_after_the_name_opens_the_method() -> None:
    split = split_which("This paper proposes Response Tuning (RT), which eliminates the "
                        "instruction-conditioning step and focuses on response supervision.",
                        "Response Tuning")
    assert split == ("This paper proposes Response Tuning (RT).",
                     "Response Tuning eliminates the instruction-conditioning step and "
                     "focuses on response supervision.")
    # "which" after another noun is not the method's clause.
    assert split_which("This paper proposes Response Tuning for chat models, which are "
                       "usually tuned on instruction-response pairs.", "Response Tuning") is None


def test_training_script_is_there_and_documented() -> None:
    script = (ROOT / "bench" / "train_roles.py").read_text()
    assert "half_of" in script and "roles.json" in script
    assert "train_roles.py" in (ROOT / "bench" / "README.md").read_text()
