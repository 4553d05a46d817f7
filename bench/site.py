"""Benchmark: the static site at 10^5 papers (full build, one new day, page weight, search bytes).

    .venv/bin/python bench/site.py                      # 100,000 papers over 10 years
    .venv/bin/python bench/site.py --papers 20000       # smaller, quicker
    .venv/bin/python bench/site.py --compare main       # also main's code, same run, same store
    .venv/bin/python bench/site.py --browser            # also measure a search in chromium

The synthetic store is made once with the store's own API and kept in
``bench/.cache/site-<papers>/`` (delete it to regenerate). Each code measured (this tree's
``src/``, and with ``--compare REV`` that revision's, taken with ``git archive``) runs in a
fresh interpreter on its own copy of the store, in ``bench/.cache/site-<papers>-<name>/``,
whose site index (a cache) is kept from run to run as a user's would be. Measured:

1. full build into an empty site folder: CPU of the process and its workers (target <= 60
   CPU-s), and wall time;
2. publishing one new day incrementally (target <= 2 s), against the baseline of a full
   rebuild over the existing site after adding the same day (what a naive publisher does);
3. the home page plus the assets it loads (target <= 300 KB);
4. the bytes a first search loads (target <= 1 MB), computed by replaying search.js's
   requests for several queries; with --browser, measured in headless chromium too.

The previous run's site is moved aside, not deleted, before a build and removed at the end:
on this machine's ext4, creating files soon after many were deleted costs several times the
system time (the kernel skips recently freed inodes one by one), which the build would be
charged for.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The code measured: this tree's, or (set by --compare for its child) another revision's.
SRC = Path(os.environ.get("BENCH_SITE_SRC") or ROOT / "src")
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(ROOT / "tests"))  # fakes.days.store_day: the one day builder

from fakes.days import Item, store_day  # noqa: E402

from dailypapers.config import Settings, load_settings  # noqa: E402
from dailypapers.models import (  # noqa: E402
    CheckedItem,
    Paper,
    Summary,
    Verification,
)
from dailypapers.render.site import build_site  # noqa: E402
from dailypapers.store import Store  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "vin", "dor", "al", "pe", "gra", "ne", "tor",
             "qui", "zen", "ba", "cro", "fu", "lem", "sy", "ox", "ter", "na", "mod", "el"]
FIRST = ["Wei", "Anna", "José", "Zoë", "Li", "Amir", "Olga", "Kenji", "Fatima", "Lars", "Priya",
         "Jürgen", "Chen", "Maria", "Noah", "Sofia", "Yuki", "Omar", "Ines", "Raj"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


class Corpus:
    """A Zipf-ish vocabulary so common words are common, as in real abstracts."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = list(dict.fromkeys(_word(self.rng) for _ in range(12000)))
        self.weights = list(itertools.accumulate(1 / (n + 1) for n in range(len(self.words))))
        self.keywords = [" ".join(self.rng.sample(self.words[:3000], 2)) for _ in range(3000)]
        self.kw_weights = list(
            itertools.accumulate(1 / (n + 1) ** 0.8 for n in range(len(self.keywords))))
        self.surnames = [_word(self.rng).capitalize() for _ in range(20000)]

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.weights, k=n))

    def sentence(self, lo: int, hi: int) -> str:
        return self.text(self.rng.randint(lo, hi)).capitalize() + " with 88.5% on 1,024 tasks."

    def paper(self, arxiv_id: str) -> tuple[Paper, Summary, Verification]:
        rng = self.rng
        title = self.text(rng.randint(6, 12)).title()
        authors = [f"{rng.choice(FIRST)} {rng.choice(self.surnames)}"
                   for _ in range(rng.randint(2, 9))]
        keywords = list(dict.fromkeys(rng.choices(self.keywords, cum_weights=self.kw_weights, k=4)))
        paper = Paper(arxiv_id=arxiv_id, title=title, abstract=self.sentence(120, 180),
                      authors=authors, ai_keywords=keywords[:2], version=1,
                      github_repo=f"https://github.com/x/{arxiv_id}" if rng.random() < .3 else None)
        summary = Summary(
            arxiv_id=arxiv_id, one_line=self.sentence(12, 20), objective=self.sentence(15, 25),
            method=self.sentence(20, 35), results=self.sentence(20, 35),
            implication=self.sentence(12, 25), keywords=keywords[2:] or keywords[:1],
            backend="extractive", source="pdf", version=1,
        )
        verification = Verification(items=[
            CheckedItem(text="88.5%", kind="percent", status="grounded", part="results",
                        snippet="reaches 88.5 % on held-out tasks"),
            CheckedItem(text="1,024", kind="number", status="grounded", part="results",
                        snippet="on 1024 tasks"),
        ], source="pdf")
        return paper, summary, verification


def weekdays(start: date, count: int) -> list[str]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def add_day(store: Store, corpus: Corpus, day: str, ids: list[str]) -> None:
    made: list[Item] = [corpus.paper(i) for i in ids]
    store_day(store, day, made, upvotes=[corpus.rng.randint(0, 300) for _ in made])


def make_store(work: Path, papers: int, years: int) -> tuple[Settings, list[str]]:
    settings = load_settings(work)
    days = weekdays(date(2016, 1, 4), years * 260)
    marker = work / "complete"
    if marker.exists():
        return settings, days
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    corpus = Corpus()
    per_day = papers // len(days)
    extra = papers - per_day * len(days)
    started, n = time.perf_counter(), 0
    with Store(settings.db_path) as store:
        # A throwaway bench store: no fsync per transaction (the store's API is still used).
        store.conn.execute("PRAGMA synchronous = OFF")
        for k, day in enumerate(days):
            count = per_day + (1 if k < extra else 0)
            ids = [f"{day[2:4]}{day[5:7]}.{n + i:05d}" for i in range(count)]
            n += count
            add_day(store, corpus, day, ids)
            if k % 250 == 0:
                print(f"  store: {k}/{len(days)} days, {n} papers, "
                      f"{time.perf_counter() - started:.0f}s", flush=True)
    marker.write_text(str(papers))
    return settings, days


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _bench_search() -> Any:
    """bench/search.py as a module: it replays what search.js loads and owns the queries."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec and spec.loader
    search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search)
    return search


def first_search_bytes(site: Path, query: str) -> tuple[int, int]:
    """(bytes, results) that search.js loads for a first search of ``query``
    (replayed by ``bench/search.py``, which also knows the index's older layout)."""
    size, hits, _matched = _bench_search().Replay(site).search(query)
    return size, hits


def browser_search(site: Path, query: str) -> tuple[int, int]:
    """Bytes chromium transfers for search.html?q=query over a local HTTP server."""
    import threading

    from playwright.sync_api import sync_playwright

    from dailypapers.cli.site import make_server

    server = make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    total = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            sizes: list[int] = []
            page.on("response", lambda r: sizes.append(len(r.body())))
            url = f"http://127.0.0.1:{server.server_address[1]}/search.html?q={query}"
            page.goto(url)
            page.wait_for_function(
                "document.getElementById('search-status').textContent.includes('match')")
            page.wait_for_load_state("networkidle")
            shown = page.locator("#search-results li").count()
            total = sum(sizes)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return total, shown


def cpu_since(before: os.times_result) -> tuple[float, float]:
    """(user, system) CPU-s of this process and its waited-for workers since ``before``."""
    after = os.times()
    return (after.user - before.user + after.children_user - before.children_user,
            after.system - before.system + after.children_system - before.children_system)


def set_aside(site: Path) -> None:
    """Move the last run's site out of the way; ``clean_aside`` deletes it at the very end."""
    if site.exists():
        site.rename(site.with_name(f"old-site-{time.time_ns()}"))


def clean_aside(work: Path) -> None:
    for old in work.glob("old-site-*"):
        shutil.rmtree(old, ignore_errors=True)


def measure(work: Path, naive: bool) -> dict[str, Any]:
    """In this interpreter (code from SRC): a full build of the store in ``work`` without its
    newest day, then that day published incrementally (and, with ``naive``, by a full
    rebuild). The numbers, as a dict."""
    settings = load_settings(work)
    out: dict[str, Any] = {"src": str(SRC), "cpus": os.cpu_count()}
    with Store(settings.db_path) as store:
        # The store holds every day; the newest is "tomorrow's", published after the build.
        newest = store.conn.execute("SELECT max(date) FROM day_lists").fetchone()[0]
        newest_ids = [i for i, _ in store.conn.execute(
            "SELECT arxiv_id, rank FROM day_papers WHERE date=? ORDER BY rank", (newest,))]
        store.conn.execute("DELETE FROM day_papers WHERE date=?", (newest,))
        store.conn.execute("DELETE FROM day_lists WHERE date=?", (newest,))
        set_aside(work / "site")
        out["load_full"] = os.getloadavg()[0]
        before, started = os.times(), time.perf_counter()
        report = build_site(store, settings)
        out["full_wall"] = time.perf_counter() - started
        out["full_user"], out["full_sys"] = cpu_since(before)
        out["full_line"] = report.line()
        out["pages"], out["files"] = report.papers, report.written
        print(report.line(), flush=True)
        print(f"full build: {out['full_user'] + out['full_sys']:.1f} CPU-s (user "
              f"{out['full_user']:.1f}, system {out['full_sys']:.1f}; parent and workers)",
              flush=True)

        ids = [f"{newest[2:4]}{newest[5:7]}.9{n:04d}" for n in range(len(newest_ids) or 40)]
        add_day(store, Corpus(seed=99), newest, ids)
        out["load_day"] = os.getloadavg()[0]
        before, started = os.times(), time.perf_counter()
        report = build_site(store, settings, dates=[newest])
        out["day_wall"] = time.perf_counter() - started
        out["day_user"], out["day_sys"] = cpu_since(before)
        out["day_written"], out["day_unchanged"] = report.written, report.unchanged
        print(report.line(), flush=True)
        if naive:  # the same new day, published by a full rebuild (write-if-changed still on)
            store.conn.execute("DELETE FROM day_papers WHERE date=?", (newest,))
            store.conn.execute("DELETE FROM day_lists WHERE date=?", (newest,))
            build_site(store, settings, dates=[newest])
            add_day(store, Corpus(seed=99), newest, ids)
            started = time.perf_counter()
            report = build_site(store, settings)
            out["naive_wall"] = time.perf_counter() - started
            out["naive_written"] = report.written
            print(report.line(), flush=True)
    return out


def code_of(rev: str) -> Path:
    """``src/`` of git revision ``rev``, extracted into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-site-"))
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def copy_store(work: Path, target: Path) -> None:
    """The bench store into ``target`` (its site index and site stay: caches)."""
    target.mkdir(parents=True, exist_ok=True)
    db = target / "dailypapers.db"
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    with sqlite3.connect(work / "dailypapers.db") as source, sqlite3.connect(db) as copy:
        source.backup(copy)


def run_child(src: Path, work: Path, naive: bool, verbose: bool) -> dict[str, Any]:
    """``measure`` in a fresh interpreter running the code in ``src``."""
    env = {**os.environ, "BENCH_SITE_SRC": str(src)}
    args = [sys.executable, str(Path(__file__).resolve()), "--child", str(work)]
    args += ["--naive"] * naive + ["-v"] * verbose
    proc = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True)
    lines = proc.stdout.splitlines()
    print("\n".join(f"    {line}" for line in lines[:-1]), flush=True)
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--compare", metavar="REV",
                        help="also measure the code of this git revision (same store, same run)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --compare: measure both this many times, alternating")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="leave out the full rebuild that publishing one day is compared with")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each build step")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verbose:
        import logging

        logging.basicConfig(format="%(relativeCreated)8.0f ms %(message)s", stream=sys.stdout)
        logging.getLogger("dailypapers.render.site").setLevel(logging.DEBUG)
    if args.child:
        print(json.dumps(measure(args.child, args.naive)))
        return
    work = ROOT / "bench" / ".cache" / f"site-{args.papers}"
    t0 = time.perf_counter()
    make_store(work, args.papers, args.years)
    print(f"store ready in {time.perf_counter() - t0:.0f}s: {work}")
    codes = [("this tree", work.with_name(f"{work.name}-tree"), SRC)]
    if args.compare:
        rev = subprocess.run(["git", "rev-parse", "--short", args.compare], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
        codes.insert(0, (f"{args.compare} ({rev})", work.with_name(f"{work.name}-{rev}"),
                         code_of(rev)))
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, _w, _s in codes}
    try:
        for n in range(max(1, args.rounds) if args.compare else 1):
            for label, target, src in codes if n % 2 == 0 else codes[::-1]:
                print(f"{label}: {src}", flush=True)
                copy_store(work, target)
                results[label].append(run_child(
                    src, target, naive=not args.skip_baseline and label == "this tree",
                    verbose=args.verbose))
    finally:
        for _label, target, src in codes:
            clean_aside(target)
            if src != SRC:
                shutil.rmtree(src.parent, ignore_errors=True)
    print()
    print(report_rows(results, work, codes[-1][1] / "site", args.browser))


def report_rows(results: dict[str, list[dict[str, Any]]], work: Path, site: Path,
                browser: bool) -> str:
    rows: list[tuple[str, ...]] = []
    labels = list(results)
    for label in labels:
        for run in results[label]:
            cpu = run["full_user"] + run["full_sys"]
            rows.append((f"{label}: full build from scratch", f"{cpu:.1f} CPU-s",
                         f"user {run['full_user']:.1f} + system {run['full_sys']:.1f}; "
                         f"{run['full_wall']:.0f} s wall on {run['cpus']} CPUs, load "
                         f"{run['load_full']:.1f} before; {run['pages']:,} paper pages, "
                         f"{run['files']:,} files", "<= 60 CPU-s"))
            rows.append((f"{label}: publish one new day (incremental)",
                         f"{run['day_wall']:.2f} s",
                         f"{run['day_user'] + run['day_sys']:.2f} CPU-s; "
                         f"{run['day_written']} files written, {run['day_unchanged']} "
                         f"unchanged; load {run['load_day']:.1f} before", "<= 2 s"))
            if "naive_wall" in run:
                rows.append(("baseline: same day by full rebuild", f"{run['naive_wall']:.1f} s",
                             f"{run['naive_written']} files written; ratio "
                             f"{run['naive_wall'] / run['day_wall']:.0f}x", ""))
    if len(labels) == 2:
        def best(label: str, key: str) -> float:
            return min(float(r[key] if key != "full" else r["full_user"] + r["full_sys"])
                       for r in results[label])
        for key, what in (("full", "full build CPU"), ("day_wall", "one new day, wall")):
            old, new = best(labels[0], key), best(labels[1], key)
            rows.append((f"ratio, {what} (best of each)", f"{new / old:.2f}x",
                         f"{old:.2f} -> {new:.2f}", ""))

    home = sum((site / p).stat().st_size for p in
               ("index.html", "static/site.css", "static/favicon.svg"))
    rows.append(("home page + assets", kb(home), "index.html, site.css, favicon.svg",
                 "<= 300 KB"))
    queries = _bench_search().queries(work)
    for label, query in queries.items():
        size, hits = first_search_bytes(site, query)
        rows.append((f"first search: {label}", kb(size), f"'{query}': {hits:,} results",
                     "<= 1 MB"))
    if browser:
        size, shown = browser_search(site, queries["a title word (newest paper)"])
        rows.append(("chromium: first search, title word", kb(size),
                     f"{shown} results shown, bytes of all responses", "<= 1 MB"))
    parts: dict[str, list[int]] = {}
    for path in site.rglob("*"):
        if path.is_file():
            rel = path.relative_to(site).as_posix()
            top = rel.split("/")[0] if "/" in rel else "top-level files"
            kind = f"{top} ({path.suffix})" if top in ("days", "tags") else top
            part = parts.setdefault(kind, [0, 0])
            part[0] += 1
            part[1] += path.stat().st_size
    files, size = sum(n for n, _b in parts.values()), sum(b for _n, b in parts.values())
    rows.append(("whole site", f"{size / 1e6:,.0f} MB", f"{files:,} files; " + ", ".join(
        f"{kind} {b / 1e6:,.0f} MB in {n:,}" for kind, (n, b) in
        sorted(parts.items(), key=lambda kv: -kv[1][1])), "< 1 GB, < 200,000 files"))
    return "\n".join(["| what | result | detail | target |", "|---|---|---|---|",
                      *("| " + " | ".join(row) + " |" for row in rows)])


if __name__ == "__main__":
    main()
