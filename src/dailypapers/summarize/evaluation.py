"""Offline evaluation of a summarizer against reference summaries (ROUGE, shape, numbers).

Reads the reference data's shape (``abstracts.jsonl``: arxiv_id, title, abstract, ...;
``references.jsonl``: arxiv_id, summary), summarizes each abstract, verifies each summary
against its title and abstract, and reports ROUGE-1/2/L F1 next to two baselines computed in
the same run (the whole abstract, and its first five sentences), length statistics, the share
of summaries with all five parts, the share with a quantitative result among papers whose
abstract has one, verifier counts and throughput. Every figure is also given per half of a
fixed hash split of arXiv ids (``half_of``), so a tuned number can be checked on unseen papers.

Two views are scored without connective phrases, so shared stock openers earn nothing:
``system_fields`` is the five fields joined after :func:`strip_connective`; ``parts`` is the
ROUGE-L of each of our parts against the same part of the reference (split by
:func:`split_reference`), next to the positional baselines (the abstract's sentences handed
to the parts by position: in five runs, and one sentence each). ``defects`` counts the
checker's findings (:mod:`.defects`) per 100 summaries, by kind.
"""

from __future__ import annotations

import json
import statistics
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import SUMMARY_PARTS, Paper, Summary, Verification
from ..verify import verify, verify_text
from .base import Summarizer
from .defects import DEFECT_KINDS, find_defects
from .extractive.cues import has_measured_finding, has_quantitative
from .reference_parts import (
    positional_parts,
    positional_single,
    split_reference,
    strip_connective,
)
from .rouge import rouge_l, rouge_n, tokenize
from .sentences import normalize_prose, split_sentences


@dataclass
class Pair:
    paper: Paper
    reference: str


def half_of(arxiv_id: str) -> int:
    """The fixed split used for tuning (0) versus held-out checking (1)."""
    return zlib.crc32(arxiv_id.encode()) % 2


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON line ({exc.msg})") from exc
    return rows


def load_pairs(abstracts: Path, references: Path) -> tuple[list[Pair], int]:
    """(pairs, references without a matching abstract). One pair per reference row."""
    papers: dict[str, Paper] = {}
    for row in read_jsonl(abstracts):
        if "arxiv_id" not in row:
            continue
        papers[row["arxiv_id"]] = Paper(
            arxiv_id=row["arxiv_id"], title=row.get("title") or "",
            abstract=row.get("abstract") or "", authors=list(row.get("authors") or []),
            published=row.get("published"))
    pairs: list[Pair] = []
    unmatched = 0
    for row in read_jsonl(references):
        paper = papers.get(row.get("arxiv_id", ""))
        if paper is None or not row.get("summary"):
            unmatched += 1
            continue
        pairs.append(Pair(paper, row["summary"]))
    return pairs, unmatched


def lead_sentences(text: str, n: int = 5) -> str:
    return " ".join(split_sentences(normalize_prose(text))[:n])


@dataclass
class _Scores:
    r1: list[float] = field(default_factory=list)
    r2: list[float] = field(default_factory=list)
    rl: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def add(self, candidate: str, reference_tokens: list[str]) -> None:
        tokens = tokenize(candidate)
        self.r1.append(rouge_n(tokens, reference_tokens, 1))
        self.r2.append(rouge_n(tokens, reference_tokens, 2))
        self.rl.append(rouge_l(tokens, reference_tokens))
        self.lengths.append(len(candidate))

    def report(self) -> dict[str, float]:
        if not self.r1:
            return {}
        return {
            "rouge1": round(statistics.fmean(self.r1), 4),
            "rouge2": round(statistics.fmean(self.r2), 4),
            "rougeL": round(statistics.fmean(self.rl), 4),
            "median_chars": statistics.median(self.lengths),
            "mean_chars": round(statistics.fmean(self.lengths), 1),
        }


def fields_text(summary: Summary) -> str:
    """The five fields joined with no connective phrase (each field's opener stripped)."""
    return " ".join(strip_connective(getattr(summary, p)) for p in SUMMARY_PARTS
                    if getattr(summary, p).strip())


_PART_SYSTEMS = ("system", "positional", "positional_single")


@dataclass
class _PartScores:
    """Per part: ROUGE-L of ours and of the positional baselines against the reference part."""

    scores: dict[str, dict[str, list[float]]] = field(default_factory=lambda: {
        part: {name: [] for name in _PART_SYSTEMS} for part in SUMMARY_PARTS})
    empty: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMMARY_PARTS, 0))

    def add(self, reference: dict[str, str], texts: dict[str, dict[str, str]]) -> None:
        for part, ref in reference.items():
            ref_tokens = tokenize(ref)
            for name in _PART_SYSTEMS:
                cand = tokenize(strip_connective(texts[name][part]))
                self.scores[part][name].append(rouge_l(cand, ref_tokens))
            self.empty[part] += not texts["system"][part].strip()

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for part, by_name in self.scores.items():
            if not by_name["system"]:
                continue
            out[part] = {"references": len(by_name["system"]),
                         "system_empty": self.empty[part],
                         **{name: round(statistics.fmean(v), 4)
                            for name, v in by_name.items()}}
        return out


@dataclass
class _Group:
    system: _Scores = field(default_factory=_Scores)
    fields: _Scores = field(default_factory=_Scores)
    abstract: _Scores = field(default_factory=_Scores)
    lead5: _Scores = field(default_factory=_Scores)
    parts: _PartScores = field(default_factory=_PartScores)
    defects: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEFECT_KINDS, 0))
    with_defect: int = 0
    over_budget: int = 0
    reference_lengths: list[int] = field(default_factory=list)
    summarized: int = 0
    all_parts: int = 0
    with_quant_abstract: int = 0
    quant_results: int = 0
    with_finding_abstract: int = 0
    finding_results: int = 0
    not_shorter: int = 0

    def report(self) -> dict[str, Any]:
        per100 = {k: round(100 * v / self.summarized, 2) if self.summarized else None
                  for k, v in self.defects.items()}
        return {
            "summarized": self.summarized,
            "system": self.system.report(),
            "system_fields": self.fields.report(),
            "baseline_abstract": self.abstract.report(),
            "baseline_lead5": self.lead5.report(),
            "parts": self.parts.report(),
            "defects_per_100": {
                **per100,
                "total": round(100 * sum(self.defects.values()) / self.summarized, 2)
                if self.summarized else None},
            "summaries_with_defect": _share(self.with_defect, self.summarized),
            "over_1100_chars": self.over_budget,
            "reference_median_chars": statistics.median(self.reference_lengths)
            if self.reference_lengths else None,
            "all_five_parts": _share(self.all_parts, self.summarized),
            "not_shorter_than_abstract": _share(self.not_shorter, self.summarized),
            "quantitative_result": _share(self.quant_results, self.with_quant_abstract),
            "abstracts_with_number": self.with_quant_abstract,
            # The same, counting only abstracts that report a measured finding with a number
            # (not only a dataset's or a model's size).
            "quantitative_result_of_findings": _share(self.finding_results,
                                                      self.with_finding_abstract),
            "abstracts_with_finding_number": self.with_finding_abstract,
        }


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def evaluate(
    pairs: Iterable[Pair],
    summarizer: Summarizer,
    *,
    limit: int | None = None,
    on_result: Callable[[Pair, Summary | None, Verification | None, str | None], None]
    | None = None,
) -> dict[str, Any]:
    """Summarize and verify every pair; the report described in the module docstring."""
    groups = {"all": _Group(), "half0": _Group(), "half1": _Group()}
    errors: dict[str, str] = {}
    statuses = dict.fromkeys(_STATUSES, 0)
    flagged = 0
    busy = 0.0
    count = 0
    for pair in pairs:
        if limit is not None and count >= limit:
            break
        count += 1
        paper = pair.paper
        targets = (groups["all"], groups[f"half{half_of(paper.arxiv_id)}"])
        ref_tokens = tokenize(pair.reference)
        ref_parts = split_reference(pair.reference)
        abstract = normalize_prose(paper.abstract)
        lead5 = lead_sentences(paper.abstract)
        for group in targets:
            group.abstract.add(abstract, ref_tokens)
            group.lead5.add(lead5, ref_tokens)
            group.reference_lengths.append(len(pair.reference))
        started = time.perf_counter()
        try:
            summary = summarizer.summarize(paper)
            verification = verify(summary, f"{paper.title}\n\n{paper.abstract}",
                                  source="abstract")
        except Exception as exc:  # reported per paper; one bad paper never stops the run
            busy += time.perf_counter() - started
            errors[paper.arxiv_id] = f"{type(exc).__name__}: {exc}"
            if on_result is not None:
                on_result(pair, None, None, errors[paper.arxiv_id])
            continue
        busy += time.perf_counter() - started
        text = summary.render()
        joined = fields_text(summary)
        quant_abstract = has_quantitative(abstract)  # the text a reader sees
        finding_abstract = has_measured_finding(split_sentences(abstract))
        defects = find_defects(summary)
        for item in verification.items:
            statuses[item.status] += 1
        flagged += bool(verification.unsupported)
        part_texts = {"system": summary.parts(),
                      "positional": positional_parts(paper.abstract),
                      "positional_single": positional_single(paper.abstract)}
        for group in targets:
            group.summarized += 1
            group.system.add(text, ref_tokens)
            group.fields.add(joined, ref_tokens)
            group.parts.add(ref_parts, part_texts)
            for defect in defects:
                group.defects[defect.kind] += 1
            group.with_defect += bool(defects)
            group.over_budget += len(text) > 1100
            group.all_parts += all(getattr(summary, p).strip() for p in SUMMARY_PARTS)
            group.not_shorter += len(text) >= len(abstract)
            if quant_abstract:
                group.with_quant_abstract += 1
                group.quant_results += has_quantitative(summary.results)
            if finding_abstract:
                group.with_finding_abstract += 1
                group.finding_results += has_quantitative(summary.results)
        if on_result is not None:
            on_result(pair, summary, verification, None)
    return {
        "summarizer": summarizer.id,
        "pairs": count,
        "errors": len(errors),
        "error_examples": dict(list(errors.items())[:10]),
        "verifier": {**statuses, "summaries_flagged": flagged},
        "papers_per_second": round(count / busy, 1) if busy else None,
        **{name: group.report() for name, group in groups.items()},
    }


# Every verdict the check gives (dailypapers.verify).
_STATUSES = ("grounded", "unsupported", "unverifiable", "grounded_elsewhere", "not_checked")


def check_references(pairs: Iterable[Pair], *, limit: int | None = None) -> dict[str, Any]:
    """Verify the reference summaries themselves against title + abstract.

    A number a reference states that its abstract does not is not necessarily wrong (the
    references were written from full PDFs), but no reader could check it against the
    abstract: this measures how much of that there is, and catches misreadings ("GPT-40").
    """
    counts = dict.fromkeys(_STATUSES, 0)
    kinds: dict[str, dict[str, int]] = {}
    flagged = checked = 0
    examples: list[dict[str, str]] = []
    for pair in pairs:
        if limit is not None and checked >= limit:
            break
        if not pair.paper.abstract.strip():
            continue  # nothing to check against
        checked += 1
        source = f"{pair.paper.title}\n\n{pair.paper.abstract}"
        items = verify_text(pair.reference, source)
        for item in items:
            counts[item.status] += 1
            by_kind = kinds.setdefault(item.kind, dict.fromkeys(_STATUSES, 0))
            by_kind[item.status] += 1
            if item.status == "unsupported" and "GPT-40" in item.text and len(examples) < 10:
                examples.append({"arxiv_id": pair.paper.arxiv_id, "item": item.text})
        flagged += any(i.status == "unsupported" for i in items)
    total = sum(counts.values())
    return {
        "references": checked,
        **counts,
        "share_not_in_abstract": _share(counts["unsupported"], total),
        "references_flagged": flagged,
        "by_kind": kinds,
        "gpt40_examples": examples,
    }


def result_line(pair: Pair, summary: Summary | None, verification: Verification | None,
                error: str | None) -> dict[str, Any]:
    """One ``--out`` JSON line: the paper id, the fields, the rendered text, the check."""
    if summary is None or verification is None:
        return {"arxiv_id": pair.paper.arxiv_id, "error": error}
    return {
        "arxiv_id": pair.paper.arxiv_id,
        "fields": summary.to_dict(),
        "rendered": summary.render(),
        "defects": [vars(d) for d in find_defects(summary)],
        "verification": verification.to_dict(),
    }
