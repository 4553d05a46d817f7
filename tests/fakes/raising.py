"""A summarizer that raises for chosen papers (``RAISE_FOR``: comma-separated arXiv ids),
so a test can see a paper fall back with its reason on the record."""

from __future__ import annotations

import os
from typing import ClassVar

from dailypapers.models import FullText, Paper, Summary
from dailypapers.summarize.extractive import ExtractiveSummarizer


class RaisingSummarizer(ExtractiveSummarizer):
    id: ClassVar[str] = "raising"

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        if paper.arxiv_id in os.environ.get("RAISE_FOR", "").split(","):
            raise RuntimeError(f"model crashed on {paper.arxiv_id}")
        return super().summarize(paper, fulltext)
