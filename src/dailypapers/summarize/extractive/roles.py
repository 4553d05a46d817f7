"""A learned role score: how much a sentence reads like each part of a reference summary.

A small linear model over cheap, general features of a sentence (its hand cue scores, where
it sits in the abstract and relative to the contribution sentence, its length, how it
starts, which word groups it uses: "we"/"our", tense, numbers, enabling and outlook words,
method vocabulary) gives one score per part. Its weights ship with the package
(``roles.json``); ``bench/train_roles.py`` fits them on half 0 of the reference summaries
split into parts (each abstract sentence ranked against the same part of the reference) and
reports them on half 1, so they are reproducible and checked on papers they never saw.

No numeric library is needed at run time: the features are a dict and the score a sum.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from operator import add
from typing import Any

from .candidates import Candidate
from .phrasing import strip_leadin

# The parts the model ranks sentences for (the one-line is the contribution, by rule).
LEARNED_PARTS = ("objective", "method", "results", "implication")
# The parts a sentence may read like most (:func:`kind_of`).
KINDS = ("one_line", "objective", "method", "results", "implication")

_START_RES: dict[str, re.Pattern[str]] = {
    "start_we": re.compile(r"^(?:[\w ,]{0,40}, )?we\b"),
    "start_our": re.compile(r"^our\b"),
    "start_this_paper": re.compile(r"^(?:in )?th(?:is|e) (?:paper|work|study|report)\b"),
    "start_demonstrative": re.compile(r"^(?:this|these|such|it|they|its|their)\b"),
    "start_by": re.compile(r"^by \w+ing\b"),
    "start_to": re.compile(r"^to \w+\b"),
    "start_reports": re.compile(r"^(?:\w+ ){0,2}(?:experiments?|results|evaluations?|"
                                r"empirical|extensive|comprehensive)\b"),
    "start_sequence": re.compile(r"^(?:specifically|first(?:ly)?|second(?:ly)?|then|next|"
                                 r"finally|moreover|additionally|furthermore|in addition|"
                                 r"besides|concretely)\b"),
    "start_contrast": re.compile(r"^(?:however|but|yet|despite|although|while|whereas|"
                                 r"unfortunately|nevertheless)\b"),
    "start_recent": re.compile(r"^(?:recent|recently|current|existing|large|with the|"
                               r"the (?:rapid|recent|growing))\b"),
    "start_overall": re.compile(r"^(?:overall|in summary|together|taken together|"
                                r"ultimately|these (?:results|findings))\b"),
}
_WORD_RES: dict[str, re.Pattern[str]] = {
    "has_we": re.compile(r"\bwe\b"),
    "has_our": re.compile(r"\bour\b"),
    "modal": re.compile(r"\b(?:could|may|might|can|will|would)\b"),
    "past": re.compile(r"\b(?:found|observed|showed|achieved|obtained|improved|"
                       r"outperformed|reached|revealed)\b"),
    "enable": re.compile(r"\b(?:enabl\w*|allow\w*|facilitat\w*|empower\w*|unlock\w*|"
                         r"support\w*|making it)\b"),
    "suggest": re.compile(r"\b(?:suggest\w*|highlight\w*|underscor\w*|indicat\w*|"
                          r"emphasi[sz]\w*|imply|implies|implication\w*|reveal\w*)\b"),
    "outlook": re.compile(r"\b(?:future|potential|promising|pav\w* the way|opens?|new "
                          r"(?:avenue|direction|paradigm|possibilit)\w*|step toward\w*|"
                          r"foundation|broad\w*|general-purpose)\b"),
    "release": re.compile(r"\b(?:release\w*|publicly|open-source\w*|available|code|"
                          r"community)\b"),
    "insight": re.compile(r"\b(?:insights?|understanding|lessons?|guidance|practical|"
                          r"practitioners?|design choices?|recipe)\b"),
    "apply": re.compile(r"\b(?:applications?|real-world|deploy\w*|scal\w+|efficien\w*|"
                        r"cost\w*|accessible|resource)\b"),
    "structure": re.compile(r"\b(?:consists? of|compris\w+|stages?|modules?|components?|"
                            r"steps?|layers?|branch\w*|encoders?|decoders?|pipeline|"
                            r"architecture)\b"),
    "training": re.compile(r"\b(?:train\w*|fine-tun\w*|optimi[sz]\w*|reinforcement|reward\w*|"
                           r"loss|supervis\w*|distill\w*|pre-?train\w*)\b"),
    "mechanism": re.compile(r"\b(?:leverag\w*|utiliz\w*|employ\w*|uses?|using|based on|"
                            r"incorporat\w*|integrat\w*|combin\w*|via|through)\b"),
    "data": re.compile(r"\b(?:datasets?|benchmarks?|corpus|data)\b"),
    "propose": re.compile(r"\b(?:propos\w*|introduc\w*|present\w*|novel)\b"),
    "beats": re.compile(r"\b(?:outperform\w*|achiev\w*|surpass\w*|state-of-the-art|sota|"
                        r"superior|improv\w*|better)\b"),
    "problem_words": re.compile(r"\b(?:challeng\w*|problems?|limitations?|lack\w*|"
                                r"struggl\w*|fail\w*|remains?|difficult|costly)\b"),
    "aim_words": re.compile(r"\b(?:aims?|goal|objective|whether|question|investigat\w*|"
                            r"explor\w*|study|studies)\b"),
}
# Word groups with a phrase among their alternatives: searched in the sentence as well.
_PHRASE_GROUPS = ("enable", "outlook", "insight", "structure", "mechanism")
_TOKEN_RE = re.compile(r"\w+(?:-\w+)*")
_token_groups: dict[str, tuple[str, ...]] = {}


def _groups_of(token: str) -> tuple[str, ...]:
    """The word groups a token belongs to (whole, or one of its hyphenated parts), cached:
    a sentence's words are looked up instead of every pattern scanning every sentence."""
    found = _token_groups.get(token)
    if found is None:
        pieces = (token, *token.split("-")) if "-" in token else (token,)
        found = tuple(name for name, pattern in _WORD_RES.items()
                      if any(pattern.fullmatch(piece) for piece in pieces))
        if len(_token_groups) > 200_000:
            _token_groups.clear()
        _token_groups[token] = found
    return found


_FLAGS = ("quantitative", "contrib", "aim", "purpose", "problem", "impl_cue", "own",
          "size_only", "result_word")


def features(c: Candidate, pivot: int, n: int) -> dict[str, float]:
    """The sentence's features (name -> value); absent names are 0."""
    low = c.text.lower()
    out: dict[str, float] = {f"cue_{role}": value for role, value in c.scores.items()}
    for flag in _FLAGS:
        if getattr(c, flag):
            out[flag] = 1.0
    rel = c.index / max(n - 1, 1)
    out["rel"] = rel
    out["rel2"] = rel * rel
    if c.index == 0:
        out["first"] = 1.0
    if c.index == n - 1:
        out["last"] = 1.0
    elif c.index == n - 2:
        out["second_last"] = 1.0
    d = c.index - pivot
    out[f"pivot_{max(-2, min(d, 4))}"] = 1.0
    if n <= 4:
        out["short_abstract"] = 1.0
    words = len(c.text.split())
    out["log_words"] = math.log(max(words, 1)) - 3.0
    out["commas"] = min(c.text.count(","), 6) / 6
    if ":" in c.text:
        out["colon"] = 1.0
    if c.section != "abstract":
        out["full_text"] = 1.0
    for name, pattern in _START_RES.items():
        if pattern.match(low):
            out[name] = 1.0
    for token in set(_TOKEN_RE.findall(low)):
        for name in _groups_of(token):
            out[name] = 1.0
    for name in _PHRASE_GROUPS:
        if name not in out and _WORD_RES[name].search(low):
            out[name] = 1.0
    return out


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files(__package__).joinpath("roles.json").read_text(encoding="utf-8"))
    return data


@cache
def _weights() -> dict[str, dict[str, float]]:
    return {part: {str(k): float(v) for k, v in _data()["weights"][part].items()}
            for part in LEARNED_PARTS}


@cache
def _kind_weights() -> dict[str, dict[str, float]]:
    return {kind: {str(k): float(v) for k, v in _data()["kind"][kind].items()}
            for kind in KINDS}


@cache
def _table() -> dict[str, tuple[float, ...]]:
    """Feature -> its weights for every learned part, then every kind (one pass to score)."""
    parts, kinds = _weights(), _kind_weights()
    names = {*(n for w in parts.values() for n in w), *(n for w in kinds.values() for n in w)}
    return {name: tuple(parts[p].get(name, 0.0) for p in LEARNED_PARTS) +
            tuple(kinds[k].get(name, 0.0) for k in KINDS) for name in names}


def annotate(cands: Sequence[Candidate], pivot: int) -> None:
    """Set each candidate's ``learned`` scores (one per part, to rank sentences for a part)
    and its ``kind`` (the part it reads like most), relative to the pivot."""
    n = len(cands)
    table = _table()
    width = len(LEARNED_PARTS) + len(KINDS)
    bias = table.get("bias", (0.0,) * width)
    for c in cands:
        total = list(bias)
        for name, value in features(c, pivot, n).items():
            weights = table.get(name)
            if weights is not None:
                total = list(map(add, total, weights)) if value == 1.0 else [
                    t + value * w for t, w in zip(total, weights, strict=True)]
        c.learned = dict(zip(LEARNED_PARTS, total, strict=False))
        scored = total[len(LEARNED_PARTS):]
        c.kind = KINDS[scored.index(max(scored))]

# --- rules the selection asks about a sentence's role ------------------------------------

# What a method offers in practice, and what only describes one of its steps.
PRACTICAL_RE = re.compile(
    r"\b(?:training-free|plug-and-play|compatible|efficient\w*|scal\w+|practical\w*|"
    r"deploy\w*|applicab\w*|applications?|general\w*|open-source\w*|real-world|cost\w*|"
    r"accessible|easy|simple|lightweight|robust\w*|versatil\w*)\b", re.I)
STEP_RE = re.compile(
    r"^(?:each|every|first|then|next|specifically|in (?:the )?(?:first|second|third) "
    r"(?:stage|step|phase))\b|\b(?:consists? of|is composed of|corresponds? to|"
    r"is (?:fed|passed|encoded|mapped|computed|represented))\b"
    # "The memory bank is updated with a sliding window": a component described at work.
    r"|\b(?:is|are) (?:then |first |further |jointly |iteratively )?(?:updated|trained|"
    r"computed|applied|fed|stored|optimized|initialized|constructed|learned|fine-tuned|"
    r"integrated|implemented|refreshed|aggregated|concatenated|injected|projected) "
    r"(?:with|by|using|via|through|into|from|on|at)\b", re.I)
# "The authors structure the design space ...", "IVA leverages a dataset ...": how it works.
_DOES_VERBS = (r"(?:\w+ly\s+)?(?:structure|leverage|use|employ|design|build|train|adopt|"
               r"construct|collect|introduce|apply|combine|craft|formulate|model|represent|"
               r"conduct|evaluate|perform|run|test|benchmark|assess|equip)s?\b")
_DOES_RE = re.compile(r"^(?:To [^,]{3,80}, )?(?:[Ww]e|[Tt]he authors|[A-Z][\w.-]*[A-Z][\w.-]*|"
                      r"(?:[Oo]ur|[Tt]he|[Tt]his) (?:proposed )?(?:method|approach|framework|"
                      r"model|system|pipeline|agent))\s+" + _DOES_VERBS)


# What the work means, said outright: "Our findings emphasize ...", "X is simple and
# efficient": an implication even when the sentence otherwise reads like the method.
_MEANS_RE = re.compile(
    r"^(?:(?:our|these|the|overall,? (?:our|these)) (?:findings|results|analysis|study|"
    r"observations)\b|[\w-]+(?: [\w-]+){0,3} (?:is|are) (?:\w+ )?(?:easy|simple|"
    r"efficient|lightweight|plug-and-play|training-free|model-agnostic|compatible|"
    r"practical|general)\b)", re.I)
# Anywhere in the sentence: "X can be seamlessly integrated into ...", "can serve as".
_CAN_BE_USED_RE = re.compile(
    r"\b(?:can|could) (?:\w+ly )?(?:serve as|be (?:\w+ly )?(?:used|applied|integrated|"
    r"deployed|plugged|combined|adopted|extended|transferred))\b", re.I)


def not_what_it_means(c: Candidate) -> bool:
    """The learned kind says method, or results with a result word (a finding), and nothing
    in the sentence says outright what the work means: no implication."""
    return (c.kind == "method" or (c.kind == "results" and c.result_word)) and \
        not _MEANS_RE.match(strip_leadin(c.text)) and not _CAN_BE_USED_RE.search(c.text)


def does_step(c: Candidate) -> bool:
    """Whether the sentence tells a step of how the work is done (not what it means)."""
    return bool(_DOES_RE.match(strip_leadin(c.text)))


def is_finding(c: Candidate) -> bool:
    """A sentence that reports a result (a number with a result cue, or strong cues)."""
    r = c.scores["result"]
    return (c.quantitative and not c.size_only and r >= 1.2) or (
        r >= 2.0 and r > c.scores["method"] + 1.0)


def background(c: Candidate) -> bool:
    """Reads as the motivation or the field's state ("Recent advances in ..."), not a step."""
    return c.kind in ("objective", "one_line") and c.learned["method"] < 0
