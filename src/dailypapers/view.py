"""One paper on one day as readers see it: the typed view every output is rendered from.

The site, the markdown archive, the feeds, the channels (Telegram, email, webhooks) and
speech all show the same facts about a paper: its title, its authors in short form, its
upvotes, its links, the five parts of its summary with their labels, its keywords and the
number check. :func:`paper_view` decides each of those once, as plain text (whitespace
folded, characters XML forbids dropped). Escaping is NOT done here: each output escapes
for its own format (HTML, GFM cells, Telegram HTML, Slack mrkdwn, Discord Markdown, XML).

Facts owned here (write them nowhere else):

- the short author list: the first ``max_authors`` names, then " et al."
  (:func:`short_authors`; ``max_authors <= 0`` lists every name);
- the upvotes: the day's count when the list had one, else the paper's (:func:`upvotes_of`);
- the links, in the order readers see them: our own paper page on the site (its absolute
  URL needs ``site_url``), then arXiv, Hugging Face, PDF, code, project page;
- the five parts with their labels (:data:`PART_LABELS`), each possibly empty: the view
  keeps all five in order and says which are missing;
- the number-check badge (:class:`CheckView`): status, counts, which items failed, and what
  the check read (full text or abstract only).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .models import SUMMARY_PARTS, CheckedItem, DigestEntry, Summary, Verification
from .render.paths import SiteUrls, paper_path
from .render.tags import canonical
from .safety import flat_text, safe_url

PART_LABELS: dict[str, str] = {
    "one_line": "In one line",
    "objective": "Objective",
    "method": "Method",
    "results": "Results",
    "implication": "Implication",
}
# What a summary or a check was made from, in words (``FullText.source`` values).
SOURCE_LABELS: dict[str, str] = {
    "pdf": "full PDF text", "html": "arXiv HTML text", "abstract": "abstract only",
}
MAX_KEYWORDS = 8

CheckStatus = Literal["grounded", "unsupported", "empty", "unchecked"]
CheckRead = Literal["full text", "abstract only"]


def short_authors(authors: Iterable[str], max_authors: int) -> str:
    """``"A, B, C et al."``: the first ``max_authors`` names ("" when there are none)."""
    names = [name for name in (flat_text(a) for a in authors) if name]
    if max_authors > 0 and len(names) > max_authors:
        return ", ".join(names[:max_authors]) + " et al."
    return ", ".join(names)


def upvotes_of(entry: DigestEntry) -> int | None:
    """The day's upvote count when the list had one, else the paper's last known count."""
    return entry.upvotes if entry.upvotes is not None else entry.paper.upvotes


@dataclass(frozen=True)
class Link:
    kind: str  # arxiv | hf | pdf | code | project | page
    label: str
    url: str


@dataclass(frozen=True)
class Part:
    """One labelled part of a summary; ``text`` is "" when the summary left it empty."""

    name: str  # one_line | objective | method | results | implication
    label: str
    text: str


# What each item verdict means, in a reader's words (the evidence table).
VERDICT_WORDS: dict[str, str] = {
    "grounded": "found",
    "grounded_elsewhere": "found, but for something else",
    "unsupported": "not found in the paper",
    "unverifiable": "cannot be checked (the PDF flattened it)",
    "not_checked": "not checked (a count without its noun)",
}


@dataclass(frozen=True)
class CheckView:
    """The number check as a badge shows it: what it read, what it found, what failed.

    ``read`` is what the check compared the summary with: "full text" or "abstract only"
    (None when unknown). ``failed`` names every item the paper does not support as written
    (not found, or found for another benchmark), once each, as the summary wrote it. Numbers
    and names (``GPT-4o``) are counted apart. Every output takes its words from here:
    :attr:`label` for a badge, :attr:`note` for a line of text.
    """

    status: CheckStatus
    checked: int = 0  # items (numbers and names) found in the summary
    found: int = 0  # of those, grounded in the source
    failed: tuple[str, ...] = ()  # flagged items, as written, without repeats
    read: CheckRead | None = None
    items: tuple[CheckedItem, ...] = ()
    numbers: int = 0
    names: int = 0

    @property
    def tone(self) -> Literal["ok", "warn", "none"]:
        if self.status == "grounded":
            return "ok"
        return "warn" if self.status == "unsupported" else "none"

    @property
    def counted(self) -> str:
        """"4 numbers and 2 names"."""
        parts = [f"{n} {word}{'s' if n != 1 else ''}"
                 for n, word in ((self.numbers, "number"), (self.names, "name")) if n]
        return " and ".join(parts) or "nothing"

    @property
    def read_words(self) -> str:
        """"the full text" | "the abstract only" | "the paper" (when unknown)."""
        return f"the {self.read}" if self.read else "the paper"

    @property
    def label(self) -> str:
        """The badge's words: what was read, and the items that failed."""
        if self.status == "unchecked":
            return "not checked"
        where = "abstract only" if self.read == "abstract only" else self.read
        suffix = f" ({where})" if where else ""
        if self.status == "grounded":
            return f"{self.counted} checked: found{suffix}"
        if self.status == "unsupported":
            shown = ", ".join(self.failed[:4]) + (" …" if len(self.failed) > 4 else "")
            return f"not found: {shown}{suffix}"
        return f"no numbers to check{suffix}"

    @property
    def note(self) -> str:
        """One sentence for text outputs (archive row, channels, feeds)."""
        if self.status == "unchecked":
            return ""
        head = f"Numbers checked against {self.read_words}"
        if self.status == "grounded":
            return f"{head}: {self.found} of {self.checked} found"
        if self.status == "unsupported":
            return f"{head}: not found in the paper: {', '.join(self.failed)}"
        return f"{head}: none to check"

    @property
    def failed_items(self) -> list[CheckedItem]:
        return [i for i in self.items if i.flagged]


def check_view(verification: Verification | None) -> CheckView:
    if verification is None:
        return CheckView(status="unchecked")
    read: CheckRead | None = None
    if verification.source in ("pdf", "html"):
        read = "full text"
    elif verification.source == "abstract":
        read = "abstract only"
    items = tuple(verification.items)
    return CheckView(
        status=verification.status,
        checked=len(items),
        found=sum(1 for i in items if i.status == "grounded"),
        failed=tuple(dict.fromkeys(i.text for i in items if i.flagged)),
        read=read,
        items=items,
        numbers=len(verification.numbers),
        names=len(verification.names),
    )


@dataclass(frozen=True)
class PaperView:
    """Everything readers are shown about one paper on one day, as plain text."""

    arxiv_id: str
    version: int | None
    rank: int
    number: int  # its position in what is being shown (1-based)
    title: str  # never empty: the arXiv id when the title is
    authors: tuple[str, ...]
    authors_short: str  # "" when no authors are listed
    upvotes: int | None
    organization: str
    abstract: str
    parts: tuple[Part, ...]  # all five, in order; empty when there is no summary
    keywords: tuple[str, ...]  # the summary's, then Hugging Face's; at most MAX_KEYWORDS
    check: CheckView
    links: tuple[Link, ...]
    page_path: str  # our paper page, as a site path
    page_url: str | None  # ... and its absolute URL (None without site_url)
    summary_source: str | None  # what the summary was written from: pdf | html | abstract
    fulltext_source: str | None
    backend: str | None
    model: str | None
    fallback_from: str | None
    # what the paragraph is made from, when it is asked for (the site never asks)
    summary: Summary | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def paragraph(self) -> str:
        """The reference one-paragraph summary ("" when there is none)."""
        return self.summary.render() if self.summary else ""

    @property
    def has_summary(self) -> bool:
        return bool(self.parts)

    @property
    def one_line(self) -> str:
        return self.parts[0].text if self.parts else ""

    @property
    def present_parts(self) -> list[Part]:
        """The parts with text, in order."""
        return [p for p in self.parts if p.text]

    @property
    def missing_parts(self) -> list[str]:
        """Labels of the parts the summary left empty (all of them when there is none)."""
        if not self.parts:
            return list(PART_LABELS.values())
        return [p.label for p in self.parts if not p.text]

    @property
    def abstract_only(self) -> bool:
        """The summary (or the text we had) came from the abstract alone."""
        return self.summary_source == "abstract" or self.fulltext_source == "abstract"

    def link(self, kind: str) -> str | None:
        return next((link.url for link in self.links if link.kind == kind), None)

    @property
    def abs_url(self) -> str:
        return self.link("arxiv") or ""

    @property
    def hf_url(self) -> str:
        return self.link("hf") or ""

    @property
    def pdf_url(self) -> str:
        return self.link("pdf") or ""

    @property
    def code_url(self) -> str | None:
        return self.link("code")

    @property
    def project_url(self) -> str | None:
        return self.link("project")


def _keywords(raw: Sequence[object]) -> tuple[str, ...]:
    """The paper's tags as readers see them: normalized by ``render/tags.py`` (one label per
    idea, generic words left out)."""
    return tuple(label for _key, label in canonical(raw, MAX_KEYWORDS))


def paper_view(
    entry: DigestEntry, *, max_authors: int, site_url: str = "", number: int | None = None
) -> PaperView:
    """The view of ``entry``; ``number`` defaults to its rank."""
    paper, summary = entry.paper, entry.summary
    page_url = SiteUrls(site_url).paper(paper.arxiv_id)
    links = [Link("page", "Summary page", page_url)] if page_url else []
    links += [Link("arxiv", "arXiv", paper.abs_url), Link("hf", "Hugging Face", paper.hf_url),
              Link("pdf", "PDF", paper.pdf_url)]
    # Links are data: only plain http(s) ones (dailypapers.safety) reach any renderer.
    for kind, label, raw in (("code", "Code", paper.github_repo),
                             ("project", "Project page", paper.project_page)):
        url = safe_url(raw)
        if url:
            links.append(Link(kind, label, url))
    parts = tuple(
        Part(name, PART_LABELS[name], flat_text(getattr(summary, name))) for name in SUMMARY_PARTS
    ) if summary else ()
    authors = tuple(name for name in map(flat_text, paper.authors) if name)
    return PaperView(
        arxiv_id=paper.arxiv_id, version=paper.version, rank=entry.rank,
        number=entry.rank if number is None else number,
        title=flat_text(paper.title) or paper.arxiv_id,
        authors=authors,
        authors_short=short_authors(authors, max_authors),
        upvotes=upvotes_of(entry),
        organization=flat_text(paper.organization),
        abstract=flat_text(paper.abstract),
        parts=parts,
        keywords=_keywords([*(summary.keywords if summary else []), *paper.ai_keywords]),
        check=check_view(entry.verification),
        links=tuple(links),
        page_path=paper_path(paper.arxiv_id),
        page_url=page_url,
        summary_source=summary.source if summary else None,
        fulltext_source=entry.fulltext_source,
        backend=summary.backend if summary else None,
        model=summary.model if summary else None,
        fallback_from=summary.fallback_from if summary else None,
        summary=summary,
    )


__all__ = [
    "PART_LABELS",
    "SOURCE_LABELS",
    "VERDICT_WORDS",
    "CheckView",
    "Link",
    "PaperView",
    "Part",
    "check_view",
    "paper_view",
    "short_authors",
    "upvotes_of",
]
