"""Which sentence goes to which part, and how it is phrased there.

Order of choice: the contribution sentence is the one-line summary; then every candidate
gets its learned role scores relative to it (:mod:`.roles`); then the results (a finding
about the paper's own method with a number beats a baseline's number or a dataset size;
from the full text's results sections when the abstract has no number, and then only a
sentence that names what was measured); then the implication (:mod:`.implication`); then
the objective (the aim, or the problem before the contribution); then the method (ranked by
its learned score). Fallbacks: the results take the best measured number; the method the
best sentence on the paper's own work (not its motivation); the implication a closing
clause (:mod:`.implication`). The choice in progress is a :class:`.picker.Picker`; every
choice passes :func:`.guards.fits`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .candidates import Candidate, Sections
from .clauses import split_which
from .cues import (
    MEASURED_RE,
    PRESENTS_RE,
    QUANT_RE,
    THIS_PAPER_WE_RE,
    could_be_finding,
)
from .guards import fits
from .implication import (
    benefit_from_description,
    closing_implication,
    first_implication,
    late_implication,
    meaning_from_results,
)
from .phrasing import trim
from .picker import Chosen, Picker
from .result_numbers import number_for_results
from .roles import STEP_RE as _STEP_RE
from .roles import annotate
from .roles import background as _background
from .roles import does_step as _does
from .roles import is_finding as _finding
from .splits import (
    purpose_of,
    split_description,
    split_purpose,
)

# Characters a part's sentence may keep before its digit-free trailing clauses go (trim).
PART_BUDGET = {"one_line": 420, "objective": 400, "method": 470, "results": 520,
               "implication": 420}
_RESULT_CLAUSE_RE = re.compile(r"\b(?:achiev|outperform|surpass|improv|reduc|speed|boost|"
                               r"exceed|reach|attain)\w*", re.I)
_BASELINE_RE = re.compile(r"\b(?:baselines?|prior|existing|previous|state-of-the-art "
                          r"(?:models|methods)|competitors?)\b", re.I)


def select(cands: Sequence[Candidate], extra: Sections, name: str | None,
           budget: int) -> dict[str, Chosen | None]:
    picker = Picker(cands, name)
    n = len(cands)
    if name is not None:
        for c in cands:  # "FusioN consistently outperforms BoN": the paper's own method
            c.own = c.own or name in c.text

    def contrib(c: Candidate) -> tuple[float, ...] | None:
        if c.contrib:
            return (2.0, -c.index)
        if PRESENTS_RE.search(c.text):
            return (1.5, -c.index)
        if THIS_PAPER_WE_RE.match(c.text):
            return (1.0, -c.index)
        return (c.scores["method"] - 2.0, -c.index) if n <= 3 else None

    has_contrib = picker.take("one_line", cands, contrib)
    if not has_contrib:
        # No contribution sentence: the earliest one about the paper's own work.
        picker.take("one_line", cands, lambda c: (float(c.own), c.scores["method"], -c.index)
                    if c.index <= max(1, int(0.6 * n)) and not _finding(c) else None)
    pivot = picker.chosen["one_line"].candidate.index if picker.chosen["one_line"] else 1
    annotate(cands, pivot)
    # "This paper proposes X, a framework that unifies A and B": the one-line keeps what was
    # made; what it does opens the method (or the results, when it is a finding).
    described: tuple[str, str] | None = None
    one = picker.chosen["one_line"]
    if one is not None and has_contrib:
        split = split_description(one.text, name) or split_which(one.text, name)
        if split is not None and fits("method", split[1]):
            picker.chosen["one_line"] = Chosen(one.candidate, split[0])
            finding_clause = QUANT_RE.search(split[1]) and _RESULT_CLAUSE_RE.search(split[1])
            described = ("results" if finding_clause else "method", split[1])

    def result_key(c: Candidate) -> tuple[float, ...] | None:
        finding_like = c.quantitative and not c.size_only and c.result_word
        number = c.quantitative and not c.size_only
        if not number and not _finding(c) and c.scores["result"] < 1.2:
            return None
        if c.index <= pivot and n > 3:
            return None  # the motivation before the contribution, not a finding
        baseline_only = not c.own and bool(_BASELINE_RE.search(c.text))
        tier = 2.0 if finding_like else 1.0 if (number or _finding(c)) else 0.0
        return (tier, c.scores["result"] + 1.0 * number + 0.8 * c.own - 0.8 * baseline_only
                + 0.3 * min(len(QUANT_RE.findall(c.text)), 3), -len(c.text) / 1000)

    picker.take("results", cands, result_key)
    res = picker.chosen["results"]
    if (res is None or not res.candidate.quantitative or res.candidate.size_only) and extra:
        # From the full text: a finding about the paper's own method, with a number and
        # a result word, that names what was measured.
        pool = [c for c in extra.get("results", "experiments", keep=could_be_finding)
                if c.quantitative and not c.size_only and c.result_word and c.own
                and c.scores["result"] >= 1.2 and 60 <= len(c.text) <= 320
                and MEASURED_RE.search(c.text)]
        took = pool and picker.take("results", pool, lambda c: (
            float(c.own), c.scores["result"], -len(c.text) / 1000))
        if took and res is not None:
            picker.used.discard(list(cands).index(res.candidate))

    implication_key = first_implication(picker, extra, pivot)

    def objective_key(c: Candidate) -> tuple[float, ...] | None:
        if not (c.aim or c.index < pivot or (c.index == pivot and not has_contrib)
                or (n <= 4 and (c.problem or c.purpose))
                or (c.problem and c.index <= pivot + 2 and not _finding(c))):
            return None
        return (float(c.aim) * 2 + float(c.problem) + float(c.purpose) * 0.5
                + 1.5 * (c.index < pivot)
                + c.scores["objective"] * 0.3 - 0.3 * max(0, c.index - pivot)
                - 1.0 * c.quantitative,)

    # The aim a contribution states ("We propose X to do Y") is the objective; the one-line
    # keeps what was made ("This paper proposes X.").
    one = picker.chosen["one_line"]
    split = split_purpose(one.text) if one is not None and one.candidate.contrib else None
    if one is not None and split is not None and len(split[0]) >= 50 and fits(
            "objective", split[1]) and not any(c.aim for c in cands):
        picker.chosen["one_line"] = Chosen(one.candidate, split[0])
        picker.chosen["objective"] = Chosen(one.candidate, split[1])
    elif not picker.take("objective", cands, objective_key) and extra:
        intro = [c for c in extra.get("introduction") if 60 <= len(c.text) <= 300
                 and (c.aim or c.problem)]
        picker.take("objective", intro, lambda c: (float(c.aim), c.scores["objective"],
                                                   -c.index))
    if picker.chosen["objective"] is None and picker.chosen["one_line"] and picker.chosen[
            "one_line"].candidate.contrib:
        aim = purpose_of(picker.chosen["one_line"].candidate.text)
        if aim is not None and fits("objective", aim):
            picker.chosen["objective"] = Chosen(picker.chosen["one_line"].candidate, aim)
    res = picker.chosen["results"]
    if res is None or not res.candidate.quantitative or res.candidate.size_only:
        # No finding with a number: a number about the paper's own work still tells the
        # reader more than a number-free claim (any position but the contribution).
        kept = res
        took = picker.take("results", cands, lambda c: (
            float(c.own), float(c.result_word), c.scores["result"], -len(c.text) / 1000)
            if c.quantitative and not c.size_only and not c.contrib else None)
        if took and kept is not None and kept.candidate in cands:
            picker.used.discard(list(cands).index(kept.candidate))
    # The method is told after the contribution sentence, not in the motivation before it.
    after = any(i not in picker.used and c.index > pivot for i, c in enumerate(cands))

    def method_key(c: Candidate) -> tuple[float, ...] | None:
        if (after and c.index <= pivot and c.learned["method"] < 0.5) or _finding(c) or (
                c.index < pivot and _background(c)):
            return None  # motivation (unless it reads strongly as the method), or a finding
        return (c.learned["method"],)

    picker.take("method", cands, method_key)
    if picker.chosen["method"] is None and extra:
        method = [c for c in extra.get("method") if 60 <= len(c.text) <= 300 and c.own]
        picker.take("method", method[:30], lambda c: (c.scores["method"], -c.index))
    if picker.chosen["method"] is None:
        # No sentence after the contribution: the best remaining one about how it works.
        picker.take("method", cands, lambda c: None if _finding(c) or (
                    c.index == n - 1 and c.impl_cue) or (c.index < pivot and (
                        not c.own or _background(c))) else (c.learned["method"],))
    late_implication(picker, pivot)
    if described is not None:
        part, clause = described
        current = picker.chosen[part]
        assert one is not None
        picker.chosen[part] = Chosen(one.candidate, clause, [] if current is None else [
            (current.candidate.index, current.text), *current.more])
    number_for_results(picker, pivot)
    meaning_from_results(picker)
    if picker.chosen["implication"] is None:
        closing_implication(picker, pivot)
    if described is not None and one is not None:
        benefit_from_description(picker, one.candidate)
    # Room left: a second sentence for the method and the results, in the paper's order.
    picker.extend("method", cands, lambda c: None if c.quantitative and not c.size_only
                  else method_key(c), budget)
    picker.extend("results", cands, lambda c: result_key(c) if (
        c.quantitative and not c.size_only and c.result_word) else None, budget)
    picker.extend("implication", cands, implication_key, budget)
    picker.extend("method", cands, lambda c: None if c.quantitative and not c.size_only
                  else method_key(c), budget)
    _fill(picker, pivot, budget)
    return picker.chosen


def _role_of(c: Candidate, pivot: int, n: int) -> str | None:
    """The part a left-over sentence belongs to, by its cues and where it sits."""
    if c.contrib and c.index <= pivot:
        return None  # a second contribution sentence repeats the one-line
    if (_finding(c) and _RESULT_CLAUSE_RE.search(c.text) and (
            c.quantitative or c.kind != "method")) or (
            c.quantitative and not c.size_only and c.result_word) or (
            c.kind == "results" and c.result_word):
        return "results" if c.index > pivot or n <= 3 else None
    if c.index < pivot:
        return None
    if c.impl_cue and c.index >= n - 2 and c.scores["implication"] >= c.scores["method"] and \
            not _does(c) and not _STEP_RE.search(c.text):
        return "implication"
    return "method"


_FILL_ORDER = {"results": 0, "method": 1, "implication": 2, "objective": 3}


def _fill(picker: Picker, pivot: int, budget: int) -> None:
    """Room left: the remaining sentences, each to the part its role says (findings first,
    then how it works, then what it means), kept in the paper's order within a part."""
    n = len(picker.cands)
    roles = []
    for i, c in enumerate(picker.cands):
        part = None if i in picker.used else _role_of(c, pivot, n)
        if part is not None:
            roles.append((_FILL_ORDER[part], -float(c.own), c.index, i, part))
    for *_, i, part in sorted(roles):
        c = picker.cands[i]
        used = sum(len(trim(ch.joined(), PART_BUDGET[p] * (1 + len(ch.more)))) + 1
                   for p, ch in picker.chosen.items() if ch is not None)
        if used + min(len(c.text), PART_BUDGET[part]) // 2 > budget:
            continue  # cannot fit even trimmed: not worth phrasing
        text = picker.phrase(c, part)
        if text is None or used + len(trim(text, PART_BUDGET[part])) > budget:
            continue
        picker.used.add(i)
        current = picker.chosen[part]
        if current is None:
            picker.chosen[part] = Chosen(c, text)
        else:
            current.more.append((c.index, text))
