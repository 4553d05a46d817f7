"""The number check: every number and digit-bearing name in a summary, looked up in the source.

Pure functions, no I/O. ``verify(summary, source_text)`` returns a Verification whose items
are each ``grounded`` (with the source snippet), ``unsupported`` (not in the source in any
normal form: a reader must not trust it) or ``unverifiable`` (an exponent the PDF flattened,
``2.3·10^19`` -> ``2.3·1019``, so the source cannot confirm or refute it).

Normalization, so that a faithful rewrite is never flagged: thousands separators (1,000 =
1000), scales (1k, 45.9B = 45.9 billion, 2.4M), percent signs and words (88.5% = 88.5
percent = 0.885), multipliers (3.5x = 3.5× = 3.5-fold = 3.5 times; 2x = twice), points,
ranges (3-8B = 3B and 8B), number words in the source ("a thousand", "two"), rounding to the
summary's precision when it keeps two significant digits (88% for 87.6%), and names written
with other separators (GPT-4o = GPT 4o = gpt4o; Llama-3-8B = Llama 3 8B). A name is checked
as a whole: "GPT-40" is not grounded by a "40" elsewhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .models import SUMMARY_PARTS, CheckedItem, FullText, Paper, Summary, Verification

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
_SCALES = {
    "k": Decimal(10) ** 3, "K": Decimal(10) ** 3, "thousand": Decimal(10) ** 3,
    "M": Decimal(10) ** 6, "million": Decimal(10) ** 6, "mln": Decimal(10) ** 6,
    "B": Decimal(10) ** 9, "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "trillion": Decimal(10) ** 12,
}
_HAS_DIGIT_RE = re.compile(r"\d")
_PLAIN_RE = re.compile(r"\d+(?:\.\d+)?")
_ONE = Decimal(1)
_MULT_UNITS = {"x", "X", "×", "fold", "times"}
_PERCENT_UNITS = {"%", "percent", "percentage", "pct"}
_POINT_UNITS = {"points", "point", "pp", "pts", "pt"}
# Only tokens that hold a digit: the lookahead fails fast on plain words, so a full text of
# 100k+ characters is scanned in C rather than word by word in Python.
_TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9_])(?=[A-Za-z0-9_+.,\-/\u2013]*\d)"
    r"[A-Za-z0-9](?:[A-Za-z0-9_+]|[.,\-/\u2013](?=[A-Za-z0-9]))*[%×]?"
)
_FOLLOW_RE = re.compile(
    r"\s?(%|×|(?:percent(?:age)?(?: points?)?|pct|points?|pp|pts?|times|-?fold|x|"
    r"thousand|million|billion|trillion|bn|mln)(?![A-Za-z0-9]))",
)
# Exponents: "2.3×10^19", "10^{-4}" (only searched when the text has a caret) and "1e-4"
# (a pattern that starts with a digit, so the scan skips ahead fast; borders checked after).
_EXP_RE = re.compile(
    r"(?P<mant>\d+(?:\.\d+)?)\s*(?:[×x·*]|\\times|\\cdot)\s*10\s*\^\s*\{?\s*(?P<exp>[-−]?\d+)\}?"
    r"|(?<![\w.])10\s*\^\s*\{?\s*(?P<exp2>[-−]?\d+)\}?"
)
_ENOTATION_RE = re.compile(r"(?P<emant>\d+(?:\.\d+)?)[eE](?P<eexp>[-+]?\d+)")


def _exponents(text: str) -> Iterator[re.Match[str]]:
    if "^" in text:
        yield from _EXP_RE.finditer(text)
    for m in _ENOTATION_RE.finditer(text):
        before = text[m.start() - 1: m.start()] if m.start() else " "
        after = text[m.end(): m.end() + 1] or " "
        if not (before.isalnum() or before in "._") and not (after.isalnum() or after in "._"):
            yield m
# List markers ("(1)", "2)", "3. " at a line start) are not claims.
_ENUM_RE = re.compile(
    r"(?:^|(?<=[\s:;]))(?:\(\d{1,2}\)|\d{1,2}\))|(?:^|(?<=\n)|(?<=[:;] ))\s*\d{1,2}\.(?=\s)",
    re.M,
)
_CITATION_RE = re.compile(r"\[\d+(?:\s*[,\u2013\-]\s*\d+)*\]")
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
_WORD_NUM_RE = re.compile(  # applied to lowercased text: faster than re.I
    r"\b(?:(?P<lead>a|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[\s-]+)?"
    r"(?P<word>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b",
)


@dataclass(frozen=True)
class Mention:
    """A number-like mention in a text: what was written, its kind, and its values."""

    text: str
    kind: str  # number | percent | multiplier | points | scaled | range | model_name | exponent
    values: tuple[Decimal, ...]  # canonical (scaled) values; one per end of a range
    raw: tuple[Decimal, ...]  # the digits as written, before scaling
    start: int
    end: int
    name: str = ""  # normalized name for model_name mentions


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return None


_NAME_DROP = str.maketrans("", "", " \t\n-_/\u2013")


def normalize_name(text: str) -> str:
    """``"GPT-4o"`` -> ``"gpt4o"``: lowercase, separators dropped, dots between digits kept."""
    text = text.lower().translate(_NAME_DROP)
    return re.sub(r"\.(?!\d)", "", text) if "." in text else text


def _parse_number_token(token: str) -> tuple[list[Decimal], Decimal, str | None] | None:
    """``"45.9B"`` -> ([45.9], 1e9, None); ``"3-8B"`` -> ([3, 8], 1e9, None);
    ``"3.5x"`` -> ([3.5], 1, "x"); ``"7B-scale"`` -> ([7], 1e9, None). None for names."""
    if _PLAIN_RE.fullmatch(token):  # the common case, kept cheap for long full texts
        return [Decimal(token).normalize()], _ONE, None
    unit: str | None = None
    if token.endswith(("%", "×")):
        unit = token[-1]
        token = token[:-1]
    parts = re.split(r"[-\u2013]", token)
    # "7B-scale", "4-bit", "8-shot": a number, then descriptive words.
    while len(parts) > 1 and parts[-1].isalpha() and len(parts[-1]) > 1:
        if parts[-1].lower() == "fold":
            unit = "fold"
        parts.pop()
    if len(parts) > 2:
        return None
    match = re.fullmatch(rf"({_NUM})(k|K|M|B|T|bn|x|X|pp|GB|MB|TB|ms|s|h|fold)?", parts[-1])
    if match is None:
        return None
    suffix = match.group(2)
    scale = Decimal(1)
    if suffix in _SCALES:
        scale = _SCALES[suffix]
    elif suffix in ("x", "X", "fold"):
        unit = suffix
    elif suffix == "pp":
        unit = "pp"
    nums = [match.group(1)]
    if len(parts) == 2:
        first = re.fullmatch(rf"({_NUM})(k|K|M|B|T)?", parts[0])
        if first is None:
            return None
        nums.insert(0, first.group(1))
    values = [v for v in (_dec(n) for n in nums) if v is not None]
    if len(values) != len(nums):
        return None
    return values, scale, unit


def _token_mentions(text: str, *, skip_markers: bool = True,
                    wanted: set[str] | None = None) -> list[Mention]:
    """Every token holding a digit, classified (numbers, ranges, names)."""
    out: list[Mention] = []
    skip: list[tuple[int, int]] = [(m.start(), m.end()) for m in _CITATION_RE.finditer(text)]
    for m in _exponents(text):
        skip.append((m.start(), m.end()))
        out.append(_exponent_mention(m))
    skip_pos = {i for a, b in skip for i in range(a, b)}
    enum_pos: set[int] = set()
    if skip_markers:
        for m in _ENUM_RE.finditer(text):
            enum_pos.add(m.start() + len(m.group(0)) - len(m.group(0).lstrip("( \n")))
    for m in _TOKEN_RE.finditer(text):
        token = m.group(0)
        if wanted is not None and wanted.isdisjoint(_signatures(token)):
            continue  # cannot ground anything asked for; skipping keeps full texts fast
        if m.start() in skip_pos or not _HAS_DIGIT_RE.search(token):
            continue
        if m.start() in enum_pos and re.fullmatch(r"\d{1,2}", token):
            continue
        token = token.rstrip(".,+")
        end = m.start() + len(token)
        parsed = _parse_number_token(token)
        if parsed is None:
            name = normalize_name(token)
            out.append(Mention(token, "model_name", (), (), m.start(), end, name=name))
            continue
        values, scale, unit = parsed
        follow = _FOLLOW_RE.match(text, end)
        written = token
        if follow is not None and unit is None and scale == 1:
            word = follow.group(1).lower().lstrip("-")
            if word in _SCALES:
                scale = _SCALES[word]
            elif word.startswith(("percent", "pct")) or word == "%":
                unit = "percent" if "point" not in word else "pp"
            elif word in _MULT_UNITS or word == "×":
                unit = word
            elif word in _POINT_UNITS:
                unit = "points"
            written = text[m.start(): follow.end()].rstrip()
            end = follow.end()
        kind = "range" if len(values) > 1 else (
            "percent" if unit in _PERCENT_UNITS else
            "multiplier" if unit in _MULT_UNITS else
            "points" if unit in _POINT_UNITS or unit == "pp" else
            "scaled" if scale != 1 else "number")
        scaled = tuple((v * scale).normalize() for v in values)
        out.append(Mention(written, kind, scaled, tuple(values), m.start(), end))
    out.sort(key=lambda x: x.start)
    return out


def _exponent_mention(m: re.Match[str]) -> Mention:
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


_ARROWS_RE = re.compile(r"(?<![A-Za-z])\\?(?:rightarrow|leftarrow|approx|sim|cdot|pm)(?=\s*\d)")
_TIMES_WORD_RE = re.compile(r"times")  # a literal: scanned fast; context checked in _times
_LATEX_CMD_RE = re.compile(r"\\[A-Za-z]+")
_SPLIT_DECIMAL_RE = re.compile(r"(\d)\. (?=\d+\s*%)")  # "53. 6%", a copy-paste split
_SPACED_PERCENT_RE = re.compile(r"\s+%")
_BRACES_RE = re.compile(r"[{}$]")
_BACKSLASH_TO_RE = re.compile(r"\\to(?=\s*\d)")
_SPACED_TIMES_RE = re.compile(r"(\d) +×")


def _times(m: re.Match[str]) -> str:
    """``256\\times256``, ``3 times`` -> ``×``; any other "times" stays as written."""
    text, start, end = m.string, m.start(), m.end()
    before = text[max(0, start - 3): start].rstrip(" \\")
    after = text[end: end + 2].lstrip()
    if (before and before[-1].isdigit()) or (after and after[0].isdigit()):
        return "×"
    return "times"


def prepare(text: str) -> str:
    """Undo formatting that hides numbers: LaTeX markup, split decimals, spaced percents.

    Each rewrite runs only when its trigger is in the text: full texts are long.
    """
    if "\\" in text:
        text = text.replace("\\%", "%")
        text = _BACKSLASH_TO_RE.sub(" ", text)
    if "times" in text:
        text = _TIMES_WORD_RE.sub(_times, text)
        text = _SPACED_TIMES_RE.sub(r"\1×", text.replace("\\×", "×"))
    if any(w in text for w in ("arrow", "approx", "sim", "cdot", "pm")):
        text = _ARROWS_RE.sub(" ", text)
    if "\\" in text:
        text = _LATEX_CMD_RE.sub(" ", text)
    if "{" in text or "$" in text or "}" in text:
        text = _BRACES_RE.sub("", text)
    if "%" in text:
        if ". " in text:
            text = _SPLIT_DECIMAL_RE.sub(r"\1.", text)
        text = _SPACED_PERCENT_RE.sub("%", text)
    return text


_RUN_RE = re.compile(r"\d+(?:[.,]\d+)*")
_DIGITS_ONLY = str.maketrans("", "", ".,")


def _signatures(text: str) -> set[str]:
    """First one and two significant digits of each digit run: a cheap pre-filter key."""
    out = set()
    for run in _RUN_RE.findall(text):
        digits = run.translate(_DIGITS_ONLY).lstrip("0") or "0"
        out.add(digits[:1])
        # "5" may be written for 5,000 ("5K", "5 thousand"): it also stands for "50".
        out.add(digits[:2] if len(digits) > 1 else digits + "0")
    return out


def _wanted_signatures(mentions: Iterable[Mention]) -> set[str]:
    """Signatures a source token must share to possibly ground one of ``mentions``."""
    out: set[str] = {"0"}
    for mention in mentions:
        if mention.kind == "model_name":
            out |= _signatures(mention.text)
            continue
        for v in (*mention.values, *mention.raw):
            exponent = v.as_tuple().exponent
            quantum = Decimal(1).scaleb(min(exponent, 0)) if isinstance(exponent, int) \
                else _ONE
            # v - one unit of its last digit: 87.6 rounds to a written 88.
            for candidate in (v, v - quantum, v / 100, v * 100):
                digits = format(abs(candidate), "f").replace(".", "").lstrip("0") or "0"
                out.add(digits[:2])
    return out


def extract_mentions(text: str) -> list[Mention]:
    """Numbers and digit-bearing names in ``text``, in order of appearance."""
    return _token_mentions(prepare(text))


_SEPARATOR_RE = re.compile(r"[\-_/\u2013]")
_TIMES_RE = re.compile(r"(?<=\d)[x×](?=\d)")


class SourceIndex:
    """The source text's numbers and names, indexed once for many lookups."""

    def __init__(self, source_text: str, flattened: Sequence[str] = (),
                 wanted: Sequence[Mention] | None = None) -> None:
        """Index ``source_text``; with ``wanted``, only what could ground those mentions."""
        source_text = prepare(source_text)
        self._wanted = _wanted_signatures(wanted) if wanted is not None else None
        self.text = source_text
        self.flattened = {normalize_name(f) for f in flattened if f}
        self.values: dict[Decimal, int] = {}
        # Values written as bare numbers (no %, x, unit): "0.885" may be a share.
        self.plain: dict[Decimal, int] = {}
        self.names: dict[str, int] = {}
        self._all_values: list[tuple[Decimal, int]] = []
        for mention in _token_mentions(source_text, skip_markers=False, wanted=self._wanted):
            if mention.kind == "model_name":
                self._add_name(mention.text, mention.start)
                continue
            for v in (*mention.values, *mention.raw):
                self._add_value(v, mention.start, mention.kind)
            if mention.kind == "percent":
                for v in mention.raw:
                    self._add_value((v / 100).normalize(), mention.start, "fraction")
            if mention.kind in ("scaled", "range"):
                self._add_name(mention.text, mention.start)
        for m in _WORD_NUM_RE.finditer(source_text.lower()):
            value = Decimal(_WORD_NUMBERS[m.group("word")])
            lead = m.group("lead") or ""
            if lead and lead not in ("a", "several", "few") and value >= 100:
                value *= _WORD_NUMBERS[lead]
            self._add_value(value.normalize(), m.start())
        self._word_positions: dict[str, list[int]] | None = None
        self._words: list[tuple[str, int]] = []

    def _add_value(self, value: Decimal, pos: int, kind: str = "number") -> None:
        value = abs(value)
        if value not in self.values:
            self.values[value] = pos
            self._all_values.append((value, pos))
        if kind == "number" and value not in self.plain:
            self.plain[value] = pos

    def _add_name(self, token: str, pos: int) -> None:
        self.names.setdefault(normalize_name(token), pos)
        if not _SEPARATOR_RE.search(token):
            if not token.isalpha():
                self._add_number_parts(token, pos)
            return
        parts = [p for p in _SEPARATOR_RE.split(token) if p]
        for i in range(len(parts)):
            for j in range(i + 1, min(len(parts), i + 6) + 1):
                self.names.setdefault(normalize_name("".join(parts[i:j])), pos)
            self._add_number_parts(parts[i], pos)

    def _add_number_parts(self, part: str, pos: int) -> None:
        """"ACM-8B", "2B/9B/27B", "2160x3840": a part that is a number counts as one."""
        if not any(ch.isdigit() for ch in part):
            return
        for piece in _TIMES_RE.split(part):
            parsed = _parse_number_token(piece)
            if parsed is not None:
                values, scale, _unit = parsed
                for v in values:
                    self._add_value(v, pos)
                    self._add_value((v * scale).normalize(), pos)

    def find_value(self, value: Decimal) -> int | None:
        return self.values.get(abs(value))

    def find_rounded(self, value: Decimal, raw: Decimal, scale: Decimal) -> int | None:
        """A source value that rounds to ``raw`` at its precision (>= 2 significant digits)."""
        raw = abs(raw)
        exponent = raw.as_tuple().exponent
        if not isinstance(exponent, int) or raw == 0:
            return None
        # Normalized Decimals drop trailing zeros ("50" is 5E+1): count integer digits.
        significant = len(str(int(raw))) if exponent >= 0 else len(raw.as_tuple().digits)
        if significant < 2:
            return None
        quantum = Decimal(1).scaleb(min(exponent, 0))
        for source_value, pos in self._all_values:
            candidate = source_value / scale
            if candidate == raw:
                return pos
            if abs(candidate - raw) < quantum and candidate.quantize(
                    quantum, rounding=ROUND_HALF_UP) == raw.quantize(quantum):
                return pos
        return None

    def find_name(self, name: str) -> int | None:
        if name in self.names:
            return self.names[name]
        # Names split by spaces in the source: "Llama 3 8B", "GPT 4o".
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
                    return self._words[pos_index][1]
        return None

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

    def snippet(self, pos: int, width: int = 70) -> str:
        start = max(0, pos - width)
        end = min(len(self.text), pos + width)
        text = " ".join(self.text[start:end].split())
        return ("…" if start else "") + text + ("…" if end < len(self.text) else "")


def _check(mention: Mention, index: SourceIndex) -> tuple[str, int | None]:
    """(status, source position)."""
    if mention.kind == "model_name":
        pos = index.find_name(mention.name)
        if pos is None:
            # "GPT-4o-as-judge", "TraDo-4B-Instruct": drop trailing descriptive words only,
            # never the leading name (so "GPT-40" cannot fall back to a bare "40").
            parts = [p for p in re.split(r"[\-_/\u2013]", mention.text) if p]
            while pos is None and len(parts) > 1 and parts[-1].isalpha():
                parts.pop()
                core = normalize_name("".join(parts))
                if any(ch.isdigit() for ch in core):
                    pos = index.find_name(core)
        if pos is None and mention.name in index.flattened:
            return "unverifiable", None
        return ("grounded", pos) if pos is not None else ("unsupported", None)
    if mention.kind == "exponent":
        pos = index.find_value(mention.values[0])
        if pos is not None:
            return "grounded", pos
        mant, exp = mention.name.split("|")
        exp = exp.lstrip("+")
        forms = [("" if mant == "1" else mant) + "10" + exp, "10" + exp]
        if exp.startswith("-"):  # PDFs flatten 10^-9 to "10−9" with a real minus sign
            forms += ["10−" + exp[1:], "10-" + exp[1:]]
        for form in forms:
            found = index.text.find(form)
            if found >= 0 or normalize_name(form) in index.flattened:
                return "unverifiable", (found if found >= 0 else None)
        return "unsupported", None
    positions: list[int] = []
    for value, raw in zip(mention.values, mention.raw, strict=True):
        pos = index.find_value(value)
        if pos is None:
            pos = index.find_value(raw)
        if pos is None and mention.kind == "percent":
            pos = index.plain.get((value / 100).normalize())
        if pos is None:
            scale = (value / raw).normalize() if raw else Decimal(1)
            pos = index.find_rounded(value, raw, scale)
            if pos is None and scale != 1:
                pos = index.find_rounded(value, raw, Decimal(1))
        if pos is None and mention.kind in ("scaled", "number", "multiplier"):
            pos = index.find_name(normalize_name(mention.text.replace(" ", "")))
        if pos is None:
            if normalize_name(mention.text) in index.flattened:
                return "unverifiable", None
            return "unsupported", None
        positions.append(pos)
    return "grounded", positions[0]


def verify_text(text: str, source_text: str, *, flattened: Sequence[str] = ()) -> list[
        CheckedItem]:
    """Check every number and digit-bearing name of a plain string against the source."""
    return _verify_parts([(None, text)], source_text, flattened)


def _verify_parts(parts: Iterable[tuple[str | None, str]], source_text: str,
                  flattened: Sequence[str]) -> list[CheckedItem]:
    found = [(part, mention) for part, text in parts for mention in extract_mentions(text)]
    if not found:
        return []
    index = SourceIndex(source_text, flattened, wanted=[m for _, m in found])
    items: list[CheckedItem] = []
    seen: set[tuple[str | None, str]] = set()
    for part, mention in found:
        key = (part, mention.text)
        if key in seen:
            continue
        seen.add(key)
        status, pos = _check(mention, index)
        snippet = index.snippet(pos) if pos is not None else None
        items.append(CheckedItem(text=mention.text, kind=mention.kind,
                                 status=status,  # type: ignore[arg-type]
                                 part=part, snippet=snippet))
    return items


@dataclass(frozen=True)
class Source:
    """What a summary is checked against: the text, what it was read from, and the numbers
    the PDF flattened (``10^19`` -> ``1019``), which the check may not trust."""

    text: str
    read: str  # pdf | html | abstract
    flattened: tuple[str, ...] = ()


def source_of(paper: Paper, fulltext: FullText | None) -> Source:
    """The one definition of a paper's source: title + abstract + full text when there is one.

    The title and abstract are part of the source even when the PDF text missed them. A
    full text that is itself the abstract (the fetcher's last fallback) reads as the abstract.
    """
    head = paper.title + "\n\n" + paper.abstract
    if fulltext is not None and fulltext.text and fulltext.source != "abstract":
        return Source(head + "\n\n" + fulltext.text, fulltext.source,
                      tuple(fulltext.flattened_numbers))
    return Source(head, "abstract")


def verify_paper(summary: Summary, source: Source) -> Verification:
    """Check every number and name in every part of ``summary`` (and its keywords)."""
    parts: list[tuple[str | None, str]] = [(name, getattr(summary, name))
                                           for name in SUMMARY_PARTS]
    parts.append(("keywords", " ; ".join(summary.keywords)))
    return Verification(items=_verify_parts(parts, source.text, source.flattened),
                        source=source.read)


def verify(summary: Summary, source_text: str, *, flattened: Sequence[str] = (),
           source: str = "abstract") -> Verification:
    """:func:`verify_paper` against a plain text (the ``verify`` command, evaluations)."""
    return verify_paper(summary, Source(source_text, source, tuple(flattened)))
