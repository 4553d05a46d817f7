"""Ranking evaluation: does a profile built from an author's earlier papers find their later
papers among everything published on those days?

    .venv/bin/python bench/rank_eval.py [--data ../shared/data] [--min-papers 4] [--json]

From ``reference/abstracts.jsonl`` (papers with authors and the date they were listed): for
every author with at least ``--min-papers`` papers, sorted by date, the earlier half (rounded
up) become the profile's example papers and the rest are the targets. The candidates are
all papers listed on the targets' days, minus the examples. Each ranker orders the
candidates; the metrics are recall@10, MRR (reciprocal rank of the first target) and
NDCG@10 (binary relevance), averaged over authors. Rankers, in one run:

- ``lexical``: the project's ranker (``dailypapers.foryou.rank``) with a profile of the
  example papers only (title, abstract, authors, date: what a BibTeX or Zotero import
  gives), so the examples' authors count (``by authors of your examples``);
- ``lexical, text only``: the same with the examples' authors removed: text similarity
  alone;
- ``lexical+author``: the first profile plus the author's name (the reader follows the
  author explicitly; an upper bound);
- ``upvotes``: the days' own order (the reference digest lists a day by Hugging Face
  upvotes), days interleaved by position;
- ``random``: a uniformly shuffled order, averaged over 20 seeded shuffles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from dailypapers.foryou.profiles import Example, Profile
from dailypapers.foryou.rank import rank
from dailypapers.models import Paper

ROOT = Path(__file__).resolve().parents[1]


def load(data: Path) -> list[dict[str, Any]]:
    rows = []
    with (data / "reference" / "abstracts.jsonl").open(encoding="utf-8") as handle:
        for position, line in enumerate(handle):
            row = json.loads(line)
            row["position"] = position
            rows.append(row)
    return rows


def metrics(order: list[str], relevant: set[str]) -> dict[str, float]:
    top = order[:10]
    hits = [1.0 if i in relevant else 0.0 for i in top]
    first = next((n for n, i in enumerate(order, 1) if i in relevant), None)
    dcg = sum(h / math.log2(n + 2) for n, h in enumerate(hits))
    ideal = sum(1.0 / math.log2(n + 2) for n in range(min(10, len(relevant))))
    return {"recall@10": sum(hits) / len(relevant), "mrr": 1.0 / first if first else 0.0,
            "ndcg@10": dcg / ideal if ideal else 0.0}


def cases(rows: list[dict[str, Any]], min_papers: int) -> list[dict[str, Any]]:
    by_author: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_day[row["reference_date"]].append(row)
        for name in row.get("authors") or []:
            by_author[name].append(row)
    found = []
    for name, papers in sorted(by_author.items()):
        unique = {p["arxiv_id"]: p for p in papers}
        if len(unique) < min_papers:
            continue
        ordered = sorted(unique.values(), key=lambda p: (p["reference_date"], p["arxiv_id"]))
        split = math.ceil(len(ordered) / 2)
        examples, targets = ordered[:split], ordered[split:]
        example_ids = {p["arxiv_id"] for p in examples}
        days = sorted({p["reference_date"] for p in targets})
        candidates = [r for d in days for r in by_day[d] if r["arxiv_id"] not in example_ids]
        seen: set[str] = set()
        unique_candidates = []
        for row in candidates:
            if row["arxiv_id"] not in seen:
                seen.add(row["arxiv_id"])
                unique_candidates.append(row)
        relevant = {p["arxiv_id"] for p in targets} & seen
        if relevant:
            found.append({"author": name, "examples": examples, "candidates": unique_candidates,
                          "relevant": relevant, "today": days[0]})
    return found


def _paper(row: dict[str, Any]) -> Paper:
    return Paper(arxiv_id=row["arxiv_id"], title=row["title"], abstract=row["abstract"],
                 authors=row.get("authors") or [], published=row.get("published"))


def lexical(case: dict[str, Any], with_author: bool, text_only: bool = False) -> list[str]:
    examples = [Example(key=r["arxiv_id"], title=r["title"], abstract=r["abstract"],
                        authors=[] if text_only else r.get("authors") or [],
                        date=r["reference_date"],
                        arxiv_id=r["arxiv_id"]) for r in case["examples"]]
    profile = Profile(name="bench", authors=[case["author"]] if with_author else [])
    papers = [_paper(r) for r in case["candidates"]]
    ranked = rank(profile, examples, papers, today=dt.date.fromisoformat(case["today"]))
    return [s.paper.arxiv_id for s in ranked]


def upvotes(case: dict[str, Any]) -> list[str]:
    per_day: dict[str, int] = defaultdict(int)
    keyed = []
    for row in case["candidates"]:
        keyed.append((per_day[row["reference_date"]], row["reference_date"], row["arxiv_id"]))
        per_day[row["reference_date"]] += 1
    return [i for _, _, i in sorted(keyed)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--min-papers", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    all_cases = cases(load(args.data), args.min_papers)
    totals: dict[str, list[dict[str, float]]] = defaultdict(list)
    seconds: dict[str, float] = defaultdict(float)
    for case in all_cases:
        for label, fn in (("lexical", lambda c: lexical(c, False)),
                          ("lexical, text only", lambda c: lexical(c, False, True)),
                          ("lexical+author", lambda c: lexical(c, True)),
                          ("upvotes", upvotes)):
            started = time.process_time()
            order = fn(case)
            seconds[label] += time.process_time() - started
            totals[label].append(metrics(order, case["relevant"]))
        ids = [r["arxiv_id"] for r in case["candidates"]]
        shuffles = []
        for seed in range(20):
            shuffled = ids[:]
            random.Random(seed).shuffle(shuffled)
            shuffles.append(metrics(shuffled, case["relevant"]))
        totals["random"].append({k: statistics.mean(s[k] for s in shuffles)
                                 for k in shuffles[0]})
    summary = {label: {k: statistics.mean(m[k] for m in ms) for k in ms[0]}
               for label, ms in totals.items()}
    candidates = statistics.mean(len(c["candidates"]) for c in all_cases)
    relevant = statistics.mean(len(c["relevant"]) for c in all_cases)
    if args.json:
        print(json.dumps({"authors": len(all_cases), "summary": summary}, indent=2))
        return
    print(f"{len(all_cases)} authors with >= {args.min_papers} papers; "
          f"{candidates:.1f} candidates and {relevant:.2f} targets per author on average")
    print("| ranker | recall@10 | MRR | NDCG@10 | CPU s |")
    print("|---|---|---|---|---|")
    for label in ("lexical", "lexical, text only", "lexical+author", "upvotes", "random"):
        m = summary[label]
        print(f"| {label} | {m['recall@10']:.3f} | {m['mrr']:.3f} | {m['ndcg@10']:.3f} | "
              f"{seconds.get(label, 0.0):.2f} |")
    ratio = summary["lexical"]["mrr"] / summary["upvotes"]["mrr"]
    text = summary["lexical, text only"]["mrr"] / summary["upvotes"]["mrr"]
    print(f"MRR over upvote order: lexical {ratio:.2f}x, text only {text:.2f}x; lexical over "
          f"random {summary['lexical']['mrr'] / summary['random']['mrr']:.2f}x")


if __name__ == "__main__":
    main()
