"""Which sentence goes to which part, and how it is phrased there.

Order of choice: the contribution sentence is the one-line summary; then the results (a
finding about the paper's own method with a number beats a baseline's number or a dataset
size; from the full text's results, experiments and evaluation sections when the abstract
has no number, and then only a sentence that names what was measured); then the
implication (a late sentence with an implication cue, else the conclusion or discussion,
else the last sentence when it is not a finding or a contribution); then the objective
(the aim, or the problem before the contribution); then the method (after the
contribution). A candidate is taken only if its phrased text passes the defect checker
for that part; a part with no such sentence stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..defects import part_defects
from .candidates import Candidate, Sections
from .cues import PRESENTS_RE, QUANT_RE, THIS_PAPER_WE_RE
from .phrasing import (
    finding,
    implication,
    name_own_method,
    one_line,
    plain,
    purpose_of,
    resolve_pronoun,
    split_purpose,
)

PARTS = ("one_line", "objective", "method", "results", "implication")
_PHRASERS: dict[str, Callable[[str], str]] = {
    "one_line": one_line, "objective": plain, "method": plain, "results": finding,
    "implication": implication,
}
# "what was measured": a benchmark, dataset or task named in a full-text results sentence.
_MEASURED_RE = re.compile(
    r"\b(?:on|across|in|for|over)\s+(?:the\s+)?(?:[A-Z][\w\-.]*[A-Z0-9][\w\-.]*|[A-Z][a-z]+"
    r"[A-Z][\w\-]*)|\b(?:benchmark|dataset|test set|task|split|suite|leaderboard)s?\b"
    r"|\b(?:accuracy|success rate|win rate|score|F1|BLEU|ROUGE|AUC|mAP|IoU|FID|FVD|error rate|"
    r"perplexity|latency|throughput|pass@\d+|EM|exact match)\b")
_BASELINE_RE = re.compile(r"\b(?:baselines?|prior|existing|previous|state-of-the-art "
                          r"(?:models|methods)|competitors?)\b", re.I)


def _finding(c: Candidate) -> bool:
    """A sentence that reports a result (a number with a result cue, or strong cues)."""
    r = c.scores["result"]
    return (c.quantitative and not c.size_only and r >= 1.2) or (
        r >= 2.0 and r > c.scores["method"] + 1.0)


@dataclass
class Chosen:
    candidate: Candidate
    text: str
    # Further sentences of the same part (index in the paper, phrased text).
    more: list[tuple[int, str]] = field(default_factory=list)

    def joined(self) -> str:
        pieces = sorted([(self.candidate.index, self.text), *self.more])
        return " ".join(text.rstrip() for _, text in pieces)


class _Picker:
    def __init__(self, cands: Sequence[Candidate], name: str | None) -> None:
        self.cands = cands
        self.name = name
        self.used: set[int] = set()
        self.chosen: dict[str, Chosen | None] = dict.fromkeys(PARTS)

    def phrase(self, c: Candidate, part: str) -> str | None:
        name = self.name if self.name and self.name in c.previous else None
        text = _PHRASERS[part](name_own_method(c.text, self.name))
        resolved = resolve_pronoun(text, name, c.previous)
        if resolved is None:
            return None
        if part_defects(part, resolved):
            return None
        return resolved

    def take(self, part: str, pool: Sequence[Candidate],
             key: Callable[[Candidate], tuple[float, ...] | None]) -> bool:
        """Choose the best-keyed candidate of ``pool`` whose phrasing passes the checks."""
        own_pool = pool is self.cands
        ranked = []
        for i, c in enumerate(pool):
            if own_pool and i in self.used:
                continue
            k = key(c)
            if k is not None:
                ranked.append((k, -i, i))
        for _, _, i in sorted(ranked, reverse=True):
            text = self.phrase(pool[i], part)
            if text is not None:
                if own_pool:
                    self.used.add(i)
                self.chosen[part] = Chosen(pool[i], text)
                return True
        return False

    def extend(self, part: str, pool: Sequence[Candidate],
               key: Callable[[Candidate], tuple[float, ...] | None], budget: int) -> None:
        """Add the next best sentence to ``part`` when the summary has room for it."""
        first = self.chosen[part]
        if first is None:
            return
        room = budget - sum(len(c.joined()) + 1 for c in self.chosen.values() if c is not None)
        kept = dict(self.chosen)
        if not self.take(part, [c for i, c in enumerate(pool) if i not in self.used
                                and len(c.text) < room], key):
            return
        second = self.chosen[part]
        assert second is not None
        self.used.add(list(pool).index(second.candidate))
        self.chosen = kept
        first.more.append((second.candidate.index, second.text))


def select(cands: Sequence[Candidate], extra: Sections, name: str | None,
           budget: int) -> dict[str, Chosen | None]:
    picker = _Picker(cands, name)
    n = len(cands)

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
        pool = [c for c in extra.get("results", "experiments")
                if c.quantitative and not c.size_only and c.result_word and c.own
                and c.scores["result"] >= 1.2 and 60 <= len(c.text) <= 320
                and _MEASURED_RE.search(c.text)]
        took = pool and picker.take("results", pool, lambda c: (
            float(c.own), c.scores["result"], -len(c.text) / 1000))
        if took and res is not None:
            picker.used.discard(list(cands).index(res.candidate))

    def implication_key(c: Candidate) -> tuple[float, ...] | None:
        if not (c.index >= n // 2 or n <= 3 or c.index > pivot + 1) or not c.impl_cue or c.contrib:
            return None
        if c.quantitative and c.scores["result"] >= 1.2:
            return None  # a finding, not what it means
        return (c.scores["implication"] + (c.index == n - 1) * 0.5
                - 0.3 * c.scores["method"],)

    if not picker.take("implication", cands, implication_key) and extra:
        concl = [c for c in extra.get("conclusion", "discussion")
                 if 60 <= len(c.text) <= 300 and not c.quantitative and c.impl_cue]
        picker.take("implication", concl, lambda c: (c.scores["implication"], -c.index))
    if picker.chosen["implication"] is None and n >= 4:
        # The closing sentence, when it is neither a finding nor a contribution.
        picker.take("implication", cands, lambda c: (float(c.index),) if (
            c.index >= n - 2 and c.index > pivot and not c.contrib and not _finding(c)
            and not (c.quantitative and c.scores["result"] >= 1.2)
            ) else None)

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
    if one is not None and split is not None and len(split[0]) >= 50 and not part_defects(
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
        if aim is not None and not part_defects("objective", aim):
            picker.chosen["objective"] = Chosen(picker.chosen["one_line"].candidate, aim)
    # The method is told after the contribution sentence, not in the motivation before it.
    after = any(i not in picker.used and c.index > pivot for i, c in enumerate(cands))

    def method_key(c: Candidate) -> tuple[float, ...] | None:
        if after and c.index <= pivot:
            return None
        if _finding(c):
            return None
        return (c.scores["method"] - 0.2 * abs(c.index - (pivot + 1))
                - 0.5 * c.impl_cue * (c.index == n - 1),)

    picker.take("method", cands, method_key)
    if picker.chosen["method"] is None and extra:
        method = [c for c in extra.get("method") if 60 <= len(c.text) <= 300 and c.own]
        picker.take("method", method[:30], lambda c: (c.scores["method"], -c.index))
    # Room left: a second sentence for the method and the results, in the paper's order.
    picker.extend("method", cands, lambda c: None if c.quantitative and not c.size_only
                  else method_key(c), budget)
    picker.extend("results", cands, lambda c: result_key(c) if (
        c.quantitative and not c.size_only and c.result_word) else None, budget)
    picker.extend("implication", cands, implication_key, budget)
    picker.extend("method", cands, lambda c: None if c.quantitative and not c.size_only
                  else method_key(c), budget)
    return picker.chosen
