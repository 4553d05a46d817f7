"""The site's client-side search index: static .js shards that work from file:// too.

Browsers block ``fetch()`` on file://, so every shard is a script that hands its data to a
global (``DPS.t(...)``, ``DPS.d(...)``, ``DPS.m(...)``) and the search page loads shards
with script tags. The index is split so a search loads little:

- Papers get ids in the order they were first published (``first_listed``); ids never move
  when a day is appended, so a new day only changes the last segment.
- Papers are grouped in segments of ``SEGMENT`` ids. Within a segment every term is hashed
  (FNV-1a over UTF-8, same in ``search.js``) to one of ``BUCKETS`` shard files, all of which
  exist (possibly empty), so the client never asks for a missing file. A one-word search
  loads one bucket per segment: about 1/``BUCKETS`` of the index.
- Postings are ``local_id << 3 | fields`` (4 = title, 2 = authors/keywords, 1 = summary or,
  without one, the abstract), delta-encoded in decimal.
- Paper records for result lists live in blocks of ``BLOCK`` ids (``search/d/N.js``).

``search/manifest.json`` remembers what each segment held, so an incremental build knows
which segments changed. Tokenizing must match ``static/search.js`` exactly.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..models import DigestEntry

SEGMENT = 4096
BLOCK = 32
BUCKETS = 256
MANIFEST = "search/manifest.json"
INDEX_VERSION = 1

_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile("[\u0300-\u036f]")
_STOP_TEXT = (
    "the of and an in on for to with by is are we this that from as at be its our or it "
    "into than which these their can has have was were not but also via using based"
)
STOPWORDS = frozenset(_STOP_TEXT.split(" "))
_FNV_PRIME = 0x01000193
_FNV_OFFSET = 0x811C9DC5
_hash_cache: dict[str, int] = {}


def _term(word: str) -> str:
    if len(word) < 2 or len(word) > 40 or word in STOPWORDS:
        return ""
    # A plural "s" is the only stemming: enough for "models" to find "model".
    if len(word) > 3 and word[-1] == "s" and word[-2] != "s":
        return word[:-1]
    return word


# word -> term; bounded so a firehose vocabulary cannot grow it without limit.
_term_cache: dict[str, str] = {}
_TERM_CACHE_MAX = 500_000


def tokenize(text: str) -> list[str]:
    """Lower-case words without accents, stopwords or one-letter words, lightly stemmed."""
    text = text.lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    out = []
    cache = _term_cache
    for word in _WORD.findall(text):
        term = cache.get(word)
        if term is None:
            term = _term(word)
            if len(cache) < _TERM_CACHE_MAX:
                cache[word] = term
        if term:
            out.append(term)
    return out


def bucket(term: str) -> int:
    found = _hash_cache.get(term)
    if found is None:
        h = _FNV_OFFSET
        for byte in term.encode("utf-8"):
            h = ((h ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
        found = _hash_cache[term] = h % BUCKETS
    return found


def _js(call: str, *args: Any) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"DPS.{call}({body});\n"


def entry_fields(entry: DigestEntry) -> tuple[str, str, str]:
    """(title, authors + keywords, summary-or-abstract) text of a paper."""
    paper, summary = entry.paper, entry.summary
    keywords = list(paper.ai_keywords) + (summary.keywords if summary else [])
    names = " ".join(paper.authors) + " " + " ".join(keywords) + " " + paper.arxiv_id
    body = " ".join(summary.parts().values()) if summary else paper.abstract
    return paper.title, names, body


def segment_shards(segment: int, entries: Sequence[DigestEntry | None]) -> list[str]:
    """The ``BUCKETS`` shard scripts of one segment (``entries[i]`` has local id ``i``)."""
    postings: dict[str, list[int]] = {}
    for local, entry in enumerate(entries):
        if entry is None:
            continue
        masks: dict[str, int] = {}
        for mask, text in zip((4, 2, 1), entry_fields(entry), strict=True):
            for term in set(tokenize(text)):
                masks[term] = masks.get(term, 0) | mask
        for term, mask in masks.items():
            postings.setdefault(term, []).append(local << 3 | mask)
    shards: list[dict[str, str]] = [{} for _ in range(BUCKETS)]
    for term in sorted(postings):
        values = postings[term]
        deltas = [values[0]] + [b - a for a, b in itertools.pairwise(values)]
        shards[bucket(term)][term] = ",".join(map(str, deltas))
    return [_js("t", segment, n, shard) for n, shard in enumerate(shards)]


def block_script(block: int, records: Iterable[list[str]]) -> str:
    return _js("d", block, list(records))


def meta_script(docs: int) -> str:
    return _js(
        "m", {"v": INDEX_VERSION, "docs": docs, "seg": SEGMENT, "block": BLOCK,
              "buckets": BUCKETS, "segs": (docs + SEGMENT - 1) // SEGMENT},
    )


def segment_hashes(ids: Sequence[str]) -> list[str]:
    out = []
    for start in range(0, len(ids), SEGMENT):
        digest = hashlib.sha1("\n".join(ids[start:start + SEGMENT]).encode(), usedforsecurity=False)
        out.append(digest.hexdigest())
    return out


def read_manifest(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return []
    if not isinstance(data, dict) or data.get("v") != INDEX_VERSION:
        return []
    segments = data.get("segments")
    return [str(s) for s in segments] if isinstance(segments, list) else []


def manifest_text(hashes: Sequence[str]) -> str:
    return json.dumps({"v": INDEX_VERSION, "segments": list(hashes)}, indent=0) + "\n"


def build_search(
    ids: Sequence[str],
    record: Callable[[str], list[str]],
    segments: Iterable[int],
    load: Callable[[Sequence[str]], dict[str, DigestEntry]],
    write: Callable[[str, str], None],
) -> None:
    """Write the shards and record blocks of ``segments`` for papers ``ids`` (in id order).

    ``record(arxiv_id)`` is the result-list record; ``load`` returns the latest entries
    of a list of papers.
    """
    for segment in sorted(segments):
        members = list(ids[segment * SEGMENT:(segment + 1) * SEGMENT])
        if not members:
            continue
        entries = load(members)
        for n, script in enumerate(segment_shards(segment, [entries.get(i) for i in members])):
            write(f"search/s{segment}/{n}.js", script)
        first_block = segment * SEGMENT // BLOCK
        for offset in range(0, len(members), BLOCK):
            chunk = members[offset:offset + BLOCK]
            write(
                f"search/d/{first_block + offset // BLOCK}.js",
                block_script(first_block + offset // BLOCK, (record(i) for i in chunk)),
            )


__all__ = [
    "BLOCK", "BUCKETS", "MANIFEST", "SEGMENT", "block_script", "bucket", "build_search",
    "manifest_text", "meta_script", "read_manifest", "segment_hashes", "segment_shards",
    "tokenize",
]
