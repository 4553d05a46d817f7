"""The site's derived index: a small SQLite cache that makes publishing one day cost the same
at 10^2 or 10^6 papers.

It lives next to the other caches (``<cache>/site-index.sqlite``), is never a source of
truth, and can be deleted at any time: a full site build recreates it from the store, and an
incremental build that finds it missing or out of step with the site falls back to a full
build. It holds, per published paper: its search id (stable: a new paper gets the next id,
so appending a day only touches the last search segment), its result-list record and its
keywords; per keyword the papers that carry it, newest first; and per paper its search
terms with the fingerprint of the text they came from, kept across full builds so that
a paper is tokenized again only when its text changed.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc      INTEGER PRIMARY KEY,  -- search id
    arxiv_id TEXT NOT NULL UNIQUE,
    last     TEXT NOT NULL,        -- newest published date
    record   TEXT NOT NULL         -- JSON [title, date, page, authors, gist, ...]
);
CREATE TABLE IF NOT EXISTS terms (  -- kept by replace_all; see render/site_search.py
    arxiv_id TEXT PRIMARY KEY,
    key      TEXT NOT NULL,        -- site_search.terms_key of the text
    terms    TEXT NOT NULL         -- site_search.doc_terms
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS segments (  -- written search segments (see render/site/build.py)
    segment INTEGER PRIMARY KEY,
    key     TEXT NOT NULL,         -- site_search.segment_key of what it was written from
    files   BLOB NOT NULL          -- zlib of JSON [[path, text], ...]
);
CREATE TABLE IF NOT EXISTS doc_tags (
    key   TEXT NOT NULL,           -- case-folded keyword
    label TEXT NOT NULL,
    last  TEXT NOT NULL,
    doc   INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
);
"""
# 2: docs without the authors and tags columns nothing read (a full build wrote 2x10^5
# JSON texts for them). An index of another version loses docs, doc_tags and meta (so the
# next build is a full one) and keeps the search terms.
VERSION = 2
INDEXES = """
CREATE INDEX IF NOT EXISTS doc_tags_newest ON doc_tags (key, last DESC, doc DESC);
CREATE INDEX IF NOT EXISTS doc_tags_doc ON doc_tags (doc);
"""


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass
class DocRow:
    """What the site knows about one paper."""

    arxiv_id: str
    last: str
    record: list[str]
    tags: list[tuple[str, str]]  # (key, label)
    terms: str | None = None  # with terms_key: saved with the row (incremental builds)
    terms_key: str = ""


@dataclass
class TagCount:
    key: str
    label: str  # as the newest paper wrote it
    count: int


class SiteIndex:
    """A handle on the cache database; use as a context manager."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        # A cache: losing the last write on a power cut only costs a full rebuild.
        self.conn.execute("PRAGMA synchronous = OFF")
        if int(self.conn.execute("PRAGMA user_version").fetchone()[0]) != VERSION:
            self.conn.executescript(
                f"""DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS doc_tags;
                    DROP TABLE IF EXISTS meta; PRAGMA user_version = {VERSION};""")
        self.conn.executescript(SCHEMA + INDEXES)

    def __enter__(self) -> SiteIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # ---------------------------------------------------------------- meta

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    # ---------------------------------------------------------------- writes

    def replace_all(self, rows: Iterable[DocRow]) -> None:
        """Start afresh: ids 0, 1, 2... in the order given."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM docs")
            self.conn.execute("DELETE FROM doc_tags")
            self.conn.execute("DELETE FROM meta")
            # Bulk load: indexes built once afterwards are several times faster than
            # maintained row by row.
            self.conn.execute("DROP INDEX IF EXISTS doc_tags_newest")
            self.conn.execute("DROP INDEX IF EXISTS doc_tags_doc")
            self._insert_many(enumerate(rows))
            for statement in INDEXES.strip().splitlines():
                self.conn.execute(statement)
            self.conn.execute(
                "DELETE FROM terms WHERE arxiv_id NOT IN (SELECT arxiv_id FROM docs)")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def upsert(self, rows: Sequence[DocRow], removed: Sequence[str] = ()) -> dict[str, int]:
        """Update papers in place (a new paper gets the next id); returns their ids."""
        ids: dict[str, int] = {}
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for arxiv_id in removed:
                old = self.conn.execute(
                    "SELECT doc FROM docs WHERE arxiv_id=?", (arxiv_id,)).fetchone()
                if old is not None:
                    self.conn.execute("DELETE FROM doc_tags WHERE doc=?", (old[0],))
                    self.conn.execute("DELETE FROM docs WHERE doc=?", (old[0],))
            for row in rows:
                old = self.conn.execute(
                    "SELECT doc FROM docs WHERE arxiv_id=?", (row.arxiv_id,)).fetchone()
                if old is None:
                    doc = int(self.conn.execute(
                        "SELECT coalesce(max(doc), -1) + 1 FROM docs").fetchone()[0])
                else:
                    doc = int(old[0])
                    self.conn.execute("DELETE FROM doc_tags WHERE doc=?", (doc,))
                    self.conn.execute("DELETE FROM docs WHERE doc=?", (doc,))
                self._insert(doc, row)
                ids[row.arxiv_id] = doc
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return ids

    def _insert(self, doc: int, row: DocRow) -> None:
        self._insert_many([(doc, row)])

    def _insert_many(self, rows: Iterable[tuple[int, DocRow]]) -> None:
        docs: list[tuple[object, ...]] = []
        tags: list[tuple[str, str, str, int]] = []
        terms: list[tuple[str, str, str]] = []
        for doc, row in rows:
            docs.append((doc, row.arxiv_id, row.last, _dumps(row.record)))
            tags.extend((key, label, row.last, doc) for key, label in row.tags)
            if row.terms is not None:
                terms.append((row.arxiv_id, row.terms_key, row.terms))
        self.conn.executemany(
            "INSERT INTO docs (doc, arxiv_id, last, record) VALUES (?, ?, ?, ?)", docs)
        tags.sort(key=lambda t: (t[0], t[3]))  # in primary key order: appends, not splits
        self.conn.executemany(
            "INSERT OR IGNORE INTO doc_tags (key, label, last, doc) VALUES (?, ?, ?, ?)", tags)
        self._save_terms(terms)

    def _save_terms(self, terms: Iterable[tuple[str, str, str]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO terms (arxiv_id, key, terms) VALUES (?, ?, ?)", terms)

    def term_keys(self) -> dict[str, str]:
        """The fingerprint of every paper's stored search terms."""
        return {str(a): str(k) for a, k in self.conn.execute("SELECT arxiv_id, key FROM terms")}

    def save_terms(self, terms: Iterable[tuple[str, str, str]]) -> None:
        """Store (arxiv_id, fingerprint, terms) of papers, replacing what they had."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self._save_terms(terms)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ---------------------------------------------------------------- reads

    def count(self) -> int:
        """How many search ids are in use (the highest id + 1; removed papers leave holes)."""
        return int(self.conn.execute("SELECT coalesce(max(doc), -1) + 1 FROM docs").fetchone()[0])

    def papers(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM docs").fetchone()[0])

    def doc_ids(self, arxiv_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        ids = list(arxiv_ids)
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            marks = ",".join("?" * len(batch))
            for arxiv_id, doc in self.conn.execute(
                f"SELECT arxiv_id, doc FROM docs WHERE arxiv_id IN ({marks})", batch
            ):
                found[arxiv_id] = int(doc)
        return found

    def docs_on(self, dates: Sequence[str]) -> list[str]:
        """Papers whose newest date is one of ``dates``."""
        marks = ",".join("?" * len(dates))
        rows = self.conn.execute(f"SELECT arxiv_id FROM docs WHERE last IN ({marks})",
                                 list(dates))
        return [str(r[0]) for r in rows]

    def tags_of(self, arxiv_ids: Sequence[str]) -> dict[str, list[str]]:
        """Keys of each paper's keywords."""
        found: dict[str, list[str]] = {}
        ids = list(arxiv_ids)
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            marks = ",".join("?" * len(batch))
            for arxiv_id, key in self.conn.execute(
                f"""SELECT d.arxiv_id, t.key FROM docs d JOIN doc_tags t ON t.doc = d.doc
                    WHERE d.arxiv_id IN ({marks})""", batch
            ):
                found.setdefault(str(arxiv_id), []).append(str(key))
        return found

    def papers_with(self, keys: Sequence[str]) -> list[str]:
        """Papers carrying any of these keywords (their pages link the keywords' pages)."""
        found: set[str] = set()
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            marks = ",".join("?" * len(batch))
            found.update(str(r[0]) for r in self.conn.execute(
                f"""SELECT d.arxiv_id FROM doc_tags t JOIN docs d ON d.doc = t.doc
                    WHERE t.key IN ({marks})""", batch))
        return sorted(found)

    def segment(self, first: int, last: int) -> list[tuple[int, str, list[str], str | None]]:
        """(id, arxiv_id, record, terms) of ids in [first, last), in id order."""
        return [(doc, arxiv_id, json.loads(record), terms)
                for doc, arxiv_id, record, terms in self.segment_rows(first, last)]

    def segment_rows(self, first: int, last: int) -> list[tuple[int, str, str, str | None]]:
        """(id, arxiv_id, record as JSON text, terms) of ids in [first, last), in id order."""
        rows = self.conn.execute(
            """SELECT d.doc, d.arxiv_id, d.record, t.terms FROM docs d
               LEFT JOIN terms t ON t.arxiv_id = d.arxiv_id
               WHERE d.doc >= ? AND d.doc < ? ORDER BY d.doc""",
            (first, last),
        )
        return [(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]

    def segment_files(self, segment: int, key: str) -> list[tuple[str, str]] | None:
        """The files of a search segment written from what ``key`` fingerprints, if kept."""
        row = self.conn.execute("SELECT files FROM segments WHERE segment=? AND key=?",
                                (segment, key)).fetchone()
        if row is None:
            return None
        return [(str(rel), str(text)) for rel, text in json.loads(zlib.decompress(row[0]))]

    def save_segment(self, segment: int, key: str, files: Sequence[tuple[str, str]]) -> None:
        blob = zlib.compress(json.dumps(files, ensure_ascii=False).encode("utf-8"), 1)
        self.conn.execute("INSERT OR REPLACE INTO segments (segment, key, files) VALUES (?, ?, ?)",
                          (segment, key, blob))

    def tag_counts(self, minimum: int = 1) -> list[TagCount]:
        """Every keyword shared by at least ``minimum`` papers, most used first."""
        rows = self.conn.execute(
            """SELECT key, count(*) AS n FROM doc_tags GROUP BY key HAVING n >= ?
               ORDER BY n DESC, key""",
            (minimum,),
        ).fetchall()
        return [TagCount(key=str(r[0]), label=self._label(str(r[0])), count=int(r[1]))
                for r in rows]

    def _label(self, key: str) -> str:
        """The label of the keyword's newest paper (the lowest id among equals)."""
        row = self.conn.execute(
            "SELECT label FROM doc_tags WHERE key=? ORDER BY last DESC, doc LIMIT 1", (key,)
        ).fetchone()
        return str(row[0]) if row else key

    def tag_count(self, key: str) -> TagCount | None:
        row = self.conn.execute("SELECT count(*) FROM doc_tags WHERE key=?", (key,)).fetchone()
        if row is None or not row[0]:
            return None
        return TagCount(key=key, label=self._label(key), count=int(row[0]))

    def tag_rows(self, key: str, limit: int) -> list[tuple[str, list[str]]]:
        """(arxiv_id, record) of a keyword's newest ``limit`` papers (newest date, then id)."""
        rows = self.conn.execute(
            """SELECT d.arxiv_id, d.record FROM doc_tags t JOIN docs d ON d.doc = t.doc
               WHERE t.key = ? ORDER BY t.last DESC, t.doc DESC LIMIT ?""",
            (key, limit),
        )
        return [(str(r[0]), json.loads(r[1])) for r in rows]


__all__ = ["DocRow", "SiteIndex", "TagCount"]
