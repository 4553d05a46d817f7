"""The ``abstract`` backend: the paper's own abstract, cut at a sentence to the summary length.

Honest by construction (every word is the authors'), and the floor every other backend must
beat. Its first sentence is the one-line summary; the rest goes, uncut, into the objective
field, the part of a summary that an abstract's opening sentences state.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ..errors import SummarizerError
from ..models import FullText, Paper, Summary
from .base import Summarizer

MAX_CHARS = 1100
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])")
_NO_BREAK_AFTER = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "Fig.", "Eq.", "cf.", "approx.")


def split_sentences(text: str) -> list[str]:
    """A simple splitter that does not cut after common abbreviations or inside decimals."""
    pieces = _SENTENCE_END.split(" ".join(text.split()))
    sentences: list[str] = []
    for piece in pieces:
        if sentences and sentences[-1].endswith(_NO_BREAK_AFTER):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


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
