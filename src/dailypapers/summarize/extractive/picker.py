"""The choice in progress: which candidate each part holds, and how it is phrased there.

:class:`Picker` keeps the parts chosen so far and the candidates already used; a part takes
the best-keyed candidate whose phrasing passes the gate (:func:`.guards.fits`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .candidates import Candidate
from .guards import fits
from .phrasing import (
    finding,
    implication,
    name_own_method,
    objective,
    one_line,
    plain,
    resolve_pronoun,
)

_IT_RE = re.compile(r"(?:[A-Z]\w+, )?(?:[Ii]ts?)\b")
# A sentence before a closing "It ..." that is about the paper's own work, so "It" is the
# method: "We/Our ...", "Experiments show ...", "Extensive results demonstrate ...".
_OWN_BEFORE_RE = re.compile(r"^(?:(?:[A-Z]\w+ ){0,2}(?:we|our)\b|(?:\w+ ){0,2}(?:experiments?|"
                            r"results|evaluations?)\b)", re.I)

PARTS = ("one_line", "objective", "method", "results", "implication")
PHRASERS: dict[str, Callable[[str], str]] = {
    "one_line": one_line, "objective": objective, "method": plain, "results": finding,
    "implication": implication,
}


@dataclass
class Chosen:
    candidate: Candidate
    text: str
    # Further sentences of the same part (index in the paper, phrased text).
    more: list[tuple[int, str]] = field(default_factory=list)

    def joined(self) -> str:
        pieces = sorted([(self.candidate.index, self.text), *self.more])
        return " ".join(text.rstrip() for _, text in pieces)


class Picker:
    """The parts chosen so far, and the candidates already used."""

    def __init__(self, cands: Sequence[Candidate], name: str | None) -> None:
        self.cands = cands
        self.name = name
        self.used: set[int] = set()
        self.chosen: dict[str, Chosen | None] = dict.fromkeys(PARTS)

    def phrase(self, c: Candidate, part: str, gate: str | None = None) -> str | None:
        """``c`` phrased for ``part``, if it passes the gate for ``gate`` (``part``)."""
        name = self.name if self.name and (self.name in c.previous or (
            part == "implication" and _IT_RE.match(c.text) and _OWN_BEFORE_RE.match(
                c.previous))) else None
        text = PHRASERS[part](name_own_method(c.text, self.name))
        resolved = resolve_pronoun(text, name, c.previous)
        if resolved is None:
            return None
        if not fits(gate or part, resolved):
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


def drop(picker: Picker, part: str, index: int) -> None:
    """Take the sentence at ``index`` out of ``part`` (the next one, if any, leads)."""
    ch = picker.chosen[part]
    assert ch is not None
    if ch.candidate.index != index:
        ch.more = [(i, t) for i, t in ch.more if i != index]
        return
    if not ch.more:
        picker.chosen[part] = None
        return
    rest = sorted(ch.more)
    lead = next(c for c in picker.cands if c.index == rest[0][0])
    picker.chosen[part] = Chosen(lead, rest[0][1], rest[1:])

