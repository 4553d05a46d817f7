"""Tag pages on a site built from every recorded Hugging Face day (``../shared/data/hf_daily``).

    .venv/bin/python bench/tags.py            # prints tag pages, generic-word pages, merges

Each recorded day is stored as published (its papers summarized offline by the extractive
summarizer, as ``make run`` does), the site is built, and the tag pages it wrote are
counted, with the labels of the largest tags. Not timed: it measures what a reader sees.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from pathlib import Path

from dailypapers.config import load_settings
from dailypapers.render.site import build_site
from dailypapers.sources.hf_daily import parse_daily
from dailypapers.store import Store
from dailypapers.summarize.extractive import ExtractiveSummarizer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "hf_daily"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--show", type=int, default=25)
    args = parser.parse_args()
    days = sorted(args.data.glob("*.json"))
    if not days:
        print(f"no recorded days in {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp))
        summarizer = ExtractiveSummarizer(settings)
        with Store(settings.db_path) as store:
            papers = 0
            for path in days:
                day = parse_daily(json.loads(path.read_text(encoding="utf-8")), date=path.stem)
                store.save_day(day)
                for entry in day.entries:
                    papers += 1
                    try:
                        summary = summarizer.summarize(entry.paper)
                    except Exception:  # a paper the summarizer refuses keeps no summary
                        continue
                    sid = store.save_summary(summary, None)
                    store.attach_summary(day.date, day.source, entry.paper.arxiv_id, sid)
            build_site(store, settings)
        site = Path(tmp) / "site"
        pages = sorted(site.glob("tags/*.html"))
        print(f"{len(days)} days, {papers} papers: {len(pages)} tag pages")
        index = (site / "tags.html").read_text(encoding="utf-8")
        found = re.findall(r'<a href="[^"]*">([^<]*)</a> <span class="n">(\d+)</span>', index)
        print("; ".join(f"{html.unescape(label)} {n}" for label, n in found[: args.show]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
