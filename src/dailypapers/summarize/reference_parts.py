"""The five parts of a summary written in the reference format, and a positional baseline.

Reference summaries (written by an LLM for the reference digest) come in three shapes: a
paragraph whose sentences open with recognisable phrases ("The primary objective is ...",
"The key methodology involves ...", "Primary results show ...", "The principal implication
for AI practitioners is ..."), a list marked ``i) .. v)`` (one-line, objective, method,
results, implication), or an older list ``a) .. d)`` (objective, method, results,
implication). :func:`split_reference` returns the parts it can recognise, each without its
opener; a part it cannot find is absent, and a free-form paragraph yields nothing.

:func:`strip_connective` removes such an opener (and the offline summarizer's former stock
openers) from any text, so parts are compared on their content, not on shared phrasing.

:func:`positional_parts` is the baseline that knows nothing about roles: the abstract's
sentences handed to the five parts in order, by position only.
"""

from __future__ import annotations

import re

from ..models import SUMMARY_PARTS
from .sentences import normalize_prose, split_sentences

# A trailing section some references carry: not part of the summary.
_FOLLOW_UP_RE = re.compile(r"\s*(?:\*\*)?follow[- ]up questions?\b.*$", re.I | re.S)
_ROMAN_RE = re.compile(r"(?:^|(?<=\s))(i|ii|iii|iv|v)\)\s+")
_LETTER_RE = re.compile(r"(?:^|(?<=\s))([a-e])\)\s+")
_ROMAN_PARTS = {"i": "one_line", "ii": "objective", "iii": "method", "iv": "results",
                "v": "implication"}
_LETTER_PARTS = {4: ("objective", "method", "results", "implication"),
                 5: SUMMARY_PARTS}
# "Main research question/objective:" and similar labels after a list marker.
_LABEL_RE = re.compile(r"^(?:[A-Z][\w/ '-]{0,60}):\s+")

# Openers by part, matched at the start of a sentence (lowercased).
_OPENERS: dict[str, re.Pattern[str]] = {
    "objective": re.compile(
        r"^(?:the |this |a )?(?:paper's |study's |research's |work's )?"
        r"(?:primary |main |key |core |central |overall |specific )?(?:research )?"
        r"(?:objective|aim|goal|research question|question)s?\b"
        r"|^(?:the|this) (?:research|study|paper|work) (?:aims|aimed|seeks|sought|"
        r"investigates|investigated|addresses|addressed|asks|explores|explored|questions)\b"),
    "method": re.compile(
        r"^(?:the |a |its |their )?(?:key |core |main |primary |proposed |overall )?"
        r"(?:methodology|methods?|approach)\b|^methodolog"
        r"|^the (?:authors|researchers) (?:propose|proposed|introduce|introduced|develop|"
        r"developed|use|used|employ|employed|construct|constructed|train|trained|design|"
        r"designed|present|presented|leverage|leveraged|adopt|adopted)\b"),
    "results": re.compile(
        r"^(?:the |a |one )?(?:primary |main |key |principal |major )?(?:results?|findings?)\b"
        r"|^(?:experiments?|experimental results|evaluations?|empirical results) "
        r"(?:show|showed|demonstrate|demonstrated|reveal|revealed|indicate|indicated)\b"),
    "implication": re.compile(
        r"^(?:the |a )?(?:principal |primary |main |key )?implications?\b"
        r"|^for ai practitioners\b|^ai practitioners\b"
        r"|^(?:this|these|the|that) [\w ,'-]{0,60}\b(?:ai )?practitioners\b"),
}
_ORDER = {part: i for i, part in enumerate(SUMMARY_PARTS)}

# Openers to remove before comparing content: the reference's own, and the stock phrases
# the offline summarizer used to put in its fields.
_CONNECTIVE_RE = re.compile(
    r"^(?:"
    r"(?:the |a |one )?(?:paper's |study's |research's )?(?:primary |principal |main |key |"
    r"core |central |overall |specific |major )?(?:research )?(?:objective|aim|goal|"
    r"research question|question|methodology|method|approach|results?|findings?|"
    r"implications?)(?: for ai practitioners)?(?: of (?:this|the) (?:paper|work|study|"
    r"research))? (?:is|was|are|were|involves?|involved|employs?|uses?|consists? of|"
    r"combines?|shows?|showed|demonstrates?|demonstrated|indicates?|indicated|reveals?|"
    r"revealed)(?: to| that| whether| how)?,?\s+"
    r"|(?:the|this) (?:research|study|paper|work) (?:aims|aimed|seeks|sought) to\s+"
    r"|methodologically,\s+"
    r"|the work starts from the observation that\s+"
    r"|the primary objective, as the title states, is:\s+"
    r"|for ai practitioners,\s+"
    r")",
    re.I,
)


def strip_connective(text: str) -> str:
    """``text`` without a leading stock opener ("The primary results show that ...")."""
    text = text.strip()
    for _ in range(2):  # "The primary objective is to address the problem that ..."
        match = _CONNECTIVE_RE.match(text)
        if match is None:
            break
        text = text[match.end():]
    text = re.sub(r"^address the problem that\s+", "", text, flags=re.I)
    return text[:1].upper() + text[1:] if text else text


def _clean_reference(text: str) -> str:
    text = text.replace("**", "")
    text = _FOLLOW_UP_RE.sub("", text)
    return " ".join(text.split())


def _split_marked(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    marks = list(pattern.finditer(text))
    out = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = _LABEL_RE.sub("", text[mark.end():end].strip())
        out.append((mark.group(1), body.strip()))
    return out


def split_reference(text: str) -> dict[str, str]:
    """The parts of a reference summary that carry a recognisable marker or opener."""
    text = _clean_reference(text)
    roman = _split_marked(text, _ROMAN_RE)
    if [m for m, _ in roman][:3] == ["i", "ii", "iii"]:
        return {_ROMAN_PARTS[m]: strip_connective(b) for m, b in roman if b}
    letters = _split_marked(text, _LETTER_RE)
    names = [m for m, _ in letters]
    if names in (["a", "b", "c", "d"], ["a", "b", "c", "d", "e"]):
        parts = _LETTER_PARTS[len(names)]
        return {part: strip_connective(b) for part, (_, b) in zip(parts, letters, strict=True)
                if b}
    return _split_by_openers(text)


def _split_by_openers(text: str) -> dict[str, str]:
    sentences = split_sentences(text)
    current = "one_line"
    found: dict[str, list[str]] = {}
    openers = 0
    for sentence in sentences:
        low = sentence.lower()
        for part, pattern in _OPENERS.items():
            if _ORDER[part] > _ORDER[current] and pattern.match(low):
                current = part
                openers += 1
                break
        found.setdefault(current, []).append(sentence)
    if openers < 2:
        return {}  # a free-form paragraph: no part can be told apart reliably
    # A part without an opener ("The model achieves 41.9% ..." after the method) is the
    # sentences the part before it holds beyond its first one.
    for i, part in enumerate(SUMMARY_PARTS[2:], 2):
        previous = SUMMARY_PARTS[i - 1]
        if part not in found and len(found.get(previous, ())) >= 2:
            found[part] = found[previous][1:]
            found[previous] = found[previous][:1]
    return {part: strip_connective(" ".join(s)) for part, s in found.items()}


def positional_parts(abstract: str) -> dict[str, str]:
    """The abstract's sentences given to the five parts by position alone.

    Consecutive runs of (nearly) equal length, in order: with 10 sentences each part gets
    two; with fewer than five, the last parts stay empty.
    """
    sentences = split_sentences(normalize_prose(abstract))
    n = len(sentences)
    parts = dict.fromkeys(SUMMARY_PARTS, "")
    if n == 0:
        return parts
    k = len(SUMMARY_PARTS)
    bounds = [round(i * n / k) for i in range(k + 1)] if n >= k else list(range(n + 1)) + [
        n] * (k - n)
    for i, part in enumerate(SUMMARY_PARTS):
        parts[part] = " ".join(sentences[bounds[i]:bounds[i + 1]])
    return parts


def positional_single(abstract: str) -> dict[str, str]:
    """One abstract sentence per part, at evenly spaced positions (first ... last)."""
    sentences = split_sentences(normalize_prose(abstract))
    n = len(sentences)
    parts = dict.fromkeys(SUMMARY_PARTS, "")
    if n == 0:
        return parts
    k = len(SUMMARY_PARTS)
    for i, part in enumerate(SUMMARY_PARTS):
        parts[part] = sentences[round(i * (n - 1) / (k - 1))] if n > 1 else (
            sentences[0] if i == 0 else "")
    return parts
