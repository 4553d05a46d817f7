"""Text the check reads: formatting undone, and the parts of a paper that are not its claims.

``prepare`` undoes what hides numbers (LaTeX markup, split decimals, spaced percents).
``excluded_spans`` finds what must never ground a result: the reference list, a table of
contents, running headers and footers, page numbers and heading numbers. Pure functions;
each scan runs in C over the whole text (full texts are 100k+ characters).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_ARROWS_RE = re.compile(r"(?<![A-Za-z])\\?(?:rightarrow|leftarrow|approx|sim|cdot|pm)(?=\s*\d)")
_TIMES_WORD_RE = re.compile(r"times")  # a literal: scanned fast; context checked in _times
_LATEX_CMD_RE = re.compile(r"\\[A-Za-z]+")
_SPLIT_DECIMAL_RE = re.compile(r"(\d)\. (?=\d+\s*%)")  # "53. 6%", a copy-paste split
_SPACED_PERCENT_RE = re.compile(r"\s+%")
_BRACES_RE = re.compile(r"[{}$]")
_BACKSLASH_TO_RE = re.compile(r"\\to(?=\s*\d)")
_UNIT_SLASH_RE = re.compile(r"\b(percent(?:age)?|points?|times|fold)/(?=\d)")
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
    if "×" in text:  # "3 ×" as "3×", whether the text wrote "times" anywhere or not
        text = _SPACED_TIMES_RE.sub(r"\1×", text.replace("\\×", "×"))
    if any(w in text for w in ("arrow", "approx", "sim", "cdot", "pm")):
        text = _ARROWS_RE.sub(" ", text)
    if "\\" in text:
        text = _LATEX_CMD_RE.sub(" ", text)
    if "{" in text or "$" in text or "}" in text:
        text = _BRACES_RE.sub("", text)
    if "/" in text:  # "7.8 percent/5.3 percent": the slash is not part of a name
        text = _UNIT_SLASH_RE.sub(r"\1 / ", text)
    if "%" in text:
        if ". " in text:
            text = _SPLIT_DECIMAL_RE.sub(r"\1.", text)
        text = _SPACED_PERCENT_RE.sub("%", text)
    return text


_RUN_RE = re.compile(r"\d+(?:[.,]\d+)*")
_DIGITS_ONLY = str.maketrans("", "", ".,")


@lru_cache(maxsize=8192)
def signatures(text: str) -> frozenset[str]:
    """First one and two significant digits of each digit run: a cheap pre-filter key."""
    out = set()
    for run in _RUN_RE.findall(text):
        digits = run.translate(_DIGITS_ONLY).lstrip("0") or "0"
        out.add(digits[:1])
        # "5" may be written for 5,000 ("5K", "5 thousand"): it also stands for "50".
        out.add(digits[:2] if len(digits) > 1 else digits + "0")
    return frozenset(out)


# "References" on its own line (or starting a line of entries): the list runs to an appendix.
_REFS_RE = re.compile(
    r"^[ \t]*(?:\d{1,2}\.?[ \t]+|[A-Z]\.?[ \t]+)?(?:references|bibliography|literature cited"
    r"|works cited)[ \t]*:?[ \t]*(?:$|(?=\[\d|\d{1,3}\.[ \t]|[A-Z][a-z]+,))",
    re.IGNORECASE | re.MULTILINE,
)
_APPENDIX_RE = re.compile(
    r"^[ \t]*(?:[A-Z](?:\.\d+)*\.?[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Za-z][a-z]*){0,8}[ \t]*$"
    r"|appendi(?:x|ces)\b|supplementary\b)",
    re.MULTILINE,
)
_CONTENTS_RE = re.compile(r"^[ \t]*(?:table of )?contents\b[^\n]*$", re.IGNORECASE | re.MULTILINE)
_TOC_LINE_RE = re.compile(r"^[^\n]{0,150}?(?:\s\d{1,3}|\.\s?\d{1,3})[ \t]*$")
# Each line pattern starts with a literal newline, so the scan skips ahead in C.
_DOT_LEADER_RE = re.compile(r"\.[ \t]?\.[ \t]?\.[ \t]?\.[. \t]*\d{1,4}[ \t]*(?=\n)")
_PAGE_NUMBER_RE = re.compile(
    r"\n[ \t]*(?:[Pp]age[ \t]+)?\d{1,3}(?:[ \t]*(?:/|of)[ \t]*\d{1,3})?[ \t]*(?=\n)")
_HEADING_NUMBER_RE = re.compile(
    r"\n[ \t]*(\d{1,2}(?:\.\d{1,2}){0,3})\.?[ \t]+[A-Z][^\n]{0,80}[^.\n:](?=\n)")


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` whose numbers are not the paper's claims."""
    spans: list[tuple[int, int]] = []
    if "eferences" in text or "EFERENCES" in text or "ibliography" in text \
            or "BIBLIOGRAPHY" in text or "Cited" in text or "CITED" in text:
        for m in _REFS_RE.finditer(text):
            after = _APPENDIX_RE.search(text, m.end() + 1)
            spans.append((m.start(), after.start() if after is not None else len(text)))
    if "ontents" in text or "ONTENTS" in text:
        for m in _CONTENTS_RE.finditer(text):
            # The heading line, then every following line shaped like an entry ("3 Method 5").
            end = m.end()
            lines = text[end: end + 8000].split("\n")
            pos = end
            for i, line in enumerate(lines):
                if i and line.strip() and not _TOC_LINE_RE.match(line):
                    break
                pos += len(line) + 1
            spans.append((m.start(), min(pos, len(text))))
    if "\n" not in text:
        return spans
    framed = "\n" + text + "\n"  # offsets in ``framed`` are one more than in ``text``
    if "...." in text or ". . ." in text:
        # A table-of-contents line: "3.2 Results ........ 14" (from its line start).
        spans += [(framed.rfind("\n", 0, m.start()), m.end() - 1)
                  for m in _DOT_LEADER_RE.finditer(framed)]
    spans += [(m.start(), m.end() - 1) for m in _PAGE_NUMBER_RE.finditer(framed)]
    spans += [(m.start(1) - 1, m.end(1) - 1) for m in _HEADING_NUMBER_RE.finditer(framed)]
    if text.count("\n") >= 20:  # headers repeat page after page: only long texts have them
        spans += _running_lines(text)
    return spans


def _running_lines(text: str) -> list[tuple[int, int]]:
    """Short lines with digits and words that come back three times or more (running
    headers and footers the extraction kept: "Published as a conference paper at ICLR 2025")."""
    counts = Counter(text.split("\n"))
    spans = []
    for line, count in counts.items():
        if count < 3 or not 6 <= len(line) <= 100 or not any(c.isdigit() for c in line):
            continue
        if sum(1 for w in line.split() if w.isalpha()) < 2:
            continue  # a table row ("Ours 88.5 77.2"), not a header
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(line), text)]
    return spans
