"""What a sentence says about its role: cue phrases, numbers, tense, position, section.

The five roles of a summary (one-line contribution, objective, method, results,
implication) are scored per sentence by :func:`role_scores`: cue phrases (stems, so lists
stay short), where the sentence sits in the abstract, which section of the full text it
comes from, its tense ("we found" reports, "could enable" projects) and whether it names
the paper's own method (its name from the title, "our", "we", "the proposed").

All patterns are lowercase and matched against lowercased text (faster than ``re.I``),
except those that must see case.
"""

from __future__ import annotations

import re

ROLES = ("objective", "method", "result", "implication")

_CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "objective": [
        (re.compile(r"\b(?:we|this (?:paper|work|study)|our (?:goal|aim|work))\s+"
                    r"(?:aims?|seeks?|sets? out|strives?)\b"), 3.0),
        (re.compile(r"\b(?:goal|objective|aim|purpose) (?:is|was|of this)\b"), 3.0),
        (re.compile(r"\b(?:we|this (?:paper|work|study))\s+(?:study|studies|investigates?|"
                    r"explores?|examines?|addresses|address|tackles?|asks?|revisits?|"
                    r"analy[sz]es?|focus(?:es)? on)\b"), 2.5),
        (re.compile(r"\b(?:however|yet|despite|although|while)\b"), 1.2),
        (re.compile(r"\b(?:challeng\w*|problem\w*|limitation\w*|bottleneck\w*|lack\w*|"
                    r"struggl\w*|suffer\w*|fail\w*|remains?|unclear|unexplored|costly|"
                    r"expensive|difficult|hinder\w*|restrict\w*|insufficient|"
                    r"underexplored)\b"), 1.0),
        (re.compile(r"\b(?:whether|how to|question)\b"), 1.0),
    ],
    "method": [
        (re.compile(r"\b(?:we|this (?:paper|work|study))\s+(?:\w+ly\s+)?(?:propose|introduce|"
                    r"present|develop|design|construct|build|devise|formulate|curate|"
                    r"collect|create|train|adopt|employ|leverage|use|utili[sz]e|combine|"
                    r"extend|adapt)s?\b"), 2.5),
        (re.compile(r"\b(?:framework|approach|method|architecture|pipeline|algorithm|"
                    r"mechanism|module|model|strategy|technique|objective function|loss)\b"), 0.7),
        (re.compile(r"\b(?:consists? of|compris\w+|based on|leverag\w+|by (?:using|"
                    r"leveraging|combining|training|introducing|incorporating|integrating)|"
                    r"first|then|specifically|which|through)\b"), 0.6),
        (re.compile(r"^by \w+ing\b"), 1.0),
    ],
    "result": [
        (re.compile(r"\b(?:achiev\w*|outperform\w*|surpass\w*|state-of-the-art|sota|"
                    r"competitive|superior|matches|rivals?|beats?)\b"), 1.5),
        (re.compile(r"\b(?:exceed\w*|improv\w*|boost\w*|reduc\w*|increas\w*|gains?|"
                    r"speed-?ups?|faster|lower|higher|better|reliabl\w*|accurately|"
                    r"successfully|consistently|significantly|robustly)\b"), 0.8),
        (re.compile(r"\b(?:experiment\w*|results?|evaluations?|empirical\w*|benchmarks?)\s+"
                    r"(?:\w+\s+){0,3}(?:show|demonstrate|indicate|reveal|confirm|suggest)\w*"),
         2.0),
        (re.compile(r"\b(?:we (?:find|found|show|observe|demonstrate)|accuracy|success rate|"
                    r"score|win rate|pass@\d)\b"), 1.0),
    ],
    "implication": [
        (re.compile(r"\b(?:suggest\w*|implication\w*|highlight\w*|pav\w+ the way|opens?|"
                    r"insights?|promising|future|potential|valuable|practical|underscor\w*|"
                    r"shed\w* light|we hope|facilitat\w*|foundation|step toward\w*|"
                    r"enabl\w*|broad\w*|general\w*|real-world|scalable|applicab\w*)\b"),
         1.0),
        (re.compile(r"\b(?:these|our) (?:results|findings|work)\b"), 1.0),
        (re.compile(r"\b(?:this|our) (?:work|study|paper|framework|approach) "
                    r"(?:demonstrates|shows|provides|offers|establishes)\b"), 1.5),
    ],
}
# Tense: a finding reported in the past, a consequence in the conditional.
_PAST_FINDING_RE = re.compile(r"\b(?:we|it|they|results?) (?:found|observed|showed|achieved|"
                              r"obtained|improved|outperformed|reached)\b")
_MODAL_RE = re.compile(r"\b(?:could|may|might|can help|will enable|would)\b")
_OWN_RE = re.compile(r"\b(?:our|we|the proposed|the resulting|this (?:method|approach|"
                     r"framework|model|system))\b")

# A number that reports a measurement: %, x/fold, points, decimals, scaled counts.
QUANT_RE = re.compile(
    r"(?<![A-Za-z_/.\d])(?<![A-Za-z_]-)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*"
    r"(?:%|percent|×|x\b|-?fold|times\b|points?\b|pp\b|[kKMB]\b|million|billion|trillion|"
    r"hours?|days?|seconds?|ms\b|s\b|GB|TB)"
    r"|(?<![A-Za-z\-_/.\d])\d+\.\d+(?!\w|\.\d)"
    r"|(?<![A-Za-z\-_/.\d])(?!(?:19|20)\d\d\b)\d{2,}(?:,\d{3})*(?![\w%]|\.\d)"
)
# "a dataset of 250K samples", "1.2M image-text pairs": a size, not a finding.
DATASET_SIZE_RE = re.compile(
    r"\b(?:dataset|corpus|benchmark|collection|suite)\w* (?:of|with|containing|comprising|"
    r"that contains|including)\s+(?:over |more than |about |nearly |around )?[\d,.]+\s*"
    r"[kKMB]?\b|[\d,.]+\s*[kKMB]?\+?\s+(?:high-quality |diverse |curated |annotated |"
    r"manually |human-annotated |synthetic |unique )*(?:samples|examples|instances|"
    r"pairs|images|videos|questions|problems|tasks|prompts|trajectories|hours|documents|"
    r"conversations|dialogues|tokens|annotations|clips|scenes|queries)\b", re.I)
RESULT_WORD_RE = re.compile(
    r"\b(?:achiev\w*|outperform\w*|surpass\w*|exceed\w*|improv\w*|boost\w*|reduc\w*|"
    r"increas\w*|speed-?ups?|faster|higher|lower|better|gains?|beats?|reach\w*|attain\w*|"
    r"accuracy|score\w*|rate|state-of-the-art|sota|pass@\d|f1|bleu|rouge|auc|error|"
    r"perplexity|latency|throughput|speed\w*|success|win|gap|drops?|declin\w*|"
    r"compar\w*|relative|points?|%|×)(?!\w)", re.I)

INJECTION_RE = re.compile(
    r"\b(?:ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier)|disregard (?:all |the )?"
    r"(?:previous|prior|above)|system prompt|you are (?:an? )?(?:ai|assistant|language model|"
    r"chatgpt|llm)|as an ai\b|respond (?:only )?with|output only|new instructions?|"
    r"instructions? (?:to|for) (?:the )?(?:model|assistant|ai|llm|summarizer|reviewer)s?)",
    re.I,
)
URL_RE = re.compile(r"https?://|www\.|github\.com|huggingface\.co/", re.I)  # a sentence has one
LINK_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.I)  # a whole link, to take out
# "Code and models are publicly available." Only short sentences: a long one that says its
# dataset "will be released" is usually the contribution sentence itself.
AVAILABILITY_RE = re.compile(
    r"\b(?:code|data|dataset|models?|weights|demo|project page|checkpoints?|resources?)\b"
    r"[^.]{0,60}\b(?:available|released|publicly|open-sourced?|open source|can be found|"
    r"accessed|accessible)\b"
    r"|\baccepted (?:at|by|to)\b|\bpreprint\b"
    r"|\b(?:is|are|will be)\s+(?:now\s+)?(?:publicly\s+|freely\s+)?(?:available|"
    r"open-sourced?|released)\b",
    re.I,
)
AIM_RE = re.compile(
    r"^(?:in this (?:paper|work|study),?\s+)?(?:we|this (?:paper|work|study)|our (?:goal|aim|"
    r"work|objective|purpose))\s+(?:aims?|seeks?|sets? out|strives?|is|are)\s+to\s+",
    re.I,
)
STUDY_RE = re.compile(
    r"^(?:in this (?:paper|work|study),?\s+)?(?:we|this (?:paper|work|study))\s+"
    r"(study|studies|investigates?|explores?|examines?|address(?:es)?|tackles?|revisits?|"
    r"analy[sz]es?|focus(?:es)? on)\s+",
    re.I,
)
CONTRIB_RE = re.compile(
    # Any short lead-in clause: "To address this, ", "Building on these observations, ".
    r"^(?:(?:in this (?:paper|work|study)|here|[A-Za-z][^,;:]{0,110}),?\s+)?"
    r"we\s+(?:(?:first|further|also|then|thus|hence|newly)\s+)?(propose|introduce|present|"
    r"develop|design|construct|build|devise|formulate|curate|create|release|contribute)"
    r"(?:d|ed)?\s+",
    re.I,
)
# A weaker contribution: "In this paper, we show/study ...": a one-liner when nothing better.
THIS_PAPER_WE_RE = re.compile(
    r"^in this (?:paper|work|study|report),?\s+we\s+(?:\w+ly\s+)?([a-z]+)\s+", re.I)
BYGERUND_RE = re.compile(
    r"^(?:in this (?:paper|work|study),?\s+)?(?:we|this (?:paper|work|study))\s+(?:\w+\s+){0,5}?"
    r"by\s+(presenting|introducing|"
    r"proposing|developing|designing|constructing|building|creating|releasing)\s+",
    re.I,
)
PURPOSE_RE = re.compile(
    r"\b(?:aiming|aims|aim|designed|in order|so as|seeking|striving) to\s+(?P<rest>[^,;]{15,})",
    re.I,
)
PROBLEM_RE = re.compile(
    r"\b(?:however|yet|despite|although|challeng\w*|problem\w*|limitation\w*|limited|"
    r"bottleneck\w*|lacks?|lacking|struggl\w*|suffer\w*|fail\w*|remains?|unclear|unexplored|"
    r"costly|expensive|difficult|hinder\w*|insufficient|underexplored|gap|issue\w*|"
    r"inefficien\w*|prohibitive|unreliable|vulnerab\w*|overlook\w*|neglect\w*)\b",
    re.I,
)
PRESENTS_RE = re.compile(
    r"\b(?:this|the|our) (?:paper|work|study|report|article) (?:proposes|introduces|presents|"
    r"develops|describes)\b", re.I)


# What a number right after these is not: a part of a name or a pointer into the paper.
_NAME_TOKEN_RE = re.compile(r"[A-Z][A-Za-z]*-?\d[\d.]*")  # "Gemma-2", "LLaVA-1.5", "Llama3"
_POINTER_RE = re.compile(r"(?:arxiv:|section|sec\.|table|tab\.|figure|fig\.|eq\.|equation|"
                         r"appendix|chapter)\s*$", re.I)


def _not_a_number(text: str, start: int, end: int) -> bool:
    """A match that a reader would not call a number: a version ("LLaDA 1.5", "Table 3.2"),
    a model's size inside its name ("Llama3-8B", "Llama 3.1 70B", "Gemma-2 2B"), an arXiv
    id, a section or figure number, a citation ("[25]")."""
    number = text[start:end]
    head = text[max(0, start - 40): start]
    before = head.rstrip().rsplit(" ", 1)[-1]
    if "." in number and number.replace(".", "").isdigit() and before[:1].isupper() and \
            any(ch.isalpha() for ch in before):
        return True
    if _POINTER_RE.search(head) or (head.endswith("[") and text[end: end + 1] in ("]", ",")):
        return True
    if number[-1:] in "BM":  # a parameter count written as part of the model's name
        if head.endswith("-"):
            return _NAME_TOKEN_RE.fullmatch(head[:-1].rsplit(" ", 1)[-1]) is not None
        words = head.split()
        if head.endswith(" ") and words and (_NAME_TOKEN_RE.fullmatch(words[-1]) or (
                len(words) >= 2 and re.fullmatch(r"\d[\d.]*", words[-1])
                and re.fullmatch(r"[A-Z][\w-]*", words[-2]))):
            return True
    return False


def has_quantitative(text: str) -> bool:
    """Whether ``text`` states a number a reader would call one: a measurement, a count, a
    size, a score; not a year (``QUANT_RE``) nor a name or pointer (:func:`_not_a_number`)."""
    return any(not _not_a_number(text, m.start(), m.end()) for m in QUANT_RE.finditer(text))


def has_measured_finding(sentences: list[str]) -> bool:
    """Whether some sentence reports a measured finding: a number with a result word, and
    not only a dataset's size ("a benchmark of 2,000 scenes")."""
    for s in sentences:
        if has_quantitative(s) and RESULT_WORD_RE.search(s):
            rest = DATASET_SIZE_RE.sub("", s)
            if has_quantitative(rest) and RESULT_WORD_RE.search(rest):
                return True
    return False


def role_scores(text: str, index: int, total: int, section: str,
                title_terms: frozenset[str]) -> tuple[dict[str, float], bool, bool]:
    """(role scores, whether an implication cue fired, whether it is about the paper's own
    method) from cues, position, section, tense and the title's terms."""
    low = text.lower()
    scores = {role: sum(w for pat, w in _CUES[role] if pat.search(low)) for role in ROLES}
    impl_cue = scores["implication"] > 0
    own = bool(_OWN_RE.search(low)) or any(t in low for t in title_terms)
    rel = index / max(total - 1, 1)
    # Abstracts run problem -> method -> results -> implication; position breaks ties.
    scores["objective"] += 1.2 * (1 - rel) if index > 0 or total < 4 else 0.6
    scores["method"] += 0.8 * (1 - abs(rel - 0.4))
    scores["result"] += 0.8 * rel
    scores["implication"] += 1.5 * rel if index == total - 1 else 0.6 * rel
    if section in ("results", "experiments"):
        scores["result"] += 1.0
    elif section in ("conclusion", "discussion"):
        scores["implication"] += 1.0
    elif section == "introduction":
        scores["objective"] += 0.5
    elif section == "method":
        scores["method"] += 1.0
    if _PAST_FINDING_RE.search(low):
        scores["result"] += 0.5
    if _MODAL_RE.search(low):
        scores["implication"] += 0.5
        scores["result"] -= 0.3
    if own:
        scores["result"] += 0.3
        scores["method"] += 0.3
    return scores, impl_cue, own


def title_terms(title: str) -> frozenset[str]:
    """Distinctive lowercase terms of the title: its name ("LongLLaVA") and rare words."""
    head = title.split(":", 1)[0] if ":" in title else ""
    terms = set()
    if head and len(head.split()) <= 3:
        terms.add(head.strip().lower())
    for word in re.findall(r"[A-Za-z][A-Za-z0-9\-]+", title):
        if sum(ch.isupper() for ch in word) >= 2 or any(ch.isdigit() for ch in word):
            terms.add(word.lower())
    return frozenset(t for t in terms if len(t) >= 3)


def looks_english(text: str) -> bool:
    """Cheap language check: enough common English function words among the words."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 4:
        return bool(words) and all(w.isascii() for w in words)
    common = sum(w in _ENGLISH_COMMON for w in words)
    return common >= 0.12 * len(words)


_ENGLISH_COMMON = frozenset(
    """
    the of and to in a is that for on with as we by this are be an which from it at or
    our can these their its has have not such than more into both show how
    """.split()  # noqa: SIM905 - a word list reads better as words
)


# "What was measured": a benchmark, dataset or task named in a full-text results sentence.
MEASURED_RE = re.compile(
    r"\b(?:on|across|in|for|over)\s+(?:the\s+)?(?:[A-Z][\w\-.]*[A-Z0-9][\w\-.]*|[A-Z][a-z]+"
    r"[A-Z][\w\-]*)|\b(?:benchmark|dataset|test set|task|split|suite|leaderboard)s?\b"
    r"|\b(?:accuracy|success rate|win rate|score|F1|BLEU|ROUGE|AUC|mAP|IoU|FID|FVD|error rate|"
    r"perplexity|latency|throughput|pass@\d+|EM|exact match)\b")


def could_be_finding(text: str) -> bool:
    """A full-text sentence the results pool could take: a number, a result word and what
    was measured (a test on the text alone, so the rest is scored only for these)."""
    return RESULT_WORD_RE.search(text) is not None and MEASURED_RE.search(text) is not None \
        and has_quantitative(text)
