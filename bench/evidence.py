"""The number check on the labelled evidence set: right verdicts, right evidence, confusion.

    .venv/bin/python bench/evidence.py [--data ../shared/data]

Scores ``dailypapers.verify`` on the evidence set of ``tests/evidence_set.py``: papers the
tests write themselves (every trap of issue 10) and real sentences from ``../shared/data``
(when present): abstracts, and the full texts of the recorded PDFs. Prints, per layer, the
share of right verdicts, the share of right evidence sentences, the confusion table
(expected verdict x verifier's verdict), the same for the verifier of ``--baseline`` (same
run), the mutation flag rate and the number of equivalent rewrites flagged.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import evidence_set
from _baseline import BASELINE, old_verifier
from evidence_set import (
    ABSENT,
    flag_rate,
    fulltext_cases,
    mutation_cases,
    score,
    shared_cases,
    shared_sources,
    written_cases,
    written_sources,
)

VERDICTS = ("grounded", "grounded_elsewhere", "unsupported", "unverifiable", "not_checked",
            ABSENT)


def _confusion(table: Counter[tuple[str, str]]) -> str:
    short = {"grounded_elsewhere": "elsewhere", "not_checked": "not chk", "unverifiable": "unverif"}
    head = "| expected \\ got | " + " | ".join(short.get(v, v) for v in VERDICTS) + " |"
    lines = [head, "|---" * (len(VERDICTS) + 1) + "|"]
    for want in VERDICTS:
        row = [table.get((want, got), 0) for got in VERDICTS]
        if any(row):
            lines.append(f"| {short.get(want, want)} | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--baseline", default=BASELINE,
                        help="git revision of the verifier to compare with (same run)")
    args = parser.parse_args()
    old = old_verifier(args.baseline)
    layers = [("written", written_cases(), written_sources())]
    if args.data.is_dir():
        layers.append(("shared abstracts", shared_cases(args.data), shared_sources(args.data)))
        layers.append(("shared full texts", fulltext_cases(args.data), []))
    else:
        print(f"(no recorded data at {args.data}: written layer only)")
    for name, cases, sources in layers:
        started = time.perf_counter()
        result = score(cases)
        seconds = time.perf_counter() - started
        print(f"\n## {name}: {result.pairs} pairs, {result.items} items "
              f"({result.evidence_items} with an expected evidence sentence), {seconds:.1f} s")
        print(f"verdicts right: {result.verdicts_right}/{result.items} = "
              f"{100 * result.verdict_rate:.1f}%")
        print(f"evidence right: {result.evidence_right}/{result.evidence_items} = "
              f"{100 * result.evidence_rate:.1f}%")
        print(_confusion(result.confusion))
        for miss in result.misses[:10]:
            print("  miss:", miss[:200])
        current = evidence_set.verify_text
        evidence_set.verify_text = old.verify_text  # type: ignore[attr-defined]
        try:
            before = score(cases)
        finally:
            evidence_set.verify_text = current
        print(f"baseline {args.baseline} on the same set: verdicts "
              f"{100 * before.verdict_rate:.1f}%, evidence {100 * before.evidence_rate:.1f}%")
        print(_confusion(before.confusion))
        if not sources:
            continue
        mutated, rewritten = mutation_cases(sources)
        flagged, total, _ = flag_rate(mutated)
        kinds = Counter(c.family for c in mutated)
        print(f"mutations flagged: {flagged}/{total} = {100 * flagged / max(1, total):.1f}% "
              f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
        wrong, total, _ = flag_rate(rewritten)
        print(f"equivalent rewrites flagged: {wrong}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
