"""Benchmark the sources: parsing speed and fetch overhead, each against a baseline run alongside.

    .venv/bin/python bench/bench_sources.py [--shared ../shared/data] [--repeat 20]

1. parse_daily over the 11 recorded HF days   vs  json.loads of the same bytes (decode only)
2. read_feed (expat, DTDs refused) on 100 entries  vs  ElementTree.fromstring (C parser, no
   safety hooks) + the same entry extraction
3. HFDailySource.fetch of the 11 days over HTTP on 127.0.0.1  vs  a bare GET + json.loads on
   the same kind of client (the cost of retries/paging/parsing/validation on top of HTTP)

Prints a markdown table; bench/README.md holds the results.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree as ET

import httpx2 as httpx

from dailypapers.config import Settings
from dailypapers.sources.arxiv import ATOM, parse_entry, read_feed
from dailypapers.sources.hf_daily import HFDailySource, parse_daily


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 5 else statistics.median(times)


def serve(days: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            items = json.loads(days.get(query["date"][0], b"[]"))
            limit, page = int(query.get("limit", ["100"])[0]), int(query.get("p", ["0"])[0])
            body = json.dumps(items[page * limit:(page + 1) * limit]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"
                                                / "data"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    shared = Path(args.shared)
    days = {p.stem: p.read_bytes() for p in sorted((shared / "hf_daily").glob("*.json"))}
    n_items = sum(len(json.loads(b)) for b in days.values())
    rows = []

    # 1. parse_daily vs json.loads
    decoded = {d: json.loads(b) for d, b in days.items()}
    t_json = best_of(lambda: [json.loads(b) for b in days.values()], args.repeat)
    t_parse = best_of(lambda: [parse_daily(json.loads(b), date=d) for d, b in days.items()],
                      args.repeat)
    t_parse_only = best_of(lambda: [parse_daily(v, date=d) for d, v in decoded.items()],
                           args.repeat)
    rows.append(("HF: json.loads + parse_daily, 11 days", n_items, t_parse,
                 "json.loads only", t_json))
    rows.append(("HF: parse_daily alone (decoded)", n_items, t_parse_only, "json.loads only",
                 t_json))

    # 2. safe Atom parser vs the C ElementTree parser
    feed = (shared / "arxiv" / "api" / "2026" / "search_all_testing_start0_max100.xml").read_bytes()

    def unsafe() -> None:
        root = ET.fromstring(feed)
        [parse_entry(e) for e in root.iter(f"{ATOM}entry")]

    t_safe = best_of(lambda: read_feed(feed), args.repeat)
    t_unsafe = best_of(unsafe, args.repeat)
    rows.append(("arXiv: read_feed, 100 entries (231 KB)", 100, t_safe,
                 "ET.fromstring + same extraction", t_unsafe))

    # 3. fetch over local HTTP vs bare GET + json.loads
    server = serve(days)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings = Settings(hf_url=url, http_retries=1)
    client = httpx.Client()
    source = HFDailySource(settings, client=client)

    def fetch_all() -> None:
        for date in days:
            source.fetch(date)

    def bare() -> None:
        for date in days:
            json.loads(client.get(f"{url}/api/daily_papers",
                                  params={"date": date, "limit": 100, "p": 0}).content)

    fetch_all()  # warm the connection
    t_bare = best_of(bare, max(3, args.repeat // 4))
    t_fetch = best_of(fetch_all, max(3, args.repeat // 4))
    rows.append(("HF: HFDailySource.fetch x11 days, 127.0.0.1", n_items, t_fetch,
                 "bare GET + json.loads", t_bare))
    client.close()
    server.shutdown()

    print("| what | items | time | items/s | baseline | baseline time | ratio |")
    print("|---|---|---|---|---|---|---|")
    for what, n, t, base, tb in rows:
        print(f"| {what} | {n} | {t * 1000:.1f} ms | {n / t:,.0f} | {base} | "
              f"{tb * 1000:.1f} ms | {t / tb:.2f}x |")


if __name__ == "__main__":
    main()
