"""The embedded default summarizer: offline, no key, no model files, deterministic.

It picks the paper's own sentences for the five parts (one-line summary, objective,
method, results, implication) and compresses them lightly; it adds no stock phrase of its
own (the renderers label the parts). Every content word comes from the paper (title,
abstract, or full-text sections); "we" becomes "the authors". A part the paper gives no
fitting sentence for is left empty. The rendered summary stays within 1,100 characters.

Modules: :mod:`.cues` (role cues, numbers, tense, title terms), :mod:`.candidates`
(sentences, the PDF seam check), :mod:`.roles` (learned role scores, weights in
``roles.json``), :mod:`.selection` (which sentence goes where), :mod:`.clauses` (clauses
that belong to another part), :mod:`.guards` (whether a phrased sentence may stand in a
part) and :mod:`.phrasing` (compression, pronouns, trimming, keywords).

Inputs it cannot summarize (no text, not English) raise SummarizerError with the reason.
"""

from __future__ import annotations

from ...errors import SummarizerError
from ...models import FullText, Paper, Summary
from ..base import Summarizer
from ..sentences import normalize_prose, split_sentences
from .candidates import Candidate, Sections, candidates, split_clauses
from .cues import has_quantitative, looks_english, title_terms
from .keywords import keywords
from .phrasing import cut, method_name, trim
from .picker import PARTS
from .selection import PART_BUDGET, select

__all__ = ["ExtractiveSummarizer", "has_quantitative", "keywords", "summarize_paper"]

MAX_CHARS = 1100


class ExtractiveSummarizer(Summarizer):
    """Five-part summary from the paper's own sentences; see the module docstring."""

    id = "extractive"

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        return summarize_paper(paper, fulltext)


def summarize_paper(paper: Paper, fulltext: FullText | None = None) -> Summary:
    """The extractive summary of ``paper`` (with ``fulltext`` when there is one)."""
    cands, extra, name, short = prepare(paper, fulltext)
    abstract = paper.abstract or ""
    if fulltext is not None and not abstract.strip():
        abstract = fulltext.section_text("abstract")
    title = normalize_prose(paper.title or "")
    chosen = select(cands, extra, name, short)
    parts = {part: trim(c.joined(), PART_BUDGET[part] * (1 + len(c.more)))
             if c is not None else "" for part, c in chosen.items()}
    from_abstract = all(c is None or c.candidate.section == "abstract" for c in chosen.values())
    parts = fit(parts, int(short if from_abstract else MAX_CHARS))
    return Summary(
        arxiv_id=paper.arxiv_id,
        one_line=parts["one_line"],
        objective=parts["objective"],
        method=parts["method"],
        results=parts["results"],
        implication=parts["implication"],
        version=paper.version if paper.version is not None else
        (fulltext.version if fulltext else None),
        backend="extractive",
        model=None,
        source=fulltext.source if fulltext else "abstract",
        keywords=keywords(title, normalize_prose(abstract)),
    )


def prepare(paper: Paper, fulltext: FullText | None = None
            ) -> tuple[list[Candidate], Sections, str | None, int]:
    """(candidate sentences, full-text sections, the method's name, the character budget):
    what :func:`select` chooses from. Raises SummarizerError when there is nothing to read."""
    abstract = paper.abstract or ""
    from_pdf = False
    if fulltext is not None and not abstract.strip():
        abstract = fulltext.section_text("abstract")
        from_pdf = fulltext.source != "html"
    title = normalize_prose(paper.title or "")
    if not abstract.strip() and (fulltext is None or not fulltext.text.strip()):
        raise SummarizerError(f"cannot summarize {paper.arxiv_id}: no abstract and no full text")
    sample = abstract if abstract.strip() else (fulltext.text[:5000] if fulltext else "")
    if not looks_english(normalize_prose(sample)):
        raise SummarizerError(
            f"cannot summarize {paper.arxiv_id}: the text does not look like English "
            "(the extractive summarizer only reads English prose)",
            hint="use an LLM summarizer (--summarizer openai) for this paper",
        )
    terms = title_terms(title)
    cands = candidates(abstract, "abstract", terms, pdf=from_pdf)
    if len(cands) < 4:
        expanded: list[Candidate] = []
        for c in cands:
            expanded.extend(split_clauses(c, terms))
        cands = expanded
    extra = Sections(fulltext, terms)
    if not cands and fulltext is not None:
        cands = extra.get("introduction", window=None)[:40] or candidates(
            fulltext.text[:20000], "abstract", terms, limit=40,
            pdf=fulltext.source != "html")
    if not cands:
        raise SummarizerError(
            f"cannot summarize {paper.arxiv_id}: no usable English sentence in the text")

    name = method_name(title, [c.text for c in cands])
    # From the abstract alone a summary is about as long as the abstract at most (the
    # rewrite "we propose" -> "This paper proposes" may add a few characters).
    short = min(float(MAX_CHARS), max(1.1 * len(normalize_prose(abstract)), 300.0))
    return cands, extra, name, int(short)


def rendered_length(parts: dict[str, str]) -> int:
    return sum(len(t) + 1 for t in parts.values() if t) - 1


def fit(parts: dict[str, str], limit: int) -> dict[str, str]:
    """Shorten the longest parts until the rendered summary fits ``limit`` characters.

    First digit-free trailing clauses and asides go (:func:`trim`), then a part's last
    sentence when it holds more than one, then a part is cut at
    a clause boundary when what goes has no number; when that is not enough, whole parts
    go, the least needed first (a summary without its objective reads better than one
    cut mid-sentence).
    """
    parts = dict(parts)
    for _ in range(12):
        over = rendered_length(parts) - limit
        if over <= 0:
            return parts
        longest = max(PARTS, key=lambda p: len(parts[p]))
        target = max(60, len(parts[longest]) - over)
        shorter = trim(parts[longest], target)
        if len(shorter) >= len(parts[longest]):
            # A part that holds two sentences loses one before any cut: the last without a
            # number, else the last.
            sentences = split_sentences(parts[longest])
            if len(sentences) > 1:
                plain = [i for i, t in enumerate(sentences) if not any(c.isdigit() for c in t)]
                del sentences[plain[-1] if plain else -1]
                shorter = " ".join(sentences)
        if len(shorter) >= len(parts[longest]):
            shorter = cut(parts[longest], target)
            if any(ch.isdigit() for ch in parts[longest][len(shorter) - 1:]):
                shorter = parts[longest]
        if len(shorter) >= len(parts[longest]):
            break
        parts[longest] = shorter
    for part in ("objective", "implication", "method", "one_line", "results"):
        if rendered_length(parts) <= limit:
            break
        parts[part] = ""
    return parts
