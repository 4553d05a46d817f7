"""Benchmark: what a first search loads, and what the search index costs a full build.

    .venv/bin/python bench/search.py SITE [SITE ...]     # bytes per query, sites side by side
    .venv/bin/python bench/search.py --cpu WORK          # CPU of the search's build work

``SITE`` is a built site (``bench/site.py`` leaves one in ``bench/.cache/site-N/site``).
The bytes replay what ``static/search.js`` loads for a first search (``search.html?q=...``,
not as-you-type): the page and its assets, ``meta.js``, then per query word what that
site's index version loads (version 3: the word's vocabulary file per segment, then one
term-hash shard per segment for the word and each completion or typo variant; version 4:
the shard of the word's first three letters per segment, which holds all of them), and
the record blocks of the first 20 results. Every file is counted once. Queries are drawn
from the bench's synthetic corpus (``bench/site.py``), the same for every site.

``--cpu WORK`` times, in this process, the search's share of a full build of the bench's
store ``WORK`` (``bench/.cache/site-N``, after a build): computing every paper's search
terms (``doc_terms``, cold), their fingerprints (``terms_key``, what a warm build does
instead), and writing every segment from the site index into memory.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

COMPLETIONS, TYPOS, PAGE = 3, 3, 20
SCORE = [0, 1, 3, 4, 6, 7, 9, 10]


def fnv(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def tokenize(text: str) -> list[str]:
    """search.js's tokenize: distinct terms in order."""
    from dailypapers.render.site_search import tokenize as terms

    return list(dict.fromkeys(terms(text)))


def one_edit(a: str, b: str) -> bool:
    """search.js's oneEdit."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < la and i < lb and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return a[i:i + 1] == b[i + 1:i + 2] and a[i + 1:i + 2] == b[i:i + 1] \
            and a[i + 2:] == b[i + 2:]
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]


def decode(text: str) -> list[tuple[int, int]]:
    from dailypapers.render.site_search import decode_postings

    return decode_postings(text)


def script_args(path: Path) -> list[object]:
    """The arguments of the one ``DPS.x(...)`` call a shard script makes."""
    text = path.read_text(encoding="utf-8")
    return list(json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]"))


class Replay:
    """One site's index, read the way search.js reads it; ``files`` is what was loaded."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.files: set[Path] = set()
        self.cache: dict[Path, object] = {}
        for rel in ("search.html", "static/search.js", "static/site.css",
                    "static/favicon.svg", "search/meta.js"):
            self.files.add(site / rel)
        self.meta = dict(script_args(site / "search" / "meta.js")[0])  # type: ignore[arg-type]
        self.version = int(self.meta["v"])
        self.segs = range(int(self.meta["segs"]))
        self.split: dict[int, set[str]] = {}

    def load(self, rel: str) -> object:
        path = self.site / rel
        self.files.add(path)
        if path not in self.cache:
            self.cache[path] = script_args(path)[-1] if path.exists() else {}
        return self.cache[path]

    def bucket(self, seg: int, term: str) -> int:
        if self.version >= 4:
            if seg not in self.split:  # search.js loads every segment's k.js first
                self.split[seg] = set(self.load(f"search/s{seg}/k.js"))  # type: ignore[call-overload]
            key = term
            if not term.startswith("#"):
                size = int(self.meta["prefix"])
                key = term[:size]
                while key in self.split[seg] and size < len(term):
                    size += 1
                    key = term[:size]
            return fnv(key) % int(self.meta["buckets"])
        return fnv(term) % int(self.meta["buckets"])

    def shard(self, seg: int, term: str) -> dict[str, str]:
        found = self.load(f"search/s{seg}/{self.bucket(seg, term)}.js")
        return found if isinstance(found, dict) else {}

    def counts(self, word: str) -> dict[str, int]:
        """Document counts of the terms the word may stand for."""
        df: dict[str, int] = {}
        typos = len(word) >= 5
        for seg in self.segs:
            if self.version >= 4:
                source = {t: len(decode(p)) for t, p in self.shard(seg, word).items()
                          if t.startswith(word) or (typos and one_edit(word, t))}
            else:
                n = (fnv(word[:3]) % int(self.meta["buckets"])) % int(self.meta["prefixes"])
                vocab = self.load(f"search/s{seg}/p{n}.js")
                source = dict(vocab) if isinstance(vocab, dict) else {}
            for term, count in source.items():
                df[term] = df.get(term, 0) + int(count)
        return df

    def expand(self, word: str) -> list[tuple[str, float]]:
        if self.version >= 4:
            for seg in self.segs:  # the word's shards load first, whatever the word
                self.shard(seg, word)
        if word.startswith("#") or len(word) < 3:
            return [(word, 1.0)]
        df = self.counts(word)
        exact = word in df
        out = [(word, 1.0)] if exact else []
        order = sorted(df, key=lambda t: (-df[t], t))
        if not exact:
            out += [(t, 0.8) for t in order if t != word and t.startswith(word)][:COMPLETIONS]
            if len(word) >= 5:
                out += [(t, 0.6) for t in order if len(t) >= 4 and not t.startswith(word)
                        and one_edit(word, t)][:TYPOS]
        return out

    def search(self, query: str) -> tuple[int, int, list[str]]:
        """(bytes loaded, results, terms matched) of a first search."""
        lists: list[dict[int, float]] = []
        matched: list[str] = []
        for word in tokenize(query):
            found: dict[int, float] = {}
            for term, weight in self.expand(word):
                matched.append(term)
                for seg in self.segs:
                    # version 4: every term of the expansion is in the word's shard
                    postings = self.shard(seg, word if self.version >= 4 else term).get(term)
                    for local, mask in decode(postings) if postings else []:
                        doc = seg * int(self.meta["seg"]) + local
                        found[doc] = max(found.get(doc, 0.0), SCORE[mask] * weight)
            lists.append(found)
        hits: list[tuple[float, int]] = []
        if lists and all(lists):
            lists.sort(key=len)
            for doc, score in lists[0].items():
                if all(doc in other for other in lists[1:]):
                    hits.append((score + sum(o[doc] for o in lists[1:]), doc))
        hits.sort(key=lambda h: (-h[0], -h[1]))
        for _score, doc in hits[:PAGE]:
            self.load(f"search/d/{doc // int(self.meta['block'])}.js")
        return sum(f.stat().st_size for f in self.files if f.exists()), len(hits), matched


def bench_corpus() -> object:
    spec = importlib.util.spec_from_file_location("bench_site", ROOT / "bench" / "site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def queries(work: Path) -> dict[str, str]:
    """The bench's queries: those of bench/site.py, a prefix and a typo of common words."""
    from dailypapers.store import Store

    corpus = bench_corpus().Corpus()  # type: ignore[attr-defined]
    words: list[str] = corpus.words
    known = set(words)
    with Store(work / "dailypapers.db") as store:
        title = store.conn.execute(
            "SELECT title FROM papers ORDER BY arxiv_id DESC LIMIT 1").fetchone()[0]
        old_title = store.conn.execute(
            "SELECT title FROM papers ORDER BY arxiv_id LIMIT 1").fetchone()[0]
        author = store.conn.execute(
            "SELECT json_extract(data, '$.authors') FROM papers ORDER BY arxiv_id"
        " LIMIT 1 OFFSET 5000").fetchone()[0]
    # "diffus": the first 6 letters of a frequent long word, not a word itself.
    prefix = next(w[:6] for w in words[20:] if len(w) >= 9 and w[:6] not in known
                  and not any(k.startswith(w[:6]) and k != w for k in words[:20]))
    # "reinforcment": a frequent word of 8+ letters with its fifth letter dropped.
    typo = next(w[:4] + w[5:] for w in words[20:] if len(w) >= 8 and w[:4] + w[5:] not in known)
    return {
        "a title word (newest paper)": title.split()[-1],
        "two title words (oldest paper)": " ".join(old_title.split()[:2]),
        "an author surname": json.loads(author)[0].split()[-1],
        "the most common word": words[0],
        "three common words": " ".join(words[:3]),
        "a prefix (6 letters of a frequent word)": prefix,
        "one typo (a letter dropped)": typo,
    }


def bytes_table(sites: list[Path], work: Path) -> None:
    print("| first search | query | " + " | ".join(
        f"{s}: KB (results)" for s in sites) + " |")
    print("|---|---|" + "---|" * len(sites))
    for label, query in queries(work).items():
        cells = []
        for site in sites:
            size, hits, matched = Replay(site).search(query)
            cells.append(f"{size / 1024:.0f} KB ({hits:,}; {len(matched)} terms)")
        print(f"| {label} | {query} | " + " | ".join(cells) + " |")
    for site in sites:
        files = [p for p in (site / "search").rglob("*") if p.is_file()]
        print(f"{site}: search/ has {len(files):,} files, "
              f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MB")


def cpu_share(work: Path) -> None:
    from dailypapers.render import site_search
    from dailypapers.store import Store, queries
    from dailypapers.store.site_index import SiteIndex

    with Store(work / "dailypapers.db") as store:
        entries = [e for d in queries.iter_digests(store) for e in d.entries]
    started = time.process_time()
    for entry in entries:
        site_search.doc_terms(entry)
    terms = time.process_time() - started
    started = time.process_time()
    for entry in entries:  # (an index before fingerprints has none: 0)
        getattr(site_search, "terms_key", id)(entry)
    keys = time.process_time() - started
    sink: dict[str, int] = {}

    def write(rel: str, text: str) -> None:
        sink[rel] = len(text)

    with SiteIndex(work / "cache" / "site-index.sqlite") as index:
        count = index.count()
        started = time.process_time()
        for segment in range((count + site_search.SEGMENT - 1) // site_search.SEGMENT):
            first = segment * site_search.SEGMENT
            members = [(doc, record, text) for doc, _a, record, text
                       in index.segment(first, first + site_search.SEGMENT)]
            site_search.write_segment(segment, members, write)
        segments = time.process_time() - started
        # an incremental build rewrites the last segment: at worst a full one (segment 0)
        started = time.process_time()
        members = [(doc, record, text) for doc, _a, record, text
                   in index.segment(0, site_search.SEGMENT)]
        site_search.write_segment(0, members, write)
        last_cpu = time.process_time() - started
    print(f"{len(entries):,} papers, load {os.getloadavg()[0]:.1f}")
    print(f"| doc_terms, every paper (cold build) | {terms:.1f} CPU-s |")
    print(f"| terms_key, every paper (warm build) | {keys:.1f} CPU-s |")
    print(f"| write every segment from the site index ({len(sink):,} files) | "
          f"{segments:.1f} CPU-s |")
    print(f"| write one full segment ({site_search.SEGMENT:,} papers: the most an incremental "
          f"build rewrites) | {last_cpu:.2f} CPU-s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="*", type=Path)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / ".cache" / "site-100000",
                        help="the bench store the queries come from")
    parser.add_argument("--cpu", type=Path, help="time the search's build work on this store")
    args = parser.parse_args()
    if args.cpu:
        cpu_share(args.cpu)
    if args.sites:
        bytes_table(args.sites, args.work)


if __name__ == "__main__":
    main()
