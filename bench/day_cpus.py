"""Benchmark: a 10-PDF offline day, full texts then summaries one after the other (before
issue 14) against today's day (workers started ahead, texts prefetched while the papers
before them are summarized), in the same run.

    .venv/bin/python bench/day_cpus.py [--pdfs DIR] [--papers 10] [--rounds 5]

Every measurement runs in a fresh Python process (nothing warm carries over: no imported
PDFium, no fork server) with its own empty working directory; the day's list is stored,
then the clock starts and the process does what ``run_day`` does between collect and
publish: download from a server on 127.0.0.1 (no pacing), extraction in worker processes,
the offline extractive summary, verification, store writes. Variants, interleaved round by
round so that load changes hit each alike:

- ``serial``: the order before issue 14 (every text, then every summary; one worker
  process started with ``spawn`` when the first PDF is extracted) - the baseline;
- ``prefetch-spawn``: two fetch threads and two spawned workers, texts read as the summary
  reaches them (the previous state);
- ``today``: what ``run_day`` does now: two workers forked from the extraction server when
  the stage starts (``prefetch.start_workers``), three fetch threads that hold a worker only
  while they extract (a download overlaps the extractions), texts read as above.

Prints each variant's median wall time, its ratio to ``serial``, and its CPU time (this
process and every descendant, read from /proc, so workers forked by the fork server count
too) over the wall time: 2.0 would be both CPUs busy all the time.
Default PDF_DIR: ../shared/data/pdfs (the day cycles through its PDFs under new ids).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Nothing of dailypapers is imported at module level: a spawned worker imports this module
# again (as the CLI's workers import the small `dailypapers` script), and the measurement
# must not charge the workers for the benchmark's own imports.

DATE = "2026-01-15"
_PDF_PATH = re.compile(r"^/pdf/(\d{4}\.\d{5})v1$")
VARIANTS = ("serial", "prefetch-spawn", "today")


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


def tree_cpu() -> float:
    """CPU seconds of this process and all its descendants, living or reaped."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        # After the name: state ppid ...; utime stime cutime cstime are fields 14-17.
        stats[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / tick)
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _) in stats.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return sum(stats[pid][1] for pid in mine if pid in stats)


def run_one(variant: str, base: str, ids: list[str]) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    from dailypapers import prefetch
    from dailypapers.config import load_settings
    from dailypapers.fulltext import worker
    from dailypapers.models import DayEntry, DayList, Paper
    from dailypapers.pipeline import RunReport, summarize_day
    from dailypapers.store import Store
    from dailypapers.summarize import get_summarizer

    if variant in ("serial", "prefetch-spawn"):  # the workers as they were started before
        import multiprocessing

        worker._context = lambda: multiprocessing.get_context("spawn")  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="dp-bench-") as tmp:
        settings = load_settings(Path(tmp), arxiv_url=base, arxiv_delay=0.0, site=False)
        entries = [DayEntry(Paper(arxiv_id=arxiv_id, version=1, title=f"Benchmark paper {n}",
                                  abstract=""), rank=n) for n, arxiv_id in enumerate(ids, 1)]
        with Store(settings.db_path) as store:
            store.save_day(DayList(date=DATE, source="hf-daily", entries=entries))
            summarizer = get_summarizer("extractive", settings)
            report = RunReport(date=DATE)
            cpu0, wall0, own0 = tree_cpu(), time.perf_counter(), sum(os.times()[:2])
            if variant == "serial":
                with prefetch.prefetch_fulltexts(store, settings, DATE,
                                                 report.fulltext_fallbacks, threads=1) as texts:
                    texts.settle()
                summarize_day(store, settings, DATE, summarizer=summarizer,
                              fulltexts=dict(texts), report=report)
            else:
                workers = prefetch.start_workers(settings) if variant == "today" else None
                threads = 2 if variant == "prefetch-spawn" else None  # a worker each
                try:
                    with prefetch.prefetch_fulltexts(store, settings, DATE,
                                                     report.fulltext_fallbacks,
                                                     workers=workers, threads=threads) as texts:
                        summarize_day(store, settings, DATE, summarizer=summarizer,
                                      fulltexts=texts, report=report)
                finally:
                    if workers is not None:
                        workers.close()
            wall = time.perf_counter() - wall0
            used = tree_cpu() - cpu0
            own = sum(os.times()[:2]) - own0
    if report.summarized != len(ids) or report.fulltext_fallbacks:
        sys.exit(f"bad run: {report.summarized} summarized, {report.fulltext_fallbacks}")
    return {"wall": wall, "cpu": used, "main": own}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdfs"
    parser.add_argument("--pdfs", type=Path, default=default)
    parser.add_argument("--papers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one", nargs=2, metavar=("VARIANT", "BASE_URL"),
                        help=argparse.SUPPRESS)  # a single measurement (the child process)
    args = parser.parse_args()
    ids = [f"2601.{n:05d}" for n in range(1, args.papers + 1)]
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], ids)))
        return
    files = sorted(args.pdfs.glob("*.pdf"))
    if not files:
        sys.exit(f"no PDFs in {args.pdfs}")
    pdfs = {arxiv_id: files[n % len(files)].read_bytes() for n, arxiv_id in enumerate(ids)}
    server, base = serve(pdfs)
    print(f"{len(ids)} papers from {len(files)} PDFs ({sum(map(len, pdfs.values())) >> 20} MB),"
          f" {args.rounds} rounds, load before: {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name in VARIANTS:
            done = subprocess.run(
                [sys.executable, __file__, "--papers", str(args.papers), "--one", name, base],
                capture_output=True, text=True, check=False)
            if done.returncode:
                sys.exit(f"{name} failed: {done.stderr[-2000:]}")
            results[name].append(json.loads(done.stdout.splitlines()[-1]))
    server.shutdown()
    walls = {name: statistics.median(r["wall"] for r in runs) for name, runs in results.items()}
    for name, runs in results.items():
        cpus = statistics.median(r["cpu"] for r in runs)
        main_cpu = statistics.median(r["main"] for r in runs)
        each = ", ".join(f"{r['wall']:.2f}" for r in runs)
        print(f"{name:15s} wall {walls[name]:6.2f}s (runs: {each})  cpu {cpus:6.2f}s "
              f"(main process {main_cpu:.2f}s)  "
              f"cpu/wall {cpus / walls[name]:.2f}  vs serial {walls[name] / walls['serial']:.2f}")
    ratios = [t["wall"] / s["wall"] for t, s in zip(results["today"], results["serial"],
                                                     strict=True)]
    print(f"today/serial per round: {', '.join(f'{r:.2f}' for r in ratios)}"
          f" (median {statistics.median(ratios):.2f})")
    print(f"load after: {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
