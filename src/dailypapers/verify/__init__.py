"""The number check: every number and digit-bearing name in a summary, looked up in the paper.

Pure functions, no I/O. The one definition of what a summary is checked against is
:func:`source_of` (title + abstract + full text, with the numbers the PDF flattened), and the
one check is :func:`verify_paper`. Each item of the result is

- ``grounded``: the paper states the same quantity, of a compatible kind, at a valid place
  (never a citation, section/figure/table/page number, reference list, table of contents,
  running header, nor digits inside another token); the evidence is the sentence that best
  matches the summary sentence carrying the item (:mod:`.ground`);
- ``grounded_elsewhere``: the value is in the paper, but tied to another benchmark or model
  than the summary says (two scores swapped);
- ``unsupported``: not in the paper in any documented form: a reader must not trust it;
- ``unverifiable``: an exponent the PDF flattened (``2.3·10^19`` -> ``2.3·1019``);
- ``not_checked``: a bare small count the paper does not state with its noun.

Numbers and names (``GPT-4o``, ``Llama-3-8B``) are separate items; an item repeated in
several parts is one item that lists every part it appears in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import SUMMARY_PARTS, CheckedItem, FullText, Paper, Summary, Verification
from .ground import Grounder, nouns_after
from .mentions import Mention, normalize_name, summary_mentions
from .source import SourceIndex
from .text import prepare

__all__ = [
    "Mention", "Source", "extract_mentions", "normalize_name", "source_of", "verify",
    "verify_paper", "verify_text",
]

# Worst first wins when one item is checked in several places; "grounded" beats "not checked".
_RANK = {"not_checked": 0, "grounded": 1, "unverifiable": 2, "grounded_elsewhere": 3,
         "unsupported": 4}


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


def extract_mentions(text: str) -> list[Mention]:
    """Numbers and digit-bearing names in ``text``, in order of appearance."""
    return summary_mentions(prepare(text))


def _key(mention: Mention, text: str) -> tuple[object, ...]:
    """What makes two mentions one item: a name, or a quantity (a count with its noun)."""
    if mention.kind == "model_name":
        return ("name", mention.name)
    if mention.kind == "exponent":
        return ("exponent", mention.values)
    key: tuple[object, ...] = (mention.unit, mention.values)
    if mention.unit == "" and mention.integer and mention.values[0] < 100:
        key += (frozenset(nouns_after(text, mention.end, mention.text)),)
    return key


def _verify_parts(parts: Iterable[tuple[str | None, str]], source_text: str,
                  flattened: Sequence[str]) -> list[CheckedItem]:
    found = []
    for part, raw in parts:
        text = prepare(raw)
        found += [(part, mention, text) for mention in summary_mentions(text)]
    if not found:
        return []
    index = SourceIndex(source_text, flattened, wanted=[m for _, m, _ in found])
    grounder = Grounder(index)
    items: dict[tuple[object, ...], CheckedItem] = {}
    for part, mention, text in found:
        verdict = grounder.check(mention, text)
        evidence = index.evidence(verdict.pos) if verdict.pos is not None else None
        key = _key(mention, text)
        item = items.get(key)
        if item is None:
            items[key] = CheckedItem(
                text=mention.text, kind=mention.kind,
                status=verdict.status,  # type: ignore[arg-type]
                part=part, snippet=evidence, parts=[part] if part else [], note=verdict.note)
            continue
        if part and part not in item.parts:
            item.parts.append(part)
        if _RANK[verdict.status] > _RANK[item.status]:
            item.status = verdict.status  # type: ignore[assignment]
            item.snippet, item.note = evidence, verdict.note
    return list(items.values())


def verify_text(text: str, source_text: str, *, flattened: Sequence[str] = ()) -> list[
        CheckedItem]:
    """Check every number and digit-bearing name of a plain string against the source."""
    return _verify_parts([(None, text)], source_text, flattened)


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
