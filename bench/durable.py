"""Benchmark: what a working directory weighs after years of days, against an earlier revision.

    .venv/bin/python bench/durable.py                      # >= 5,000 papers, baseline ef231e8
    .venv/bin/python bench/durable.py --papers 1000 --baseline HEAD~5

The recorded days of ../shared/data/hf_daily are replayed, again and again, under new
consecutive weekday dates (each replay under new arXiv ids) until ``--papers`` papers are
published, through ONE working directory per revision, with ``pipeline.run_day`` (offline
summarizer, no full text, no delivery, the site on). Both revisions run the same driver in
their own process; the baseline's ``src/`` comes from ``git archive``.

Measured at the end: bytes and files of what the scheduled workflow commits (the baseline's
workflow commits ``dailypapers.db`` too), of the database, of the site, the largest
committed file, per 1,000 papers, and extrapolated linearly to 10 years of the daily list
(250 weekdays a year at the recorded papers per day) and to 100,000 papers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store import CACHE, DATA, ROOT, baseline_src


def replay_plan(papers: int) -> list[tuple[str, Path, int]]:
    """(new date, recorded file, replay number) until ``papers`` papers are listed."""
    files = sorted(DATA.glob("*.json"))
    sizes = {f: len(json.loads(f.read_text(encoding="utf-8"))) for f in files}
    plan, total, day, k = [], 0, date(2030, 1, 1), 0
    while total < papers:
        for f in files:
            while day.weekday() >= 5:
                day += timedelta(days=1)
            plan.append((day.isoformat(), f, k))
            total += sizes[f]
            day += timedelta(days=1)
            if total >= papers:
                break
        k += 1
    return plan


def make_input(day: str, recorded: Path, k: int, counter: list[int], folder: Path) -> Path:
    items = json.loads(recorded.read_text(encoding="utf-8"))
    yymm = day[2:4] + day[5:7]
    for item in items:
        counter[0] += 1
        item["paper"]["id"] = f"{yymm}.{counter[0] % 100000:05d}"
        for key in ("publishedAt",):
            if key in item["paper"]:
                item["paper"][key] = f"{day}T00:00:00.000Z"
    path = folder / f"{day}.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def size_of(paths: list[Path]) -> tuple[int, int, int, str]:
    """(bytes, files, largest file's bytes, its name) under these files and folders."""
    total = files = largest = 0
    name = ""
    for path in paths:
        found = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for f in found:
            n = f.stat().st_size
            total, files = total + n, files + 1
            if n > largest:
                largest, name = n, f.name
    return total, files, largest, name


def child(src: str, work: str, plan_json: str) -> dict[str, Any]:
    sys.path.insert(0, src)
    from dailypapers import pipeline
    from dailypapers.config import load_settings
    from dailypapers.store import Store

    root = Path(work)
    inputs = root.parent / (root.name + "-input")
    inputs.mkdir(parents=True, exist_ok=True)
    plan = json.loads(plan_json)
    settings = load_settings(root, source="file", fulltext=False, channels=[], podcast=False)
    counter = [0]
    papers = 0
    started = time.perf_counter()
    for n, (day, recorded, k) in enumerate(plan):
        path = make_input(day, Path(recorded), k, counter, inputs)
        with Store(settings.db_path) as store:
            report = pipeline.run_day(store, settings, day, source_input=str(path),
                                      deliver=False)
        papers += report.papers
        if n % 50 == 0:
            print(f"  {n}/{len(plan)} days, {papers} papers, "
                  f"{time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    db = Path(settings.db_path)
    durable = [root / "data", root / "ledger", root / "archive", root / "README.md"]
    return {
        "days": len(plan), "papers": papers, "seconds": seconds,
        "durable": size_of([p for p in durable if p.exists()]),
        "db": size_of([p for p in db.parent.glob(db.name + "*")]),
        "site": size_of([root / "site"]),
        "site_tags": size_of([root / "site" / "tags"]) if (root / "site" / "tags").exists()
        else (0, 0, 0, ""),
        "cache": size_of([settings.cache_path]) if settings.cache_path.exists()
        else (0, 0, 0, ""),
    }


def run_child(src: Path, plan: list[tuple[str, Path, int]], keep: bool) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-durable-", dir=CACHE)) / "work"
    try:
        plan_json = json.dumps([(d, str(f), k) for d, f, k in plan])
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(src), str(work), plan_json],
            check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(src)},
        )
        sys.stderr.write(out.stderr[-2000:])
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        if not keep:
            shutil.rmtree(work.parent, ignore_errors=True)


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--baseline", default="ef231e8")
    parser.add_argument("--current", default=None,
                        help="a revision for 'current' (default: this checkout's src/)")
    parser.add_argument("--keep", action="store_true", help="keep the working directories")
    parser.add_argument("--only", choices=["baseline", "current"])
    parser.add_argument("--child", nargs=3, metavar=("SRC", "WORK", "PLAN"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    plan = replay_plan(args.papers)
    sources = {"baseline": baseline_src(args.baseline),
               "current": baseline_src(args.current) if args.current else ROOT / "src"}
    if args.only:
        sources = {args.only: sources[args.only]}
    print(f"{len(plan)} days; load before: {os.getloadavg()}", flush=True)
    results = {}
    for name, src in sources.items():
        results[name] = run_child(src, plan, args.keep)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    print(f"load after: {os.getloadavg()}")
    per_day = results[next(iter(results))]["papers"] / len(plan)
    ten_years = 10 * 250 * per_day
    print(f"\n{per_day:.1f} papers a day; 10 years = {ten_years:,.0f} papers\n")
    print("| revision | what | bytes / 1,000 papers | files / 1,000 papers | at 10 years |"
          " at 100,000 papers | largest file now |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        k = r["papers"] / 1000
        committed = [r["durable"][0] + (r["db"][0] if name == "baseline" else 0),
                     r["durable"][1] + (r["db"][1] if name == "baseline" else 0)]
        rows = [("committed", committed[0], committed[1],
                 max(r["durable"][2], r["db"][2] if name == "baseline" else 0)),
                ("database", r["db"][0], r["db"][1], r["db"][2]),
                ("site", r["site"][0], r["site"][1], r["site"][2]),
                ("site tags/", r["site_tags"][0], r["site_tags"][1], r["site_tags"][2])]
        for what, size, files, largest in rows:
            print(f"| {name} | {what} | {mb(size / k)} | {files / k:,.0f} | "
                  f"{mb(size / k * ten_years / 1000)} | {mb(size / k * 100)} | {mb(largest)} |")


if __name__ == "__main__":
    main()
