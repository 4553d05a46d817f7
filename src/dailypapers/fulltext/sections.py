"""Cut a paper's cleaned lines into sections with normalised kinds, and fit them to a budget.

Kinds (``models.Section.kind``): title | abstract | introduction | related | method |
experiments | results | discussion | conclusion | limitations | appendix | other.

Headings are accepted only when they fit the paper's numbering: top-level numbers must
count up (1, 2, 3 ...), subsections must belong to the current section, appendix letters
count up from A. That keeps table rows, list items and a table of contents ("1 Introduction
4") from being taken for headings. The references are cut out; appendices after them are
kept as ``appendix`` sections.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import FullText, Section

KINDS = (
    "title", "abstract", "introduction", "related", "method", "experiments", "results",
    "discussion", "conclusion", "limitations", "appendix", "other",
)
DEFAULT_PRIORITY = ("abstract", "introduction", "results", "conclusion", "experiments",
                    "method", "discussion", "limitations")

# Order matters: the first pattern that matches a heading's title decides its kind.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("abstract", r"^abstract\b"),
        ("introduction", r"\bintroduction\b|^overview$|^motivation$"),
        ("limitations", r"\blimitations?\b"),
        ("conclusion", r"\bconclu|\bconcluding\b|^summary\b|\bfuture (work|directions)\b"),
        ("related", r"\brelated\b|\bbackground\b|\bprior work|\bliterature\b|\bpreliminar"),
        ("results", r"\bresults?\b|\bfindings\b|\banalys[ie]s\b|\bablations?\b"
                    r"|\bperformance\b|\bcomparison\b"),
        ("experiments", r"\bexperiment|\bevaluation\b|\bsetup\b|\bset-up\b|\bbenchmark"
                        r"|\bimplementation\b|\btraining\b|\bdatasets?\b|\bdata\b"),
        ("discussion", r"\bdiscussions?\b|\bimplications\b|\bbroader impact"),
        ("method", r"\bmethod|\bapproach\b|\bmodel\b|\barchitecture\b|\bframework\b"
                   r"|\bformulation\b|\balgorithm\b"),
        ("appendix", r"^appendi(x|ces)\b|^supplementary\b"),
    )
)
_REFERENCES_RE = re.compile(r"^(?:\d{1,2}\.?\s+)?(references|bibliography|literature cited)$",
                            re.IGNORECASE)
_UNNUMBERED_RE = re.compile(
    r"^(abstract|introduction|related work|background|conclusions?|discussion|limitations"
    r"|acknowledge?ments?|appendix|appendices|ethics statement|broader impacts?"
    r"|impact statement|contents|table of contents)[.:]?$",
    re.IGNORECASE,
)
# "Appendix A: Prompts", "APPENDIX", "Supplementary Material": they also end the references.
_APPENDIX_RE = re.compile(
    r"^(?:appendix|appendices|supplementary materials?|supplementary)"
    r"(?:\s+[A-Z0-9]{1,2}\b)?[.:]?(?:\s+[A-Z][^.]*)?$",
    re.IGNORECASE,
)
_NUMBERED_RE = re.compile(r"^(\d{1,2})((?:\.\d{1,2}){0,3})\.?\s+(\S.{0,90})$")
_ROMAN_RE = re.compile(r"^([IVX]{1,5})\.\s+(\S.{0,90})$")
_LETTER_RE = re.compile(r"^([A-H])((?:\.\d{1,2}){0,3})\.?\s+(\S.{0,90})$")
# "Abstract—Diffusion ..." (IEEE) or "Abstract. We ..." / "Abstract: ..." run into the text.
_INLINE_ABSTRACT_RE = re.compile(r"^abstract\s*[—–:.\-]\s*(\S.*)$", re.IGNORECASE)
# Lines that end an abstract on the first page: footnote marks, venue lines, emails.
_ABSTRACT_END_RE = re.compile(
    r"^(?:[∗*†‡§¶]|Index Terms|Keywords|CCS Concepts|Fig(?:ure|\.)\s?\d|Table \d"
    r"|\d{1,2}(?=[A-Za-z]{3})|\d{1,2}(?=https?:)|Preprint\b|Correspond"
    r"|.*\bConference on\b|.*@\w+\.\w+)",
)
# Reference entries look like letter headings: "A. Roberts, P. Barham, ...".
_INITIALS_RE = re.compile(r"(?:^|[\s,])[A-Z]\.(?:\s|-[A-Z]\.)|“|\bet al\b")
_STRONG_KINDS = frozenset({"results", "discussion", "conclusion", "limitations"})
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10, "XI": 11, "XII": 12}


def classify(title: str) -> str:
    """The kind a heading's title names, or ``other``."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(title):
            return kind
    return "other"


def _title_ok(title: str) -> bool:
    """A plausible heading title: starts with a capital, no sentence end, few digits."""
    if not title[:1].isupper() or len(title) > 90:
        return False
    if title.endswith((".", ",", ";")) and not title.endswith(".."):
        return False
    if re.search(r"(\d|\.\s?\.)\s*$", title):  # a table of contents entry: "Introduction 4"
        return False
    words = title.split()
    if len(words) > 14:
        return False
    digits = sum(c.isdigit() for c in title)
    return digits <= 3


class _Numbering:
    """Tracks section numbers so only headings that continue the numbering are accepted."""

    def __init__(self) -> None:
        self.top = 0
        self.sub: tuple[int, ...] = ()
        self.letter = ""
        self.roman = 0

    def numbered(self, top: int, rest: str) -> bool:
        parts = tuple(int(x) for x in rest.split(".") if x)
        if not parts:
            if top == self.top + 1 or (self.top == 0 and top in (0, 1)):
                self.top, self.sub = top, ()
                return True
            return False
        if top != self.top:
            return False
        if len(parts) == 1 and parts[0] >= 1 and parts[0] <= (self.sub[0] if self.sub else 0) + 2:
            self.sub = parts
            return True
        return bool(len(parts) > 1 and self.sub and parts[0] == self.sub[0])

    def lettered(self, letter: str, rest: str) -> bool:
        if not rest:
            expected = chr(ord(self.letter) + 1) if self.letter else "A"
            if letter == expected:
                self.letter = letter
                return True
            return False
        return letter == self.letter

    def roman_numbered(self, numeral: str) -> bool:
        value = _ROMAN.get(numeral)
        if value is not None and value == self.roman + 1:
            self.roman = value
            return True
        return False


def split_sections(lines: Sequence[str]) -> tuple[list[Section], dict[str, int]]:
    """Sections of a cleaned paper, references removed. Returns (sections, stats)."""
    sections: list[Section] = []
    numbering = _Numbering()
    kind = "title"
    heading = ""
    body: list[str] = []
    top_kind = "title"
    in_refs = False
    after_refs = False
    seen_body = False
    ref_lines = 0
    abstract_done = False
    parents: dict[int, str] = {}

    def close() -> None:
        text = "\n".join(body).strip()
        if text or heading:
            sections.append(Section(kind=kind, heading=heading, text=text))
        body.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            if not in_refs:
                body.append("")
            continue
        if len(line) > 100 and seen_body:
            # Too long to be a heading: running text, or a reference entry (cheap path).
            if in_refs:
                ref_lines += 1
            else:
                body.append(line)
            continue
        new_heading: tuple[str, str] | None = None  # (kind, heading)
        depth = 1

        if _REFERENCES_RE.match(line):
            close()
            in_refs, after_refs = True, True
            kind, heading = "other", ""
            continue

        inline = _INLINE_ABSTRACT_RE.match(line) if not seen_body else None
        if inline and kind == "title":
            close()
            kind, heading, top_kind = "abstract", "Abstract", "abstract"
            body.append(inline.group(1))
            continue

        m = _NUMBERED_RE.match(line)
        if (
            m and not after_refs and _title_ok(m.group(3))
            # Before the body starts, numbers are affiliations and list items.
            and (seen_body or classify(m.group(3)) == "introduction")
            and not (line[len(m.group(1)) + len(m.group(2))] == "." and len(line.split()) > 9)
            and numbering.numbered(int(m.group(1)), m.group(2))
        ):
            new_heading = (classify(m.group(3)), line)
            depth = 1 + m.group(2).count(".")
        if new_heading is None:
            m = _LETTER_RE.match(line)
            if (
                m and (after_refs or kind == "appendix") and _title_ok(m.group(3))
                and not _INITIALS_RE.search(line)
                and numbering.lettered(m.group(1), m.group(2))
            ):
                new_heading = ("appendix", line)
                depth = 1 + m.group(2).count(".")
        if new_heading is None:
            m = _ROMAN_RE.match(line)
            if m and not after_refs and _title_ok(m.group(2)) and numbering.roman_numbered(
                m.group(1)
            ):
                new_heading = (classify(m.group(2)), line)
        if new_heading is None and len(line) <= 80 and _APPENDIX_RE.match(line):
            new_heading = ("appendix", line)
            # "Appendix A: ..." is followed by "A.1 ..." and then "B ..." headings.
            letter = re.match(r"^\w+\s+([A-H])\b", line)
            numbering.letter = letter.group(1) if letter else ""
        if new_heading is None and _UNNUMBERED_RE.match(line):
            name = classify(line)
            if line.lower().startswith("acknowledg") or line.lower().startswith("ethics"):
                name = "other"
            new_heading = (name, line)

        if new_heading is not None:
            if in_refs and new_heading[0] != "appendix":
                # Still inside the references: only an appendix ends them.
                ref_lines += 1
                continue
            close()
            in_refs = False
            new_kind, heading = new_heading
            if after_refs and new_kind not in ("limitations", "other"):
                new_kind = "appendix"
            if depth == 1:
                if new_kind == "other" and top_kind in ("introduction", "related", "method"):
                    # An unnamed section between the introduction and the experiments is,
                    # in practice, the paper's method ("3 SSRL: Self-Search RL").
                    new_kind = "method"
                top_kind = new_kind
                parents = {1: new_kind}
            else:
                parent = parents.get(depth - 1, top_kind)
                if new_kind not in _STRONG_KINDS or parent == "appendix":
                    # A subsection takes its parent's kind unless its title names a strong
                    # one ("4.2 Main Results" under "4 Experiments").
                    new_kind = parent
                parents[depth] = new_kind
            kind = new_kind
            seen_body = seen_body or kind not in ("title", "abstract")
            continue

        if in_refs:
            ref_lines += 1
            continue
        if kind == "abstract" and not abstract_done and body and (
            _ABSTRACT_END_RE.match(line)
            or (
                # After a paragraph break, a short non-sentence is a figure label.
                (not body[-1] or body[-1].endswith("."))
                and len(line) < 40 and not line.endswith(".")
                and sum(len(x) for x in body) > 400
            )
        ):
            # First-page footnotes and venue lines follow the abstract in the stream.
            close()
            abstract_done = True
            kind, heading = "other", ""
        body.append(line)
    close()
    sections = [s for s in sections if s.text or s.kind not in ("title", "other")]
    for s in sections:
        s.text = re.sub(r"\n{3,}", "\n\n", s.text)
    return sections, {"reference_lines_dropped": ref_lines, "sections": len(sections)}


def render_sections(sections: Sequence[Section]) -> str:
    """The paper's text: each section's heading and body, references already left out."""
    parts = []
    for s in sections:
        if s.heading and s.kind != "title":
            parts.append(f"{s.heading}\n\n{s.text}" if s.text else s.heading)
        elif s.text:
            parts.append(s.text)
    return "\n\n".join(parts)


def fit_sections(
    fulltext: FullText, max_chars: int, priority: Sequence[str] = DEFAULT_PRIORITY
) -> str:
    """The paper's most useful text within ``max_chars``, in reading order.

    Every kind in ``priority`` that the paper has first gets a fair share of the budget
    (so a long introduction cannot crowd out the results); what is left then goes to the
    kinds in priority order. Pieces are cut at a sentence end and printed in their order
    in the paper, each under its heading. With no sections (an abstract-only fallback), the
    text itself is cut to the budget.
    """
    if max_chars <= 0:
        return ""
    if not fulltext.sections:
        return _cut(fulltext.text, max_chars)
    blocks: dict[str, list[tuple[int, str]]] = {}
    for i, s in enumerate(fulltext.sections):
        if s.kind in priority and s.text:
            block = f"{s.heading}\n{s.text}" if s.heading else s.text
            blocks.setdefault(s.kind, []).append((i, block))
    kinds = [k for k in dict.fromkeys(priority) if k in blocks]
    if not kinds:
        return _cut(fulltext.text, max_chars)
    taken: dict[int, int] = {}  # section index -> characters granted
    left = max_chars

    def grant(kind: str, budget: int) -> int:
        used = 0
        for i, block in blocks[kind]:
            room = min(budget - used, left - used)
            want = len(block) + 2 - taken.get(i, 0)
            if room <= 0:
                break
            if want <= 0:
                continue
            give = min(want, room)
            taken[i] = taken.get(i, 0) + give
            used += give
        return used

    # Water-filling: equal shares among the kinds that still want text, a few rounds,
    # then whatever is left goes in priority order.
    wanting = list(kinds)
    for _ in range(4):
        share = left // len(wanting) if wanting else 0
        if share < 100:
            break
        # A kind that used its whole share may want more; one that did not is done.
        wanting = [kind for kind in wanting if grant(kind, share) >= share]
        left = max_chars - sum(taken.values())
    for kind in kinds:
        if left <= 0:
            break
        left -= grant(kind, left)
    pieces = []
    for i in sorted(taken):
        block = next(b for j, b in blocks[fulltext.sections[i].kind] if j == i)
        budget = taken[i] - 2
        piece = block if len(block) <= budget else _cut(block, budget)
        if len(piece) > len(fulltext.sections[i].heading) + 1:
            pieces.append(piece)
    return "\n\n".join(pieces)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(". "), head.rfind(".\n"))
    if head.endswith(".") and text[limit : limit + 1].isspace():
        end = limit - 1  # the cut falls right after a sentence
    if end > limit // 2:
        return head[: end + 1]
    space = head.rfind(" ")  # at least never cut inside a word
    return head[:space].rstrip() if space > 0 else head.rstrip()
