"""Benchmark: the store's share of a big abstract-only day, against an earlier revision.

    .venv/bin/python bench/store.py                       # 2,000 papers, baseline a8a5dde
    .venv/bin/python bench/store.py --papers 500 --rounds 1 --baseline HEAD~3

One day of ``--papers`` papers (the recorded Hugging Face items of ../shared/data/hf_daily
cloned under new arXiv ids) goes through ``pipeline.run_day`` with the offline summarizer,
no site and no delivery. Every PDF and HTML fetch "fails" (the fetcher is replaced by the
abstract fallback), so each paper is stored with its abstract only: the case where the
store's own overhead shows most. Both revisions run the same driver, each in a fresh
process, interleaved; the baseline's ``src/`` is taken with ``git archive``.

Measured per run:

- store time: wall time spent inside public ``Store`` methods (outermost calls only);
- run time: the whole ``run_day``;
- transactions: ``BEGIN`` statements the store issued;
- database size after the run (``dailypapers.db`` with its WAL checkpointed), per table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "hf_daily"
CACHE = ROOT / "bench" / ".cache"
DAY = "2026-03-02"


def make_input(papers: int, path: Path) -> None:
    """A daily_papers answer of ``papers`` items cloned from the recorded days."""
    items: list[dict[str, Any]] = []
    for file in sorted(DATA.glob("*.json")):
        items.extend(json.loads(file.read_text(encoding="utf-8")))
    if not items:
        raise SystemExit(f"no recorded days under {DATA}")
    out = []
    for n in range(papers):
        item = json.loads(json.dumps(items[n % len(items)]))
        new_id = f"2603.{n:05d}"
        item["paper"]["id"] = new_id
        item["paper"]["title"] = f"{item['paper'].get('title', '')} ({n // len(items)})"
        if "title" in item:
            item["title"] = item["paper"]["title"]
        out.append(item)
    path.write_text(json.dumps(out), encoding="utf-8")


def baseline_src(rev: str) -> Path:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], check=True,
                         capture_output=True, text=True).stdout.strip()
    target = CACHE / f"src-{sha[:10]}"
    if not (target / "src" / "dailypapers").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as tar:
            subprocess.run(["git", "-C", str(ROOT), "archive", sha, "src"], check=True,
                           stdout=tar)
            tar.seek(0)
            with tarfile.open(fileobj=tar) as archive:
                archive.extractall(target, filter="data")
    return target / "src"


# --------------------------------------------------------------------------- the driver


def child(src: str, input_path: str, work: str) -> dict[str, Any]:
    sys.path.insert(0, src)
    import sqlite3

    from dailypapers import pipeline
    from dailypapers.config import load_settings
    from dailypapers.fulltext import FullTextFetcher, abstract_fulltext
    from dailypapers.models import FullText, Paper
    from dailypapers.store import Store

    def no_pdf(self: Any, paper: Paper) -> FullText:
        return abstract_fulltext(paper, ["pdf: HTTP 404 (bench)", "html: HTTP 404 (bench)"])

    FullTextFetcher.fetch = no_pdf  # type: ignore[method-assign]

    clock = {"seconds": 0.0, "depth": 0, "calls": 0}

    def timed(fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if clock["depth"]:
                return fn(*args, **kwargs)
            clock["depth"] = 1
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                clock["seconds"] += time.perf_counter() - started
                clock["depth"] = 0
                clock["calls"] += 1
        return wrapper

    for name in dir(Store):
        attr = getattr(Store, name)
        if name.startswith("_") or not callable(attr) or isinstance(attr, type):
            continue
        if name in ("close", "transaction"):
            continue
        setattr(Store, name, timed(attr))

    settings = load_settings(work, source="file", site=False, channels=[], podcast=False)
    begins = [0]
    started = time.perf_counter()
    with Store(settings.db_path) as store:
        store.conn.set_trace_callback(
            lambda s: begins.__setitem__(0, begins[0] + s.lstrip().upper().startswith("BEGIN"))
        )
        report = pipeline.run_day(store, settings, DAY, source_input=input_path, deliver=False)
    run_seconds = time.perf_counter() - started
    db = Path(settings.db_path)
    size = db.stat().st_size + sum(
        p.stat().st_size for p in db.parent.glob(db.name + "-*") if p.exists()
    )
    conn = sqlite3.connect(db)
    tables = dict(conn.execute(
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
    ).fetchall())
    conn.close()
    return {
        "status": report.status, "papers": report.papers, "run_s": run_seconds,
        "store_s": clock["seconds"], "store_calls": clock["calls"], "transactions": begins[0],
        "db_bytes": size, "tables": tables,
    }


def run_child(src: Path, input_path: Path) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-store-", dir=CACHE))
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(src), str(input_path), str(work)],
            check=True, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(src)},
        ).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="a8a5dde")
    parser.add_argument("--child", nargs=3, metavar=("SRC", "INPUT", "WORK"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    input_path = CACHE / f"store-day-{args.papers}.json"
    if not input_path.exists():
        make_input(args.papers, input_path)
    sources = {"baseline": baseline_src(args.baseline), "current": ROOT / "src"}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in sources}
    print(f"load before: {os.getloadavg()}")
    for k in range(args.rounds):
        for name, src in sources.items():
            result = run_child(src, input_path)
            results[name].append(result)
            print(f"round {k + 1} {name}: run {result['run_s']:.2f}s, store "
                  f"{result['store_s']:.2f}s, {result['transactions']} transactions, "
                  f"{result['db_bytes'] / 1e6:.2f} MB ({result['status']})", flush=True)
    print(f"load after: {os.getloadavg()}")
    med = {
        name: {key: statistics.median(r[key] for r in rs)
               for key in ("run_s", "store_s", "transactions", "db_bytes")}
        for name, rs in results.items()
    }
    per_k = 1000 / args.papers
    print("\n| revision | run s | store s | transactions | DB MB | DB MB / 1,000 papers |")
    print("|---|---|---|---|---|---|")
    for name, m in med.items():
        print(f"| {name} | {m['run_s']:.2f} | {m['store_s']:.2f} | {m['transactions']:.0f} | "
              f"{m['db_bytes'] / 1e6:.2f} | {m['db_bytes'] / 1e6 * per_k:.2f} |")
    base, cur = med["baseline"], med["current"]
    print(f"\nstore time ratio {cur['store_s'] / base['store_s']:.2f}, "
          f"size ratio {cur['db_bytes'] / base['db_bytes']:.2f}")
    for name, rs in results.items():
        top = sorted(rs[-1]["tables"].items(), key=lambda kv: -kv[1])[:8]
        print(f"{name} tables: " + ", ".join(f"{t} {b / 1e6:.2f} MB" for t, b in top))


if __name__ == "__main__":
    main()
