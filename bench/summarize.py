"""Throughput of the extractive summarizer + verifier, on abstracts and on full texts.

    .venv/bin/python bench/summarize.py [--data ../shared/data] [--rounds 5]

Abstracts: every paper of reference/abstracts.jsonl is summarized and its summary verified
against title + abstract. Full texts: the PDFs in pdfs/ are extracted once by the project's
own fulltext stage (``extract_pdf``; not timed); each round summarizes every paper from its
sections and verifies the summary against title + abstract + full text, with the flattened
numbers, as the pipeline does. The baseline, measured in the same run, is the simplest
summarizer: the first five sentences of the abstract, verified the same way. Each figure is
the best of its rounds: the machine is shared, and slower rounds measure the neighbours.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from dailypapers.fulltext import extract_pdf
from dailypapers.models import FullText, Paper, Summary
from dailypapers.summarize.extractive import summarize_paper
from dailypapers.summarize.sentences import clean_text, split_sentences
from dailypapers.verify import verify


def lead5(paper: Paper) -> Summary:
    sentences = split_sentences(clean_text(paper.abstract))[:5] + [""] * 5
    return Summary(paper.arxiv_id, *sentences[:5], backend="lead5")


def bench_abstracts(data: Path, rounds: int) -> dict[str, float]:
    papers = []
    with (data / "reference" / "abstracts.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            papers.append(Paper(row["arxiv_id"], row["title"], row["abstract"]))
    results = {}
    for name, summarize in (("lead5", lead5), ("extractive", summarize_paper)):
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            for paper in papers:
                verify(summarize(paper), f"{paper.title}\n\n{paper.abstract}")
            timings.append(time.perf_counter() - started)
        # The best round: the machine is shared, and slower rounds measure the neighbours.
        results[name] = len(papers) / min(timings)
    results["papers"] = len(papers)
    return results


def bench_fulltexts(data: Path, rounds: int) -> dict[str, float]:
    manifest = json.loads((data / "pdfs" / "manifest.json").read_text())
    items: list[tuple[Paper, FullText, str]] = []
    chars = []
    for entry in manifest:
        fulltext = extract_pdf(data / "pdfs" / entry["file"], entry["arxiv_id"])
        abstract = fulltext.section_text("abstract")
        paper = Paper(entry["arxiv_id"], entry["title"], abstract)
        source = f"{paper.title}\n\n{abstract}\n\n{fulltext.text}"
        items.append((paper, fulltext, source))
        chars.append(len(fulltext.text))
    results: dict[str, float] = {"papers": len(items), "median_chars": statistics.median(chars)}
    for name in ("lead5", "extractive"):
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            for paper, fulltext, source in items:
                summary = lead5(paper) if name == "lead5" else summarize_paper(paper, fulltext)
                verify(summary, source, flattened=fulltext.flattened_numbers, source="pdf")
            timings.append(time.perf_counter() - started)
        results[name] = len(items) / min(timings)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    abstracts = bench_abstracts(args.data, max(1, args.rounds // 2))
    fulltexts = bench_fulltexts(args.data, args.rounds)
    print(f"abstracts ({abstracts['papers']:.0f} papers): extractive "
          f"{abstracts['extractive']:.0f}/s, lead-5 baseline {abstracts['lead5']:.0f}/s, "
          f"ratio {abstracts['extractive'] / abstracts['lead5']:.2f}, target 200/s: "
          f"{abstracts['extractive'] / 200:.2f}x")
    print(f"full texts ({fulltexts['papers']:.0f} PDFs, median {fulltexts['median_chars']:.0f} "
          f"chars): extractive {fulltexts['extractive']:.1f}/s, lead-5 baseline "
          f"{fulltexts['lead5']:.1f}/s, ratio {fulltexts['extractive'] / fulltexts['lead5']:.2f},"
          f" target 20/s: {fulltexts['extractive'] / 20:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
