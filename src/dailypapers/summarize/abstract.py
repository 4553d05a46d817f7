"""The ``abstract`` backend: the paper's own abstract, cut at a sentence to the summary length.

Honest by construction (every word is the authors'), and the floor every other backend must
beat. Its first sentence is the one-line summary; the rest goes, uncut, into the objective
field, the part of a summary that an abstract's opening sentences state.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import SummarizerError
from ..models import FullText, Paper, Summary
from .base import Summarizer
from .sentences import split_sentences

MAX_CHARS = 1100
def cut(text: str, limit: int = MAX_CHARS) -> str:
    """Whole sentences up to ``limit`` characters (at least the first sentence, trimmed)."""
    sentences = split_sentences(text)
    kept: list[str] = []
    length = 0
    for sentence in sentences:
        if kept and length + len(sentence) + 1 > limit:
            break
        kept.append(sentence)
        length += len(sentence) + 1
    result = " ".join(kept)
    if len(result) > limit:
        result = result[: limit - 1].rsplit(" ", 1)[0] + "…"
    return result


class AbstractSummarizer(Summarizer):
    id: ClassVar[str] = "abstract"

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        abstract = " ".join(paper.abstract.split())
        if not abstract:
            raise SummarizerError(f"{paper.arxiv_id}: no abstract to publish")
        sentences = split_sentences(cut(abstract))
        return Summary(
            arxiv_id=paper.arxiv_id,
            version=paper.version,
            one_line=sentences[0],
            objective=" ".join(sentences[1:]),
            method="",
            results="",
            implication="",
            keywords=list(paper.ai_keywords),
            backend=self.id,
            source="abstract",
        )
