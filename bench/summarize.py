"""Throughput of the extractive summarizer + verifier, on abstracts and on full texts.

    .venv/bin/python bench/summarize.py [--data ../shared/data] [--rounds 5]

Abstracts: every paper of reference/abstracts.jsonl is summarized and its summary verified
against title + abstract. Full texts: the PDFs in pdfs/ are extracted once with pypdfium2
(not timed) and cut into sections with a crude heading rule (the real pipeline has its own
fulltext stage); each round summarizes every paper from its sections and verifies the summary
against the whole text. The baseline, measured in the same run, is the simplest summarizer:
the first five sentences of the abstract, verified the same way.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

from dailypapers.models import FullText, Paper, Section, Summary
from dailypapers.summarize.extractive import summarize_paper
from dailypapers.summarize.sentences import clean_text, split_sentences
from dailypapers.verify import verify

_HEADING = re.compile(
    r"^\s*(?:[0-9IVX]+(?:\.\d+)*\.?\s+)?(abstract|introduction|related work|background|"
    r"methods?|methodology|approach|experiments?|experimental setup|results|evaluation|"
    r"discussion|conclusions?|limitations|references|bibliography|appendix)\s*$",
    re.IGNORECASE,
)
_KINDS = {"methods": "method", "methodology": "method", "approach": "method",
          "experiment": "experiments", "experimental setup": "experiments",
          "evaluation": "results", "conclusions": "conclusion", "related work": "related",
          "background": "related", "bibliography": "references"}


def extract(pdf: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for page in doc:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        doc.close()
    text = "\n".join(pages).replace("\r\n", "\n")
    return re.sub(r"\ufffe\s*", "", text)


def sections_of(text: str) -> list[Section]:
    sections: list[Section] = []
    kind, heading, lines = "title", "", []
    for line in text.split("\n"):
        match = _HEADING.match(line) if len(line) < 60 else None
        if match:
            sections.append(Section(kind, heading, "\n".join(lines)))
            name = match.group(1).lower()
            kind, heading, lines = _KINDS.get(name, name), line.strip(), []
            if kind == "references":
                break
        else:
            lines.append(line)
    else:
        sections.append(Section(kind, heading, "\n".join(lines)))
    return [s for s in sections if s.text.strip()]


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
    items = []
    chars = []
    for entry in manifest:
        text = extract(data / "pdfs" / entry["file"])
        sections = sections_of(text)
        fulltext = FullText(entry["arxiv_id"], None, "pdf", text, sections)
        paper = Paper(entry["arxiv_id"], entry["title"], fulltext.section_text("abstract"))
        if not paper.abstract:
            # No "Abstract" heading found: the text before the first section stands in.
            paper.abstract = sections[0].text[:2000] if sections else text[:2000]
        items.append((paper, fulltext))
        chars.append(len(text))
    results: dict[str, float] = {"papers": len(items), "median_chars": statistics.median(chars)}
    for name in ("lead5", "extractive"):
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            for paper, fulltext in items:
                summary = lead5(paper) if name == "lead5" else summarize_paper(paper, fulltext)
                verify(summary, fulltext.text, source="pdf")
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
