"""Plain data shared by every stage: papers, day lists, full texts, summaries, verifications.

No I/O here. Stages exchange these objects and the store persists them; nothing else is
shared between stages. Everything is JSON-serialisable through ``to_dict``/``from_dict``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .safety import safe_url

ARXIV_ID_RE = re.compile(
    r"^(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d{1,6}))?$",
    re.ASCII,  # full-width and other non-ASCII digits are not arXiv ids
)


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """``"2501.08313v2"`` -> ``("2501.08313", 2)``; accepts abs/pdf URLs and ``arXiv:`` prefixes.

    Raises ValueError for anything that is not an arXiv identifier.
    """
    text = raw.strip()
    text = re.sub(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/", "", text)
    text = re.sub(r"^(?:https?://)?huggingface\.co/papers/", "", text)
    text = re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE)
    text = text.removesuffix(".pdf").strip("/")
    match = ARXIV_ID_RE.match(text)
    if not match:
        raise ValueError(f"not an arXiv id: {raw!r}")
    version = match.group("version")
    return match.group("id"), int(version) if version else None



_FIELDS: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    """The fields ``from_dict`` keeps (looked up once per class: 10^5 papers are decoded)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return names

@dataclass
class Paper:
    """One paper, keyed by its versionless arXiv id."""

    arxiv_id: str
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    version: int | None = None
    published: str | None = None  # ISO 8601 timestamp of first publication
    categories: list[str] = field(default_factory=list)
    upvotes: int | None = None
    num_comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    ai_summary: str | None = None
    submitter: str | None = None
    thumbnail: str | None = None
    # Fields a source returned that we don't model (schema drift); kept verbatim.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def hf_url(self) -> str:
        return f"https://huggingface.co/papers/{self.arxiv_id}"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        names = _field_names(cls)
        paper = cls(**{k: v for k, v in data.items() if k in names})
        # Links are data: whatever stored them, only plain http(s) ones come back out.
        paper.github_repo = safe_url(paper.github_repo)
        paper.project_page = safe_url(paper.project_page)
        paper.thumbnail = safe_url(paper.thumbnail)
        return paper


@dataclass
class DayEntry:
    """A paper's place in a day's list, as the source ranked it at fetch time."""

    paper: Paper
    rank: int
    upvotes: int | None = None


@dataclass
class DayList:
    """What a source returned for one day."""

    date: str  # YYYY-MM-DD
    source: str
    entries: list[DayEntry] = field(default_factory=list)
    fetched_at: str | None = None
    # Items the source returned but could not parse: (position, reason). Reported, never fatal.
    skipped: list[tuple[int, str]] = field(default_factory=list)


FullTextSource = Literal["pdf", "html", "abstract"]


@dataclass
class Section:
    """One section of a paper's text. ``kind`` is a normalised role (see fulltext.sections)."""

    kind: str  # title | abstract | introduction | related | method | experiments | results |
    #            discussion | conclusion | limitations | appendix | other
    heading: str
    text: str


@dataclass
class FullText:
    """The cleaned text of a paper and where it came from."""

    arxiv_id: str
    version: int | None
    source: FullTextSource
    text: str
    sections: list[Section] = field(default_factory=list)
    pages: int | None = None
    # Why we fell back from better sources, e.g. "pdf: truncated download (Content-Length ...)".
    fallback_reasons: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    # Number-like strings that the PDF flattened (10^19 -> 1019); the verifier won't trust them.
    flattened_numbers: list[str] = field(default_factory=list)

    def section_text(self, *kinds: str) -> str:
        return "\n\n".join(s.text for s in self.sections if s.kind in kinds)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FullText:
        data = dict(data)
        data["sections"] = [Section(**s) for s in data.get("sections", [])]
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})

    @classmethod
    def of_abstract(cls, paper: Paper, reasons: list[str]) -> FullText:
        """The last fallback: the paper's title and abstract as its whole text."""
        sections = [Section(kind="title", heading="", text=paper.title)]
        if paper.abstract:
            sections.append(Section(kind="abstract", heading="Abstract", text=paper.abstract))
        return cls(
            arxiv_id=paper.arxiv_id, version=paper.version, source="abstract",
            text=paper.abstract, sections=sections, fallback_reasons=list(reasons),
            stats={"chars": len(paper.abstract)},
        )


SUMMARY_PARTS = ("one_line", "objective", "method", "results", "implication")


@dataclass
class Summary:
    """A structured five-part summary of one paper, and who wrote it."""

    arxiv_id: str
    one_line: str
    objective: str
    method: str
    results: str
    implication: str
    keywords: list[str] = field(default_factory=list)
    version: int | None = None
    backend: str = ""
    model: str | None = None
    prompt_hash: str | None = None
    # Backend that was asked first, when this summary comes from a fallback.
    fallback_from: str | None = None
    source: str | None = None  # which text it was written from: pdf | html | abstract
    # tokens_in, tokens_out, cost, calls; fallback_reason; fulltext_missing (why it was
    # written from the abstract while full text was on: redone once the text is had)
    usage: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SUMMARY_PARTS}

    def render(self) -> str:
        """The reference format: one paragraph of the non-empty parts, in order."""
        sentences = []
        for part in self.parts().values():
            text = " ".join(part.split())
            if not text:
                continue
            if text[-1] not in ".!?":
                text += "."
            sentences.append(text)
        return " ".join(sentences)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})


ItemStatus = Literal["grounded", "grounded_elsewhere", "unsupported", "unverifiable",
                     "not_checked"]
# Statuses a reader must be warned about: the paper does not support the item as written.
FLAGGED: tuple[str, ...] = ("unsupported", "grounded_elsewhere")


@dataclass
class CheckedItem:
    """One number or digit-bearing name found in a summary, and what the source says."""

    text: str  # as written in the summary, e.g. "88.5%"
    kind: str  # number | percent | range | multiplier | scaled | points | model_name | ...
    status: ItemStatus
    part: str | None = None  # the first summary part it appears in
    snippet: str | None = None  # the evidence: the source sentence that grounds it
    parts: list[str] = field(default_factory=list)  # every part it appears in
    note: str | None = None  # why, when not plainly grounded ("in the paper for GSM8K")

    @property
    def is_name(self) -> bool:
        return self.kind == "model_name"

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED


@dataclass
class Verification:
    """The verifier's verdict on one summary."""

    items: list[CheckedItem] = field(default_factory=list)
    source: str | None = None  # pdf | html | abstract: what it was checked against

    @property
    def full_text(self) -> bool:
        """Whether the check read the paper's full text (else the abstract only)."""
        return self.source in ("pdf", "html")

    @property
    def unsupported(self) -> list[CheckedItem]:
        """Items the paper does not support as written (absent, or given for another thing)."""
        return [i for i in self.items if i.status in FLAGGED]

    @property
    def numbers(self) -> list[CheckedItem]:
        return [i for i in self.items if not i.is_name]

    @property
    def names(self) -> list[CheckedItem]:
        return [i for i in self.items if i.is_name]

    @property
    def grounded(self) -> list[CheckedItem]:
        return [i for i in self.items if i.status == "grounded"]

    @property
    def status(self) -> Literal["grounded", "unsupported", "empty"]:
        if not self.items:
            return "empty"
        return "unsupported" if self.unsupported else "grounded"

    @property
    def read(self) -> str | None:
        """What the check read, in words: "full text" | "abstract only" (None: unknown)."""
        if self.source in ("pdf", "html"):
            return "full text"
        return "abstract only" if self.source == "abstract" else None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["read"] = self.read
        data["status"] = self.status
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verification:
        names = _field_names(CheckedItem)
        return cls(
            items=[CheckedItem(**{k: v for k, v in i.items() if k in names})
                   for i in data.get("items", [])],
            source=data.get("source"),
        )


@dataclass
class DigestEntry:
    """Everything published about one paper on one day."""

    paper: Paper
    rank: int
    upvotes: int | None = None
    summary: Summary | None = None
    verification: Verification | None = None
    fulltext_source: str | None = None
    # Why a profile ranked the paper here ("matches: KV cache", ...); empty in the day's list.
    reasons: list[str] = field(default_factory=list)


@dataclass
class DayDigest:
    """A day as it is published: what every renderer and channel reads."""

    date: str
    source: str
    entries: list[DigestEntry] = field(default_factory=list)
    fetched_at: str | None = None
