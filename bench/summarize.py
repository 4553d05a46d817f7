"""Throughput of the extractive summarizer + verifier, on abstracts and on full texts.

    .venv/bin/python bench/summarize.py [--data ../shared/data] [--rounds 5]

Abstracts: every paper of reference/abstracts.jsonl is summarized and its summary verified
against title + abstract. Full texts: the PDFs in pdfs/ are extracted once by the project's
own fulltext stage (``extract_pdf``; not timed); each round summarizes every paper from its
sections and verifies the summary against title + abstract + full text, with the flattened
numbers, as the pipeline does. The baseline, measured in the same run, is the simplest
summarizer: the first five sentences of the abstract, verified the same way. Each figure is
the best of its rounds: the machine is shared, and slower rounds measure the neighbours.

    .venv/bin/python bench/summarize.py --against REV

also times the extractive summarizer + verifier of the package at git revision ``REV`` (its
``src/`` exported to a temporary directory, run in a child process), alternating with this
checkout's twice (A B A B), so both see the same machine load; it prints the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
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


def bench_abstracts(data: Path, rounds: int,
                    names: tuple[str, ...] = ("lead5", "extractive")) -> dict[str, float]:
    papers = []
    with (data / "reference" / "abstracts.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            papers.append(Paper(row["arxiv_id"], row["title"], row["abstract"]))
    results = {}
    for name, summarize in (("lead5", lead5), ("extractive", summarize_paper)):
        if name not in names:
            continue
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


def bench_fulltexts(data: Path, rounds: int,
                    names: tuple[str, ...] = ("lead5", "extractive")) -> dict[str, float]:
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
    for name in names:
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


def extractive_only(data: Path, rounds: int) -> dict[str, float]:
    """Papers a second (best round, wall and CPU) of the extractive summarizer + verifier on
    abstracts and on full texts: what ``--against`` compares."""
    abstracts = bench_abstracts(data, max(1, rounds // 2), names=("extractive",))
    fulltexts = bench_fulltexts(data, rounds, names=("extractive",))
    return {f"abstracts_{k}": v for k, v in abstracts.items()} | {
        f"fulltexts_{k}": v for k, v in fulltexts.items()}


def against(data: Path, rounds: int, rev: str) -> None:
    """This checkout and ``rev``, each in its own process, alternating A B A B."""
    root = Path(__file__).resolve().parents[1]
    export = Path(tempfile.mkdtemp(prefix="dp-bench-"))
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=root, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
    best: dict[str, dict[str, float]] = {"this checkout": {}, rev: {}}
    loads = [os.getloadavg()[0]]
    for _ in range(2):
        for label, src in (("this checkout", root / "src"), (rev, export / "src")):
            env = {**os.environ, "PYTHONPATH": str(src)}
            out = subprocess.run([sys.executable, __file__, "--data", str(data), "--rounds",
                                  str(rounds), "--worker"], env=env, check=True,
                                 capture_output=True, text=True).stdout
            for key, value in json.loads(out).items():
                best[label][key] = max(best[label].get(key, 0.0), value)
            loads.append(os.getloadavg()[0])
    print(f"same run, A B A B, load average {' -> '.join(f'{x:.1f}' for x in loads)} "
          f"on {os.cpu_count()} CPUs:")
    for kind, target in (("abstracts", 200), ("fulltexts", 20)):
        new, old = best["this checkout"], best[rev]
        print(f"  {kind}: this checkout {new[f'{kind}_extractive']:.1f}/s wall, "
              f"{new[f'{kind}_extractive_cpu']:.1f}/s CPU; {rev} "
              f"{old[f'{kind}_extractive']:.1f}/s wall, {old[f'{kind}_extractive_cpu']:.1f}/s "
              f"CPU; ratio {new[f'{kind}_extractive_cpu'] / old[f'{kind}_extractive_cpu']:.2f} "
              f"(CPU); target {target}/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--baseline", default=BASELINE,
                        help="git revision of the verifier to compare with (same run)")
    parser.add_argument("--against", metavar="REV",
                        help="also time the summarizer at this git revision (same run)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # a child of --against: the package on PYTHONPATH, JSON out
        print(json.dumps(extractive_only(args.data, args.rounds)))
        return 0
    if args.against:
        against(args.data, args.rounds, args.against)
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
