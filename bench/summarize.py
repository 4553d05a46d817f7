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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import BASELINE, old_verifier

from dailypapers.fulltext import extract_pdf
from dailypapers.models import FullText, Paper, Summary
from dailypapers.summarize.extractive import summarize_paper
from dailypapers.summarize.sentences import normalize_prose, split_sentences
from dailypapers.verify import source_of, verify_paper


def lead5(paper: Paper) -> Summary:
    sentences = split_sentences(normalize_prose(paper.abstract))[:5] + [""] * 5
    return Summary(paper.arxiv_id, *sentences[:5], backend="lead5")


def bench_abstracts(data: Path, rounds: int) -> dict[str, float]:
    papers = []
    with (data / "reference" / "abstracts.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            papers.append(Paper(row["arxiv_id"], row["title"], row["abstract"]))
    results = {}
    for name, summarize in (("lead5", lead5), ("extractive", summarize_paper)):
        timings, cpu = [], []
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            for paper in papers:
                verify_paper(summarize(paper), source_of(paper, None))
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        # The best round: the machine is shared, and slower rounds measure the neighbours.
        results[name] = len(papers) / min(timings)
        results[f"{name}_cpu"] = len(papers) / min(cpu)
    results["papers"] = len(papers)
    return results


def bench_fulltexts(data: Path, rounds: int) -> dict[str, float]:
    manifest = json.loads((data / "pdfs" / "manifest.json").read_text())
    items: list[tuple[Paper, FullText]] = []
    chars = []
    for entry in manifest:
        fulltext = extract_pdf(data / "pdfs" / entry["file"], entry["arxiv_id"])
        abstract = fulltext.section_text("abstract")
        paper = Paper(entry["arxiv_id"], entry["title"], abstract)
        items.append((paper, fulltext))
        chars.append(len(fulltext.text))
    results: dict[str, float] = {"papers": len(items), "median_chars": statistics.median(chars)}
    for name in ("lead5", "extractive"):
        timings, cpu = [], []
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            for paper, fulltext in items:
                summary = lead5(paper) if name == "lead5" else summarize_paper(paper, fulltext)
                verify_paper(summary, source_of(paper, fulltext))
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        results[name] = len(items) / min(timings)
        results[f"{name}_cpu"] = len(items) / min(cpu)
    return results


def bench_verifier(data: Path, rounds: int, rev: str) -> dict[str, float]:
    """Today's check (``source_of`` + ``verify_paper``) against the verifier at ``rev``, on the
    same extractive summaries of the full texts and abstracts, interleaved round by round;
    CPU ms a paper, best round."""
    old = old_verifier(rev)
    manifest = json.loads((data / "pdfs" / "manifest.json").read_text())
    items = []
    for entry in manifest:
        fulltext = extract_pdf(data / "pdfs" / entry["file"], entry["arxiv_id"])
        paper = Paper(entry["arxiv_id"], entry["title"], fulltext.section_text("abstract"))
        items.append((paper, fulltext, summarize_paper(paper, fulltext)))
    with (data / "reference" / "abstracts.jsonl").open() as handle:
        rows = [json.loads(line) for line in handle][:1000]
    for row in rows:
        paper = Paper(row["arxiv_id"], row["title"], row["abstract"])
        items.append((paper, None, summarize_paper(paper)))
    full = [i for i in items if i[1] is not None]
    abstract = [i for i in items if i[1] is None]
    best: dict[str, float] = {}
    for _ in range(rounds):
        for label, group in (("full", full), ("abstract", abstract)):
            for name in ("old", "new"):
                started = time.process_time()
                for paper, fulltext, summary in group:
                    if name == "new":
                        verify_paper(summary, source_of(paper, fulltext))
                    else:
                        text = paper.title + "\n\n" + paper.abstract
                        if fulltext is not None:
                            text += "\n\n" + fulltext.text
                        old.verify(summary, text, flattened=fulltext.flattened_numbers
                                   if fulltext is not None else ())
                ms = 1000 * (time.process_time() - started) / len(group)
                key = f"{label}_{name}"
                best[key] = min(best.get(key, ms), ms)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--baseline", default=BASELINE,
                        help="git revision of the verifier to compare with (same run)")
    args = parser.parse_args()
    speed = bench_verifier(args.data, max(3, args.rounds), args.baseline)
    for label in ("full", "abstract"):
        new, old = speed[f"{label}_new"], speed[f"{label}_old"]
        print(f"verifier on {label} texts: {new:.2f} ms/paper CPU; verifier at {args.baseline}: "
              f"{old:.2f} ms/paper; ratio {new / old:.2f}")
    abstracts = bench_abstracts(args.data, max(1, args.rounds // 2))
    fulltexts = bench_fulltexts(args.data, args.rounds)
    for label, r, target in (("abstracts", abstracts, 200), ("full texts", fulltexts, 20)):
        print(f"{label} ({r['papers']:.0f} papers): extractive {r['extractive']:.1f}/s wall, "
              f"{r['extractive_cpu']:.1f}/s CPU; lead-5 baseline {r['lead5']:.1f}/s wall, "
              f"{r['lead5_cpu']:.1f}/s CPU; ratio extractive/lead-5 "
              f"{r['extractive_cpu'] / r['lead5_cpu']:.2f} (CPU); vs target {target}/s: "
              f"{r['extractive'] / target:.2f}x wall, {r['extractive_cpu'] / target:.2f}x CPU")
    print(f"full texts: median {fulltexts['median_chars']:.0f} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
