"""Numbers and digit-bearing names in a text: what was written, its unit, its values.

Pure functions. The same tokenizer reads summaries and sources, so both sides agree on what
"88.5 percent", "7B", "3.5-fold" and "GPT-4o" are. What is not a number is dropped here:
citations ``[12]``, list markers (``2.`` at a line start, ``(ii)``, ``3)``), and numbers that
name a place in the paper (``Section 6``, ``Fig. 3(a)``, ``Tables 2 and 3``, ``p. 8``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
SCALES = {
    "k": Decimal(10) ** 3, "K": Decimal(10) ** 3, "thousand": Decimal(10) ** 3,
    "M": Decimal(10) ** 6, "million": Decimal(10) ** 6, "mln": Decimal(10) ** 6,
    "B": Decimal(10) ** 9, "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "trillion": Decimal(10) ** 12,
}
_PLAIN_RE = re.compile(r"\d+(?:\.\d+)?")
_ONE = Decimal(1)
_MULT_UNITS = {"x", "X", "×", "fold", "times"}
_PERCENT_UNITS = {"%", "percent", "percentage", "pct"}
_POINT_UNITS = {"points", "point", "pp", "pts", "pt"}
_MEASURES = {"GB", "MB", "TB", "ms", "s", "h"}
# Only tokens that hold a digit: the lookahead fails fast on plain words, so a full text of
# 100k+ characters is scanned in C rather than word by word in Python.
TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9_])(?=[A-Za-z0-9_+.,\-/\u2013]*\d)"
    r"[A-Za-z0-9](?:[A-Za-z0-9_+]|[.,\-/\u2013](?=[A-Za-z0-9]))*[%×]?"
)
_FOLLOW_RE = re.compile(
    r"\s?(%|×|(?:percent(?:age)?(?: points?)?|pct|points?|pp|pts?|times|-?fold|x|"
    r"thousand|million|billion|trillion|bn|mln)(?![A-Za-z0-9]))",
)
_EXP_RE = re.compile(
    r"(?P<mant>\d+(?:\.\d+)?)\s*(?:[×x·*]|\\times|\\cdot)\s*10\s*\^\s*\{?\s*(?P<exp>[-−]?\d+)\}?"
    r"|(?<![\w.])10\s*\^\s*\{?\s*(?P<exp2>[-−]?\d+)\}?"
)
_ENOTATION_RE = re.compile(r"(?P<emant>\d+(?:\.\d+)?)[eE](?P<eexp>[-+]?\d+)")
_CITATION_RE = re.compile(r"\[\d+(?:\s*[,\u2013\-]\s*\d+)*\]")
# A number right after one of these words names a place in the paper, not a quantity.
_PLACE_RE = re.compile(
    r"(?:\b(?:sections?|secs?|sect|figures?|figs?|tables?|tabs?|pages?|p|pp|eqs?|eqn|"
    r"equations?|appendi(?:x|ces)|app|algorithms?|alg|lines?|chapters?|ch|theorems?|thm|"
    r"lemmas?|lem|definitions?|defs?|corollar(?:y|ies)|cor|propositions?|prop|examples?|"
    r"remarks?|assumptions?|footnotes?|listings?|rows?|columns?|cols?|steps?|stages?|"
    r"phases?|parts?|claims?|cases?|rounds?|levels?)|§)\.?\s*[~(]?\s*"
    r"(?:\d+[a-z]?(?:\.\d+)*\)?\s*(?:,|and|&|or|to|[-\u2013])\s*\(?)*$",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z(\[])|\n")


def place_number(text: str, start: int) -> bool:
    """Whether the number at ``start`` names a section, figure, table, page, equation..."""
    before = text[max(0, start - 40): start]
    return bool(before) and _PLACE_RE.search(before) is not None


@dataclass(frozen=True)
class Mention:
    """A number-like mention: what was written, its kind, its values and its unit."""

    text: str
    kind: str  # number | percent | multiplier | points | scaled | range | model_name | exponent
    values: tuple[Decimal, ...]  # canonical (scaled) values; one per end of a range
    raw: tuple[Decimal, ...]  # the digits as written, before scaling
    start: int
    end: int
    name: str = ""  # normalized name for model_name mentions
    unit: str = ""  # "" | percent | multiplier | points (the unit of every end of a range)
    written: tuple[str, ...] = ()  # each value's digits as written ("4.0" keeps its zero)

    @property
    def scale(self) -> Decimal:
        return (self.values[0] / self.raw[0]).normalize() if self.raw and self.raw[0] else _ONE

    @property
    def integer(self) -> bool:
        return all("." not in w for w in self.written)


def dec(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return None


_NAME_DROP = str.maketrans("", "", " \t\n-_/\u2013")


def normalize_name(text: str) -> str:
    """``"GPT-4o"`` -> ``"gpt4o"``: lowercase, separators dropped, dots between digits kept."""
    text = text.lower().translate(_NAME_DROP)
    return re.sub(r"\.(?!\d)", "", text) if "." in text else text


def parse_number_token(token: str) -> tuple[list[str], Decimal, str | None] | None:
    """``"45.9B"`` -> (["45.9"], 1e9, None); ``"3-8B"`` -> (["3", "8"], 1e9, None);
    ``"3.5x"`` -> (["3.5"], 1, "x"); ``"7B-scale"`` -> (["7"], 1e9, None). None for names."""
    if _PLAIN_RE.fullmatch(token):  # the common case, kept cheap for long full texts
        return [token], _ONE, None
    unit: str | None = None
    if token.endswith(("%", "×")):
        unit = token[-1]
        token = token[:-1]
    parts = re.split(r"[-\u2013]", token)
    # "7B-scale", "4-bit", "8-shot", "45.9-billion-parameter": a number, then words.
    word_scale = _ONE
    while len(parts) > 1 and parts[-1].isalpha() and len(parts[-1]) > 1:
        word = parts.pop().lower()
        if word == "fold":
            unit = "fold"
        elif word in ("point", "points"):
            unit = "points"
        elif word in ("percent", "percentage"):
            unit = "percent"
        elif word in SCALES and len(word) > 2:
            word_scale = SCALES[word]
    if len(parts) > 2:
        return None
    match = re.fullmatch(rf"({_NUM})(k|K|M|B|T|bn|x|X|pp|GB|MB|TB|ms|s|h|fold)?", parts[-1])
    if match is None:
        return None
    suffix = match.group(2)
    scale = word_scale
    if suffix in SCALES:
        scale = SCALES[suffix]
    elif suffix in ("x", "X", "fold"):
        unit = suffix
    elif suffix == "pp":
        unit = "pp"
    elif suffix in _MEASURES:
        unit = suffix
    nums = [match.group(1)]
    if len(parts) == 2:
        first = re.fullmatch(rf"({_NUM})(k|K|M|B|T|x|X|GB|MB|TB|ms|s|h)?", parts[0])
        if first is None:
            return None
        nums.insert(0, first.group(1))
    if any(dec(n) is None for n in nums):
        return None
    return nums, scale, unit


def unit_of(unit: str | None) -> str:
    if unit in _MEASURES:
        return "measure:" + unit
    if unit in _PERCENT_UNITS:
        return "percent"
    if unit in _MULT_UNITS:
        return "multiplier"
    if unit in _POINT_UNITS:
        return "points"
    return ""


def read_number(text: str, start: int, token: str) -> Mention | None:
    """The number written as ``token`` at ``start`` (with a unit word after it), or None
    when the token is a name."""
    parsed = parse_number_token(token)
    if parsed is None:
        return None
    nums, scale, unit = parsed
    end = start + len(token)
    written = token
    follow = _FOLLOW_RE.match(text, end)
    if follow is not None and unit is None and scale == 1:
        word = follow.group(1).lower().lstrip("-")
        if word in SCALES:
            scale = SCALES[word]
        elif word.startswith(("percent", "pct")) or word == "%":
            unit = "percent" if "point" not in word else "pp"
        elif word in _MULT_UNITS or word == "×":
            unit = word
        elif word in _POINT_UNITS:
            unit = "points"
        written = text[start: follow.end()].rstrip()
        end = follow.end()
    unit_kind = unit_of(unit)
    values = [dec(n) or _ONE for n in nums]
    kind = "range" if len(values) > 1 else (
        unit_kind or ("scaled" if scale != 1 else "number"))
    scaled = tuple((v * scale).normalize() for v in values)
    return Mention(written, kind, scaled, tuple(values), start, end, unit=unit_kind,
                   written=tuple(n.replace(",", "") for n in nums))


def exponents(text: str) -> Iterator[re.Match[str]]:
    if "^" in text:
        yield from _EXP_RE.finditer(text)
    for m in _ENOTATION_RE.finditer(text):
        before = text[m.start() - 1: m.start()] if m.start() else " "
        after = text[m.end(): m.end() + 1] or " "
        if not (before.isalnum() or before in "._") and not (after.isalnum() or after in "._"):
            yield m


def exponent_mention(m: re.Match[str]) -> Mention:
    groups = m.groupdict()
    if groups.get("exp2") is not None:
        mant, exp = "1", m.group("exp2")
    elif groups.get("eexp") is not None:
        mant, exp = m.group("emant"), m.group("eexp")
    else:
        mant, exp = m.group("mant"), m.group("exp")
    exp = exp.replace("−", "-")
    value = (Decimal(mant) * Decimal(10) ** int(exp)).normalize()
    return Mention(m.group(0), "exponent", (value,), (Decimal(mant).normalize(),),
                   m.start(), m.end(), name=f"{mant}|{exp}")


class Spans:
    """Sorted, non-overlapping character ranges, for "is this position inside one?"."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, pos: object) -> bool:
        if not isinstance(pos, int):
            return False
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def summary_mentions(text: str) -> list[Mention]:
    """Numbers and digit-bearing names of a summary text, in order; markers and places left
    out (``text`` has already been through :func:`~.text.prepare`)."""
    out: list[Mention] = []
    skip = [(m.start(), m.end()) for m in _CITATION_RE.finditer(text)]
    for m in exponents(text):
        skip.append((m.start(), m.end()))
        out.append(exponent_mention(m))
    skipped = Spans(skip)
    for m in TOKEN_RE.finditer(text):
        token = m.group(0)
        if m.start() in skipped:
            continue
        digits = token.rstrip(".")
        if len(digits) <= 2 and digits.isdigit() and list_marker(
                text, m.start(), m.start() + len(digits)):
            continue
        token = token.rstrip(".,+")
        if _PLAIN_RE.fullmatch(token) and place_number(text, m.start()):
            continue
        mention = read_number(text, m.start(), token)
        if mention is None:
            out.append(Mention(token, "model_name", (), (), m.start(), m.start() + len(token),
                               name=normalize_name(token)))
        else:
            out.append(mention)
    out.sort(key=lambda x: x.start)
    return out


def citations(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CITATION_RE.finditer(text)]


def list_marker(text: str, start: int, end: int) -> bool:
    """Whether the one- or two-digit number ``text[start:end]`` is a list marker: "(2)",
    "2)" or "2." at a line start, after ":"/";", or starting a sentence."""
    before = text[start - 1] if start else "\n"
    after = text[end] if end < len(text) else ""
    if after == ")":
        return before in "(\n \t:;"
    if after != "." or text[end + 1: end + 2] not in (" ", "\n", "\t"):
        return False
    head = text[max(0, start - 3): start]
    if before == "\n" or not head.strip() or head.endswith((": ", "; ")):
        return True
    return head.endswith((". ", "! ", "? ")) and text[end + 2: end + 3].isupper()


def sentence_bounds(text: str, pos: int, reach: int = 600) -> tuple[int, int]:
    """(start, end) of the sentence (or line) around ``pos``, bounded by ``reach``.

    A sentence ends at a newline, or at ".", "!" or "?" followed by whitespace and a capital
    letter, "(" or "[" (so "88.5", "e.g. the" and "Fig. 3" do not end one)."""
    lo = max(0, pos - reach)
    start = lo
    cut = text.rfind("\n", lo, pos)
    if cut >= 0:
        lo = start = cut + 1
    i = pos
    while i > lo:
        i = max(text.rfind(". ", lo, i), text.rfind("! ", lo, i), text.rfind("? ", lo, i))
        if i < 0:
            break
        j = i + 1
        while j < pos and text[j] in " \t":
            j += 1
        if j < pos and (text[j].isupper() or text[j] in "(["):
            start = j
            break
    hi = min(len(text), pos + reach)
    m2 = _SENTENCE_END_RE.search(text, pos, hi)
    end = m2.end() if m2 is not None else hi
    return start, end
