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

from collections.abc import Callable

from .candidates import Candidate, Sections
from .clauses import split_closing
from .guards import fits
from .picker import Chosen, Picker
from .roles import PRACTICAL_RE, STEP_RE, does_step, is_finding, not_what_it_means

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
        # The closing sentence, when it is neither a finding nor a contribution.
        picker.take("implication", cands, lambda c: (float(c.index),) if (
            c.index >= n - 2 and c.index > pivot and not c.contrib and not is_finding(c)
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
