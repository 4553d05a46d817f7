"""What the paper built and its size: a result when the abstract measures nothing else.

A benchmark of 1,250 tasks or a corpus of 3M pairs that the paper makes is what it reports;
a count of how the work was set up (sources it drew from, GPUs, a dataset it only used) is
not. Every abstract here is written for the test."""

from __future__ import annotations

import pytest

from dailypapers.models import Paper
from dailypapers.summarize.defects import find_defects
from dailypapers.summarize.extractive import has_quantitative, summarize_paper
from dailypapers.summarize.extractive.guards import fits
from dailypapers.summarize.extractive.scale import built_size
from dailypapers.verify import verify


def parts(abstract: str, title: str) -> dict[str, str]:
    paper = Paper(arxiv_id="2501.00005", title=title, abstract=abstract)
    summary = summarize_paper(paper)
    check = verify(summary, f"{title}\n\n{abstract}", source="abstract")
    assert not check.unsupported, check.unsupported
    texts = summary.parts()
    # Never twice: a number told in the results is in no other part.
    for part, text in texts.items():
        if part != "results" and texts["results"]:
            assert not set(numbers(text)) & set(numbers(texts["results"])), part
    return texts


def numbers(text: str) -> list[str]:
    import re

    return re.findall(r"\d[\d,.]*\d|\d", text)


@pytest.mark.parametrize(("text", "expected"), [
    # The appositive that names what was made becomes its own sentence.
    ("The authors curate Robo2VLM-1, a large-scale in-the-wild dataset with 684,710 "
     "questions covering 463 distinct scenes.",
     ("The authors curate Robo2VLM-1, a large-scale in-the-wild dataset.",
      "Robo2VLM-1 has 684,710 questions covering 463 distinct scenes.")),
    ("This paper introduces TalkVid, a new large-scale, high-quality, and diverse dataset "
     "containing 1244 hours of video from 7729 unique speakers.",
     ("This paper introduces TalkVid, a new large-scale, high-quality, and diverse dataset.",
      "TalkVid contains 1244 hours of video from 7729 unique speakers.")),
    # The name after the noun, and the short name in brackets.
    ("This paper constructs the first multilingual reward benchmark, M-RewardBench, consisting "
     "of 2.87k preference instances for 23 languages, that tests chat and safety.",
     ("This paper constructs the first multilingual reward benchmark, M-RewardBench.",
      "M-RewardBench consists of 2.87k preference instances for 23 languages, that tests chat "
      "and safety.")),
    # No name: the noun phrase is the subject; what the sentence goes on to say stays with
    # what was made.
    ("To catalyze research, the authors release a copyright-free corpus of 100,000 "
     "multi-layer designs and propose two metrics.",
     ("To catalyze research, the authors release a copyright-free corpus and propose two "
      "metrics.",
      "The copyright-free corpus consists of 100,000 multi-layer designs.")),
    ("To train HoloArm, the authors construct HoloSet, a dataset comprising 42,000 "
     "demonstrations across 120 kitchens, and they train the model on 64 GPUs for 3 days.",
     # (a tail that points back at the sentence goes: it would lean on the size)
     ("To train HoloArm, the authors construct HoloSet, a dataset.",
      "HoloSet comprises 42,000 demonstrations across 120 kitchens.")),
    # A sentence whose subject is the artifact is taken whole.
    ("In total, EgoNight-VQA contains 3658 QA pairs across 90 videos.",
     (None, "In total, EgoNight-VQA contains 3658 QA pairs across 90 videos.")),
    ("The resulting dataset comprises 12 hours of footage of two to four speakers.",
     (None, "The resulting dataset comprises 12 hours of footage of two to four speakers.")),
    ("The authors' dataset, MURI-IT, includes more than 2 million pairs across 200 languages.",
     (None, "The authors' dataset, MURI-IT, includes more than 2 million pairs across 200 "
      "languages.")),
    # Made by the authors when it says so, or when it bears the paper's name.
    ("The authors train TEMPURA on VER, a large-scale dataset curated by them that comprises "
     "1M training instances and 500K videos.",
     ("The authors train TEMPURA on VER, a large-scale dataset.",
      "VER comprises 1M training instances and 500K videos.")),
    ("Puffin is trained on Puffin-4M, a large-scale dataset of 4 million camera triplets.",
     ("Puffin is trained on Puffin-4M, a large-scale dataset.",
      "Puffin-4M consists of 4 million camera triplets.")),
    # How the work was set up, or a dataset it used but did not make: no size of its own.
    ("The model is trained on ImageNet, a dataset of 1.2M images, for 90 epochs.", None),
    ("The authors pretrain on CT-3M, a curated collection of 3.87M axial CT slices.", None),
    ("The authors collect pull requests from 83 GitHub repositories.", None),
    ("The authors train the model on 8 GPUs with 4,096 tokens per batch.", None),
    # A finding that opens with its test set is a finding, not a size.
    ("Validation on a curated dataset of 30 document pairs demonstrates that the agent "
     "approaches human quality.", None),
    # An enumeration does not split cleanly.
    ("X integrates: (1) a new strategy, (2) an expanded training corpus containing 8.3M "
     "pairs, (3) a larger backbone.", None),
])
def test_the_size_of_what_the_paper_built(text: str,
                                          expected: tuple[str | None, str] | None) -> None:
    assert built_size(text, ("EgoNight-VQA", "Puffin")) == expected


BENCHMARK_ONLY = (
    "Agents are rarely tested on spreadsheets. In this paper, we introduce SheetBench, a "
    "benchmark of 1,250 spreadsheet tasks drawn from 40 companies. Each task pairs a "
    "natural-language request with a verified solution. We run every agent on 8 GPUs.")


def test_a_paper_without_a_finding_reports_the_size_of_what_it_built() -> None:
    got = parts(BENCHMARK_ONLY, "SheetBench: Agents on Spreadsheets")
    assert got["one_line"] == "This paper introduces SheetBench, a benchmark."
    assert got["results"] == ("SheetBench consists of 1,250 spreadsheet tasks drawn from 40 "
                              "companies.")
    # A bare setup detail is no result.
    assert "GPUs" not in got["results"]


HELD_BY_THE_METHOD = (
    "Video models rarely follow physical laws. We introduce PhysBench, a benchmark for "
    "physical commonsense in text-to-video generation. PhysBench comprises 160 prompts "
    "across 27 physical laws. We also propose PhysEval, an evaluation framework that asks a "
    "vision-language model about each law. Current models often violate basic physics, and "
    "scaling them does not close the gap.")


def test_a_size_the_method_held_moves_to_the_results() -> None:
    got = parts(HELD_BY_THE_METHOD, "PhysBench: Do Video Models Know Physics?")
    assert got["results"].startswith("PhysBench comprises 160 prompts across 27 physical laws.")
    assert "160" not in got["method"] and "PhysEval" in got["method"]


SPLIT_FROM_THE_METHOD = (
    "Robots rarely finish long household tasks. We present HoloArm, a vision-language-action "
    "model for long tasks. To train HoloArm, we construct HoloSet, a large-scale dataset "
    "comprising 42,000 demonstrations across 120 kitchens. HoloArm plans sub-goals with a "
    "language head and acts with a diffusion head. HoloArm completes long tasks more reliably "
    "than hierarchical baselines.")


def test_a_size_inside_a_method_sentence_is_split_out() -> None:
    got = parts(SPLIT_FROM_THE_METHOD, "HoloArm: Long-Horizon Household Robots")
    assert "HoloSet comprises 42,000 demonstrations across 120 kitchens." in got["results"]
    assert "more reliably" in got["results"]
    # What stays says what was made, without the number.
    assert "the authors construct HoloSet, a large-scale dataset." in got["method"]


SETUP_ONLY = (
    "Large models are slow to fine-tune. We propose QuickTune, a method that freezes most "
    "layers during fine-tuning. QuickTune picks the layers to train from their gradients. "
    "We train all models on 8 GPUs for 3 days. QuickTune keeps the quality of full "
    "fine-tuning.")


def test_a_setup_count_never_becomes_the_result() -> None:
    got = parts(SETUP_ONLY, "QuickTune: Faster Fine-Tuning")
    assert not has_quantitative(got["results"])
    summary = summarize_paper(Paper("2501.00005", "QuickTune", SETUP_ONLY))
    assert not [d for d in find_defects(summary) if d.kind == "wrong_role"]


def test_a_name_a_macro_took_is_not_chosen() -> None:
    # "\dataset is currently the largest ...": the name is gone, the sentence is broken.
    assert not fits("method", "The is currently the largest egocentric QA dataset.")
    assert fits("method", "The dataset is currently the largest egocentric QA dataset.")
    # "This is achieved by ..." has no noun to resolve: it stays a pointer, never "The is".
    from dailypapers.summarize.extractive.phrasing import resolve_pronoun

    assert resolve_pronoun("This is achieved through a new adapter.", None,
                           "Adapting knowledge is key.") == (
        "This is achieved through a new adapter.")
    assert not fits("method", "This is achieved through a new adapter.")


def test_a_finding_the_contribution_suggests_moves_to_the_results() -> None:
    got = parts(
        "Reasoning is mostly done in English. In this paper, we explore the upper bound of "
        "reasoning in many languages, suggesting that multilingual reasoning promises nearly "
        "10 Acc@k points higher upper bounds than English-only reasoning. We translate each "
        "question into ten languages and pick the best answer.", "Thinking Multilingually")
    assert got["one_line"] == ("The authors explore the upper bound of reasoning in many "
                               "languages.")
    assert got["results"].startswith("Multilingual reasoning promises nearly 10 Acc@k points")


def test_the_one_line_keeps_a_size_it_cannot_spare() -> None:
    # Split, the one-line would read "This paper introduces a novel dataset.": it keeps all.
    got = parts(
        "Dark humor in memes is hard to moderate. In this paper, we introduce a novel dataset "
        "of 4,379 memes annotated for dark humor. Models fine-tuned on it detect dark humor "
        "better than zero-shot models.", "Dark Humor Memes")
    assert "4,379 memes" in got["one_line"]
    assert "4,379" not in got["results"]
