"""A summarizer that takes its time, so a test can kill a run in the middle of a day."""

from __future__ import annotations

import os
import time
from typing import ClassVar

from dailypapers.models import FullText, Paper, Summary
from dailypapers.summarize.abstract import AbstractSummarizer


class SlowSummarizer(AbstractSummarizer):
    id: ClassVar[str] = "slow"

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        time.sleep(float(os.environ.get("SLOW_SUMMARIZER_DELAY", "0")))
        summary = super().summarize(paper, fulltext)
        summary.backend = self.id
        return summary
