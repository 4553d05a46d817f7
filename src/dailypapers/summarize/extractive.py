"""The embedded default summarizer: offline, no key, no model files, deterministic.

It picks source sentences for the five parts of the reference format (one-line summary,
objective, method, results, implication), trims clauses that are not needed, and joins them
with light connective templates ("The primary results show that ..."). Every content word
comes from the paper (title, abstract, or full-text sections): the templates only add
connectives and turn "we" into "the authors". Results prefer a sentence with a quantitative
finding: from the abstract, else from the results/experiments/conclusion sections.

Inputs it cannot summarize (no text, not English) raise SummarizerError with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import SummarizerError
from ..models import FullText, Paper, Summary
from .base import Summarizer
from .sentences import clean_text, split_sentences, strip_citations

ROLES = ("objective", "method", "result", "implication")

# Cue phrases per role; each match adds to that role's score. Stems keep the lists short.
_CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "objective": [
        (re.compile(r"\b(?:we|this (?:paper|work|study)|our (?:goal|aim|work))\s+"
                    r"(?:aims?|seeks?|sets? out|strives?)\b"), 3.0),
        (re.compile(r"\b(?:goal|objective|aim) (?:is|of this)\b"), 3.0),
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
    ],
    "result": [
        (re.compile(r"\b(?:achiev\w*|outperform\w*|surpass\w*|exceed\w*|improv\w*|"
                    r"boost\w*|reduc\w*|increas\w*|gains?|speed-?ups?|faster|lower|higher|"
                    r"state-of-the-art|sota|competitive|superior|better|matches|rivals?)\b"), 1.2),
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

# A number that reports a measurement: %, ×/x/fold, points, decimals, scaled counts.
_QUANT_RE = re.compile(
    r"(?<![A-Za-z\-_/.\d])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*"
    r"(?:%|percent|×|x\b|-?fold|times\b|points?\b|pp\b|[kKMB]\b|million|billion|trillion|"
    r"hours?|days?|seconds?|ms\b|s\b|GB|TB)"
    r"|(?<![A-Za-z\-_/.\d])\d+\.\d+(?![\w.])"
    r"|(?<![A-Za-z\-_/.\d])(?!(?:19|20)\d\d\b)\d{2,}(?:,\d{3})*(?![\w.%])"
)

_INJECTION_RE = re.compile(
    r"\b(?:ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier)|disregard (?:all |the )?"
    r"(?:previous|prior|above)|system prompt|you are (?:an? )?(?:ai|assistant|language model|"
    r"chatgpt|llm)|as an ai\b|respond (?:only )?with|output only|new instructions?|"
    r"instructions? (?:to|for) (?:the )?(?:model|assistant|ai|llm|summarizer|reviewer)s?)",
    re.I,
)
_URL_RE = re.compile(r"https?://|www\.|github\.com|huggingface\.co/", re.I)
# "Code and models are publicly available." Only short sentences: a long one that says its
# dataset "will be released" is usually the contribution sentence itself.
_AVAILABILITY_RE = re.compile(
    r"\b(?:code|data|dataset|models?|weights|demo|project page|checkpoints?|resources?)\b"
    r"[^.]{0,60}\b(?:available|released|publicly|open-sourced?|can be found)\b"
    r"|\baccepted (?:at|by|to)\b|\bpreprint\b",
    re.I,
)
_LEADIN_RE = re.compile(
    r"^(?:(?:to this end|in addition|additionally|furthermore|moreover|specifically|notably|"
    r"finally|besides|in particular|importantly|overall|consequently|therefore|thus|hence|"
    r"as a result|in (?:this|our) (?:paper|work|study)|here|in summary|to summarize|concretely|"
    r"meanwhile|second(?:ly)?|third(?:ly)?|first(?:ly)?|lastly|then|also|however|yet|"
    r"nevertheless|nonetheless|crucially|interestingly|surprisingly|ultimately|"
    r"in other words|in practice|in particular|to this end|as such|on average|"
    r"[a-z]+ly),?\s+)+",
    re.I,
)
_REPORT_LEADIN_RE = re.compile(
    r"^(?:(?:extensive |comprehensive |our |the |empirical |experimental |evaluation |"
    r"these |both |further |key |main |primary |all |numerical |\w+-scale )*"
    r"(?:experiments?|experimental results|results|evaluations?|analys[ie]s|findings|"
    r"studies|evidence)(?: [\w-]+){0,6}? (?:show|shows|demonstrate|demonstrates|indicate|"
    r"indicates|reveal|reveals|confirm|confirms|suggest|suggests|highlight|highlights|"
    r"validate|validates)(?: that)?,?\s+"
    r"|we (?:find|found|show|observe|demonstrate|discover|reveal|confirm)(?: that)?,?\s+)",
    re.I,
)
_IMPL_LEADIN_RE = re.compile(
    r"^(?:(?:this|our|the) (?:study|work|paper|analysis|research|framework|approach|"
    r"findings?|results?)|these (?:results|findings|observations)|overall,? (?:our|these) "
    r"(?:results|findings)|we believe|we hope|we argue)"
    r"(?: \w+){0,3}? (?:demonstrates?|shows?|suggests?|highlights?|underscores?|reveals?|"
    r"indicates?|confirms?|establishes|believe|hope|argue) that,?\s+",
    re.I,
)
_AIM_RE = re.compile(
    r"^(?:in this (?:paper|work|study),?\s+)?(?:we|this (?:paper|work|study)|our (?:goal|aim|"
    r"work))\s+(?:aims?|seeks?|sets? out|strives?|is|are)\s+to\s+",
    re.I,
)
_STUDY_RE = re.compile(
    r"^(?:in this (?:paper|work|study),?\s+)?(?:we|this (?:paper|work|study))\s+"
    r"(study|studies|investigates?|explores?|examines?|address(?:es)?|tackles?|revisits?|"
    r"analy[sz]es?|focus(?:es)? on)\s+",
    re.I,
)
_CONTRIB_RE = re.compile(
    # Any short lead-in clause: "To address this, ", "Building on these observations, ".
    r"^(?:(?:in this (?:paper|work|study)|here|[A-Za-z][^,;:]{0,110}),?\s+)?"
    r"we\s+(?:(?:first|further|also|then|thus|hence|newly)\s+)?(propose|introduce|present|"
    r"develop|design|construct|build|devise|formulate|curate|create|release|contribute)\s+",
    re.I,
)
# A weaker contribution: "In this paper, we show/study ...": a one-liner when nothing better.
_THIS_PAPER_WE_RE = re.compile(
    r"^in this (?:paper|work|study|report),?\s+we\s+(?:\w+ly\s+)?([a-z]+)\s+", re.I)
_BYGERUND_RE = re.compile(
    r"^(?:in this (?:paper|work|study),?\s+)?we\s+(?:\w+\s+){0,5}?by\s+(presenting|introducing|"
    r"proposing|developing|designing|constructing|building|creating|releasing)\s+",
    re.I,
)
_PURPOSE_RE = re.compile(
    r"\b(?:aiming|aims|aim|designed|in order|so as|seeking|striving) to\s+(?P<rest>[^,;]{15,})",
    re.I,
)
_PROBLEM_RE = re.compile(
    r"\b(?:however|yet|despite|although|challeng\w*|problem\w*|limitation\w*|limited|"
    r"bottleneck\w*|lacks?|lacking|struggl\w*|suffer\w*|fail\w*|remains?|unclear|unexplored|"
    r"costly|expensive|difficult|hinder\w*|insufficient|underexplored|gap|issue\w*|"
    r"inefficien\w*|prohibitive|unreliable|vulnerab\w*|overlook\w*|neglect\w*)\b",
    re.I,
)
_PRESENTS_RE = re.compile(
    r"\b(?:this|the|our) (?:paper|work|study|report|article) (?:proposes|introduces|presents|"
    r"develops|describes)\b", re.I)
# Pronouns, not names that contain them ("We-Math", "US-based").
_PRONOUNS = [
    (re.compile(r"(?<![\w-])We(?![\w-])"), "The authors"),
    (re.compile(r"(?<![\w-])we(?![\w-])"), "the authors"),
    (re.compile(r"(?<![\w-])Our(?![\w-])"), "Their"),
    (re.compile(r"(?<![\w-])our(?![\w-])"), "their"),
    (re.compile(r"(?<![\w-])ourselves(?![\w-])"), "themselves"),
    (re.compile(r"(?<![\w-])us(?![\w-])"), "them"),
]
# Trailing clauses that can go when a part is too long (never when they hold digits).
_TRIM_CLAUSE_RE = re.compile(
    r",\s+(?:which|while|where|whereas|thereby|thus|enabling|making|allowing|leading|"
    r"resulting|offering|providing|paving|highlighting|demonstrating|suggesting|"
    r"underscoring|showing|indicating|including|such as|as well as|and thus|and"
    r" (?:thus|therefore|hence))\b[^,;]*$"
)
_TAIL_RE = re.compile(
    r",\s+(?:which|where|while|whereas|including|such as|e\.g\.|i\.e\.|thereby|enabling|"
    r"allowing|making|leading to|resulting in)\b"
)
_STOP = frozenset(
    """
    a an the of to in on for and or but with by from as at is are was were be been being
    this that these those it its their our we they them which what who how when where
    while can could may might will would should must do does did not no than then so
    such via into over under between across about also more most less both each other
    any all some many new novel based using use used show shows shown paper work study
    approach method methods model models propose proposed present introduce results
    result achieve achieves existing however further well large first two three one
    """.split()  # noqa: SIM905 - a word list reads better as words
)

_PART_BUDGET = {"one_line": 280, "objective": 260, "method": 300, "results": 340,
                "implication": 260}


@dataclass
class Candidate:
    """One sentence that may fill a part, with where it came from and how it scores."""

    text: str
    section: str  # abstract | introduction | results | experiments | conclusion | ...
    index: int
    total: int
    scores: dict[str, float] = field(default_factory=dict)
    quantitative: bool = False
    contrib: bool = False  # "we propose/introduce X", "we bridge ... by presenting X"
    aim: bool = False  # "we aim to", "this paper investigates"
    purpose: bool = False  # "..., aiming to X"
    problem: bool = False  # "however, existing methods lack ..."
    impl_cue: bool = False


def has_quantitative(text: str) -> bool:
    """Whether ``text`` states a measured number (not only a year or a model name).

    A bare decimal right after a capitalized word is a version ("LLaDA 1.5", "Gemini 2.5",
    "Table 3.2"), not a measurement.
    """
    for match in _QUANT_RE.finditer(text):
        number = match.group(0)
        if "." in number and number.replace(".", "").isdigit():
            before = text[: match.start()].rstrip().rsplit(" ", 1)[-1]
            if before[:1].isupper() and any(ch.isalpha() for ch in before):
                continue
        return True
    return False


def _score(text: str, index: int, total: int, section: str) -> tuple[dict[str, float], bool]:
    """Role scores from cues, position and section; and whether an implication cue fired."""
    low = text.lower()  # cue patterns are lowercase: faster than re.I
    scores = {role: sum(w for pat, w in _CUES[role] if pat.search(low)) for role in ROLES}
    impl_cue = scores["implication"] > 0
    rel = index / max(total - 1, 1)
    # Abstracts run problem -> method -> results -> implication; position breaks ties.
    scores["objective"] += 1.2 * (1 - rel) if index > 0 or total < 4 else 0.6
    scores["method"] += 0.8 * (1 - abs(rel - 0.4))
    scores["result"] += 0.8 * rel
    scores["implication"] += 1.5 * rel if index == total - 1 else 0.6 * rel
    if section in ("results", "experiments"):
        scores["result"] += 1.0
    elif section == "conclusion":
        scores["implication"] += 1.0
    elif section == "introduction":
        scores["objective"] += 0.5
    return scores, impl_cue


_NOT_LETTER_RE = re.compile(r"[\W\d_]+")


def _usable(sentence: str) -> bool:
    words = sentence.split()
    if len(words) < 5 or len(sentence) > 900:
        return False
    if _INJECTION_RE.search(sentence) or _URL_RE.search(sentence):
        return False
    if len(sentence) < 160 and _AVAILABILITY_RE.search(sentence):
        return False
    letters = len(_NOT_LETTER_RE.sub("", sentence))
    return letters >= 0.55 * len(sentence)


def _candidates(text: str, section: str, limit: int | None = None) -> list[Candidate]:
    cleaned = strip_citations(clean_text(text))
    # dict.fromkeys: drop repeated sentences (copy-paste accidents), keep the order.
    sentences = [s for s in dict.fromkeys(split_sentences(cleaned)) if _usable(s)]
    if limit is not None:
        sentences = sentences[:limit]
    total = len(sentences)
    out = []
    for i, s in enumerate(sentences):
        out.append(_candidate(s, section, i, total))
    return out


def _candidate(text: str, section: str, index: int, total: int) -> Candidate:
    scores, impl_cue = _score(text, index, total, section)
    lead = _strip_leadin(text)
    return Candidate(
        text, section, index, total, scores, has_quantitative(text),
        contrib=bool(_CONTRIB_RE.match(text) or _BYGERUND_RE.match(text)),
        aim=bool(_AIM_RE.match(lead) or _STUDY_RE.match(lead)),
        purpose=_PURPOSE_RE.search(text) is not None,
        problem=_PROBLEM_RE.search(text) is not None,
        impl_cue=impl_cue,
    )


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


# --- rewriting helpers ------------------------------------------------------------------

def _third_person(verb: str) -> str:
    low = verb.lower()
    if low.endswith("s") and not low.endswith("ss"):
        return low
    if low.endswith(("sh", "ch", "x", "ss")):
        return low + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


def _depersonalize(text: str) -> str:
    for pattern, repl in _PRONOUNS:
        text = pattern.sub(repl, text)
    return text


def _lower_first(text: str, context: str) -> str:
    """Lowercase the first word if it is an ordinary word (never a name or acronym)."""
    match = re.match(r"([A-Z][a-z]*)\b", text)
    if not match:
        return text
    word = match.group(1)
    # A word written capitalized mid-sentence elsewhere is a name ("Transformer").
    if re.search(r"[a-z,;:] " + re.escape(word) + r"\b", context):
        return text
    return word.lower() + text[len(word):]


def _strip_leadin(text: str) -> str:
    stripped = _LEADIN_RE.sub("", text)
    if stripped and stripped[0].islower():
        stripped = stripped[0].upper() + stripped[1:]
    return stripped or text


def _trim(text: str, budget: int) -> str:
    """Drop trailing clauses without digits, then long digit-free parentheticals."""
    text = text.rstrip(" .;:")
    for _ in range(3):
        if len(text) <= budget:
            break
        match = _TRIM_CLAUSE_RE.search(text)
        if match is None or any(c.isdigit() for c in match.group(0)):
            break
        if match.start() < 50:
            break
        text = text[: match.start()]
    if len(text) > budget:
        text = re.sub(r"\s*\((?=[^()]{25,}\))[^()\d]*\)", "", text)
    if len(text) > budget:
        # A long descriptive tail ("..., which pairs A with B and evaluates (i) ... (iv)").
        tail = _TAIL_RE.search(text, 60)
        if tail is not None and not any(ch.isdigit() for ch in text[tail.start():]):
            text = text[: tail.start()]
    if len(text) > budget:
        colon = text.find(": ", 60)
        if colon > 0 and not any(ch.isdigit() for ch in text[colon:]):
            text = text[:colon]
    if len(text) > budget:
        text = re.sub(r",\s*(?:e\.g\.|i\.e\.|such as|including)[^,;()]*(?=[,;])", "", text)
    return text.rstrip(" ,;:") + "."


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _one_line(c: Candidate, title: str, context: str) -> str:
    text = c.text
    match = _CONTRIB_RE.match(text)
    if match:
        rest = text[match.end():]
        return f"This paper {_third_person(match.group(1))} {rest}"
    match = _BYGERUND_RE.match(text)
    if match:
        verb = match.group(1).lower()[:-3]
        verb = verb + "e" if verb.endswith(("duc", "pos", "sign", "struct", "velop", "at", "as"))\
            and not verb.endswith(("sign", "struct", "velop")) else verb
        rest = text[match.end():]
        return f"This paper {_third_person(verb)} {rest}"
    match = _THIS_PAPER_WE_RE.match(text)
    if match and not match.group(1).endswith("ed"):
        return f"This paper {_third_person(match.group(1))} " + _depersonalize(
            text[match.end():])
    text = _strip_leadin(text)
    return _depersonalize(text)


def _objective(c: Candidate, context: str) -> str:
    text = _strip_leadin(c.text)
    match = _AIM_RE.match(text)
    if match:
        return "The primary objective is to " + _depersonalize(text[match.end():])
    match = _STUDY_RE.match(text)
    if match:
        verb = match.group(1).lower()
        verb = {"studies": "study", "addresses": "address", "focuses on": "focus on",
                "analyses": "analyse", "analyzes": "analyze"}.get(verb, verb)
        verb = re.sub(r"(?<=[a-z])s$", "", verb) if verb.endswith(("tes", "res", "les",
                                                                    "ses", "ks")) else verb
        return f"The primary objective is to {verb} " + _depersonalize(text[match.end():])
    purpose = _PURPOSE_RE.search(text)
    if purpose and not _PROBLEM_RE.search(text[: purpose.start()]):
        return "The primary objective is to " + _depersonalize(purpose.group("rest"))
    text = re.sub(r"^(?:however|yet|but|still),?\s+", "", text, flags=re.I)
    body = _depersonalize(_lower_first(text, context))
    if _PROBLEM_RE.search(c.text):
        return "The primary objective is to address the problem that " + body
    return "The work starts from the observation that " + body


def _method(c: Candidate, context: str) -> str:
    text = _strip_leadin(c.text)
    if re.match(r"(?:we|our)\b", text, re.I):
        return "Methodologically, " + _depersonalize(_lower_first(text, context)).replace(
            "The authors", "the authors", 1).replace("Their", "their", 1)
    return "Methodologically, " + _depersonalize(_lower_first(text, context))


def _strip_report(text: str) -> str:
    """"Experiments show that X" -> "X"; kept when it carries a number or no "that" clause."""
    match = _REPORT_LEADIN_RE.match(text)
    if match is None:
        return text
    leadin = match.group(0)
    if not leadin.rstrip(" ,").lower().endswith("that") or any(ch.isdigit() for ch in leadin):
        return text
    return text[match.end():]


def _results(c: Candidate, context: str) -> str:
    text = _strip_leadin(c.text)
    text = _strip_report(text)
    text = _depersonalize(text)
    return "The primary results show that " + _lower_first(text, context)


def _implication(c: Candidate, context: str) -> str:
    text = _strip_leadin(c.text)
    text = _IMPL_LEADIN_RE.sub("", text)
    text = _depersonalize(text)
    return "The principal implication for AI practitioners is that " + _lower_first(
        text, context)


# Words with two capitals or a digit: "MoE", "GPT-4o", "LongLLaVA" (not "The").
_NAME_RE = re.compile(
    r"\b(?=[A-Za-z0-9.\-]*(?:\d|[A-Z][a-z0-9.\-]*[A-Z]))[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*\b"
)
_WORD_RE = re.compile(r"(?<![\w-])[a-z][a-z\-]{3,}(?![\w-])")


def keywords(title: str, text: str, limit: int = 6) -> list[str]:
    """Names and frequent content words, deterministically (title words weigh double)."""
    names: list[str] = []
    for word in _NAME_RE.findall(f"{title} {text}"):
        # A name with digits must be checkable against the body text too: some callers
        # verify against the abstract and full text without the title.
        if any(ch.isdigit() for ch in word) and word not in text:
            continue
        if word not in names:
            names.append(word)
    counts: Counter[str] = Counter()
    for w in _WORD_RE.findall(text.lower()):
        if w not in _STOP:
            counts[w] += 1
    for w in _WORD_RE.findall(title.lower()):
        if w not in _STOP:
            counts[w] += 2
    words = [w for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2]
    out: list[str] = []
    for k in names[: limit // 2] + words:
        if k.lower() not in {o.lower() for o in out}:
            out.append(k)
        if len(out) >= limit:
            break
    return out


def _split_clauses(c: Candidate) -> list[Candidate]:
    """Break one long sentence into clause-level pseudo-sentences (few-sentence abstracts).

    Splits at semicolons and at ", while/whereas/and/but" before a new clause; a clause
    that starts with "which" stays with the one it describes.
    """
    parts = re.split(r";\s+|,\s+(?:while|whereas|and|but|and then|thereby)\s+(?=\S+\s+\S+\s+\S+)",
                     c.text)
    pieces = [p.strip(" ,;.") for p in parts if len(p.split()) >= 4]
    if len(pieces) < 2:
        return [c]
    return [_candidate(_sentence(p), c.section, c.index, c.total) for p in pieces]


class ExtractiveSummarizer(Summarizer):
    """Five-part summary from the paper's own sentences; see the module docstring."""

    id = "extractive"

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        return summarize_paper(paper, fulltext)


def summarize_paper(paper: Paper, fulltext: FullText | None = None) -> Summary:
    """The extractive summary of ``paper`` (with ``fulltext`` when there is one)."""
    abstract = paper.abstract or ""
    if fulltext is not None and not abstract.strip():
        abstract = fulltext.section_text("abstract")
    title = clean_text(paper.title or "")
    if not abstract.strip() and (fulltext is None or not fulltext.text.strip()):
        raise SummarizerError(f"cannot summarize {paper.arxiv_id}: no abstract and no full text")
    sample = abstract if abstract.strip() else (fulltext.text[:5000] if fulltext else "")
    if not looks_english(clean_text(sample)):
        raise SummarizerError(
            f"cannot summarize {paper.arxiv_id}: the text does not look like English "
            "(the extractive summarizer only reads English prose)",
            hint="use an LLM summarizer (--summarizer openai) for this paper",
        )

    cands = _candidates(abstract, "abstract")
    if len(cands) < 5:
        expanded: list[Candidate] = []
        for c in cands:
            expanded.extend(_split_clauses(c) if len(cands) < 4 else [c])
        cands = expanded
    extra = _Sections(fulltext)
    if not cands and fulltext is not None:
        cands = extra.get("introduction")[:40] or _candidates(
            fulltext.text[:20000], "abstract", limit=40)
    if not cands:
        raise SummarizerError(
            f"cannot summarize {paper.arxiv_id}: no usable English sentence in the text")

    context = " ".join(c.text.rstrip(".") + "." for c in cands)
    chosen = _select(cands, extra)
    one_line = _one_line(chosen["one_line"], title, context) if chosen["one_line"] \
        else f"This paper presents {title}" if title else ""
    parts = {
        "one_line": one_line,
        "objective": _objective(chosen["objective"], context) if chosen["objective"] else "",
        "method": _method(chosen["method"], context) if chosen["method"] else "",
        "results": _results(chosen["results"], context) if chosen["results"] else "",
        "implication": _implication(chosen["implication"], context)
        if chosen["implication"] else "",
    }
    parts = _fill_missing(parts, title)
    final = {name: _sentence(_trim(text, _PART_BUDGET[name])) for name, text in parts.items()}
    # A summary is worth reading only if it is shorter than the abstract: for short
    # abstracts drop the connectives, then trim harder.
    limit = 0.9 * len(clean_text(abstract))
    if any(c is not None and c.section != "abstract" for c in chosen.values()):
        limit = max(limit, 1100.0)  # parts from the full text: the abstract is no yardstick
    if _rendered_length(final) > limit:
        final = {name: _sentence(_compact(text)) for name, text in final.items()}
    if _rendered_length(final) > limit:
        ratio = max(0.4, limit / _rendered_length(final))
        final = {name: _sentence(_trim(text, int(_PART_BUDGET[name] * ratio)))
                 for name, text in final.items()}
    return Summary(
        arxiv_id=paper.arxiv_id,
        one_line=final["one_line"],
        objective=final["objective"],
        method=final["method"],
        results=final["results"],
        implication=final["implication"],
        version=paper.version if paper.version is not None else
        (fulltext.version if fulltext else None),
        backend="extractive",
        model=None,
        source=fulltext.source if fulltext else "abstract",
        keywords=keywords(title, clean_text(abstract)),
    )


_COMPACT = [
    ("The primary objective is to address the problem that ", ""),
    ("The primary objective is to ", "The aim is to "),
    ("The work starts from the observation that ", ""),
    ("Methodologically, ", ""),
    ("The primary results show that ", ""),
    ("The principal implication for AI practitioners is that ", ""),
]


def _compact(text: str) -> str:
    for long, short in _COMPACT:
        if text.startswith(long):
            return short + text[len(long):]
    return text


def _rendered_length(parts: dict[str, str]) -> int:
    return sum(len(t) + 1 for t in parts.values() if t)


class _Sections:
    """Full-text sentences by section kind, split only when a part needs them (speed)."""

    def __init__(self, fulltext: FullText | None) -> None:
        self.fulltext = fulltext
        self._cache: dict[str, list[Candidate]] = {}

    def __bool__(self) -> bool:
        return self.fulltext is not None and bool(self.fulltext.sections)

    def get(self, *kinds: str) -> list[Candidate]:
        out: list[Candidate] = []
        for kind in kinds:
            if kind not in self._cache:
                text = self.fulltext.section_text(kind) if self.fulltext is not None else ""
                # Bounded: a section's first sentences carry its point; the rest costs time.
                self._cache[kind] = _candidates(text[:30000], kind, limit=120) if text else []
            out.extend(self._cache[kind])
        return out


def _fill_missing(parts: dict[str, str], title: str) -> dict[str, str]:
    """Honest stock sentences for parts the text gives nothing for (all five are present)."""
    if not parts["one_line"]:
        parts["one_line"] = "This paper has no usable title or summary sentence"
    if not parts["objective"]:
        parts["objective"] = (f"The primary objective, as the title states, is: {title}"
                              if title else "The paper does not state its objective")
    if not parts["method"]:
        parts["method"] = "The abstract does not describe the method in a separate sentence"
    if not parts["results"]:
        parts["results"] = "The abstract does not report specific results"
    if not parts["implication"]:
        parts["implication"] = "The abstract states no implication beyond these results"
    return parts


def _select(cands: Sequence[Candidate], extra: _Sections) -> dict[
        str, Candidate | None]:
    used: set[int] = set()
    chosen: dict[str, Candidate | None] = dict.fromkeys(
        ("one_line", "objective", "method", "results", "implication"))

    def take(part: str, pool: Sequence[Candidate], key: object) -> None:
        best = None
        best_key: tuple[float, ...] | None = None
        for i, c in enumerate(pool):
            if pool is cands and i in used:
                continue
            k = key(c)  # type: ignore[operator]
            if k is None:
                continue
            if best_key is None or k > best_key:
                best, best_key = i, k
        if best is not None:
            if pool is cands:
                used.add(best)
            chosen[part] = pool[best]

    n = len(cands)

    def contrib(c: Candidate) -> tuple[float, ...] | None:
        if c.contrib:
            return (2.0, -c.index)
        if _PRESENTS_RE.search(c.text):
            return (1.5, -c.index)
        if _THIS_PAPER_WE_RE.match(c.text):
            return (1.0, -c.index)
        return (c.scores["method"] - 2.0, -c.index) if n <= 3 else None

    def result_key(c: Candidate) -> tuple[float, ...]:
        return (float(c.quantitative), c.scores["result"] + 0.3 * min(
            len(_QUANT_RE.findall(c.text)), 3) - (c.index == 0) * 2, -len(c.text) / 1000)

    # The contribution sentence is the one-line summary; then the quantitative finding,
    # the part readers check, from what is left.
    take("one_line", cands, contrib)
    take("results", cands, result_key)
    res = chosen["results"]
    if (res is None or not res.quantitative) and extra:
        pool = [c for c in extra.get("results", "experiments", "conclusion")
                if c.quantitative and c.scores["result"] >= 1.2
            and 60 <= len(c.text) <= 320]
        if pool:
            if res is not None:
                used.discard(cands.index(res))
            take("results", pool, lambda c: (c.scores["result"], -len(c.text) / 1000))
    res = chosen["results"]
    if res is not None and not res.quantitative and res.scores["result"] < 1.2 and n > 3:
        # Not a result at all (a method or context sentence): the stock sentence is honest.
        if res in cands:
            used.discard(cands.index(res))
        chosen["results"] = None
    pivot = chosen["one_line"].index if chosen["one_line"] is not None else 1

    def implication_key(c: Candidate) -> tuple[float, ...] | None:
        if not (c.index >= n // 2 or n <= 3) or not c.impl_cue:
            return None
        return (c.scores["implication"] + (c.index == n - 1) * 0.5
                - 0.3 * c.scores["method"],)

    take("implication", cands, implication_key)

    def objective_key(c: Candidate) -> tuple[float, ...] | None:
        if not (c.aim or c.index <= pivot or n <= 4):
            return None
        return (float(c.aim) * 2 + float(c.problem) + float(c.purpose) * 0.5
                + c.scores["objective"] * 0.3 - 0.3 * max(0, c.index - pivot),)

    take("objective", cands, objective_key)
    if chosen["objective"] is None and chosen["one_line"] is not None and chosen[
            "one_line"].purpose:
        chosen["objective"] = chosen["one_line"]
    # The method is told after the contribution sentence, not in the motivation before it.
    after = any(i not in used and c.index > pivot for i, c in enumerate(cands))

    def method_key(c: Candidate) -> tuple[float, ...] | None:
        if after and c.index <= pivot:
            return None
        return (c.scores["method"] - 0.2 * abs(c.index - (pivot + 1))
                - 0.8 * bool(re.match(r"(?:it|this|they|these|its)\b", c.text, re.I))
                - 0.5 * c.quantitative * c.scores["result"],)

    take("method", cands, method_key)
    if chosen["one_line"] is None:
        take("one_line", cands, lambda c: (c.scores["method"], -c.index))
    if chosen["objective"] is None:
        take("objective", cands, lambda c: (c.scores["objective"],) if c.index <= pivot + 1
             else None)
        if chosen["objective"] is None and extra:
            intro = [c for c in extra.get("introduction") if 60 <= len(c.text) <= 300]
            take("objective", intro, lambda c: (c.scores["objective"], -c.index))
        if chosen["objective"] is None:
            # A leftover sentence of the abstract says more than the title would.
            take("objective", cands, lambda c: (c.scores["objective"] - 0.5 * c.quantitative,))
    if chosen["implication"] is None:
        take("implication", cands, lambda c: (c.scores["implication"] - 0.3 * c.scores[
            "method"],) if c.index >= n // 2 else None)
        if chosen["implication"] is None and extra:
            concl = [c for c in extra.get("conclusion", "discussion")
                     if 60 <= len(c.text) <= 300 and not c.quantitative]
            take("implication", concl, lambda c: (c.scores["implication"], -c.index))
    if chosen["method"] is None:
        take("method", cands, lambda c: (c.scores["method"],))
    # Keep the paper's order between objective, method and one-line when both fit.
    return chosen
