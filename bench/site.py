"""Benchmark: the static site at 10^5 papers (full build, one new day, page weight, search bytes).

    .venv/bin/python bench/site.py                      # 100,000 papers over 10 years
    .venv/bin/python bench/site.py --papers 20000       # smaller, quicker
    .venv/bin/python bench/site.py --browser            # also measure a search in chromium

The synthetic store is made once with the store's own API and kept in
``bench/.cache/site-<papers>/`` (delete it to regenerate). Measured:

1. full build into an empty site folder (target <= 60 s);
2. publishing one new day incrementally (target <= 2 s), against the baseline of a full
   rebuild over the existing site after adding the same day (what a naive publisher does);
3. the home page plus the assets it loads (target <= 300 KB);
4. the bytes a first search loads (target <= 1 MB), computed by replaying search.js's
   requests for several queries; with --browser, measured in headless chromium too.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
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
        # A throwaway bench store: no fsync per transaction (the store's API is still used),
        # and no full-text search rows, which the site never reads: the store deletes a
        # paper's old FTS row by an UNINDEXED column, a scan of the whole table per paper,
        # which makes bulk-loading 10^5 papers quadratic (hours).
        store.conn.execute("PRAGMA synchronous = OFF")
        store._index_paper = lambda conn, arxiv_id: None  # type: ignore[method-assign]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="leave out the full rebuild that publishing one day is compared with")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each build step")
    args = parser.parse_args()
    if args.verbose:
        import logging

        logging.basicConfig(format="%(relativeCreated)8.0f ms %(message)s")
        logging.getLogger("dailypapers.render.site").setLevel(logging.DEBUG)
    work = ROOT / "bench" / ".cache" / f"site-{args.papers}"
    t0 = time.perf_counter()
    settings, days = make_store(work, args.papers, args.years)
    print(f"store ready in {time.perf_counter() - t0:.0f}s: {work}")
    site = work / "site"
    rows: list[tuple[str, str, str, str]] = []

    # The store holds all days but the last; the last is "tomorrow's" day, published later.
    with Store(settings.db_path) as store:
        newest = days[-1]
        newest_ids = [i for i, _ in store.conn.execute(
            "SELECT arxiv_id, rank FROM day_papers WHERE date=? ORDER BY rank", (newest,))]
        if newest_ids:
            store.conn.execute("DELETE FROM day_papers WHERE date=?", (newest,))
            store.conn.execute("DELETE FROM day_lists WHERE date=?", (newest,))
        shutil.rmtree(site, ignore_errors=True)
        load = os.getloadavg()[0]
        before = os.times()
        report = build_site(store, settings)
        after = os.times()
        cpu = sum(getattr(after, k) - getattr(before, k)
                  for k in ("user", "system", "children_user", "children_system"))
        print(report.line())
        print(f"full build: {cpu:.1f} CPU-s (user+sys, parent and workers)", flush=True)
        rows.append(("full build from scratch", f"{report.seconds:.1f} s",
                     f"{report.papers:,} paper pages, {report.written:,} files; "
                     f"{cpu:.0f} CPU-s on {os.cpu_count()} CPUs, load {load:.1f} before",
                     "<= 60 s"))

        corpus = Corpus(seed=99)
        add_day(store, corpus, newest, [f"{newest[2:4]}{newest[5:7]}.9{n:04d}"
                                        for n in range(len(newest_ids) or 40)])
        started, before = time.perf_counter(), os.times()
        report = build_site(store, settings, dates=[newest])
        one_day, after = time.perf_counter() - started, os.times()
        print(report.line(), flush=True)
        rows.append(("publish one new day (incremental)", f"{one_day:.2f} s",
                     f"{report.written} files written, {report.unchanged} unchanged; "
                     f"{after.user - before.user + after.system - before.system:.2f} CPU-s, "
                     f"load {os.getloadavg()[0]:.1f}", "<= 2 s"))
        # Baseline: same new day, published by a full rebuild (write-if-changed still on).
        if not args.skip_baseline:
            store.conn.execute("DELETE FROM day_papers WHERE date=?", (newest,))
            store.conn.execute("DELETE FROM day_lists WHERE date=?", (newest,))
            build_site(store, settings, dates=[newest])
            add_day(store, Corpus(seed=99), newest, [f"{newest[2:4]}{newest[5:7]}.9{n:04d}"
                                                     for n in range(len(newest_ids) or 40)])
            started = time.perf_counter()
            baseline = build_site(store, settings)
            full_again = time.perf_counter() - started
            print(baseline.line())
            rows.append(("baseline: same day by full rebuild", f"{full_again:.1f} s",
                         f"{baseline.written} files written; ratio {full_again / one_day:.0f}x",
                         ""))

    home = sum((site / p).stat().st_size for p in
               ("index.html", "static/site.css", "static/favicon.svg"))
    rows.append(("home page + assets", kb(home), "index.html, site.css, favicon.svg",
                 "<= 300 KB"))
    queries = _bench_search().queries(work)
    for label, query in queries.items():
        size, hits = first_search_bytes(site, query)
        rows.append((f"first search: {label}", kb(size), f"'{query}': {hits:,} results",
                     "<= 1 MB"))
    if args.browser:
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
    print()
    print("| what | result | detail | target |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
