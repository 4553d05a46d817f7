"""Grounding one summary item in the source: same quantity, compatible kind, best evidence.

Same value: exact, in a documented equivalent form (``%``/percent, ``×``/x/times/-fold,
k/thousand, B/billion, thousands separators, a share written as a fraction 0.885), or the
paper's value rounded to the digits the summary shows (3.95% supports 4.0%; a one-digit
summary number is never a rounding). Compatible kind: a percentage by a percentage (or a
score written without its sign, 88.5, or a fraction), a multiplier by a multiplier, a size by
a size, a count by a count of the same thing: bare integers under 100 are grounded only with
their noun ("3 benchmarks" by "three benchmarks"); otherwise they are "not checked", or
"unsupported" when the paper gives another count of that noun.

Evidence: among valid occurrences, the one whose sentence shares the most (rarest) words
with the summary sentence that carries the item. When the summary ties the number to a
benchmark or model ("85.2% on MMLU") and every occurrence in the paper ties it to another
one, the item is "grounded_elsewhere": present, but not for what the summary says.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .mentions import Mention, normalize_name, sentence_bounds
from .source import Occurrence, SourceIndex

SMALL = 100  # bare integers under this are counts: grounded only with their noun
def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _wordset(
    "a an the of to and or in on at for with from by than as is are was were be been it its "
    "this that these those their our we they which who more less most new different diverse "
    "distinct other over up per each all only about around roughly nearly approximately "
    "such into across between within under up to times percent percentage fold x points "
    "while whereas but also both using used use via vs versus compared respectively"
)
_WORD_RE = re.compile(r"[a-z][a-z0-9+\-]*[a-z0-9+]|[a-z]|\d+(?:\.\d+)?")
_NOUN_RE = re.compile(r"[A-Za-z][A-Za-z\-]*|[^\sA-Za-z\-]")
_UNIT_AFTER_RE = re.compile(
    r"\s*(?:ms|s|sec|seconds?|min|minutes?|h|hours?|days?|gb|mb|tb|kb|gib|mib|tokens?|"
    r"epochs?|steps?|layers?|k|m|b|db|hz|khz|fps|w|kwh|usd|\$)\b", re.IGNORECASE)
_SPEED_RE = re.compile(r"faster|slower|speed|fold|×|times|reduc|compress|fewer|cheaper",
                       re.IGNORECASE)
# A word with a capital or a digit after its first letter: "MMLU", "GSM8K", "HumanEval".
_ENTITY_RE = re.compile(r"(?<![\w\-])[A-Za-z][a-z]*[A-Z0-9][A-Za-z0-9]*(?:[\-.][A-Za-z0-9]+)*\+*")
_NAME_BEFORE_RE = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9.\-]*[ \-])(?:[A-Za-z0-9][A-Za-z0-9.]*[ \-]){0,2}$")
_NAME_AFTER_RE = re.compile(r"[ \-]([0-9][0-9.]*[A-Za-z]+|[A-Z][A-Za-z]+)(?![\w\-])")
_OF_RE = re.compile(r"[^A-Z]{0,30}?(?:\b(?:on|in|for|at|across|over)\s|\()[^A-Z]{0,20}$")
_CLAUSE_RE = re.compile(r"[,;]|\s(?:and|while|whereas|but|versus|vs\.?|compared (?:to|with)|"
                        r"respectively|against)\s")
_NOT_ENTITIES = _wordset(
    "llm llms vlm vlms mllm mllms lmm lmms gpu gpus tpu tpus cpu cpus api apis ai ml nlp cv rl "
    "sota sft rlhf dpo ppo grpo flops tflops gflops pflops bleu rouge rougel f1 auc map fid iou "
    "miou psnr ssim lpips ap em acc ood id qa vqa cot rag moe kv ram vram ms gb mb tb bf16 fp16 "
    "fp8 fp32 int4 int8 top1 top5 pass1 ours sr asr wer cer ndcg mrr"
)


_COUNT_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11",
                "twelve": "12"}


@dataclass
class Verdict:
    status: str  # grounded | grounded_elsewhere | unsupported | unverifiable | not_checked
    pos: int | None = None
    note: str | None = None


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def words(text: str) -> frozenset[str]:
    return frozenset({stem(w) for w in _WORD_RE.findall(text.lower()) if w not in _STOP})


def nouns_after(text: str, end: int, own: str = "") -> set[str]:
    """Content words right after a number (up to three, to the next punctuation or digit),
    plus the words of the number's own token ("3-stage")."""
    found = {stem(w.lower()) for w in re.findall(r"[A-Za-z]{3,}", own)}
    for taken, m in enumerate(_NOUN_RE.finditer(text, end, min(len(text), end + 60))):
        token = m.group(0)
        if not token[0].isalpha():
            break
        for part in token.lower().split("-"):
            if part and part not in _STOP and len(part) > 2:
                found.add(stem(part))
        if taken >= 2:
            break
    return found


def _entity_key(word: str) -> str | None:
    upper = sum(1 for c in word if c.isupper())
    digit = any(c.isdigit() for c in word)
    if upper < 2 and not (upper and digit):
        return None
    key = re.sub(r"[^a-z0-9+]", "", word.lower())
    if not key or key in _NOT_ENTITIES or key.isdigit() or len(key) < 2:
        return None
    return key


def binding(text: str, start: int, end: int, pos: int, skip: tuple[int, int] = (0, 0)) -> (
        tuple[str, str] | None):
    """The one benchmark/model name in the clause of ``text[start:end]`` around ``pos``:
    (its key, as written), or None when the clause names none or several."""
    clause_start, clause_end = start, end
    for m in _CLAUSE_RE.finditer(text, start, end):
        if m.end() <= pos:
            clause_start = m.end()
        elif m.start() >= pos:
            clause_end = m.start()
            break
    found: dict[str, str] = {}
    for m in _ENTITY_RE.finditer(text, clause_start, clause_end):
        if skip[0] <= m.start() < skip[1]:
            continue
        key = _entity_key(m.group(0))
        if key is None:
            continue
        # "85.2% on MMLU", "85.2 (MMLU)": the name the number is said of, when it follows.
        if m.start() >= skip[1] and _OF_RE.match(text, skip[1], m.start()) is not None:
            return key, m.group(0)
        found.setdefault(key, m.group(0))
    return next(iter(found.items())) if len(found) == 1 else None


def _same_entity(a: str, b: str) -> bool:
    return a == b or a.startswith(b) or b.startswith(a)


def _significant(written: str) -> int:
    return len(written.replace(".", "").lstrip("0"))


class Grounder:
    """Checks mentions of one summary against one :class:`SourceIndex`."""

    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self._noun_counts: dict[str, set[Decimal]] = {}
        self._bags: dict[tuple[int, int], frozenset[str]] = {}

    # ------------------------------------------------------------------ numbers

    def _compatible(self, mention: Mention, occ: Occurrence) -> bool:
        unit, text = mention.unit, self.index.text
        bare = occ.unit == "" and not occ.scaled and not occ.in_name
        if unit.startswith("measure:"):  # 80GB, 251.4h, 268s: the same measure, or bare
            return occ.unit == unit or bare
        if unit == "percent":
            if occ.unit in ("percent", "points"):
                return True
            if bare and not occ.integer:
                return _UNIT_AFTER_RE.match(text, occ.end) is None
            return False
        if unit == "multiplier":
            if occ.unit == "multiplier":
                return True
            if bare and not occ.integer:
                s, e = self.index.sentence(occ.start)
                return _SPEED_RE.search(text, s, e) is not None
            return False
        if unit == "points":
            return occ.unit in ("points", "percent") or (bare and not occ.integer)
        if mention.scale != 1:
            return (occ.scaled or (occ.unit in ("", "word") and occ.value >= 1000)) \
                and occ.unit in ("", "word")
        if occ.in_name:
            return False
        if not mention.integer:
            return occ.unit in ("", "percent", "points", "multiplier")
        return occ.unit in ("", "word")

    def _values(self, mention: Mention, value: Decimal, raw: Decimal, written: str) -> (
            list[Occurrence]):
        """Compatible occurrences of one value: exact first, else the paper's rounding."""
        index = self.index
        exact = [o for o in index.occurrences.get(abs(value), ()) if self._compatible(mention, o)]
        if mention.unit == "percent":
            exact += [o for o in index.occurrences.get(abs(value) / 100, ())
                      if o.unit == "" and not o.integer and o.places >= 2 and o.value < 1
                      and not o.in_name]
        if exact:
            return exact
        if _significant(written) < 2:
            return []
        places = len(written.partition(".")[2])
        quantum = Decimal(1).scaleb(-places)
        scale = (value / raw).normalize() if raw else Decimal(1)
        target = abs(raw)
        found = []
        for occ in index.all:
            share = (mention.unit == "percent" and occ.unit == "" and not occ.in_name
                     and not occ.integer and occ.places >= 2 and occ.value < 1)
            candidate = occ.value * 100 if share else occ.value / scale
            if abs(candidate - target) >= quantum:
                continue
            if candidate.quantize(quantum, rounding=ROUND_HALF_UP) != target.quantize(quantum):
                continue
            if share or self._compatible(mention, occ):
                found.append(occ)
        return found

    def _counts_of(self, noun: str) -> set[Decimal]:
        """Counts of ``noun`` the paper states ("4 benchmarks", "three tasks")."""
        if noun not in self._noun_counts:
            pattern = re.compile(
                r"(?<![\w.])(\d{1,3}|" + "|".join(_COUNT_WORDS) + r")(?:[\s\-]+[A-Za-z]+){0,2}?"
                r"[\s\-]+" + re.escape(noun) + r"(?:s|es)?\b", re.IGNORECASE)
            self._noun_counts[noun] = {
                Decimal(_COUNT_WORDS.get(m.group(1).lower(), m.group(1)))
                for m in pattern.finditer(self.index.text) if m.start() not in self.index.excluded}
        return self._noun_counts[noun]

    def check_number(self, mention: Mention, text: str) -> Verdict:
        index = self.index
        small = (mention.unit == "" and mention.scale == 1 and mention.integer
                 and mention.values[0] < SMALL and mention.kind != "range")
        named = self._name_with_spaces(mention, text)
        if named is not None:
            return named
        nouns = nouns_after(text, mention.end, mention.text) if small else set()
        if small and not nouns:
            return Verdict("not_checked", note="a bare count: not checked without its noun")
        first: list[Occurrence] | None = None
        for value, raw, written in zip(mention.values, mention.raw, mention.written,
                                       strict=True):
            found = self._values(mention, value, raw, written)
            if not found:
                if normalize_name(mention.text) in index.flattened:
                    return Verdict("unverifiable")
                return Verdict("unsupported")
            if first is None:
                first = found
        assert first is not None
        if small:
            with_noun = [o for o in first if nouns & nouns_after(
                index.text, o.end, index.text[o.start:o.end])]
            if not with_noun:
                stated = set().union(*(self._counts_of(n) for n in nouns))
                if stated and mention.values[0] not in stated:
                    return Verdict("unsupported", note="the paper gives another count")
                return Verdict("not_checked", note="a count the paper does not state as such")
            first = with_noun
        return self._best(mention, text, first[:200])

    def _name_with_spaces(self, mention: Mention, text: str) -> Verdict | None:
        """"Llama 3.1 70B", "Qwen 2.5": a number that is part of a name written with spaces."""
        before = _NAME_BEFORE_RE.search(text, max(0, mention.start - 40), mention.start)
        if before is None:
            return None
        after = _NAME_AFTER_RE.match(text, mention.end)
        tails = [after.group(1), ""] if after is not None else [""]
        heads = before.group(0).split()
        for tail in tails:
            for k in range(len(heads)):
                name = normalize_name("".join(heads[k:]) + mention.text + tail)
                positions = self.index.find_name(name, spaced=False)
                if positions:
                    break
            if positions:
                s_start, s_end = sentence_bounds(text, mention.start)
                return Verdict("grounded", self._closest(text[s_start:s_end], positions[:50]))
        return None

    def _best(self, mention: Mention, text: str, found: list[Occurrence]) -> Verdict:
        index = self.index
        s_start, s_end = sentence_bounds(text, mention.start)
        sentence = text[s_start:s_end]
        wanted = binding(text, s_start, s_end, mention.start, (mention.start, mention.end))
        status, note = "grounded", None
        pool = found
        if wanted is not None and index.text.find(wanted[1]) >= 0:
            bound = []
            for occ in found:
                a, b = index.sentence(occ.start)
                bound.append((occ, binding(index.text, a, b, occ.start, (occ.start, occ.end))))
            good = [o for o, key in bound if key is not None and _same_entity(key[0], wanted[0])]
            neutral = [o for o, key in bound if key is None]
            if good:
                pool = good
            elif neutral:
                pool = neutral
            else:
                status = "grounded_elsewhere"
                others = sorted({key[1] for _, key in bound if key})
                note = "in the paper for " + ", ".join(others)
        return Verdict(status, self._closest(sentence, [o.start for o in pool]), note)

    def _bag(self, pos: int) -> frozenset[str]:
        """The words of the source sentence around ``pos`` (cached by sentence)."""
        bounds = self.index.sentence(pos)
        bag = self._bags.get(bounds)
        if bag is None:
            bag = self._bags[bounds] = words(self.index.text[bounds[0]:bounds[1]])
        return bag

    def _closest(self, sentence: str, positions: list[int]) -> int:
        """The position whose sentence shares the most (rarest) words with ``sentence``."""
        if len(positions) == 1:
            return positions[0]
        target = words(sentence)
        bags = [self._bag(pos) for pos in positions]
        df: dict[str, int] = {}
        for bag in bags:
            for w in bag & target:
                df[w] = df.get(w, 0) + 1
        n = len(bags)
        best, best_score = positions[0], -1.0
        for pos, bag in zip(positions, bags, strict=True):
            score = sum(math.log(1 + n / df[w]) for w in bag & target)
            if score > best_score:
                best, best_score = pos, score
        return best

    # ------------------------------------------------------------------ names, exponents

    def check_name(self, mention: Mention, text: str) -> Verdict:
        index = self.index
        positions = index.find_name(mention.name)
        if not positions:
            # "GPT-4o-as-judge", "TraDo-4B-Instruct": drop trailing descriptive words only,
            # never the leading name (so "GPT-40" cannot fall back to a bare "40").
            parts = [p for p in re.split(r"[\-_/\u2013]", mention.text) if p]
            while not positions and len(parts) > 1 and parts[-1].isalpha():
                parts.pop()
                core = normalize_name("".join(parts))
                if any(ch.isdigit() for ch in core):
                    positions = index.find_name(core)
        if not positions:
            if mention.name in index.flattened:
                return Verdict("unverifiable")
            return Verdict("unsupported")
        s_start, s_end = sentence_bounds(text, mention.start)
        return Verdict("grounded", self._closest(text[s_start:s_end], positions[:50]))

    def check_exponent(self, mention: Mention) -> Verdict:
        index = self.index
        found = index.occurrences.get(abs(mention.values[0]))
        if found:
            return Verdict("grounded", found[0].start)
        mant, exp = mention.name.split("|")
        exp = exp.lstrip("+")
        forms = [("" if mant == "1" else mant) + "10" + exp, "10" + exp]
        if exp.startswith("-"):  # PDFs flatten 10^-9 to "10−9" with a real minus sign
            forms += ["10−" + exp[1:], "10-" + exp[1:]]
        for form in forms:
            at = index.text.find(form)
            if at >= 0 or normalize_name(form) in index.flattened:
                return Verdict("unverifiable", at if at >= 0 else None)
        return Verdict("unsupported")

    def check(self, mention: Mention, text: str) -> Verdict:
        if mention.kind == "model_name":
            return self.check_name(mention, text)
        if mention.kind == "exponent":
            return self.check_exponent(mention)
        return self.check_number(mention, text)
