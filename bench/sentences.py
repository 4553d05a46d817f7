"""Sentence splitting is linear: a 5 MB abstract, and inputs made to be slow.

    .venv/bin/python bench/sentences.py

``summarize.sentences.split_sentences`` (abbreviations, decimals, brackets, citations)
against the fastest reasonable baseline in the same run: one regular-expression split
(``regex_split`` below; the abstract backend had it until it used the one splitter). Best of
3; prints a markdown table and the load.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

from dailypapers.summarize.sentences import split_sentences

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])")
_NO_BREAK_AFTER = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "Fig.", "Eq.", "cf.", "approx.")


def regex_split(text: str) -> list[str]:
    """The baseline: one regular expression, glued back after common abbreviations."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if sentences and sentences[-1].endswith(_NO_BREAK_AFTER):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


MB5 = 5_000_000
PROSE = ("Results improve by 3.5% over the baseline (see Sec. 4. and Fig. 2). We also test "
         "e.g. the [12] baseline of J. Smith et al. on 1.2M tokens. ")
INPUTS = {
    "prose (abbreviations, decimals, brackets)": (PROSE * (MB5 // len(PROSE) + 1))[:MB5],
    "no sentence end accepted ('a. b ' repeated)": ("a. b " * (MB5 // 5))[:MB5],
    "initials only ('A. B. ' repeated)": ("A. B. " * (MB5 // 6 + 1))[:MB5],
    "one unclosed bracket, then 'a. b '": ("(" + "a. b " * (MB5 // 5))[:MB5],
    "no punctuation at all": "x" * MB5,
}


def best(func: Callable[[str], list[str]], text: str, rounds: int = 3) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        count = len(func(text))
        times.append(time.perf_counter() - started)
    return min(times), count


def main() -> None:
    print(f"load average: {os.getloadavg()}")
    print("| input (5 MB) | split_sentences | sentences | regex split baseline | ratio |")
    print("|---|---|---|---|---|")
    for name, text in INPUTS.items():
        ours, count = best(split_sentences, text)
        base, _ = best(regex_split, text)
        print(f"| {name} | {ours:.2f} s | {count:,} | {base:.2f} s | {ours / base:.1f}x |")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
