"""The results part and its number: what counts as a number, where the results find one
(the contribution sentence's finding, a dataset paper's size), and trimming that keeps it."""

from __future__ import annotations

import pytest

from dailypapers.config import Settings
from dailypapers.models import Paper
from dailypapers.summarize.defects import find_defects
from dailypapers.summarize.extractive import ExtractiveSummarizer, fit, has_quantitative
from dailypapers.summarize.extractive.phrasing import method_name, trim
from dailypapers.summarize.extractive.scale import (
    data_contribution,
    scale_fact,
    split_scale,
)
from dailypapers.summarize.extractive.splits import split_claim
from dailypapers.verify import verify


def summarize(abstract: str, title: str):  # type: ignore[no-untyped-def]
    paper = Paper(arxiv_id="2501.00002", title=title, abstract=abstract)
    summary = ExtractiveSummarizer(Settings()).summarize(paper)
    check = verify(summary, f"{title}\n\n{abstract}", source="abstract")
    assert not check.unsupported, check.unsupported
    return summary


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("improves accuracy by 4.2 points", True),
        ("a 7B model trained on 25 tasks", True),
        ("from 127M to 7B parameters", True),
        ("it costs $120 a day", True),
        ("a 2-3x speedup", True),
        ("Llama 3 8B reaches 20% more", True),
        # A number that ends the sentence is still a number; a version that does is not.
        ("with a Pearson correlation coefficient of 0.78.", True),
        ("a study with participants numbering 804.", True),
        ("a multi-agent system built on Gemini 2.0.", False),
        # Names, pointers and years are not numbers a reader would look for in the results.
        ("uses Llama3-8B and Qwen2-72B-Instruct", False),
        ("on Llama 3.1 70B and Gemma-2 2B/9B/27B", False),
        ("LLaVA-1.5 13B and Mistral-7B", False),
        ("as explored by arXiv:2410.15027 before", False),
        ("as in SWE-bench [25], but harder", False),
        ("described in Section 12 and Table 3.2", False),
        ("LLaDA 1.5 was released in 2024", False),
    ],
)
def test_what_counts_as_a_number(text: str, number: bool) -> None:
    assert has_quantitative(text) is number


def test_a_claim_in_the_contribution_sentence_goes_to_the_results() -> None:
    head, claim = split_claim(
        "This paper creates two new benchmarks with visual histories, and shows that "
        "VisualLens improves over the state of the art by 5-10% on Hit@3.",
        "VisualLens") or ("", "")
    assert head == "This paper creates two new benchmarks with visual histories."
    assert claim == "VisualLens improves over the state of the art by 5-10% on Hit@3."
    head, claim = split_claim(
        "This paper proposes LoLDU, a Parameter-Efficient Fine-Tuning (PEFT) approach that "
        "significantly reduces trainable parameters by 2600 times.", "LoLDU") or ("", "")
    assert head == "This paper proposes LoLDU, a Parameter-Efficient Fine-Tuning (PEFT) approach."
    assert claim == "LoLDU significantly reduces trainable parameters by 2600 times."
    # No number in the claim: it stays where it is.
    assert split_claim("This paper builds a dataset of questions, and shows that models "
                       "trained on it get better at many tasks.", None) is None


ONE_FINDING = (
    "Fine-tuning large models is costly for most practitioners. In this paper, we propose "
    "LoLDU, a parameter-efficient fine-tuning approach that significantly reduces trainable "
    "parameters by 2600 times compared to regular methods while keeping their performance. "
    "LoLDU leverages a lower-diagonal-upper decomposition to initialize low-rank matrices. "
    "We focus on optimizing the diagonal matrix for scaling transformations. Experiments "
    "across many instruction-following and image classification tasks confirm that the "
    "method is effective."
)


def test_the_only_measured_finding_leaves_the_one_line_for_the_results() -> None:
    summary = summarize(ONE_FINDING, "LoLDU: Low-Rank Adaptation via LDU Decomposition")
    assert summary.one_line.startswith("This paper proposes LoLDU, a parameter-efficient")
    assert "2600" not in summary.one_line
    assert summary.results.startswith("LoLDU significantly reduces trainable parameters by "
                                      "2600 times")
    assert not [d for d in find_defects(summary) if d.kind == "wrong_role"]


BENCHMARK = (
    "Multimodal models are rarely tested on creative tasks. In this paper, we introduce "
    "CreaBench, a benchmark for creative multimodal generation in real-world settings. "
    "CreaBench comprises 765 test cases spanning 51 fine-grained tasks. We collect images "
    "from 83 public sources and define instance-specific criteria for every test case. "
    "Current open-source models significantly underperform proprietary models in creative "
    "tasks."
)


def test_a_benchmark_paper_reports_its_size_next_to_its_finding() -> None:
    summary = summarize(BENCHMARK, "CreaBench: Creative Multimodal Generation")
    assert summary.results == (
        "CreaBench comprises 765 test cases spanning 51 fine-grained tasks. Current "
        "open-source models significantly underperform proprietary models in creative tasks.")
    # A count of how it was made never becomes a result.
    assert "83" not in summary.results
    # Without any finding, the size of what the paper built is its result (the count of
    # its sources still is not).
    alone = summarize(BENCHMARK.rsplit(" Current", 1)[0], "CreaBench: Creative Generation")
    assert alone.results == "CreaBench comprises 765 test cases spanning 51 fine-grained tasks."


def test_dataset_contributions_and_their_scale() -> None:
    assert data_contribution("This paper introduces NewtonBench, a benchmark comprising 324 "
                             "tasks.")
    assert data_contribution("This paper constructs a large-scale dataset of 10 hours.")
    assert not data_contribution("This paper proposes a routing framework for LLMs.")
    assert split_scale("This paper introduces NewtonBench, a benchmark comprising 324 "
                       "scientific law discovery tasks across 12 physics domains.") == (
        "This paper introduces NewtonBench, a benchmark.",
        "NewtonBench comprises 324 scientific law discovery tasks across 12 physics domains.")
    assert split_scale("This paper introduces the Visual Counter Turing Test (VCT^2), a "
                       "benchmark composed of ~130K images.") == (
        "This paper introduces the Visual Counter Turing Test (VCT^2), a benchmark.",
        "VCT^2 is composed of ~130K images.")
    assert scale_fact("The benchmark contains 3,400 test cases.", ())
    assert scale_fact("ProcessBench consists of 3,400 test cases.", ("ProcessBench",))
    assert not scale_fact("The authors collect pull requests from 83 repositories.",
                          ("FEA-Bench",))


def test_the_method_named_in_an_apposition_resolves_it() -> None:
    assert method_name("Discovering the Gems in Early Layers", [
        "Our method, GemFilter, is fast."]) == "GemFilter"
    assert method_name("A title", ["We build a tool called SlimKV for caches."]) == "SlimKV"
    summary = summarize(
        "Long inputs make language models slow and costly to serve. We propose an algorithm "
        "that uses early layers of a model to select input tokens. Our method, GemFilter, "
        "needs no training and works with many models. Notably, it achieves a 2.4x speedup "
        "and 30% less GPU memory than current methods.", "Discovering the Gems in Early Layers")
    assert "GemFilter achieves a 2.4x speedup" in summary.results


def test_trimming_keeps_whole_sentences_and_numbers() -> None:
    two = ("The benchmark covers three dimensions: understanding, editing and generation. "
           "All models degrade with complexity, which shows limits of current approaches.")
    assert trim(two, 60).startswith("The benchmark covers three dimensions: understanding")
    assert "All models degrade" in trim(two, 60)
    parts = {"one_line": "This paper proposes a method. " * 5, "objective": "", "method": "",
             "results": "A finding with 12% more. " + "A long remark without numbers. " * 6,
             "implication": ""}
    fitted = fit(parts, 300)
    assert fitted["results"].startswith("A finding with 12% more.")
    assert fitted["one_line"] == parts["one_line"]


def test_names_and_pointers_that_resolve() -> None:
    from dailypapers.summarize.extractive.phrasing import definite, resolve_pronoun

    previous = "Pruning the parameters MathNeuro identifies deletes math skills."
    assert definite("Scaling these parameters improves GSM8K by 4-17%.", previous) == (
        "Scaling the parameters improves GSM8K by 4-17%.")
    # A pointer at the motivation stays a pointer (and the gate refuses it).
    assert definite("To solve this problem, X gains 5%.", "This problem is hard.") == (
        "To solve this problem, X gains 5%.")
    assert resolve_pronoun("This training-free intervention, termed TTT3R, improves pose "
                           "estimation 2x.", None) == "TTT3R improves pose estimation 2x."
    # "It" after a sentence whose subject is a plain noun phrase.
    assert resolve_pronoun("It achieves up to a 26% accuracy gain.", None,
                           "Budget guidance enables natural control of the thinking length.") \
        == "Budget guidance achieves up to a 26% accuracy gain."
    # A title's head names the method only when the abstract uses it.
    assert method_name("Advancing Multimodal Reasoning: From Cold Start to RL",
                       ["We introduce ReVisual-R1, a model."]) == "ReVisual-R1"
    assert method_name("Fast Decoding", ["In this work, we introduce Speculative Rejection, "
                                         "an inference-time algorithm."]) == "Speculative Rejection"


def test_more_splits_of_a_contribution() -> None:
    assert split_claim(
        "This paper introduces a simple yet effective dataset reweighting strategy by "
        "flipping task difficulty, which doubles AIME24 accuracy from 10% to 20%.", None) == (
        "This paper introduces a simple yet effective dataset reweighting strategy by "
        "flipping task difficulty.", "The strategy doubles AIME24 accuracy from 10% to 20%.")
    assert split_scale("This paper constructs the SAM-FB dataset, which contains over 3 "
                       "million examples across more than 3,000 object categories, designed "
                       "to support this line of work.") == (
        "This paper constructs the SAM-FB dataset.",
        "The SAM-FB dataset contains over 3 million examples across more than 3,000 object "
        "categories.")


def test_the_gate_reads_those_of_as_a_pronoun_of_the_sentence() -> None:
    from dailypapers.summarize.extractive.guards import fits

    assert fits("results", "The student runs 6x faster, with quality comparable to those "
                           "obtained by the teacher.")
    assert not fits("results", "The model outperforms those advanced reasoning models by 9%.")
    # How the work was set up is no finding, whatever numbers it carries.
    assert not fits("results", "The model is trained on over one million recordings across "
                               "100 AAA games.")
    assert not fits("results", "The authors pretrain METAGENE-1, a 7-billion-parameter model.")
    assert fits("results", "Trained on 100 games, the model outperforms the baseline by 12%.")


def test_full_text_sentences_are_scored_only_when_a_pool_could_take_them() -> None:
    from dailypapers.models import FullText, Section
    from dailypapers.summarize.extractive.candidates import Sections, candidates

    body = ("Short one here now. " + "We evaluate SlimKV on LongBench and many other long "
            "context tasks with care. SlimKV reaches 45.3 points on LongBench, outperforming "
            "the best baseline by 2.8 points. The cache is shared across all of the layers "
            "of the model. " + "A very long sentence about the setup " * 12 + "ends here.")
    fulltext = FullText("2501.00003", 1, "pdf", body, [Section("results", "Results", body)])
    every = candidates(body, "results", frozenset(), limit=120, pdf=True)
    sections = Sections(fulltext, frozenset())
    windowed = sections.get("results")
    # Only 60-320 characters, each scored as it would be among all the section's sentences.
    assert [c.text for c in windowed] == [c.text for c in every if 60 <= len(c.text) <= 320]
    assert [(c.index, c.total, c.scores) for c in windowed] == [
        (c.index, c.total, c.scores) for c in every if 60 <= len(c.text) <= 320]
    assert [c.text for c in sections.get("results", keep=lambda t: "45.3" in t)] == [
        "SlimKV reaches 45.3 points on LongBench, outperforming the best baseline by 2.8 points."]
    assert len(sections.get("results", window=None)) == len(every)
