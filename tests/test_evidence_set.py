"""The labelled evidence set (tests/evidence_set.py): verdicts and evidence sentences.

Written papers carry every trap of issue 10 and run on a fresh clone; real abstract sentences
from ../shared/data are a second layer. Targets: >= 99% right verdicts, >= 95% right evidence
sentences, on >= 300 (summary sentence, source) pairs each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_set import ABSENT, fulltext_cases, score, shared_cases, written_cases

TRAPS = {
    "epochs for a percentage", "digits inside a name", "section number", "range bounds",
    "page number", "table of contents", "running header", "reference list", "list markers",
    "best sentence", "swapped scores", "paper's rounding", "slash pair", "count with noun",
    "count of another noun", "changed name", "size x10", "thousands k", "percent word",
    "multiplier fold",
}


def test_written_evidence_set_meets_its_targets() -> None:
    cases = written_cases()
    assert len(cases) >= 300
    assert {c.family for c in cases} >= TRAPS
    verdicts = {e.verdict for c in cases for e in c.expect}
    assert {"grounded", "grounded_elsewhere", "unsupported", "not_checked", ABSENT} <= verdicts
    result = score(cases)
    assert result.evidence_items >= 300
    assert result.verdict_rate >= 0.99, result.misses[:20]
    assert result.evidence_rate >= 0.95, result.misses[:20]


def test_a_wrong_verifier_fails_the_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The set can fail: a verifier that grounds any digit anywhere scores far below target."""
    import evidence_set

    from dailypapers.models import CheckedItem
    from dailypapers.verify import extract_mentions

    def naive(summary: str, source: str) -> list[CheckedItem]:
        return [CheckedItem(m.text, m.kind, "grounded" if m.text.rstrip("%×x") in source
                            else "unsupported", snippet=source[:80])
                for m in extract_mentions(summary)]

    monkeypatch.setattr(evidence_set, "verify_text", naive)
    result = score(written_cases(papers=3))
    assert result.verdict_rate < 0.9 and result.evidence_rate < 0.5


@pytest.mark.shared
def test_real_sentences_meet_the_targets(shared_data: Path) -> None:
    cases = shared_cases(shared_data)
    assert len(cases) >= 300
    assert {"real rewrite", "real change"} <= {c.family for c in cases}
    result = score(cases)
    assert result.verdict_rate >= 0.99, result.misses[:20]
    assert result.evidence_rate >= 0.95, result.misses[:20]


@pytest.mark.shared
def test_real_full_text_sentences_meet_the_targets(shared_data: Path) -> None:
    """Sentences of the recorded PDFs, among their tables, references and running text."""
    cases = fulltext_cases(shared_data)
    assert len(cases) >= 300
    result = score(cases)
    assert result.evidence_items >= 150
    assert result.verdict_rate >= 0.99, result.misses[:20]
    assert result.evidence_rate >= 0.95, result.misses[:20]
