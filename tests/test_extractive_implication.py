"""The implication part of the offline summary (``extractive/implication.py`` and the
closing clauses of ``extractive/clauses.py``), on self-made abstracts: what the work means
or offers, from a sentence or a clause that says so, and never a step or a finding."""

from __future__ import annotations

from dailypapers.models import Paper
from dailypapers.summarize.defects import find_defects
from dailypapers.summarize.extractive import summarize_paper
from dailypapers.summarize.extractive.clauses import split_closing


def test_the_first_closing_clause_that_says_what_it_means_is_taken() -> None:
    # The first clause is a finding ("outperforms"); the second says what it means.
    text = ("As a case study, we apply the pipeline to a 2B video model, showing that the "
            "tuned model outperforms a 5B model on all 16 metrics, highlighting the potential "
            "of human feedback for aligning video generators.")
    head, clause = split_closing(text, None) or ("", "")
    assert clause == ("These results highlight the potential of human feedback for aligning "
                      "video generators.")
    assert head.endswith("on all 16 metrics.")


def test_a_digit_inside_a_name_is_no_number_but_a_measurement_is() -> None:
    told = split_closing("Experiments show that MeshPaint keeps textures sharp across views, "
                         "establishing a new standard for practical, scalable 3D asset "
                         "creation.", "MeshPaint")
    assert told is not None
    assert told[1] == ("MeshPaint establishes a new standard for practical, scalable 3D asset "
                       "creation.")
    assert split_closing("Experiments show that MeshPaint keeps textures sharp across views, "
                         "enabling generation in 40% less time than before.",
                         "MeshPaint") is None


def test_offering_a_solution_is_no_finding_even_when_it_names_accuracy() -> None:
    told = split_closing("Experiments show that the method cuts the tokens of each answer "
                         "with a slight loss, offering a practical way to balance efficiency "
                         "and accuracy in reasoning.", None)
    assert told is not None
    assert told[1] == ("This work offers a practical way to balance efficiency and accuracy "
                       "in reasoning.")
    # A clause that reads a finding ("highlighting") may not be about its accuracy.
    assert split_closing("Experiments show that the method cuts the tokens of each answer, "
                         "highlighting its accuracy on hard questions.", "Cut") is None


def test_a_method_sentence_gives_only_a_clause_about_what_the_work_opens_up() -> None:
    step = ("We route each token to one expert of a shared pool, enabling the router to "
            "attend to the most recent tokens.")
    assert split_closing(step, "RouteMoE") is not None  # read as a finding's clause, it would
    assert split_closing(step, "RouteMoE", outlook=True) is None
    opens = ("We route each token to one expert of a shared pool, paving the way for sparse "
             "models that fit on a single consumer GPU.")
    told = split_closing(opens, "RouteMoE", outlook=True)
    assert told is not None
    assert told[1] == ("RouteMoE paves the way for sparse models that fit on a single consumer "
                       "GPU.")
    practical = ("We route each token to one expert of a shared pool, enabling deployment on "
                 "commodity hardware in real-world settings.")
    assert split_closing(practical, "RouteMoE", outlook=True) is not None
    # "setting" and "making" say what it means only in their outlook sense.
    assert split_closing("We distil the guidance into the student, setting the guidance scale "
                         "to one during adaptation.", "X") is None
    assert split_closing("We distil the guidance into the student, making predictions for "
                         "each frame in turn.", "X") is None
    made = split_closing("We distil the guidance into the student in one pass, making "
                         "gigascale 3D generation practical and accessible.", "Gigant")
    assert made is not None and made[1] == ("Gigant makes gigascale 3D generation practical "
                                            "and accessible.")


def test_the_method_part_gives_its_closing_clause_to_an_empty_implication() -> None:
    abstract = (
        "Mixture-of-experts models are hard to serve on small devices. We propose RouteMoE, "
        "a router that sends each token to one expert from a shared pool. RouteMoE learns "
        "the pool jointly with the router from a distillation loss, paving the way for "
        "sparse models that fit on a single consumer GPU. RouteMoE matches a dense model of "
        "the same size on nine benchmarks while using 2.3x less memory.")
    summary = summarize_paper(Paper("2501.00011", "RouteMoE: One Expert per Token",
                                    abstract))
    assert summary.implication == ("RouteMoE paves the way for sparse models that fit on a "
                                   "single consumer GPU.")
    assert "paving" not in summary.method and "distillation loss" in summary.method
    assert "2.3x" in summary.results
    assert find_defects(summary) == []


def test_a_step_that_closes_with_a_mechanism_gives_no_implication() -> None:
    abstract = (
        "Video avatars drift over long clips. We propose LoopFace, a portrait animator "
        "conditioned on audio. The authors train an inter-clip temporal module, enabling the "
        "model to reuse motion from earlier clips. LoopFace reaches an FID of 12.4 on "
        "HDTF, 3.1 lower than the best baseline.")
    summary = summarize_paper(Paper("2501.00012", "LoopFace: Long Talking Portraits",
                                    abstract))
    assert summary.implication == ""
    assert "12.4" in summary.results
