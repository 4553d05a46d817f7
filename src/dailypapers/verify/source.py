"""The source side of the check: every valid occurrence of a quantity or a name, indexed once.

An occurrence is valid when it is a quantity the paper states: not a citation, a list marker,
a section/figure/table/page/equation number, nor inside the reference list, a table of
contents or a running header (:func:`~.text.excluded_spans`). Digits inside another token
never count as a number ("100" in "M2M-100", "4" in "GPT-4o"); a size inside a name does
("8B" in "Llama-3-8B" is a model size).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from .mentions import (
    TOKEN_RE,
    Mention,
    Spans,
    citations,
    exponent_mention,
    exponents,
    list_marker,
    normalize_name,
    place_number,
    read_number,
    sentence_bounds,
)
from .text import excluded_spans, prepare, signatures

_ONE = Decimal(1)
_PLAIN_RE = re.compile(r"\d+(?:\.\d+)?")
# A quantity joined to a name by a hyphen: "Llama-3-8B", "A100-80GB", "worst-25%".
_SIZE_PART_RE = re.compile(r"\d+(?:\.\d+)?(?:[KMBT]|GB|MB|TB|%|×|[xX])")
_DIMENSIONS_RE = re.compile(r"\d+(?:[x×]\d+)+")
_SEPARATOR_RE = re.compile(r"[\-_/\u2013]")
_WORD_NUMBERS: dict[str, int | Decimal] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12,
    "twice": 2, "double": 2, "doubles": 2, "doubling": 2, "doubled": 2, "triple": 3,
    "tripled": 3, "triples": 3, "quadruple": 4, "half": Decimal("0.5"), "halves": Decimal("0.5"),
    "halving": Decimal("0.5"), "halved": Decimal("0.5"), "million": 10**6, "billion": 10**9,
}
_MULTIPLIER_WORDS = {"twice", "double", "doubles", "doubling", "doubled", "triple", "tripled",
                     "triples", "quadruple"}
_WORD_NUM_RE = re.compile(  # applied to lowercased text: faster than re.I
    r"\b(?:(?P<lead>a|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[\s-]+)?"
    r"(?P<word>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b",
)


class Occurrence(NamedTuple):
    """One valid statement of a quantity in the source."""

    value: Decimal  # canonical value (scaled); a percentage as its number (88.5 for 88.5%)
    unit: str  # "" | percent | multiplier | points | word
    scaled: bool  # written with a scale (7B, 12k, 3 million)
    integer: bool  # written without a decimal point
    start: int
    end: int
    in_name: bool = False  # a size inside a name: "8B" in "Llama-3-8B"
    places: int = 0  # decimal places as written


def wanted_signatures(mentions: Iterable[Mention]) -> set[str]:
    """Signatures a source token must share to possibly ground one of ``mentions``."""
    out: set[str] = {"0"}
    for mention in mentions:
        if mention.kind == "model_name":
            out |= signatures(mention.text)
            continue
        for v in (*mention.values, *mention.raw):
            exponent = v.as_tuple().exponent
            quantum = Decimal(1).scaleb(min(exponent, 0)) if isinstance(exponent, int) else _ONE
            # v - one unit of its last digit: 87.6 rounds to a written 88.
            for candidate in (v, v - quantum, v / 100, v * 100):
                digits = format(abs(candidate), "f").replace(".", "").lstrip("0") or "0"
                out.add(digits[:2])
    return out


def _worded(mention: Mention) -> bool:
    """Whether the paper may write a value of ``mention`` in words ("three", "twice",
    "a thousand", "half")."""
    for value in mention.values:
        if value == Decimal("0.5") or (value == value.to_integral_value() and (
                value <= 100 or value % 100 == 0)):
            return True
    return False


class SourceIndex:
    """The source text's valid quantities and names, indexed once for many lookups."""

    def __init__(self, source_text: str, flattened: Sequence[str] = (),
                 wanted: Sequence[Mention] | None = None) -> None:
        """Index ``source_text``; with ``wanted``, only what could ground those mentions."""
        text = prepare(source_text)
        self.text = text
        self.flattened = {normalize_name(f) for f in flattened if f}
        self.occurrences: dict[Decimal, list[Occurrence]] = {}
        self.all: list[Occurrence] = []
        self.names: dict[str, list[int]] = {}
        self._words: list[tuple[str, int]] = []
        self._word_positions: dict[str, list[int]] | None = None
        self._sentences: dict[int, tuple[int, int]] = {}
        wanted_keys = wanted_signatures(wanted) if wanted is not None else None
        skip = excluded_spans(text) + citations(text)
        for m in exponents(text):
            skip.append((m.start(), m.end()))
            power = exponent_mention(m)
            self._add(Occurrence(power.values[0], "", False, False, m.start(), m.end()))
        self.excluded = Spans(skip)
        for m in TOKEN_RE.finditer(text):
            token = m.group(0)
            if wanted_keys is not None and wanted_keys.isdisjoint(signatures(token)):
                continue  # cannot ground anything asked for; skipping keeps full texts fast
            start = m.start()
            if start in self.excluded:
                continue
            token = token.rstrip(".,+")
            plain = _PLAIN_RE.fullmatch(token) is not None
            if plain and ((len(token) <= 2 and list_marker(text, start, start + len(token)))
                          or place_number(text, start)):
                continue
            mention = read_number(text, start, token)
            if mention is None:
                self._add_name(token, start)
                continue
            for value, written in zip(mention.values, mention.written, strict=True):
                places = len(written.partition(".")[2])
                self._add(Occurrence(value, mention.unit, mention.scale != 1, "." not in written,
                                     start, mention.end, places=places))
            if mention.kind == "range" and mention.scale != 1:
                # "100-200k": the first end may be meant as written.
                self._add(Occurrence(mention.raw[0], "", False, "." not in mention.written[0],
                                     start, mention.end))
            if mention.kind in ("scaled", "range"):
                self._add_name(mention.text, start)
        if wanted is not None and not any(_worded(m) for m in wanted):
            return  # no value asked for can be written in words: skip the costly scan
        for m in _WORD_NUM_RE.finditer(text.lower()):
            if m.start() in self.excluded:
                continue
            word = m.group("word")
            value = Decimal(_WORD_NUMBERS[word])
            lead = m.group("lead") or ""
            if lead and lead not in ("a", "several", "few") and value >= 100:
                value *= _WORD_NUMBERS[lead]
            unit = "multiplier" if word in _MULTIPLIER_WORDS else "word"
            self._add(Occurrence(value.normalize(), unit, value >= 1000, True, m.start(),
                                 m.end()))

    def _add(self, occurrence: Occurrence) -> None:
        self.occurrences.setdefault(abs(occurrence.value), []).append(occurrence)
        self.all.append(occurrence)

    def _add_name(self, token: str, pos: int) -> None:
        self.names.setdefault(normalize_name(token), []).append(pos)
        if _DIMENSIONS_RE.fullmatch(token):  # "2160x3840": each side is a number
            for side in re.findall(r"\d+", token):
                self._add(Occurrence(Decimal(side), "", False, True, pos, pos + len(token)))
            return
        if not _SEPARATOR_RE.search(token):
            return
        parts = [p for p in _SEPARATOR_RE.split(token) if p]
        for i in range(len(parts)):
            for j in range(i + 2, min(len(parts), i + 6) + 1):
                self.names.setdefault(normalize_name("".join(parts[i:j])), []).append(pos)
            self.names.setdefault(normalize_name(parts[i]), []).append(pos)
            if _SIZE_PART_RE.fullmatch(parts[i]):
                part = read_number(parts[i], 0, parts[i])
                if part is not None:
                    written = part.written[0]
                    self._add(Occurrence(part.values[0], part.unit, part.scale != 1,
                                         "." not in written, pos, pos + len(token),
                                         in_name=True, places=len(written.partition(".")[2])))

    # ------------------------------------------------------------------ lookups

    def find_name(self, name: str, *, spaced: bool = True) -> list[int]:
        """Where ``name`` (normalized) is written; with ``spaced``, also split by spaces
        ("Llama 3 8B")."""
        if name in self.names:
            return self.names[name]
        if not spaced:
            return []
        positions = self._word_index()
        for cut in range(1, len(name)):
            for pos_index in positions.get(name[:cut], ()):
                joined = name[:cut]
                k = pos_index + 1
                while len(joined) < len(name) and k < len(self._words) and k <= pos_index + 4:
                    joined += self._words[k][0]
                    if not name.startswith(joined):
                        break
                    k += 1
                if joined == name:
                    return [self._words[pos_index][1]]
        return []

    def _word_index(self) -> dict[str, list[int]]:
        """Normalized words -> their indices in ``_words``; built on first use (costly)."""
        if self._word_positions is None:
            self._word_positions = {}
            for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9.+]*", self.text):
                word = normalize_name(m.group(0))
                if word:
                    self._word_positions.setdefault(word, []).append(len(self._words))
                    self._words.append((word, m.start()))
        return self._word_positions

    def sentence(self, pos: int) -> tuple[int, int]:
        bounds = self._sentences.get(pos)
        if bounds is None:
            bounds = self._sentences[pos] = sentence_bounds(self.text, pos)
        return bounds

    def evidence(self, pos: int, limit: int = 320) -> str:
        """The sentence around ``pos``, whitespace folded, cut around ``pos`` when long."""
        start, end = self.sentence(pos)
        if end - start > limit:
            start = max(start, pos - limit // 2)
            end = min(end, start + limit)
        text = " ".join(self.text[start:end].split())
        return text
