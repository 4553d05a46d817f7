"""Benchmark: what a working directory weighs after years of days, against an earlier revision.

    .venv/bin/python bench/durable.py                      # >= 5,000 papers, baseline ef231e8
    .venv/bin/python bench/durable.py --papers 1000 --baseline HEAD~5

The recorded days of ../shared/data/hf_daily are replayed, again and again, under new
consecutive weekday dates (each replay under new arXiv ids) until ``--papers`` papers are
published, through ONE working directory per revision, with ``pipeline.run_day`` (offline
summarizer, no full text, no delivery, the site on). Both revisions run the same driver at
the same time, each in its own process; the baseline's ``src/`` comes from ``git archive``.
The working directories live on a RAM disk (``/dev/shm`` when there is one): the sizes are
the same on any file system, and the driver no longer waits on the disk's renames.

Measured: bytes and files of what each revision's scheduled workflow commits (the
baseline's commits ``dailypapers.db`` too), of the database, of the site, per 1,000 papers,
extrapolated linearly to 10 years of the daily list (250 weekdays a year at the replayed
papers per day) and to 100,000 papers; and the largest committed file after 10 years: each
committed file's size is taken half-way and at the end, and a file that grew in between is
extended at that rate (a per-day file stays as it is).
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

YEARS = 10
WEEKDAYS_A_YEAR = 250
LABELS = {"committed": "committed (without the site)", "database": "database",
          "site": "site", "tags": "of which tags/",
          "artifact": "Pages artifact (site + the data/ it links)"}


def replay_plan(papers: int) -> list[tuple[str, Path, int]]:
    """(new date, recorded file, replay number) until ``papers`` papers are listed."""
    files = sorted(DATA.glob("*.json"))
    if not files:
        raise SystemExit(f"no recorded days under {DATA}")
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


def make_input(day: str, items: list[dict[str, Any]], counter: list[int], folder: Path) -> Path:
    yymm = day[2:4] + day[5:7]
    out = []
    for item in items:
        counter[0] += 1
        paper = {**item["paper"], "id": f"{yymm}.{counter[0] % 100000:05d}"}
        if "publishedAt" in paper:
            paper["publishedAt"] = f"{day}T00:00:00.000Z"
        out.append({**item, "paper": paper})
    path = folder / f"{day}.json"
    path.write_text(json.dumps(out), encoding="utf-8")
    return path


def file_sizes(root: Path, names: list[str]) -> dict[str, int]:
    """relative path -> bytes of every file under these names (files or folders)."""
    sizes: dict[str, int] = {}
    for name in names:
        path = root / name
        found = [path] if path.is_file() else (
            [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [])
        for f in found:
            sizes[f.relative_to(root).as_posix()] = f.stat().st_size
    return sizes


def committed_names(src: str) -> tuple[list[str], list[str]]:
    """(what the revision's workflow commits besides the site, the database files)."""
    try:
        from dailypapers import durable
    except ImportError:  # before issue 17: `git add -A` of the whole working directory
        return ["data", "archive", "README.md"], ["dailypapers.db"]
    return [p for p in durable.COMMITTED_PATHS if p != "site"], []


def child(src: str, work: str, plan_json: str) -> dict[str, Any]:
    sys.path.insert(0, src)
    from dailypapers import pipeline
    from dailypapers.config import load_settings
    from dailypapers.store import Store

    def open_db(settings: Any) -> Any:
        try:  # what `run` opens: rebuilds or exports when it must
            from dailypapers.durable import open_store
        except ImportError:  # before issue 17
            return Store(settings.db_path)
        return open_store(settings)

    root = Path(work)
    inputs = root.parent / (root.name + "-input")
    inputs.mkdir(parents=True, exist_ok=True)
    plan = json.loads(plan_json)
    recorded = {f: json.loads(Path(f).read_text(encoding="utf-8")) for _, f, _ in plan}
    settings = load_settings(root, source="file", fulltext=False, channels=[], podcast=False)
    kept, db_names = committed_names(src)
    counter = [0]
    papers = 0
    half: dict[str, int] = {}
    half_days = len(plan) // 2
    started = time.perf_counter()
    for n, (day, recorded_file, _k) in enumerate(plan):
        path = make_input(day, recorded[recorded_file], counter, inputs)
        with open_db(settings) as store:
            report = pipeline.run_day(store, settings, day, source_input=str(path),
                                      deliver=False)
        path.unlink()
        papers += report.papers
        if n + 1 == half_days:
            half = file_sizes(root, [*kept, *db_names, "site"])
        if n % 25 == 0:
            print(f"  {n}/{len(plan)} days, {papers} papers, "
                  f"{time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    with Store(settings.db_path) as store:  # the WAL folded in: the file as it would be kept
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    end = file_sizes(root, [*kept, *db_names, "site"])
    db = file_sizes(root, [p.name for p in root.glob("dailypapers.db*")])
    return {
        # The site links data/ (site/data -> ../data) when the Pages artifact carries the
        # day records from there (tar --dereference): they count in the artifact then.
        "site_links_data": (root / "site" / "data").is_symlink(),
        "days": len(plan), "half_days": half_days, "papers": papers, "seconds": seconds,
        "kept": kept, "db_names": db_names, "half": half, "end": end, "db": db,
    }


def start_child(src: Path, plan: list[tuple[str, Path, int]], base: Path,
                name: str) -> tuple[subprocess.Popen[str], Path, Path]:
    work = Path(tempfile.mkdtemp(prefix=f"bench-durable-{name}-", dir=base)) / "work"
    plan_json = json.dumps([(d, str(f), k) for d, f, k in plan])
    log = work.parent / "progress.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(src), str(work), plan_json],
            stdout=err, stderr=err, text=True, env={**os.environ, "PYTHONPATH": str(src)},
        )
    return proc, work, log


# --------------------------------------------------------------------------- the report


def summarize(r: dict[str, Any]) -> dict[str, Any]:
    """Totals of one revision's result: committed (no site), database, site, tags/."""
    end: dict[str, int] = r["end"]

    def under(prefixes: list[str]) -> tuple[int, int]:
        files = [n for n in end if any(n == p or n.startswith(p + "/") for p in prefixes)]
        return sum(end[n] for n in files), len(files)

    committed = under(r["kept"] + r["db_names"])
    site = under(["site"])
    data = under(["data"]) if r.get("site_links_data") else (0, 0)
    return {
        "committed": committed, "database": (sum(r["db"].values()), len(r["db"])),
        "site": site, "tags": under(["site/tags"]),
        "artifact": (site[0] + data[0], site[1] + data[1]),
    }


SITE_KINDS = (("paper pages", "site/papers/"), ("day pages", "site/days/", ".html"),
              ("day JSON", "site/days/", ".json"), ("tag pages", "site/tags/", ".html"),
              ("tag feeds", "site/tags/", ".xml"), ("search", "site/search/"),
              ("pictures", "site/img/"))


def site_kind(path: str) -> str:
    for name, prefix, *suffix in SITE_KINDS:
        if path.startswith(prefix) and (not suffix or path.endswith(suffix[0])):
            return name
    return "the rest (home, archive, feeds, static)"


def site_kinds(r: dict[str, Any]) -> dict[str, int]:
    """Bytes of the site by kind of file."""
    out: dict[str, int] = {}
    for path, size in r["end"].items():
        if path.startswith("site/"):
            kind = site_kind(path)
            out[kind] = out.get(kind, 0) + size
    return out


def largest_later(r: dict[str, Any], days_later: float, with_site: bool) -> tuple[int, str]:
    """The largest committed file after ``days_later`` days: grown at its half-way rate."""
    days = r["days"] - r["half_days"]
    best, name = 0, ""
    for path, size in r["end"].items():
        if path.startswith("site/") and not with_site:
            continue
        grown = max(0, size - r["half"].get(path, size))
        later = size + grown / days * days_later
        if later > best:
            best, name = int(later), path
    return best, name


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def report(results: dict[str, dict[str, Any]]) -> None:
    first = next(iter(results.values()))
    per_day = first["papers"] / first["days"]
    ten_years = YEARS * WEEKDAYS_A_YEAR * per_day
    print(f"\n{per_day:.1f} papers a day; {YEARS} years = {ten_years:,.0f} papers\n")
    names = list(results)
    sums = {n: summarize(results[n]) for n in names}
    print("| per 1,000 papers | " + " | ".join(names)
          + (" | ratio |" if len(names) == 2 else " |"))
    print("|---" * (len(names) + 1 + (len(names) == 2)) + "|")
    for what in ("committed", "database", "site", "tags", "artifact"):
        cells, values = [], []
        for n in names:
            k = results[n]["papers"] / 1000
            size, files = sums[n][what]
            values.append(size / k)
            cells.append(mb(size / k) + ("" if what == "database" else f", {files / k:,.0f} files"))
        ratio = f" | {values[1] / values[0]:.2f}x" if len(names) == 2 and values[0] else ""
        print(f"| {LABELS[what]} | " + " | ".join(cells) + ratio + " |")
    kinds = {n: site_kinds(results[n]) for n in names}
    print("\n| site, bytes a paper | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    order = [k[0] for k in SITE_KINDS] + ["the rest (home, archive, feeds, static)"]
    for kind in order:
        if any(kinds[n].get(kind) for n in names):
            print(f"| {kind} | " + " | ".join(
                f"{kinds[n].get(kind, 0) / results[n]['papers']:,.0f}" for n in names) + " |")
    print("\n| extrapolated | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    rows: list[tuple[str, list[str]]] = []
    for label, papers in ((f"{YEARS} years ({ten_years:,.0f} papers)", ten_years),
                          ("100,000 papers", 100_000.0)):
        for what in ("committed", "database", "site", "artifact"):
            cells = []
            for n in names:
                size, files = sums[n][what]
                scale = papers / results[n]["papers"]
                extra = f", {files * scale:,.0f} files" if what in ("site", "artifact") else ""
                cells.append(f"{mb(size * scale)}{extra}")
            rows.append((f"{LABELS[what]} at {label}", cells))
    for with_site in (False, True):
        cells = []
        for n in names:
            r = results[n]
            days_later = YEARS * WEEKDAYS_A_YEAR - r["days"]
            size, path = largest_later(r, days_later, with_site)
            cells.append(f"{mb(size)} ({path})")
        label = "largest committed file at 10 years" + (", site committed too" if with_site
                                                         else "")
        rows.append((label, cells))
    for label, cells in rows:
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--baseline", default="ef231e8")
    parser.add_argument("--current", default=None,
                        help="a revision for 'current' (default: this checkout's src/)")
    parser.add_argument("--keep", action="store_true", help="keep the working directories")
    parser.add_argument("--only", choices=["baseline", "current"])
    parser.add_argument("--work-root", type=Path, default=None,
                        help="where the working directories go (default: /dev/shm if any)")
    parser.add_argument("--child", nargs=3, metavar=("SRC", "WORK", "PLAN"))
    args = parser.parse_args()
    if args.child:  # the result goes to a file: a pipe would fill up and block the child
        result = child(*args.child)
        (Path(args.child[1]).parent / "result.json").write_text(json.dumps(result))
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    base = args.work_root or (Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else CACHE)
    plan = replay_plan(args.papers)
    sources = {"baseline": baseline_src(args.baseline),
               "current": baseline_src(args.current) if args.current else ROOT / "src"}
    if args.only:
        sources = {args.only: sources[args.only]}
    print(f"{len(plan)} days; {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())};"
          f" load before: {os.getloadavg()}", flush=True)
    started = time.perf_counter()
    running = {name: start_child(src, plan, base, name) for name, src in sources.items()}
    results: dict[str, dict[str, Any]] = {}
    loads = [os.getloadavg()[0]]
    try:
        for name, (proc, _work, log) in running.items():
            while proc.poll() is None:
                time.sleep(30)
                loads.append(os.getloadavg()[0])
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed:\n{log.read_text()[-3000:]}")
            results[name] = dict(json.loads((log.parent / "result.json").read_text()))
            r = results[name]
            print(f"{name}: {r['days']} days, {r['papers']} papers, {r['seconds']:.0f}s",
                  flush=True)
    finally:
        for proc, work, _log in running.values():
            if proc.poll() is None:
                proc.kill()
            if not args.keep:
                shutil.rmtree(work.parent, ignore_errors=True)
    print(f"wall {time.perf_counter() - started:.0f}s; load average (1 min) while running:"
          f" {min(loads):.1f}-{max(loads):.1f}; after: {os.getloadavg()}")
    report(results)


if __name__ == "__main__":
    main()
