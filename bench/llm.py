"""Throughput of the openai summarizer against a loopback server with a fixed answer delay.

    .venv/bin/python bench/llm.py [--papers 50] [--delay 0.5] [--rpm-run/--no-rpm-run]

For C = 1, 8 and 32 (Settings.concurrency), 50 papers go through
``OpenAISummarizer.summarize_many`` (real SDK, real HTTP, the real verifier) against a server
on 127.0.0.1 that answers every request after ``delay`` seconds. The ideal wall time is
ceil(papers / C) x delay; the target is <= 1.15 x ideal. C = 1 is the baseline: one paper
at a time, as the reference system did (without its 60 s sleep). The server records how many
requests were in flight and when each arrived, so the run also checks that at most C were
in flight and that no 60-second window saw more requests than requests_per_minute.

The RPM run sets requests_per_minute below the number of papers, so the limiter must hold
the rest back for a minute: it takes about a minute by design.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import multiprocessing
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dailypapers.config import Settings
from dailypapers.models import FullText, Paper, Section
from dailypapers.summarize.openai_backend import OpenAISummarizer

ANSWER = {
    "one_line": "The paper introduces TinyNet, a small vision model.",
    "objective": "It asks whether a 7B model can match larger ones on ImageNet.",
    "method": "TinyNet distills a teacher into 7B parameters with a new loss.",
    "results": "TinyNet reaches 88.5% top-1 accuracy on ImageNet, 2.3 points above the baseline.",
    "implication": "Practitioners can deploy a smaller model at similar accuracy.",
    "keywords": ["distillation", "vision"],
}
TEXT = (
    "Abstract. We introduce TinyNet, a 7B vision model. TinyNet reaches 88.5% top-1 "
    "accuracy on ImageNet, 2.3 points above the baseline. " + "We study small models. " * 200
)


class Recorder:
    """Server-side counters: requests in flight (max) and arrival times."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[float] = []

    def reset(self) -> None:
        with self.lock:
            self.in_flight = self.max_in_flight = 0
            self.arrivals = []

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {"max_in_flight": self.max_in_flight, "arrivals": list(self.arrivals)}


def _serve_forever(delay: float, port_out: Any) -> None:
    """The fake OpenAI-compatible server; runs in its own process so that its work never
    competes with the client for the GIL (a real server is another machine)."""
    recorder = Recorder(delay)
    body = json.dumps({
        "id": "x", "object": "chat.completion", "created": 1, "model": "bench",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": json.dumps(ANSWER)}}],
        "usage": {"prompt_tokens": 1500, "completion_tokens": 120, "total_tokens": 1620},
    }).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server would

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every answer (a server artifact).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _reply(self, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # /stats
            self._reply(json.dumps(recorder.stats()).encode())

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/reset":
                recorder.reset()
                self._reply(b"{}")
                return
            with recorder.lock:
                recorder.arrivals.append(time.monotonic())
                recorder.in_flight += 1
                recorder.max_in_flight = max(recorder.max_in_flight, recorder.in_flight)
            time.sleep(recorder.delay)
            with recorder.lock:
                recorder.in_flight -= 1
            self._reply(body)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        # The default listen backlog (5) drops a burst of 32 connects; each dropped SYN
        # costs a 1 s retransmit, which would be the server's fault, not the client's.
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    server.serve_forever(0.05)


@contextmanager
def serve(delay: float) -> Iterator[str]:
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve_forever, args=(delay, queue), daemon=True)
    process.start()
    try:
        port = queue.get(timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.join(5)


def _server(base: str, method: str, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(urllib.request.Request(
        base + path, method=method, data=b"{}" if method == "POST" else None
    ), timeout=10) as response:
        data: dict[str, Any] = json.loads(response.read())
        return data


def papers(n: int) -> list[tuple[Paper, FullText | None]]:
    items: list[tuple[Paper, FullText | None]] = []
    for i in range(n):
        arxiv_id = f"2501.{i:05d}"
        paper = Paper(arxiv_id=arxiv_id, title=f"TinyNet {i}", abstract=TEXT[:200], version=1)
        ft = FullText(arxiv_id, 1, "pdf", TEXT, sections=[Section("abstract", "Abstract", TEXT)])
        items.append((paper, ft))
    return items


def max_in_window(times: list[float], window: float = 60.0) -> int:
    """The most arrivals seen in any window of ``window`` seconds."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + window) - i for i, t in enumerate(times)),
               default=0)


def run(base: str, n: int, concurrency: int, rpm: float | None) -> dict[str, Any]:
    settings = Settings(openai_base_url=base + "/v1", model="bench", concurrency=concurrency,
                        requests_per_minute=rpm, request_timeout=30)
    summarizer = OpenAISummarizer(settings)
    items = papers(n)
    _server(base, "POST", "/reset")
    start = time.perf_counter()
    results = list(summarizer.summarize_many(items))
    wall = time.perf_counter() - start
    stats = _server(base, "GET", "/stats")
    llm = sum(1 for _, s in results if not isinstance(s, Exception) and s.backend == "openai")
    return {
        "C": concurrency, "rpm": rpm, "papers": n, "llm_summaries": llm, "wall_s": wall,
        "calls": summarizer.usage_totals["calls"], "max_in_flight": stats["max_in_flight"],
        "max_per_60s": max_in_window(stats["arrivals"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=50)
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--rpm-run", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    ok = True
    rows = []
    with serve(args.delay) as url:
        run(url, 4, 4, None)  # warm up imports and the connection pool
        for concurrency in (1, 8, 32):
            row = run(url, args.papers, concurrency, 1000.0)
            ideal = math.ceil(args.papers / concurrency) * args.delay
            row["ideal_s"] = ideal
            row["ratio"] = row["wall_s"] / ideal
            row["ok"] = (row["ratio"] <= 1.15 and row["max_in_flight"] <= concurrency
                         and row["max_per_60s"] <= 1000 and row["llm_summaries"] == args.papers)
            rows.append(row)
        if args.rpm_run:
            rpm = args.papers // 2
            row = run(url, args.papers, 32, float(rpm))
            # Half go at once, the other half when the first minute has passed.
            ideal = 60.0 * (math.ceil(args.papers / rpm) - 1) + args.delay
            row["ideal_s"] = ideal
            row["ratio"] = row["wall_s"] / ideal
            row["ok"] = (row["max_per_60s"] <= rpm and row["ratio"] <= 1.15
                         and row["llm_summaries"] == args.papers)
            rows.append(row)
    base = rows[0]["wall_s"]
    print(f"{'C':>3} {'rpm':>6} {'papers':>6} {'wall s':>8} {'ideal s':>8} {'ratio':>6} "
          f"{'vs C=1':>7} {'in flight':>9} {'max/60s':>7} ok")
    for row in rows:
        ok = ok and row["ok"]
        print(f"{row['C']:>3} {row['rpm'] or '-':>6} {row['papers']:>6} {row['wall_s']:>8.2f} "
              f"{row['ideal_s']:>8.2f} {row['ratio']:>6.3f} {base / row['wall_s']:>6.1f}x "
              f"{row['max_in_flight']:>9} {row['max_per_60s']:>7} {'yes' if row['ok'] else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
