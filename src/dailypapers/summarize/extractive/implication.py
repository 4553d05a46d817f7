"""Which sentence (or clause) is the implication: what the work means or offers.

In order: a late sentence with an implication cue, ranked by its learned score
(:func:`first_implication`); else the full text's conclusion or discussion; else the closing
sentence when it is no finding, contribution or method step. After the other parts: the
latest remaining sentence that says what the work offers in practice
(:func:`late_implication`), then the closing clause of a finding or a method sentence that
says what it means ("..., paving the way for X", :func:`closing_implication`). A sentence
the learned kind reads as a method step or a finding is never taken whole unless it says
outright what the work means (:func:`.roles.not_what_it_means`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .candidates import Candidate, Sections
from .clauses import split_closing
from .cues import has_quantitative
from .guards import fits
from .phrasing import strip_leadin
from .picker import Chosen, Picker
from .roles import PRACTICAL_RE, STEP_RE, does_step, is_finding, not_what_it_means

# "Our findings suggest ...", "These results highlight ...": a finding read for what it
# means (not "These results show X outperforms Y", which is the finding itself).
_READS_FOR_MEANING_RE = re.compile(
    r"^(?:overall,? |together,? |taken together,? )?(?:our|these|the|such) (?:\w+ ){0,2}"
    r"(?:findings|results|analys[ie]s|observations|experiments|insights|studies|evidence) "
    r"(?:\w+ )?(?:suggest|highlight|underscore|imply|point to|call for|emphasi[sz]e|"
    r"open|pave|provide (?:insights?|guidance|evidence))", re.I)

# What a sentence that holds no finding says about what comes next.
_OUTLOOK_RE = re.compile(r"\b(?:hope|believe|promise|potential|could|may|might|pav\w+ the way|"
                         r"future|step (?:toward|forward)|new (?:avenues?|pathways?|"
                         r"directions?))\b", re.I)
_FINDING_WORD_RE = re.compile(r"\b(?:outperform\w*|surpass\w*|achiev\w*|superior\w*|gains?|"
                              r"struggl\w*|validat\w*|better|higher|lower|improv\w+ over|"
                              r"compared|state-of-the-art)\b", re.I)

# What a contribution's description says the work makes possible or cheaper ("X enables
# real-time editing", "X significantly reduces pretraining costs"), not how it works.
_BENEFIT_RE = re.compile(
    r"^\S+(?: \S+){0,3}? (?:\w+ly )?(?:enables|allows|facilitates|democratizes|simplifies|"
    r"makes \S+(?: \S+){0,4}? (?:possible|practical|feasible|accessible|affordable|easier)|"
    r"(?:reduces|lowers|cuts|eliminates) (?:the )?(?:\w+ ){0,2}(?:costs?|time|memory|latency|"
    r"overhead|compute|computation|barriers?|need))\b")

# How it is done: a description that says so is the method.
_HOW_RE = re.compile(r"\b(?:through|via|using|based on|by \w+ing|with (?:a|an|the) \w+ "
                     r"(?:module|mechanism|loss|encoder|decoder|network|pipeline))\b", re.I)

Key = Callable[[Candidate], tuple[float, ...] | None]


def _finding_or_step(c: Candidate) -> bool:
    return (c.quantitative and c.scores["result"] >= 1.2) or bool(STEP_RE.search(c.text)) \
        or does_step(c) or not_what_it_means(c)


def first_implication(picker: Picker, extra: Sections, pivot: int) -> Key:
    """Choose the implication from the sentences with a cue, the conclusion or the closing
    sentence; returns the key that ranks further implication sentences."""
    cands = picker.cands
    n = len(cands)

    def implication_key(c: Candidate) -> tuple[float, ...] | None:
        if not (c.index >= n // 2 or n <= 3 or c.index > pivot + 1) or not c.impl_cue or \
                c.contrib or _finding_or_step(c):
            return None  # a finding or a step of the method, not what it means
        return (c.learned["implication"],)

    if not picker.take("implication", cands, implication_key) and extra:
        concl = [c for c in extra.get("conclusion", "discussion")
                 if 60 <= len(c.text) <= 300 and not c.quantitative and c.impl_cue]
        picker.take("implication", concl, lambda c: (c.scores["implication"], -c.index))
    if picker.chosen["implication"] is None and n >= 4:
        # The closing sentence, when it is neither a finding nor a contribution, and has no
        # number unless it looks ahead (a size or a count is no meaning).
        picker.take("implication", cands, lambda c: (float(c.index),) if (
            c.index >= n - 2 and c.index > pivot and not c.contrib and not is_finding(c)
            and not (c.quantitative and not _OUTLOOK_RE.search(c.text))
            and not _finding_or_step(c)) else None)
    return implication_key


def late_implication(picker: Picker, pivot: int) -> None:
    """Still none: the latest remaining sentence after the contribution that says what the
    work offers in practice (a cue first), not a step of how it works."""
    n = len(picker.cands)
    if picker.chosen["implication"] is not None or n < 3:
        return
    picker.take("implication", picker.cands, lambda c: (
        float(c.impl_cue) + float(bool(PRACTICAL_RE.search(c.text))), float(c.index))
        if (c.index > pivot or c.index >= n // 2) and not c.contrib and not (
            c.scores["method"] >= 2.5 and not c.impl_cue) and not STEP_RE.search(c.text)
        and (c.impl_cue or PRACTICAL_RE.search(c.text)) and not does_step(c)
        and not not_what_it_means(c) else None)


def meaning_from_results(picker: Picker) -> None:
    """No implication yet: a sentence the results hold that reads the findings for what they
    mean ("Our results suggest that ...") and has no number moves to the implication, when
    the results keep another sentence."""
    held = picker.chosen["results"]
    if picker.chosen["implication"] is not None or held is None:
        return
    by_index = {c.index: c for c in picker.cands}
    for index, _ in sorted([(held.candidate.index, held.text), *held.more], reverse=True):
        c = by_index.get(index)
        if c is None or c.quantitative or c.contrib or not (
                _READS_FOR_MEANING_RE.match(strip_leadin(c.text)) or (
                    c.kind == "implication" and _OUTLOOK_RE.search(c.text)
                    and not _FINDING_WORD_RE.search(c.text))):
            continue
        text = picker.phrase(c, "implication")
        if text is None:
            continue
        rest = sorted(item for item in [(held.candidate.index, held.text), *held.more]
                      if item[0] != index)
        picker.chosen["results"] = Chosen(by_index[rest[0][0]], rest[0][1], rest[1:]) \
            if rest else None
        picker.chosen["implication"] = Chosen(c, text)
        return


def benefit_from_description(picker: Picker, contribution: Candidate) -> None:
    """No implication yet: the contribution's description leads the method ("X, a model
    that enables Y" told as "X enables Y") and says what the work makes possible: it is the
    implication, when the method keeps another sentence."""
    held = picker.chosen["method"]
    if picker.chosen["implication"] is not None or held is None or not held.more or \
            held.candidate is not contribution or not _BENEFIT_RE.match(held.text) or \
            has_quantitative(held.text) or _HOW_RE.search(held.text) or \
            not fits("implication", held.text):
        return
    by_index = {c.index: c for c in picker.cands}
    rest = sorted(held.more)
    picker.chosen["method"] = Chosen(by_index[rest[0][0]], rest[0][1], rest[1:])
    picker.chosen["implication"] = Chosen(contribution, held.text)


def closing_implication(picker: Picker, pivot: int) -> None:
    """No implication yet: the closing clause that says what the work means ("..., paving
    the way for X"), cut from a sentence of the results or the method (which keep the
    rest), else from a sentence not chosen."""
    for part in ("results", "method"):
        held = picker.chosen[part]
        if held is None:
            continue
        for index, text in sorted([(-1, held.text), *held.more], reverse=True):
            split = split_closing(text, picker.name, outlook=part == "method")
            if split is not None and fits(part, split[0]) and fits("implication", split[1]):
                held.more = [(i, split[0] if (i, t) == (index, text) else t)
                             for i, t in held.more]
                held.text = split[0] if index == -1 else held.text
                picker.chosen["implication"] = Chosen(held.candidate, split[1])
                return
    for i in sorted(range(len(picker.cands)), key=lambda i: -picker.cands[i].index):
        c = picker.cands[i]
        outlook = bool(STEP_RE.search(c.text)) or does_step(c)
        if i in picker.used or c.index <= pivot or c.contrib or split_closing(
                c.text, picker.name, outlook=outlook) is None:
            continue
        # The whole sentence may be a finding or a step: only the clause must fit.
        phrased = picker.phrase(c, "implication", gate="any")
        split = split_closing(phrased, picker.name, outlook=outlook) if phrased else None
        if split is not None and fits("implication", split[1]):
            picker.used.add(i)
            picker.chosen["implication"] = Chosen(c, split[1])
            return
