"""A 2,000-paper arXiv day through the stages, with the CPU share of each.

    .venv/bin/python bench/foryou_day.py [--papers 2000] [--examples 50]

A synthetic announcement feed (the tests' generator) is served on 127.0.0.1; then, in one
process with the offline summarizer and no full text: collect (``arxiv-new``), the
profiles' focus (two profiles ranking every paper), summarize (extractive, every paper),
publish (archive, data, site). CPU seconds per stage (``time.process_time``) and the peak
RSS are reported. Baselines in the same run: collect against parsing the same bytes with
``xml.etree.ElementTree.fromstring`` and reading the same fields; the ranker against scoring
every paper by the bare count of profile words it contains.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.arxiv_feeds import rss_feed, synthetic_items

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.foryou import spend
from dailypapers.foryou.profiles import Example, Profile
from dailypapers.foryou.rank import rank, tokens
from dailypapers.sources import arxiv_new
from dailypapers.store import Store
from dailypapers.summarize import get_summarizer

DAY = "2025-08-20"


def serve(body: bytes) -> tuple[http.server.HTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def baseline_parse(data: bytes) -> int:
    atom = "{http://www.w3.org/2005/Atom}"
    count = 0
    for entry in ET.fromstring(data).iter(f"{atom}entry"):
        fields = (entry.findtext(f"{atom}id"), entry.findtext(f"{atom}title"),
                  entry.findtext(f"{atom}summary"))
        count += all(fields)
    return count


def timed(label: str, results: dict[str, float], fn: Any, *args: Any, **kwargs: Any) -> Any:
    started = time.process_time()
    value = fn(*args, **kwargs)
    results[label] = time.process_time() - started
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--examples", type=int, default=50)
    args = parser.parse_args()
    arxiv_new.utc_today = lambda: dt.date(2025, 8, 21)
    items = synthetic_items(args.papers)
    feed = rss_feed("cs.CL", DAY, items)
    server, base = serve(feed)
    work = Path(tempfile.mkdtemp(prefix="foryou-bench-"))
    profiles = {"alice": {"keywords": ["speculative decoding", "KV cache"], "top_n": 10},
                "bob": {"keywords": ["diffusion model"], "top_n": 10}}
    settings = Settings(dir=work, source="arxiv-new", arxiv_rss_url=base, arxiv_delay=0,
                        arxiv_categories=["cs.CL"], fulltext=False, site_workers=1,
                        profiles=profiles)
    cpu: dict[str, float] = {}
    with Store(settings.db_path) as store:
        timed("collect", cpu, pipeline.collect, store, settings, DAY)
        chosen = timed("rank (2 profiles)", cpu, spend.focus, store, settings, DAY)
        report = pipeline.RunReport(date=DAY)
        timed("summarize (extractive)", cpu, spend.summarize, store, settings, DAY,
              summarizer=get_summarizer("extractive", settings), fulltexts={}, refresh=False,
              report=report, chosen=chosen)
        timed("publish", cpu, pipeline.publish, store, settings, DAY)
    server.shutdown()
    total = sum(cpu.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base_cpu: dict[str, float] = {}
    timed("baseline parse", base_cpu, baseline_parse, feed)
    # The ranker alone with many examples, against a bare word count.
    papers = [e.paper for e in Store(settings.db_path).load_day(DAY).entries]  # type: ignore[union-attr]
    examples = [Example(key=p.arxiv_id, title=p.title, abstract=p.abstract, authors=p.authors,
                        date="2025-06-01", arxiv_id=p.arxiv_id) for p in papers[:args.examples]]
    profile = Profile(name="p", keywords={"speculative decoding": 1.0, "KV cache": 1.0})
    timed("rank", base_cpu, rank, profile, examples, papers, today=dt.date(2025, 8, 20))
    words = set(tokens(" ".join(e.title for e in examples)))
    timed("word count", base_cpu, lambda: sorted(
        papers, key=lambda p: -sum(t in words for t in tokens(p.title + " " + p.abstract))))
    print(f"{args.papers} papers, {len(feed):,} bytes of feed; CPU seconds per stage:")
    print("| stage | CPU s | share |")
    print("|---|---|---|")
    for label, seconds in cpu.items():
        print(f"| {label} | {seconds:.2f} | {100 * seconds / total:.1f}% |")
    print(f"| total | {total:.2f} | |")
    print(f"peak RSS {peak:.0f} MB; collect vs bare ElementTree parse of the same feed: "
          f"{cpu['collect']:.2f} s vs {base_cpu['baseline parse']:.2f} s "
          f"({cpu['collect'] / base_cpu['baseline parse']:.1f}x)")
    print(f"rank {args.papers} papers against {args.examples} examples: "
          f"{base_cpu['rank']:.2f} s vs bare word count {base_cpu['word count']:.2f} s "
          f"({base_cpu['rank'] / base_cpu['word count']:.1f}x)")


if __name__ == "__main__":
    main()
