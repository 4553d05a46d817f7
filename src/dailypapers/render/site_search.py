"""The site's client-side search index: static .js shards that work from file:// too.

Browsers block ``fetch()`` on file://, so every shard is a script that hands its data to a
global (``DPS.t(...)``, ``DPS.d(...)``, ``DPS.m(...)``) and the search page loads shards
with script tags. The index is split so a search loads little, in few files:

- Papers get ids in the order they were first published (a full build numbers them by
  first date; later papers get the next id, kept in the site index), so ids never move
  when a day is appended and a new day only changes the last segment.
- Papers are grouped in segments of ``SEGMENT`` ids (13 at 10^5 papers). Within a
  segment every term goes to one of ``BUCKETS`` shard files by its first three characters
  (FNV-1a over UTF-8, same in ``search.js``); a tag term (``#slug``) by all of it. Every
  shard exists (possibly empty), so the client never asks for a missing file. A query
  word loads one shard per segment, about 1/``BUCKETS`` of the index, and that shard also
  holds every term the word may stand for: its completions (as you type, from three
  characters) and, for words of five or more characters, the terms one typo away (after
  the third character). So a prefix or a typo costs what an exact word costs. Where many
  words of a segment begin alike, the prefix is split by one more character
  (``split_keys``, listed in ``search/sN/k.js``, which a search loads first).
- Postings are ``local_id << 3 | fields`` (4 = title, 2 = authors/keywords, 1 = summary or,
  without one, the abstract), delta-encoded as base-46 numbers of printable characters
  (``DIGITS``: a number's last digit from the first 46, the ones before it from the other
  46, so no separator is needed: a delta under 46 is one character, under 2,116 two,
  where decimal with commas took two to six); a term in more than a fifth of a segment is
  stored as three bitmaps instead (base64 after "~"), about 5x smaller.
- Paper records for result lists live in blocks of ``BLOCK`` ids (``search/d/N.js``).
- Tags are terms too (``#<slug>``, names field), so a tag filter is one more posting list;
  ``search/sN/b.js`` holds each record block's first and last date for date filters.

A paper's terms are computed once (``doc_terms``) and kept in the site index with a
fingerprint of the text they came from (``terms_key``), so a full build only tokenizes
papers whose text changed. ``search/manifest.json`` carries the token of the site index it
was built with, so an incremental build can tell the site and its index belong together.
Tokenizing must match ``static/search.js`` exactly.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import operator
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence, Set
from pathlib import Path
from typing import Any

from ..models import DigestEntry
from .paths import tag_slug
from .tags import canonical

SEGMENT = 8192
BLOCK = 32
BUCKETS = 512
PREFIX = 3  # a word's shard is chosen by this many first characters, or more:
SPLIT_BYTES = 16_000  # a segment's prefix group above this is split by one more character
MAX_KEY = 8  # (down to this many characters)
DENSE = SEGMENT // 5  # postings above which a bitmap is smaller than deltas
MANIFEST = "search/manifest.json"
TAGS = "search/tags.js"
MAX_FILTER_TAGS = 3000
# 2: tags normalized (render/tags.py); 3: vocabularies, tag terms; 4: shards by prefix
# (split where heavy), 8192-paper segments, no vocabulary files
# 5: postings in base 46 (DIGITS), no commas
INDEX_VERSION = 5
TERMS_FORMAT = "t1"  # of doc_terms' text; part of terms_key, so a new format recomputes
# A posting list's digits (search.js has the same string): a number's last digit is one
# of the first BASE characters, the digits before it are of the next BASE. Printable ASCII
# that JSON writes as it is (without '"' and backslash), but "~" (the bitmap mark).
DIGITS = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
          "klmnopqrstuvwxyz!#$%&'()*+,-./:;<=>?@[]^_`{|} ")
BASE = 46
_LAST = {c: n for n, c in enumerate(DIGITS[:BASE])}
_MORE = {c: n for n, c in enumerate(DIGITS[BASE:])}
# every number under BASE ** 2 (most deltas) written once, at import
_SHORT: list[str] = [*DIGITS[:BASE], *(DIGITS[BASE + n // BASE] + DIGITS[n % BASE]
                                       for n in range(BASE, BASE * BASE))]

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_MARKS = re.compile("[\u0300-\u036f]")
_STOP_TEXT = (
    "the of and an in on for to with by is are we this that from as at be its our or it "
    "into than which these their can has have was were not but also via using based"
)
STOPWORDS = frozenset(_STOP_TEXT.split(" "))
_FNV_PRIME = 0x01000193
_FNV_OFFSET = 0x811C9DC5
_hash_cache: dict[str, int] = {}
_consume: Callable[[Iterable[object]], None] = deque[object](maxlen=0).extend  # runs an iterator


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


def _words(text: str) -> list[str]:
    text = text.lower()
    if text.isascii():  # the same words as _WORD finds, twice as fast
        return _ASCII_WORD.findall(text)
    return _WORD.findall(_MARKS.sub("", unicodedata.normalize("NFKD", text)))


def _lookup(word: str) -> str:
    term = _term_cache.get(word)
    if term is None:
        term = _term(word)
        if len(_term_cache) < _TERM_CACHE_MAX:
            _term_cache[word] = term
    return term


def tokenize(text: str) -> list[str]:
    """Lower-case words without accents, stopwords or one-letter words, lightly stemmed."""
    return [term for term in map(_lookup, _words(text)) if term]


def term_set(text: str) -> set[str]:
    """The distinct terms of a text (``set(tokenize(text))``, faster)."""
    words = set(_words(text))
    if len(_term_cache) < _TERM_CACHE_MAX:  # new words first, then one lookup in C
        for word in words.difference(_term_cache):
            _term_cache[word] = _term(word)
        terms = set(map(_term_cache.__getitem__, words))
    else:
        terms = set(map(_lookup, words))
    terms.discard("")
    return terms


def _fnv(text: str) -> int:
    h = _FNV_OFFSET
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return h


def shard_key(term: str, split: Set[str] = frozenset()) -> str:
    """What picks a term's shard: its first ``PREFIX`` characters, one more for as long as
    that prefix is one the segment ``split``; all of a tag term."""
    if term.startswith("#"):
        return term
    size = PREFIX
    key = term[:size]
    while key in split and size < len(term):
        size += 1
        key = term[:size]
    return key


def bucket(term: str, split: Set[str] = frozenset()) -> int:
    """The shard of a term in a segment that split ``split``, so a word's completions and
    one-typo variants (after its key) share its shard."""
    key = shard_key(term, split) if split else term if term.startswith("#") else term[:PREFIX]
    found = _hash_cache.get(key)
    if found is None:
        found = _fnv(key) % BUCKETS
        if len(_hash_cache) < _TERM_CACHE_MAX:
            _hash_cache[key] = found
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


def tag_term(key: str) -> str:
    """The search term of a tag (its key as ``tags.tag_key`` gives it): ``#<slug>``."""
    return "#" + tag_slug(key)


def _tag_keywords(entry: DigestEntry) -> list[str]:
    summary = entry.summary
    return [*(summary.keywords if summary else []), *entry.paper.ai_keywords]


def terms_key(entry: DigestEntry) -> str:
    """A fingerprint of everything ``doc_terms`` reads (and of the terms' format): equal
    keys mean equal terms, so stored terms are reused instead of tokenizing again."""
    text = "\x1f".join((TERMS_FORMAT, *entry_fields(entry), *_tag_keywords(entry)))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def doc_terms(entry: DigestEntry) -> str:
    """A paper's terms grouped by field mask: ``"mask term term|mask term ..."``."""
    title, names, body = map(term_set, entry_fields(entry))
    names.update(tag_term(key) for key, _label in canonical(_tag_keywords(entry)))
    # Each term once, under the fields it is in (set algebra: no loop over the terms here).
    groups = (
        (1, body - title - names), (2, names - title - body), (3, (names & body) - title),
        (4, title - names - body), (5, (title & body) - names), (6, (title & names) - body),
        (7, title & names & body),
    )
    # (in set order: the shards sort their terms)
    return "|".join(f"{mask} {' '.join(terms)}" for mask, terms in groups if terms)


def parse_terms(terms: str) -> dict[str, int]:
    """``doc_terms`` text back as {term: field mask}."""
    out: dict[str, int] = {}
    for group in terms.split("|") if terms else ():
        mask, *words = group.split(" ")
        for word in words:
            out[word] = int(mask)
    return out


def split_keys(sizes: dict[str, int]) -> set[str]:
    """The prefixes whose group of terms (by their encoded size) is too heavy for a shard:
    such a group is split by one more character, again and again down to ``MAX_KEY``.

    So a word typed so far loads little even where many words begin alike ("con", "pre");
    the price is that a word equal to a split prefix finds no completions in that segment
    (they are one character further) and a typo there must come after the longer key.
    """
    split: set[str] = set()
    group = {term: size for term, size in sizes.items() if not term.startswith("#")}
    for length in range(PREFIX, MAX_KEY):
        weight: defaultdict[str, int] = defaultdict(int)
        for term, size in group.items():
            weight[term[:length]] += size
        heavy = {key for key, size in weight.items()
                 if size > SPLIT_BYTES and len(key) == length}
        if not heavy:
            break
        split |= heavy
        group = {term: size for term, size in group.items()
                 if len(term) > length and term[:length] in heavy}
    return split


def segment_shards(segment: int, docs: Iterable[tuple[int, str | None]]) -> list[str]:
    """The ``BUCKETS`` posting shards of one segment then its split prefixes, as scripts,
    from (local id, terms) in id order."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    posting_list = postings.__getitem__
    for local, terms in docs:
        if not terms:
            continue
        base = local << 3
        for group in terms.split("|"):
            words = group.split(" ")
            # postings[term].append(value) for every term, looped in C (most of the time
            # of a segment is here: ~150 terms a paper)
            _consume(map(list.append, map(posting_list, itertools.islice(words, 1, None)),
                          itertools.repeat(base | int(words[0]))))
    encoded = {term: encode_postings(postings[term]) for term in sorted(postings)}
    split = split_keys({term: len(term) + len(text) + 6 for term, text in encoded.items()})
    shards: list[dict[str, str]] = [{} for _ in range(BUCKETS)]
    for term, text in encoded.items():
        shards[bucket(term, split)][term] = text
    return ([_js("t", segment, n, shard) for n, shard in enumerate(shards)]
            + [_js("k", segment, sorted(split))])


def encode_postings(values: Sequence[int]) -> str:
    """Ascending ``local << 3 | mask`` values as text: deltas, or bitmaps when dense.

    A term in more than a fifth of a segment is cheaper as three bitmaps (title, names,
    body) of ``SEGMENT`` bits, base64 after a "~", than as a delta list.
    """
    if len(values) > DENSE:
        planes = bytearray()
        for bit in (4, 2, 1):
            plane = bytearray(SEGMENT // 8)
            for local in [value >> 3 for value in values if value & bit]:
                plane[local >> 3] |= 1 << (local & 7)
            planes += plane
        return "~" + base64.b64encode(planes).decode()
    deltas = [values[0], *map(operator.sub, values[1:], values)]
    try:  # most lists have no delta of three digits: one lookup each
        return "".join(map(_SHORT.__getitem__, deltas))
    except IndexError:
        return "".join(map(_number, deltas))


def _number(value: int) -> str:
    """One non-negative number in DIGITS."""
    if value < BASE * BASE:
        return _SHORT[value]
    out = [DIGITS[value % BASE]]
    value //= BASE
    while value:
        out.append(DIGITS[BASE + value % BASE])
        value //= BASE
    return "".join(reversed(out))


def decode_postings(text: str) -> list[tuple[int, int]]:
    """(local id, field mask) pairs of an encoded posting list (what search.js does)."""
    if text.startswith("~"):
        raw = base64.b64decode(text[1:])
        size = len(raw) // 3
        out = []
        for local in range(size * 8):
            byte, bit = local >> 3, 1 << (local & 7)
            mask = ((4 if raw[byte] & bit else 0) | (2 if raw[size + byte] & bit else 0)
                    | (1 if raw[2 * size + byte] & bit else 0))
            if mask:
                out.append((local, mask))
        return out
    value, number, pairs = 0, 0, []
    for char in text:
        more = _MORE.get(char)
        if more is not None:
            number = number * BASE + more
            continue
        value += number * BASE + _LAST[char]
        number = 0
        pairs.append((value >> 3, value & 7))
    return pairs


def block_script(block: int, records: Iterable[list[str] | None]) -> str:
    return _js("d", block, list(records))


def tags_script(tags: Sequence[tuple[str, str, int]]) -> str:
    """The published tags (slug, label, papers), busiest first, for the search tag filter."""
    return _js("g", [list(t) for t in tags])


def meta_script(docs: int) -> str:
    return _js(
        "m", {"v": INDEX_VERSION, "docs": docs, "seg": SEGMENT, "block": BLOCK,
              "buckets": BUCKETS, "prefix": PREFIX, "segs": (docs + SEGMENT - 1) // SEGMENT},
    )


def read_manifest(text: str | None) -> str | None:
    """The build token a manifest carries (None when absent or from another version)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get("v") != INDEX_VERSION:
        return None
    token = data.get("token")
    return token if isinstance(token, str) else None


def manifest_text(token: str, docs: int) -> str:
    return json.dumps({"v": INDEX_VERSION, "token": token, "docs": docs}) + "\n"


# What the files of a segment depend on besides its papers: this module's code.
_CODE_KEY = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def segment_key(segment: int, rows: Iterable[tuple[int, str, str, str | None]]) -> str:
    """A fingerprint of everything :func:`write_segment` writes a segment from: its number,
    each paper's (id, arxiv id, record JSON, terms), and this module's code."""
    digest = hashlib.blake2b(f"{_CODE_KEY}\x1e{segment}".encode(), digest_size=16)
    for doc, arxiv_id, record, terms in rows:
        digest.update(f"\x1e{doc}\x1f{arxiv_id}\x1f{record}\x1f{terms}".encode(
            "utf-8", "surrogatepass"))
    return digest.hexdigest()


def write_segment(
    segment: int,
    members: Sequence[tuple[int, list[str] | None, str | None]],
    write: Callable[[str, str], None],
) -> None:
    """Write one segment's shards and record blocks from (id, record, terms) in id order.

    Ids without a paper (removed since) are holes: no terms, a null record.
    """
    first = segment * SEGMENT
    by_id = {doc: (record, terms) for doc, record, terms in members}
    top = max(by_id, default=first - 1) + 1
    shards = segment_shards(segment, ((doc - first, by_id[doc][1]) for doc in sorted(by_id)))
    for n, script in enumerate(shards[:-1]):
        write(f"search/s{segment}/{n}.js", script)
    write(f"search/s{segment}/k.js", shards[-1])
    spans: list[list[str] | None] = []
    for block_first in range(first, top, BLOCK):
        block = block_first // BLOCK
        # Results show title, date, page, authors, gist and picture; not the caption.
        records = [(by_id.get(doc, (None, None))[0] or None)
                   for doc in range(block_first, min(block_first + BLOCK, top))]
        records = [[*r[:6], "", *r[7:]] if r and len(r) > 7 else r[:6] if r else None
                   for r in records]
        write(f"search/d/{block}.js", block_script(block, records))
        dates = [r[1] for r in records if r]
        spans.append([min(dates), max(dates)] if dates else None)
    write(f"search/s{segment}/b.js", _js("b", segment, spans))


__all__ = [
    "BLOCK", "BUCKETS", "MANIFEST", "SEGMENT", "block_script", "bucket", "decode_postings",
    "doc_terms", "encode_postings", "manifest_text", "meta_script", "parse_terms",
    "read_manifest", "segment_key", "segment_shards", "terms_key", "tokenize", "write_segment",
]
