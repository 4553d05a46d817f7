"""Benchmark: a 10-PDF offline day, full texts then summaries one after the other (before)
against the prefetching day (extraction of paper k+1 overlaps summarizing paper k), same run.

    .venv/bin/python bench/day_cpus.py [--pdfs DIR] [--papers 10] [--rounds 3]

Each measurement starts from an empty working directory: the PDFs are downloaded from a
server on 127.0.0.1 (no pacing), extracted in the worker process, summarized with the
offline extractive summarizer and verified, exactly as ``run_day`` does between collect and
publish. Prints the median wall time of each, their ratio, and the CPU time (this process
and its children) over the wall time: 2.0 would be both CPUs busy all the time.
Default PDF_DIR: ../shared/data/pdfs (the day cycles through its PDFs under new ids).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from dailypapers import prefetch
from dailypapers.config import Settings, load_settings
from dailypapers.models import DayEntry, DayList, Paper
from dailypapers.pipeline import RunReport, fetch_fulltexts, summarize_day
from dailypapers.prefetch import prefetch_fulltexts
from dailypapers.store import Store
from dailypapers.summarize import get_summarizer

DATE = "2026-01-15"
_PDF_PATH = re.compile(r"^/pdf/(\d{4}\.\d{5})v1$")


def serve(pdfs: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            match = _PDF_PATH.match(self.path)
            body = pdfs.get(match.group(1)) if match else None
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def day_of(ids: list[str]) -> DayList:
    entries = [DayEntry(Paper(arxiv_id=arxiv_id, version=1, title=f"Benchmark paper {n}",
                              abstract=""), rank=n) for n, arxiv_id in enumerate(ids, 1)]
    return DayList(date=DATE, source="hf-daily", entries=entries)


def serial(store: Store, settings: Settings) -> RunReport:
    """Before: every full text first, then every summary (what run_day did)."""
    report = RunReport(date=DATE)
    texts = fetch_fulltexts(store, settings, DATE, report)
    return summarize_day(store, settings, DATE, summarizer=get_summarizer("extractive", settings),
                         fulltexts=texts, report=report)


def overlapped(store: Store, settings: Settings, threads: int = prefetch.FETCH_THREADS
               ) -> RunReport:
    """Now: texts prefetched in the background while earlier papers are summarized."""
    prefetch.FETCH_THREADS = threads
    report = RunReport(date=DATE)
    with prefetch_fulltexts(store, settings, DATE, report.fulltext_fallbacks) as texts:
        return summarize_day(store, settings, DATE,
                             summarizer=get_summarizer("extractive", settings),
                             fulltexts=texts, report=report)


def cpu() -> float:
    me, kids = os.times()[:2], os.times()[2:4]
    return sum(me) + sum(kids)


def measure(run: Callable[[Store, Settings], RunReport], base: str, ids: list[str]
            ) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="dp-bench-") as tmp:
        settings = load_settings(Path(tmp), arxiv_url=base, arxiv_delay=0.0, site=False)
        with Store(settings.db_path) as store:
            store.save_day(day_of(ids))
            cpu0, wall0 = cpu(), time.perf_counter()
            report = run(store, settings)
            wall = time.perf_counter() - wall0
            used = cpu() - cpu0
        if report.summarized != len(ids) or report.fulltext_fallbacks:
            sys.exit(f"bad run: {report.summarized} summarized, {report.fulltext_fallbacks}")
    return wall, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdfs"
    parser.add_argument("--pdfs", type=Path, default=default)
    parser.add_argument("--papers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.pdfs.glob("*.pdf"))
    if not files:
        sys.exit(f"no PDFs in {args.pdfs}")
    ids = [f"2601.{n:05d}" for n in range(1, args.papers + 1)]
    pdfs = {arxiv_id: files[n % len(files)].read_bytes() for n, arxiv_id in enumerate(ids)}
    server, base = serve(pdfs)
    print(f"{len(ids)} papers from {len(files)} PDFs ({sum(map(len, pdfs.values())) >> 20} MB),"
          f" {args.rounds} rounds, load before: {os.getloadavg()[0]:.2f}")
    variants: dict[str, Callable[[Store, Settings], RunReport]] = {
        "serial": serial,
        "overlap-1": lambda store, settings: overlapped(store, settings, 1),
        "overlap-2": lambda store, settings: overlapped(store, settings, 2),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(args.rounds):  # interleaved, so load changes hit each alike
        for name, run in variants.items():
            results[name].append(measure(run, base, ids))
    server.shutdown()
    walls = {name: statistics.median(w for w, _ in runs) for name, runs in results.items()}
    for name, runs in results.items():
        cpus = statistics.median(c for _, c in runs)
        print(f"{name:11s} wall {walls[name]:6.2f}s (runs: "
              f"{', '.join(f'{w:.2f}' for w, _ in runs)})  cpu {cpus:6.2f}s  "
              f"cpu/wall {cpus / walls[name]:.2f}")
    for name in ("overlap-1", "overlap-2"):
        print(f"ratio {name}/serial: {walls[name] / walls['serial']:.2f}")
    print(f"load after: {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
