"""Fit the learned role scores (``extractive/roles.json``) and check them on unseen papers.

    .venv/bin/python bench/train_roles.py            # fit on half 0, report half 1, write
    .venv/bin/python bench/train_roles.py --check    # report only, write nothing

Data: the reference abstracts and summaries (``../shared/data/reference``). Each reference
summary is split into its parts (``summarize.reference_parts.split_reference``); each
abstract sentence, as the summarizer sees it (``extractive.prepare``, the contribution
sentence found by ``extractive.select``), gets its ROUGE-L F1 against each part. Per part,
a linear scorer over ``extractive.roles.features`` is fitted listwise: within a paper, a
softmax over its sentences should put its weight where the reference part is (target: a
softmax of the ROUGE-L F1 at temperature ``TEMPERATURE``), with an L2 penalty. Only half 0
(``evaluation.half_of``) is used to fit; the report gives, per half, the ROUGE-L of the
sentence each scorer ranks first (learned, the hand cue score, the best possible sentence).

Needs numpy (a dev dependency; the package itself reads the weights without it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

from dailypapers.errors import SummarizerError
from dailypapers.summarize.evaluation import half_of, load_pairs
from dailypapers.summarize.extractive import prepare
from dailypapers.summarize.extractive.candidates import Sections
from dailypapers.summarize.extractive.cues import title_terms
from dailypapers.summarize.extractive.roles import LEARNED_PARTS, features
from dailypapers.summarize.extractive.selection import select
from dailypapers.summarize.reference_parts import split_reference
from dailypapers.summarize.rouge import rouge_l, tokenize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reference"
OUT = Path(__file__).resolve().parents[1] / "src/dailypapers/summarize/extractive/roles.json"
TEMPERATURE = 0.05
L2 = 1e-3
STEPS = 400
KINDS = ("one_line", "objective", "method", "results", "implication")
HAND = {"objective": "objective", "method": "method", "results": "result",
        "implication": "implication"}


def _groups() -> list[dict[str, object]]:
    """One group per (paper, reference part): features, ROUGE-L per sentence, half."""
    pairs, _ = load_pairs(DATA / "abstracts.jsonl", DATA / "gemini_summaries.jsonl")
    seen: dict[str, tuple[list[dict[str, float]], list[list[str]], list[dict[str, float]]]] = {}
    groups = []
    for pair in pairs:
        paper = pair.paper
        if paper.arxiv_id not in seen:
            try:
                cands, _, name, short = prepare(paper)
            except SummarizerError:
                continue
            chosen = select(cands, Sections(None, title_terms(paper.title)), name, short)
            one = chosen["one_line"]
            pivot = one.candidate.index if one is not None else 1
            seen[paper.arxiv_id] = ([features(c, pivot, len(cands)) for c in cands],
                                    [tokenize(c.text) for c in cands],
                                    [dict(c.scores) for c in cands])
        values, tokens, hand = seen[paper.arxiv_id]
        parts = split_reference(pair.reference)
        if set(parts) == set(KINDS) and len(values) >= 2:
            refs = {part: tokenize(text) for part, text in parts.items()}
            groups.append({"part": "kind", "half": half_of(paper.arxiv_id), "values": values,
                           "rouge_by": {p: [rouge_l(t, refs[p]) for t in tokens]
                                        for p in KINDS}})
        for part, text in parts.items():
            if part not in LEARNED_PARTS or len(values) < 2:
                continue
            ref = tokenize(text)
            groups.append({"part": part, "half": half_of(paper.arxiv_id), "values": values,
                           "rouge": [rouge_l(t, ref) for t in tokens],
                           "hand": [h[HAND[part]] for h in hand]})
    return groups


def _matrix(groups: list[dict[str, object]], names: list[str]) -> list[np.ndarray]:
    index = {n: i for i, n in enumerate(names)}
    out = []
    for g in groups:
        values = g["values"]
        assert isinstance(values, list)
        x = np.zeros((len(values), len(names)))
        for row, v in enumerate(values):
            for k, val in v.items():
                if k in index:
                    x[row, index[k]] = val
        out.append(x)
    return out


def _fit(xs: list[np.ndarray], ys: list[np.ndarray], dim: int) -> np.ndarray:
    """Listwise softmax regression, full-batch Adam."""
    w = np.zeros(dim)
    m = np.zeros(dim)
    v = np.zeros(dim)
    for step in range(1, STEPS + 1):
        grad = L2 * w
        for x, q in zip(xs, ys, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += x.T @ (p - q) / len(xs)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def _fit_kinds(xs: list[np.ndarray], labels: list[np.ndarray], dim: int) -> np.ndarray:
    """Pointwise multinomial logistic regression over the five parts, full-batch Adam."""
    x = np.vstack(xs)
    y = np.concatenate(labels)
    x = np.hstack([x, np.ones((len(x), 1))])
    onehot = np.eye(len(KINDS))[y]
    w = np.zeros((dim + 1, len(KINDS)))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, STEPS + 1):
        s = x @ w
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ (p - onehot) / len(x) + L2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def _kinds(groups: list[dict[str, object]], xs: list[np.ndarray], names: list[str],
           check: bool) -> dict[str, dict[str, float]]:
    """Which part each sentence reads like most (label: the part it overlaps most)."""
    idx = [i for i, g in enumerate(groups) if g["part"] == "kind"]
    labels = {}
    keep = {}
    for i in idx:
        by = groups[i]["rouge_by"]
        table = np.array([by[p] for p in KINDS]).T  # sentences x parts
        labels[i] = table.argmax(axis=1)
        keep[i] = table.max(axis=1) >= 0.1
    train = [i for i in idx if groups[i]["half"] == 0]
    if check:
        table = json.loads(OUT.read_text())["kind"]
        w = np.array([[table[k].get(n, 0.0) for k in KINDS] for n in [*names, "bias"]])
    else:
        w = _fit_kinds([xs[i][keep[i]] for i in train], [labels[i][keep[i]] for i in train],
                       len(names))
    for half in (0, 1):
        sel = [i for i in idx if groups[i]["half"] == half]
        x = np.vstack([xs[i][keep[i]] for i in sel])
        y = np.concatenate([labels[i][keep[i]] for i in sel])
        pred = (np.hstack([x, np.ones((len(x), 1))]) @ w).argmax(axis=1)
        line = [f"kinds half {half}: accuracy {np.mean(pred == y):.3f}"]
        for k, kind in enumerate(KINDS):
            hit = pred == k
            line.append(f"{kind} predicted {int(hit.sum())} precision "
                        f"{np.mean(y[hit] == k) if hit.any() else 0:.2f} recall "
                        f"{np.mean(pred[y == k] == k):.2f}")
        print("; ".join(line))
    return {kind: {n: round(float(val), 4) for n, val in zip([*names, "bias"], w[:, k],
                                                             strict=True) if abs(val) >= 1e-4}
            for k, kind in enumerate(KINDS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"no reference data at {DATA}")
    groups = _groups()
    names = sorted({k for g in groups for v in g["values"] for k in v})  # type: ignore[attr-defined]
    xs = _matrix(groups, names)
    weights: dict[str, dict[str, float]] = {}
    report: dict[str, dict[str, float]] = {}
    for part in LEARNED_PARTS:
        idx = [i for i, g in enumerate(groups) if g["part"] == part]
        assert idx
        train = [i for i in idx if groups[i]["half"] == 0]
        targets = []
        for i in idx:
            r = np.array(groups[i]["rouge"])
            q = np.exp((r - r.max()) / TEMPERATURE)
            targets.append(q / q.sum())
        by = dict(zip(idx, targets, strict=True))
        if args.check:
            table = json.loads(OUT.read_text())["weights"][part]
            w = np.array([table.get(n, 0.0) for n in names])
        else:
            w = _fit([xs[i] for i in train], [by[i] for i in train], len(names))
        weights[part] = {n: round(float(val), 4) for n, val in zip(names, w, strict=True)
                         if abs(val) >= 1e-4}
        for half in (0, 1):
            sel = [i for i in idx if groups[i]["half"] == half]
            learned = [groups[i]["rouge"][int(np.argmax(xs[i] @ w))] for i in sel]
            hand = [groups[i]["rouge"][int(np.argmax(groups[i]["hand"]))] for i in sel]
            best = [max(groups[i]["rouge"]) for i in sel]
            report[f"{part} half {half}"] = {
                "groups": len(sel), "learned": round(statistics.fmean(learned), 4),
                "hand cues": round(statistics.fmean(hand), 4),
                "best sentence": round(statistics.fmean(best), 4)}
    kinds = _kinds(groups, xs, names, args.check)
    for key, row in report.items():
        print(f"{key:22} " + "  ".join(f"{k} {v}" for k, v in row.items()))
    if not args.check:
        OUT.write_text(json.dumps({
            "about": "bench/train_roles.py: listwise role scores fitted on half 0 of the "
                     "reference summaries",
            "temperature": TEMPERATURE, "l2": L2, "steps": STEPS,
            "weights": weights, "kind": kinds}, indent=1, sort_keys=True) + "\n")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
