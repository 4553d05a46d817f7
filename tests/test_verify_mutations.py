"""Mutations of real summary numbers are flagged; equivalent rewrites never are.

Each sentence of a source (papers the tests write, and real abstracts from ../shared/data)
becomes a one-sentence summary with one number changed (a digit, two digits transposed, a
size x10, GPT-4o -> GPT-40): >= 99% must be flagged (unsupported, or grounded elsewhere).
The same sentence with the number in another documented form (88.5% -> 88.5 percent,
7B -> 7 billion, 12,000 -> 12000, 3.5x -> 3.5-fold) must never be flagged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_set import flag_rate, mutation_cases, shared_sources, written_sources

from dailypapers.verify import verify_text


def _check(sources: list[str], least: int) -> None:
    mutated, rewritten = mutation_cases(sources)
    assert len(mutated) >= least and len(rewritten) >= least
    assert {"digit change", "transposition", "4o -> 40"} <= {c.family for c in mutated}
    flagged, total, misses = flag_rate(mutated)
    assert flagged / total >= 0.99, misses[:10]
    flagged, total, misses = flag_rate(rewritten)
    unflagged = {m.split(" | ", 1)[1] for m in misses}
    assert flagged == 0, [c.summary for c in rewritten if c.summary[:160] not in unflagged]


def test_mutations_of_written_papers() -> None:
    _check(written_sources(), 100)


@pytest.mark.shared
def test_mutations_of_real_abstracts(shared_data: Path) -> None:
    _check(shared_sources(shared_data), 300)


def test_the_issue_examples() -> None:
    source = ("Our model improves accuracy from 7.8%/5.3% to 88.5% with 7B parameters, "
              "trained on 12,000 examples, and beats GPT-4o.")
    for summary in ("It improves 7.8 percent/5.3 percent to 88.5 percent.",
                    "A 7 billion parameter model trained on 12k examples beats GPT-4o."):
        assert all(i.status == "grounded" for i in verify_text(summary, source)), summary
    for summary, bad in (("It reaches 85.5%.", "85.5%"), ("A 70B model.", "70B"),
                         ("It beats GPT-40.", "GPT-40"), ("It reaches 88.4%.", "88.4%")):
        found = {i.text: i.status for i in verify_text(summary, source)}
        assert found[bad] == "unsupported", summary
