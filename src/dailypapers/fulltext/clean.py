"""Turn the raw per-page text of a PDF into clean reading-order text. Pure, no I/O.

Promises, measured on real arXiv papers (tests/test_fulltext_pdf.py):

- ligatures U+FB00–FB06 are spelled out; no blanket NFKC (it would fold superscripts and
  change numbers);
- pypdfium2's soft-hyphen marker U+FFFE is resolved: the hyphen is kept when the hyphenated
  word occurs elsewhere in the paper or a capital/digit touches it ("Psyche-R1", "GPT-4"),
  otherwise the halves are joined ("signif-icantly" -> "significantly");
- the arXiv side stamp, running headers/footers and page numbers are removed;
- wrapped lines are joined into paragraphs (also across columns and pages), while short
  lines (table rows, figure labels, list items) keep their own line so numbers stay put;
- exponents that the PDF flattened ("2.3 · 1019" for 2.3·10^19) are reported, so the number
  check does not trust them.

Everything here is a handful of regex passes and one loop over lines: it must stay cheap
next to PDFium's own text extraction (see bench/extract.py).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

SOFT_HYPHEN = "\ufffe"

LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",  # long s + t
        "\ufb06": "st",
        "\u00ad": "",  # a soft hyphen inside a line is invisible by definition
    }
)

# "arXiv:2508.10683v1 [cs.CL] 14 Aug 2025" (also old-style ids "hep-th/9901001v2").
_LIGATURE_PAIRS = tuple((chr(k), v) for k, v in LIGATURES.items() if isinstance(v, str))
# Starts with the literal "arXiv:" (fast scan); the lookbehind pins it to a line start.
STAMP_RE = re.compile(
    r"arXiv:(?<![^\n\f]arXiv:)\s?(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})v\d+\s+\[[^\]\n]{1,30}\]"
    r"\s+\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}[ \t]*(?=\n|\f|$)",
)
_DIGITS_RE = re.compile(r"\d+")
_TAIL_WORD_RE = re.compile(r"\w+$")
_HEAD_WORD_RE = re.compile(r"\w+")
# Hyphenated words: found by scanning for the hyphen first (a leading \w+ is slow).
_HYPHENATED_RE = re.compile(r"-\w+")
# Ligatures, soft hyphens or control characters: anything clean_pages must fix first.
_RARE_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufb00-\ufb06\u00ad]")
# A line that is a heading on its own: numbered ("3.1 Method", "A.2 Prompts", "IV. RESULTS")
# or one of the common unnumbered ones. Decided here only to keep it off the previous line.
_HEADING_LINE_RE = re.compile(
    r"^(?:(?:\d{1,2}|[A-H]|[IVX]{1,5})(?:\.\d{1,2}){0,3}\.?\s+[A-Z][^\n]{1,90}"
    r"|(?i:abstract|introduction|related work|background|conclusions?|discussion|limitations"
    r"|acknowledge?ments?|references|bibliography|appendix|appendices|contents)[.:]?"
    r"|(?i:appendix|supplementary)\s+[A-Z0-9]{1,2}\b[.:]?(?:\s+[A-Z][^.\n]{0,80})?)$",
)
_SENTENCE_END = (".", "?", "!", ":", ";")
# Line ends that leave a sentence open ("in Appendix D,"), beside letters (a digit may
# end a table row, which must keep its line).
_MID_SENTENCE_END = ",)]”’"
# Flattened exponents: "2.3 · 1019", "×106", "10−5" (a minus sign glued to 10 is an
# exponent, since a range would be written "10–15" with an en dash).
# Two patterns that each start with a literal, so the scan is fast.
_FLAT_TIMES_RE = re.compile(r"[·×∗] ?(10\d{1,3})\b")
_FLAT_MINUS_RE = re.compile(r"10−\d{1,2}\b")  # the char before is checked by hand
# Lines that interrupt running text: footnotes ("1Listing ...", "2" + URL, "∗Equal ..."),
# captions, and bare footnote marks.
_INTERRUPT_RE = re.compile(
    r"^(?:\d{1,2}(?=[A-Z][a-z]|https?://|$)|[∗*†‡§¶]|(?:Table|Figure|Fig\.|TABLE)\s*\d"
    r"|(?:\d{1,2}(?:st|nd|rd|th)\s+)?(?:Conference|Proceedings|Published as|Preprint"
    r"|Under review|Workshop)\b)"
)
_MAX_SIDE_LINES = 80
# "1. LLMs can serve as ..." at full width is a list item, not a heading.
_LIST_ITEM_RE = re.compile(r"^\d{1,2}\.\s")
# Control characters PDFium emits for unmapped glyphs (\x0f for ϵ); \n and \f are ours.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_GLUED_MARK_RE = re.compile("\ufffe(\\d{1,3})(?=\n|\f|$)")
# A raised footnote mark ends PDFium's line mid-sentence: "survey1" / ", over 50 groups".
_MARK_BREAK_RE = re.compile(r"(?<=[a-z])(\d{1,2})\n(?=[,;:.)] )")
# Lines that start a new block even when the previous line looks wrapped.
_BLOCK_START_RE = re.compile(
    r"^(?:Abstract|ABSTRACT|Index Terms|INDEX TERMS|Keywords|KEYWORDS|Key words)\b"
)


@dataclass
class CleanText:
    """Cleaned lines of a document, plus what the cleaning found."""

    lines: list[str]
    flattened_numbers: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _signature(line: str) -> str:
    return _DIGITS_RE.sub("#", line.strip().lower())


def _strip_page_furniture(pages: list[list[str]], stats: dict[str, int]) -> None:
    """Remove running headers/footers and page numbers, in place.

    A header is a line in the top or bottom two lines of a page whose shape (digits masked)
    recurs on many pages. A page number is a bare integer at the top or bottom whose value
    follows the page index with one constant offset across the document.
    """
    n = len(pages)
    if n == 0:
        return
    edge: Counter[str] = Counter()
    for lines in pages:
        seen = {_signature(x) for x in lines[:2] + lines[-2:] if x.strip()}
        edge.update(seen)
    threshold = max(3, int(0.4 * n))
    running = {sig for sig, count in edge.items() if count >= threshold and sig != "#"}

    offsets: Counter[int] = Counter()
    for i, lines in enumerate(pages):
        for line in (lines[:1] + lines[-1:]) if lines else []:
            s = line.strip()
            if s.isdigit() and len(s) <= 4:
                offsets[int(s) - i] += 1
    offset = None
    if offsets:
        best, count = offsets.most_common(1)[0]
        if count >= max(2, n // 3):
            offset = best

    removed = 0
    for i, lines in enumerate(pages):
        for pos in (0, 1, -1, -2):
            if not lines or (pos in (1, -2) and len(lines) < 3):
                continue
            idx = pos if pos >= 0 else len(lines) + pos
            if idx >= len(lines):
                continue
            s = lines[idx].strip()
            if _signature(s) in running or (
                offset is not None and s.isdigit() and int(s) - i == offset
            ):
                lines[idx] = ""
                removed += 1
        pages[i] = [x for x in lines if x.strip()]
    stats["furniture_lines_removed"] = removed


def _visual_tail(line: str) -> int:
    """Length of the last visual line: pypdfium2 glues hyphen-wrapped lines with U+FFFE."""
    cut = line.rfind(SOFT_HYPHEN)
    return len(line) - cut - 1 if cut >= 0 else len(line)


def _typical_width(lines: list[str]) -> int:
    # Visual lines: pypdfium2 glues hyphen-wrapped lines with U+FFFE.
    segments = "\n".join(lines).replace(SOFT_HYPHEN, "\n").split("\n")
    widths = sorted(n for n in map(len, segments) if n >= 20)
    if not widths:
        return 80
    return widths[(len(widths) * 3) // 4]


def _interrupts(s: str, part: float) -> bool:
    """A line that cannot continue a sentence: a footnote, caption, table row or label."""
    if _INTERRUPT_RE.match(s):
        return True
    if s[0].islower() or s[0] in ",;:.)]":
        return False
    if len(s) < part:
        return True
    return sum(map(str.isdigit, s)) > 0.3 * len(s)


def _join_side(lines: list[str]) -> list[str]:
    """Rejoin wrapped footnotes and captions that were held aside (lowercase follow-ons)."""
    out: list[str] = []
    for line in lines:
        if out and line[0].islower() and " " in line and not out[-1].endswith(_SENTENCE_END):
            prev = out[-1]
            out[-1] = prev + line if prev.endswith(SOFT_HYPHEN) else f"{prev} {line}"
        else:
            out.append(line)
    return out


def _join_lines(pages: list[list[str]]) -> list[str]:
    """Join wrapped lines into paragraphs; keep short lines (tables, labels) on their own.

    A paragraph interrupted by a footnote, a figure or a table (at a column or page end)
    is held open: the interruption goes after the paragraph, and the paragraph continues
    with the next line that reads as prose.
    """
    out: list[str] = []
    buf: list[str] = []
    side: list[str] = []  # lines that interrupted the open paragraph
    heading = _HEADING_LINE_RE.match
    continuing = False  # the last line of buf was wrapped mid-sentence
    diverting = False  # lines are going to ``side`` until prose resumes

    def flush() -> None:
        if buf:
            out.append(" ".join(buf))
            buf.clear()
        if side:
            out.append("")
            out.extend(_join_side(side))
            out.append("")
            side.clear()

    side_closed = False
    for lines in pages:
        # Footnotes and floats end with their page: what follows may be prose again.
        side_closed = bool(side)
        width = _typical_width(lines)
        full = 0.7 * width
        part = 0.4 * width
        for line in lines:
            s = line.strip()
            if not s:
                continue
            if buf and _BLOCK_START_RE.match(s):
                continuing = False
                flush()
            if continuing and buf:
                if diverting or _interrupts(s, part):
                    # A footnote can run over several lines, lowercase ones too: prose
                    # resumes only once the interruption looks finished.
                    finished = (
                        not side or side_closed
                        or (side[-1].endswith((".", "?", "!")) and len(side[-1]) > 3)
                        or ("/" in side[-1] and " " not in side[-1])  # a URL
                    )
                    resumes = (
                        (s[0].islower() and " " in s and finished)
                        or (s[0] in ",;:.)]" and (finished or not diverting))
                        # Prose again after a finished footnote.
                        or (len(s) >= full and finished and not _interrupts(s, part))
                    )
                    if not resumes and len(side) < _MAX_SIDE_LINES and not heading(s):
                        side.append(s)
                        diverting = True
                        side_closed = False
                        continue
                    diverting = False
                    if not resumes:
                        continuing = False
                        flush()
            elif buf and len(s) < part and buf[-1].endswith(_SENTENCE_END):
                # A short line after a sentence end is a label or a table row, not prose.
                flush()
            continuing = False
            if len(s) < 100 and heading(s) and not (len(s) >= full and _LIST_ITEM_RE.match(s)):
                flush()
                out.append(s)
                out.append("")
                continue
            if len(s) <= 2 and s[0] in ".,;:)" and not s[-1].isalnum() and (buf or out):
                # Punctuation left alone after a footnote mark ("agents 1" + ".").
                if buf:
                    buf[-1] = buf[-1] + s
                else:
                    last = len(out) - 1
                    while last >= 0 and not out[last]:
                        last -= 1
                    if last >= 0:
                        out[last] += s
                        continue
                    buf.append(s)
            elif buf and buf[-1].endswith(SOFT_HYPHEN):
                buf[-1] = buf[-1] + s  # the hyphen rule decides later
            elif buf and buf[-1].endswith("-") and buf[-1][-2:-1].isalpha() and s[0].islower():
                # A printed hyphen at the end of a line is part of the word ("task-specific").
                buf[-1] = buf[-1] + s
            else:
                buf.append(s)
            if (
                s.endswith(SOFT_HYPHEN) or (s.endswith("-") and s[-2:-1].isalpha())
                # A fragment after a footnote mark (", over"): the sentence goes on.
                or (s[0] in ",;:)" and not s.endswith(_SENTENCE_END))
            ):
                continuing = True
                continue
            tail = _visual_tail(s)
            if tail >= full:
                continuing = not s.endswith(_SENTENCE_END)
                continue
            if s.endswith(_SENTENCE_END):
                flush()
                out.append("")
            elif tail >= part and (s[-1].isalpha() or s[-1] in _MID_SENTENCE_END):
                continue
            else:
                flush()
    flush()
    return out


def _hyphenated_words(text: str) -> set[str]:
    words = set()
    for m in _HYPHENATED_RE.finditer(text):
        left = _TAIL_WORD_RE.search(text, max(0, m.start() - 40), m.start())
        if left:
            words.add(f"{left.group(0)}{m.group(0)}".lower())
    return words


def _resolve_hyphens(text: str) -> tuple[str, int, int]:
    """Decide every U+FFFE: keep the hyphen or join the halves."""
    if SOFT_HYPHEN not in text:
        return text, 0, 0
    known = _hyphenated_words(text)
    kept = joined = 0
    parts = text.split(SOFT_HYPHEN)
    out = [parts[0]]
    for prev, nxt in itertools.pairwise(parts):
        lm = _TAIL_WORD_RE.search(prev, max(0, len(prev) - 60))
        rm = _HEAD_WORD_RE.match(nxt)
        if lm is None or rm is None:
            # Not between two word characters (before punctuation, at a paragraph end):
            # nothing sensible to join; drop the marker and a space it left.
            out.append(nxt if prev.endswith(" ") else nxt.lstrip(" "))
            continue
        left, right = lm.group(0), rm.group(0)
        capital_or_digit = (
            left[-1].isupper() or left[-1].isdigit() or right[0].isupper()
            or right[0].isdigit()
        )
        if (
            capital_or_digit and left.isalpha() and right.isalpha()
            and f"{left}{right}" in text
        ):
            # "SCRIP-TORIUM" when "SCRIPTORIUM" is written elsewhere: a break, not a name.
            joined += 1
            out.append(nxt)
            continue
        if (
            f"{left}-{right}".lower() in known
            or capital_or_digit
            # TeX never leaves "ly" alone before a break, so "stylistically-varied" is a
            # compound, unless the joined word is used elsewhere.
            or (left.endswith("ly") and len(left) > 4 and f" {left}{right}" not in text)
        ):
            kept += 1
            out.append("-")
        else:
            joined += 1
        out.append(nxt)
    return "".join(out), kept, joined


def clean_pages(raw_pages: list[str]) -> CleanText:
    """Clean the raw text of each page (as PDFium returns it) into one document."""
    stats: dict[str, int] = {}
    joined_raw = "\f".join(raw_pages).replace("\r\n", "\n")
    if _RARE_RE.search(joined_raw):  # one scan; the fixes below are rarely needed
        joined_raw = _CONTROL_RE.sub("", joined_raw)
        # str.replace per ligature: much faster than str.translate on long text.
        for ligature, letters in _LIGATURE_PAIRS:
            if ligature in joined_raw:
                joined_raw = joined_raw.replace(ligature, letters)
    joined_raw, stamps = STAMP_RE.subn("", joined_raw)
    # A footnote mark on the line after a hyphen break gets glued to it ("lemma\ufffe2").
    joined_raw = _GLUED_MARK_RE.sub("\ufffe\n\\1", joined_raw)
    joined_raw = _MARK_BREAK_RE.sub(r"\1 ", joined_raw)
    stats["stamps_removed"] = stamps
    pages = [[x for x in p.split("\n") if x.strip()] for p in joined_raw.split("\f")]
    _strip_page_furniture(pages, stats)
    lines = _join_lines(pages)
    text = "\n".join(lines)
    text, kept, joined = _resolve_hyphens(text)
    stats["hyphens_kept"] = kept
    stats["hyphens_joined"] = joined
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    flattened = set(_FLAT_TIMES_RE.findall(text))
    for m in _FLAT_MINUS_RE.finditer(text):
        before = text[m.start() - 1 : m.start()]
        if not (before.isalnum() or before in "._"):
            flattened.add(m.group(0))
    return CleanText(lines=text.split("\n"), flattened_numbers=sorted(flattened), stats=stats)
