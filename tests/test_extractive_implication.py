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


def test_a_sentence_reading_the_findings_for_their_meaning_leaves_the_results() -> None:
    abstract = (
        "Safety tuning of language models is costly. We propose SteerSafe, a method that "
        "edits a few weights along a refusal direction. SteerSafe raises refusal rates on "
        "harmful prompts by 21 points while keeping MMLU accuracy within 0.3 points. Our "
        "results suggest that targeted weight steering is a cheap mechanism to improve "
        "model safety, complementing costlier fine-tuning.")
    summary = summarize_paper(Paper("2501.00013", "SteerSafe: Cheap Safety by Steering",
                                    abstract))
    assert summary.implication == ("Targeted weight steering is a cheap mechanism to improve "
                                   "model safety, complementing costlier fine-tuning.")
    assert "21 points" in summary.results and "suggest" not in summary.results
    assert find_defects(summary) == []


def test_a_closing_it_or_its_after_the_authors_own_sentence_is_the_method() -> None:
    abstract = (
        "Faces in shared photos leak identities. We propose VeilFace, an anonymizer that "
        "swaps identities in a diffusion model's latent space. VeilFace keeps pose and "
        "expression through a landmark loss and needs no training per identity. Experiments "
        "on three face datasets show that VeilFace lowers re-identification to 2.1% while "
        "keeping image quality. Its flexibility and robustness make it well-suited for "
        "real-world photo sharing.")
    summary = summarize_paper(Paper("2501.00014", "VeilFace: Anonymous Faces", abstract))
    assert summary.implication == ("VeilFace's flexibility and robustness make it well-suited "
                                   "for real-world photo sharing.")
    assert find_defects(summary) == []


def test_the_authors_insights_and_what_can_be_used_are_implications() -> None:
    abstract = (
        "Long chain-of-thought training is poorly understood. This paper studies how "
        "supervised fine-tuning and reinforcement learning shape long reasoning. The authors "
        "train 40 models on math data with varied rewards, lengths and data sources and "
        "measure their reasoning on six benchmarks. (1) Length rewards help only with a "
        "repetition penalty; (2) noisy web solutions help out-of-domain tasks. These "
        "insights provide practical guidance for training long reasoning models.")
    summary = summarize_paper(Paper("2501.00015", "Demystifying Long Chain-of-Thought",
                                    abstract))
    assert summary.implication == ("The authors' insights provide practical guidance for "
                                   "training long reasoning models.")
    usable = (
        "Dialogue agents lose track of long user histories. We propose MemTrace, a memory "
        "store that keeps a timeline of user facts. MemTrace indexes facts by time and "
        "topic and retrieves them with a learned scorer. On two long-dialogue benchmarks "
        "MemTrace answers 18% more questions than the best retrieval baseline. The store "
        "can be seamlessly integrated into existing assistants for real-time use.")
    summary = summarize_paper(Paper("2501.00016", "MemTrace: Timelines for Agents", usable))
    assert summary.implication == ("The store can be seamlessly integrated into existing "
                                   "assistants for real-time use.")


def test_a_benefit_the_contribution_names_is_the_implication_when_nothing_else_is() -> None:
    abstract = (
        "Training multi-modal foundation models is expensive. We introduce MixFormer, a "
        "sparse multi-modal transformer that significantly reduces pretraining costs for "
        "image, text and speech generation. "
        "MixFormer decouples feed-forward layers and attention matrices by modality while "
        "keeping global self-attention over the sequence. In the image-text setting a 7B "
        "MixFormer matches the dense baseline with 55.8% of the FLOPs.")
    summary = summarize_paper(Paper("2501.00017", "MixFormer: Sparse Multi-Modal Models",
                                    abstract))
    assert summary.implication == ("MixFormer significantly reduces pretraining costs for "
                                   "image, text and speech generation.")
    assert summary.method.startswith("MixFormer decouples feed-forward layers")
    assert "55.8%" in summary.results
    # Told how it works ("through", "using"), the description stays the method.
    how = abstract.replace("that significantly reduces pretraining costs for",
                           "that enables modality-specific processing through routing for")
    summary = summarize_paper(Paper("2501.00018", "MixFormer: Sparse Multi-Modal Models",
                                    how))
    assert summary.implication == ""
    assert "through routing" in summary.method


def test_a_demonstrative_before_a_verb_is_not_read_as_the_name() -> None:
    from dailypapers.summarize.extractive.guards import fits
    from dailypapers.summarize.extractive.phrasing import resolve_pronoun

    # "This highlights the ..." stands for the whole sentence before, not the method.
    assert resolve_pronoun("This highlights the need for harder benchmarks.", "VF-Eval",
                           "Models score 40% on VF-Eval.") is None
    # "This is ..." is left as it is, and the gate refuses it (it leans on what came before).
    kept = resolve_pronoun("This is the first open model of its kind.", "Orca", "")
    assert kept is None or not fits("implication", kept)
    told = split_closing("Ablation studies confirm the need for each module, marking ZARA as "
                         "a promising step toward plug-and-play time-series analysis.", "ZARA")
    assert told is not None and told[1] == ("This work marks ZARA as a promising step toward "
                                            "plug-and-play time-series analysis.")


def test_a_closing_size_a_report_or_a_setup_step_is_no_implication() -> None:
    sized = (
        "Text-to-image models are rarely tested on dense scenes. We present DenseBench, a "
        "benchmark of composition and reasoning prompts for image generators. Each prompt "
        "comes with checklist questions that a vision-language judge answers. Experiments "
        "across 27 current models reveal that composition remains limited in dense scenes. "
        "In statistics, the benchmark comprises 1,080 prompts and 13,500 checklist "
        "questions.")
    summary = summarize_paper(Paper("2501.00019", "DenseBench: Dense Prompts", sized))
    assert summary.implication == ""
    setup = (
        "Research agents follow fixed strategies. We present OpenResearcher, an agent that "
        "runs any research strategy written in natural language. OpenResearcher compiles a "
        "strategy into code and runs it in a sandbox with search tools. To showcase its "
        "generality, the authors equip OpenResearcher with three example strategies and a "
        "user interface for experimentation.")
    summary = summarize_paper(Paper("2501.00020", "OpenResearcher: Any Strategy", setup))
    assert "equip" not in summary.implication
    assert find_defects(summary) == []
