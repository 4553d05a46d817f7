"""Cross-check our ROUGE against Google's ``rouge-score`` (Porter stemming), the scorer the
issue's baseline figures come from.

    .venv/bin/dailypapers eval --abstracts ../shared/data/reference/abstracts.jsonl \\
        --references ../shared/data/reference/gemini_summaries.jsonl --out /tmp/ext.jsonl
    .venv/bin/pip install rouge-score
    .venv/bin/python bench/rouge_check.py /tmp/ext.jsonl

Scores the generated summaries and, as the baseline, each paper's whole abstract against the
same reference summaries.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reference"


def main() -> None:
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        sys.exit("install rouge-score first: .venv/bin/pip install rouge-score")
    out = Path(sys.argv[1])
    abstracts = {}
    for line in (DATA / "abstracts.jsonl").open(encoding="utf-8"):
        item = json.loads(line)
        abstracts[item["arxiv_id"]] = item["abstract"]
    references: dict[str, str] = {}
    for line in (DATA / "gemini_summaries.jsonl").open(encoding="utf-8"):
        item = json.loads(line)
        references.setdefault(item["arxiv_id"], item["summary"])
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    ours, baseline = [], []
    for line in out.open(encoding="utf-8"):
        item = json.loads(line)
        reference = references[item["arxiv_id"]]
        ours.append(scorer.score(reference, item["rendered"]))
        baseline.append(scorer.score(reference, abstracts[item["arxiv_id"]]))
    print(f"{'':16} {'R-1':>7} {'R-2':>7} {'R-L':>7}   ({len(ours)} pairs, rouge-score, stemmed)")
    for name, scores in (("summarizer", ours), ("whole abstract", baseline)):
        means = [statistics.mean(s[k].fmeasure for s in scores)
                 for k in ("rouge1", "rouge2", "rougeL")]
        print(f"{name:16} " + " ".join(f"{m:7.4f}" for m in means))


if __name__ == "__main__":
    main()
