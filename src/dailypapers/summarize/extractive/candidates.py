"""Sentences that may fill a part: cleaned, seam-checked, scored once.

Text from a PDF carries seams that no reader should see: a heading run into the first
sentence ("3 Method Overview The router ..."), acknowledgements, figure and table captions,
list markers, footnote marks, a full stop with no space after it ("exploration.To") and
words glued across a line break ("Abilitytheir"). :func:`seam_check` repairs what can be
repaired without guessing (the missing space, a glued function word, a known heading, a
footnote mark) and rejects the rest. Table rows and figure text are never candidates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ...models import FullText
from ..sentences import normalize_prose, split_sentences, strip_citations
from .cues import (
    AIM_RE,
    AVAILABILITY_RE,
    BYGERUND_RE,
    CONTRIB_RE,
    DATASET_SIZE_RE,
    INJECTION_RE,
    PROBLEM_RE,
    PURPOSE_RE,
    RESULT_WORD_RE,
    STUDY_RE,
    URL_RE,
    has_quantitative,
    role_scores,
)
from .phrasing import strip_leadin


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
    own: bool = False  # about the paper's own method (name, "our", "we", "the proposed")
    size_only: bool = False  # its numbers are a dataset's size, not a finding
    result_word: bool = False  # "outperforms", "accuracy", "faster", ...
    previous: str = ""  # the sentence before it, to resolve a leading pronoun
    learned: dict[str, float] = field(default_factory=dict)  # per part, see :mod:`.roles`
    kind: str = ""  # the part it reads like most (:mod:`.roles`)


_NOT_LETTER_RE = re.compile(r"[\W\d_]+")
_HOLE_RE = re.compile(r"\w \s*[,;:.](?!\d)|\(\s*\)|^[,;:]|^(?:[A-Z][a-z]+ )?[a-z]+, "
                      r"(?:employs|uses|achieves|is|has|introduces|consists)\b")
_NUMBER_TOKEN_RE = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)?%?(?![\w.])")
_VERB_HINT_RE = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|can|[a-z]{3,}(?:es|ed|s))"
                           r"\b")

# --- the seam check ----------------------------------------------------------------------

_MISSING_SPACE_RE = re.compile(r"(?<=[a-z]{3})([.;:])(?=[A-Z][a-z])")
# "... privacy-aware agents 1." : a footnote number left at the end of a sentence.
_TRAILING_NUMBER_RE = re.compile(r"\b([a-z]{3,})\s(\d{1,2})([.!?]?)$", re.I)
_NUMBERED_NOUNS = frozenset({"section", "table", "figure", "appendix", "equation", "step",
                             "stage", "phase", "version", "level", "layer", "than", "from",
                             "and", "to", "of", "by", "at", "top", "rank", "size", "length",
                             "round", "iteration", "epoch", "chapter", "part", "eq", "fig"})


def _drop_trailing_footnote(text: str) -> str:
    match = _TRAILING_NUMBER_RE.search(text)
    if match is None or match.group(1).lower() in _NUMBERED_NOUNS or \
            not match.group(1).islower():
        return text
    return text[: match.start(2)].rstrip() + match.group(3)


_FOOTNOTE_MARK_RE = re.compile(r"[†‡§¶∗⋆]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_KNOWN_HEADING_RE = re.compile(
    r"^(?:Abstract|Introduction|Related Work|Background|"
    r"Preliminaries|Methods?|Methodology|Approach|Experiments?|Experimental Setup|Results|"
    r"Evaluation|Analysis|Discussion|Conclusions?|Limitations)[.:]?\s+(?=[A-Z])")
_NUMBERED_HEADING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-Z]")
_CAPS_HEADING_RE = re.compile(r"\b(?:ABSTRACT|INTRODUCTION|CONCLUSIONS?|RELATED WORK|"
                              r"ACKNOWLEDGE?MENTS?|REFERENCES|APPENDIX)\b")
_ACK_RE = re.compile(
    r"acknowledg|\bwe (?:would like to )?thank\b|\bgrateful\b|\bfunded by\b|"
    r"\bsupported (?:in part )?by\b|\bgrant\b|\bcorrespond|\bequal contribution\b|"
    r"\bwork done (?:during|while)\b|@\w", re.I)
_CAPTION_RE = re.compile(r"(?:^|\s)(?:figure|fig\.|table|tab\.)\s*\d+\s*[:.|]|^(?:figure|fig\.|"
                         r"table|tab\.)\s*\d+\b", re.I)
_LIST_MARKER_RE = re.compile(
    r"^(?:\(?\d{1,2}\)|\(?[ivx]{1,4}\)|\(?[a-h]\)|[•◦▪·∙●■–-]|\d{1,2}\.(?=\s+[A-Z]))\s*")
_FUNCTION_WORDS = ("their", "these", "those", "which", "where", "there", "with", "from",
                   "that", "this", "the", "and", "for", "are", "its", "our")
_LONG_WORD_RE = re.compile(r"\b[A-Za-z]{8,}\b")


def _glue_split(word: str, vocabulary: Counter[str]) -> str | None:
    """"Abilitytheir" -> "Ability their" when the paper uses both halves and never the whole."""
    low = word.lower()
    if vocabulary.get(low, 0) > 1:
        return None
    for fw in _FUNCTION_WORDS:
        if low.endswith(fw) and len(low) - len(fw) >= 4 and vocabulary.get(low[: -len(fw)], 0):
            return f"{word[: -len(fw)]} {word[-len(fw):]}"
        if low.startswith(fw) and len(low) - len(fw) >= 4 and vocabulary.get(low[len(fw):], 0) \
                and low not in ("therefore", "thereby", "therein", "without", "within",
                                "withdraw", "andrew", "theory", "theoretical", "forward",
                                "format", "formula", "formulation", "thereafter", "fromage"):
            return f"{word[: len(fw)]} {word[len(fw):]}"
    return None


# Words one of which every match of a pattern contains: a substring test that fails rules
# the pattern out at a fraction of its cost (most sentences of a full text match nothing).
_ACK_KEYS = ("acknowledg", "thank", "grateful", "funded by", "supported", "grant",
             "correspond", "equal contribution", "work done", "@")
_CAPS_KEYS = ("ABSTRACT", "INTRODUCTION", "CONCLUSION", "RELATED WORK", "ACKNOWLEDG",
              "REFERENCES", "APPENDIX")
_BROKEN_WORD_RE = re.compile(r"\b[a-z]{2,}- [a-z]{2,}\b")
_BROKEN_OK_RE = re.compile(r"- (?:and|or|to|as|vs)\b")


def seam_check(sentence: str, vocabulary: Counter[str] | None = None,
               glued: dict[str, str | None] | None = None) -> str | None:
    """The sentence with PDF seams repaired, or None when it is not prose to publish.

    ``glued`` caches :func:`_glue_split` per word across the sentences of one text."""
    text = sentence if sentence.isascii() else _FOOTNOTE_MARK_RE.sub("", sentence)
    text = text.strip()
    if _NUMBERED_HEADING_RE.match(text) or (any(k in text for k in _CAPS_KEYS) and
                                            _CAPS_HEADING_RE.search(text)):
        return None  # "3 Method Overview The ...": where the heading ends is a guess
    text = _KNOWN_HEADING_RE.sub("", text, count=1)
    low = text.lower()
    if (any(k in low for k in _ACK_KEYS) and _ACK_RE.search(text)) or (
            ("fig" in low or "tab" in low) and _CAPTION_RE.search(text)) or \
            _LIST_MARKER_RE.match(text):
        return None
    text = _MISSING_SPACE_RE.sub(r"\1 ", text)
    if text.rstrip(".!?")[-1:].isdigit():
        text = _drop_trailing_footnote(text)
    if "- " in text and _BROKEN_WORD_RE.search(text) and not _BROKEN_OK_RE.search(text):
        return None  # a word broken across a line: cannot tell the halves apart safely
    if vocabulary is not None:
        cache = glued if glued is not None else {}
        for word in set(_LONG_WORD_RE.findall(text)):
            if word not in cache:
                cache[word] = _glue_split(word, vocabulary)
            split = cache[word]
            if split is not None:
                text = re.sub(rf"\b{word}\b", split, text)
    return text


def vocabulary_of(text: str) -> Counter[str]:
    return Counter(re.findall(r"[a-z]+", text.lower()))


# --- candidates --------------------------------------------------------------------------

def is_table_row(sentence: str) -> bool:
    """Many numbers and few words with a verb: a table row or figure text, not prose."""
    numbers = len(_NUMBER_TOKEN_RE.findall(sentence))
    words = len(sentence.split())
    return (numbers >= 5 and numbers * 3 >= words) or not _VERB_HINT_RE.search(sentence)


# As for the seam check: a word every match of the pattern contains.
_INJECTION_KEYS = ("ignore", "disregard", "system prompt", "you are", "as an ai", "respond",
                   "output only", "instruction")
_URL_KEYS = ("http", "www.", "github.com", "huggingface.co/")
_AVAILABILITY_KEYS = ("availab", "releas", "public", "open", "found", "access", "accepted",
                      "preprint")


# A link closing a sentence that is complete without it: "... framework. https://x.io",
# "... MAS (https://x.io).", "... leaderboardhttps://x.io/". Not "downloaded from https://...".
_LINK_TAIL_RE = re.compile(r"\s*[(\[]?\s*(?:https?://|www\.)[^\s)\]]+[)\]]?\s*[.]?\s*$", re.I)
_NEEDS_LINK_RE = re.compile(r"(?:\b(?:at|from|in|on|via|to|here|see|visit)|[:\-])\W*$", re.I)


def without_link_tail(sentence: str) -> str:
    """``sentence`` without a closing link it does not need to make sense."""
    if "http" not in sentence and "www." not in sentence:
        return sentence
    match = _LINK_TAIL_RE.search(sentence)
    if match is None:
        return sentence
    head = sentence[: match.start()].rstrip()
    if len(head.split()) < 5 or _NEEDS_LINK_RE.search(head):
        return sentence
    return head if head.endswith((".", "!", "?")) else head + "."


def usable(sentence: str) -> bool:
    words = sentence.split()
    if len(words) < 5 or len(sentence) > 900:
        return False
    low = sentence.lower()
    if (any(k in low for k in _INJECTION_KEYS) and INJECTION_RE.search(sentence)) or (
            any(k in low for k in _URL_KEYS) and URL_RE.search(sentence)):
        return False
    if len(sentence) < 160 and any(k in low for k in _AVAILABILITY_KEYS) and \
            AVAILABILITY_RE.search(sentence):
        return False
    if _HOLE_RE.search(sentence):
        return False  # "we introduce , a framework": a name lost with its LaTeX macro
    letters = len(_NOT_LETTER_RE.sub("", sentence))
    return letters >= 0.55 * len(sentence)


def candidates(text: str, section: str, terms: frozenset[str], *, limit: int | None = None,
               pdf: bool = False) -> list[Candidate]:
    kept = kept_sentences(text, limit=limit, pdf=pdf)
    total = len(kept)
    return [make_candidate(s, section, i, total, terms, prev) for i, (s, prev) in
            enumerate(kept)]


def kept_sentences(text: str, *, limit: int | None = None,
                   pdf: bool = False) -> list[tuple[str, str]]:
    """(sentence, the sentence before it) for each usable sentence of ``text``, seam-checked
    when it comes from a PDF, at most ``limit``."""
    cleaned = _MISSING_SPACE_RE.sub(r"\1 ", strip_citations(normalize_prose(text)))
    sentences = list(dict.fromkeys(split_sentences(cleaned)))  # repeated sentences once
    vocabulary = vocabulary_of(cleaned) if pdf else None
    glued: dict[str, str | None] = {}
    kept: list[tuple[str, str]] = []
    previous = ""
    for s in sentences:
        checked = seam_check(s, vocabulary, glued) if pdf else _MISSING_SPACE_RE.sub(r"\1 ", s)
        if checked is not None:
            checked = without_link_tail(checked)
        if checked is not None and usable(checked) and not (pdf and is_table_row(checked)):
            kept.append((checked, previous))
        previous = s
        if limit is not None and len(kept) >= limit:
            break
    return kept


def make_candidate(text: str, section: str, index: int, total: int, terms: frozenset[str],
                   previous: str = "") -> Candidate:
    scores, impl_cue, own = role_scores(text, index, total, section, terms)
    lead = strip_leadin(text)
    quantitative = has_quantitative(text)
    result_word = RESULT_WORD_RE.search(text) is not None
    size_only = quantitative and bool(DATASET_SIZE_RE.search(text)) and not \
        RESULT_WORD_RE.search(DATASET_SIZE_RE.sub("", text))
    return Candidate(
        text, section, index, total, scores, quantitative,
        contrib=bool(CONTRIB_RE.match(lead) or BYGERUND_RE.match(lead)),
        aim=bool(AIM_RE.match(lead) or STUDY_RE.match(lead)),
        purpose=PURPOSE_RE.search(text) is not None,
        problem=PROBLEM_RE.search(text) is not None,
        impl_cue=impl_cue, own=own, size_only=size_only, previous=previous,
        result_word=result_word,
    )


def split_clauses(c: Candidate, terms: frozenset[str]) -> list[Candidate]:
    """Break one long sentence into clause-level pseudo-sentences (few-sentence abstracts).

    Splits at semicolons and at ", while/whereas/and/but" before a new clause; a clause
    that starts with "which" stays with the one it describes.
    """
    parts = re.split(r";\s+|,\s+(?:while|whereas|and|but|and then|thereby)\s+(?=\S+\s+\S+\s+\S+)",
                     c.text)
    pieces = [p.strip(" ,;.") for p in parts if len(p.split()) >= 4]
    if len(pieces) < 2:
        return [c]
    out = []
    for p in pieces:
        p = p[:1].upper() + p[1:]
        out.append(make_candidate(p, c.section, c.index, c.total, terms, c.previous))
    return out


class Sections:
    """Full-text sentences by section kind, split only when a part needs them and scored
    only when they could be chosen (speed).

    A full-text sentence is a candidate for a part only at 60-320 characters (shorter ones
    say too little, longer ones are run-on PDF text): :meth:`get` scores only those, with
    their position among all the section's usable sentences, so the choice is the same as
    scoring them all.
    """

    WINDOW = (60, 320)

    def __init__(self, fulltext: FullText | None, terms: frozenset[str]) -> None:
        self.fulltext = fulltext
        self.terms = terms
        self._kept: dict[str, list[tuple[str, str]]] = {}
        self._scored: dict[tuple[str, int], Candidate] = {}

    def __bool__(self) -> bool:
        return self.fulltext is not None and bool(self.fulltext.sections)

    def get(self, *kinds: str, window: tuple[int, int] | None = WINDOW,
            keep: Callable[[str], bool] | None = None) -> list[Candidate]:
        """The candidates of these section kinds, in order; ``window=None`` for all; only
        sentences ``keep`` accepts are scored (a test a pool's filter implies)."""
        out: list[Candidate] = []
        shortest, longest = window if window is not None else (0, 1 << 30)
        for kind in kinds:
            if kind not in self._kept:
                text = self.fulltext.section_text(kind) if self.fulltext is not None else ""
                pdf = self.fulltext is not None and self.fulltext.source != "html"
                # Bounded: a section's first sentences carry its point; the rest costs time.
                self._kept[kind] = kept_sentences(text[:30000], limit=120, pdf=pdf) \
                    if text else []
            kept = self._kept[kind]
            for i, (sentence, previous) in enumerate(kept):
                if not shortest <= len(sentence) <= longest or (
                        keep is not None and not keep(sentence)):
                    continue
                if (kind, i) not in self._scored:
                    self._scored[kind, i] = make_candidate(sentence, kind, i, len(kept),
                                                           self.terms, previous)
                out.append(self._scored[kind, i])
        return out
