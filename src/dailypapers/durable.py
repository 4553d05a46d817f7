"""Durable state as small per-day text files; the database is an index rebuilt from them.

What must survive lives in the working directory, one small, sorted, stable file per day,
so git stores a day's change as a small diff and no file grows without bound:

- ``data/YYYY/MM/DD.json`` (written by :mod:`.render.markdown` at publish): the published
  list, each paper's metadata, its summary with backend/model/prompt hash, the verification,
  where its text came from;
- ``ledger/YYYY/MM/DD.json`` (written here): the delivery record of the day (what was sent
  where, exactly once, recipients hidden), its last runs, the per-paper errors and the items
  the source skipped;
- ``profiles/NAME.json`` (written here when a profile's examples change): the papers a
  profile was given (library imports, likes, dislikes).

``dailypapers.db`` (store, search index) and ``cache/`` (PDFs, the site index) are caches:
:func:`rebuild` recreates the database from the files, and :func:`open_store` does so by
itself when the database is missing or older than the files (a file on disk that differs
from the one the database wrote or read). A database from before these files existed is
exported to them on first open, nothing lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Settings
from .models import DayEntry, DayList, FullText, Paper, Summary, Verification
from .render.markdown import dated_file
from .store import Store

log = logging.getLogger(__name__)

# For the scheduled workflow (``init --github-actions``), relative to the working directory:
# - DURABLE_DIRS hold the state everything else is rebuilt from (per-day files);
# - COMMITTED_PATHS is what the job commits: the durable state, the markdown archive, and
#   the site (an output, rebuildable, committed so GitHub Pages can serve it);
# - CACHE_PATHS are kept between runs with actions/cache and never committed: losing them
#   costs a rebuild (``run`` does it by itself) and, for PDFs, downloads.
DURABLE_DIRS = ("data", "ledger", "profiles")
COMMITTED_PATHS = ("data", "ledger", "profiles", "archive", "README.md", "site")
CACHE_PATHS = ("dailypapers.db", "dailypapers.db-wal", "dailypapers.db-shm", "cache")
# A day's ledger keeps its last runs only (the database keeps them all until it is rebuilt).
LEDGER_RUNS = 5


def ledger_path(root: Path, date: str) -> Path:
    return dated_file(root, "ledger", date, ".json")


def data_path(root: Path, date: str) -> Path:
    return dated_file(root, "data", date, ".json")


def profile_path(root: Path, name: str) -> Path:
    """A profile's examples (names are checked: letters, digits, '-', '_')."""
    return root / "profiles" / f"{name}.json"


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _meta(path: Path) -> tuple[int, int, str]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, _sha(path)


def durable_files(root: Path) -> list[Path]:
    """Every durable file under the working directory, in a stable order."""
    found: list[Path] = []
    for folder in DURABLE_DIRS:
        base = root / folder
        if base.is_dir():
            found.extend(p for p in base.rglob("*.json") if p.is_file())
    return sorted(found)


def note(store: Store, root: Path, paths: Iterable[Path]) -> None:
    """Record that the database agrees with these files as they are now."""
    files = {}
    for path in paths:
        if path.exists():
            files[path.relative_to(root).as_posix()] = _meta(path)
    if files:
        store.note_durable_files(files)


# --------------------------------------------------------------------------- writing


def recipients(settings: Settings) -> list[str]:
    """Every recipient the settings name (chat ids, addresses, webhook URLs): never written
    to a committed file."""
    from .secrets import get_secret

    names = [settings.telegram_chat_id, os.environ.get("TELEGRAM_CHAT_ID"),
             get_secret("DAILYPAPERS_WEBHOOK_URL"), *settings.email_to]
    names += [str(r.get("target")) for r in settings.readers if isinstance(r, dict)]
    return [n.strip() for n in names if n and n.strip()]


def _public_ledger(settings: Settings, deliveries: list[dict[str, Any]],
                   runs: list[dict[str, Any]]) -> None:
    """Hide recipients in place: a row's target as its hash, and every name or address in
    an error or a run's message (recipients.py)."""
    from .deliver.recipients import is_hidden, plain_key, scrub

    names = recipients(settings)
    for row in deliveries:
        if not is_hidden(row["target"]):
            row["target"] = plain_key(row["target"])
        if row.get("error"):
            row["error"] = scrub(row["error"], names)
    for run in runs:
        if run.get("message"):
            run["message"] = scrub(run["message"], names)


def write_ledger(store: Store, settings: Settings, date: str) -> Path | None:
    """Write the day's ledger file (only when its content changed); returns its path.

    It keeps the day's last :data:`LEDGER_RUNS` runs (a day re-run every hour for a year
    still has a file of a few kilobytes) and names no recipient (:func:`_public_ledger`).
    """
    root = settings.root
    deliveries, runs = store.ledger_rows(date, runs=LEDGER_RUNS)
    _public_ledger(settings, deliveries, runs)
    digest = store.load_digest(date)
    data: dict[str, Any] = {"date": date, "deliveries": deliveries, "runs": runs}
    if digest is not None:
        day = store.load_day(date, digest.source)
        data["source"] = digest.source
        data["errors"] = dict(sorted(store.day_errors(date, digest.source).items()))
        data["skipped"] = [list(s) for s in day.skipped] if day else []
    if not deliveries and not runs and digest is None:
        return None
    path = ledger_path(root, date)
    _write(path, _dump(data))
    note(store, root, [path, data_path(root, date)])
    return path


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)


def write_profile(store: Store, settings: Settings, name: str) -> Path:
    """Write a profile's examples (imports, likes, dislikes) as ``profiles/NAME.json``.

    They are the user's own choices, not a cache: without this file a rebuilt database
    (or the scheduled job, which only sees committed files) would not know them. The file
    grows with what the user adds, never by itself.
    """
    rows = sorted(store.profile_examples(name), key=lambda r: r["key"])
    path = profile_path(settings.root, name)
    _write(path, _dump({"profile": name, "examples": rows}))
    note(store, settings.root, [path])
    return path


def export_all(store: Store, settings: Settings) -> int:
    """Write the durable files of every day the database knows (the first-run migration)."""
    from .render import markdown

    root = settings.root
    written = 0
    for date in sorted(store.days()):
        digest = store.load_digest(date)
        if digest is not None and digest.entries:
            markdown.write_day(root, digest, max_authors=settings.max_authors,
                               min_papers=settings.min_papers)
    for date in sorted(set(store.days()) | set(store.ledger_dates())):
        if write_ledger(store, settings, date) is not None:
            written += 1
    for name in store.example_profiles():
        write_profile(store, settings, name)
        written += 1
    return written


# --------------------------------------------------------------------------- reading


@dataclass
class RebuildReport:
    days: int = 0
    papers: int = 0
    summaries: int = 0
    deliveries: int = 0
    runs: int = 0
    examples: int = 0

    def line(self) -> str:
        return (f"Rebuilt: {self.days} days, {self.papers} papers, {self.summaries} summaries,"
                f" {self.deliveries} deliveries, {self.runs} runs,"
                f" {self.examples} profile examples")


def _restore_day(store: Store, data: dict[str, Any], ledger: dict[str, Any],
                 report: RebuildReport) -> None:
    date, source = data["date"], data["source"]
    entries = []
    for item in data.get("papers", []):
        entries.append(DayEntry(Paper.from_dict(item["paper"]), item["rank"], item.get("upvotes")))
    skipped = [(int(p), str(r)) for p, r in ledger.get("skipped", [])]
    store.save_day(DayList(date=date, source=source, entries=entries,
                           fetched_at=data.get("fetched_at"), skipped=skipped))
    texts, done = [], []
    for item in data.get("papers", []):
        paper = Paper.from_dict(item["paper"])
        kind = item.get("fulltext_source")
        if kind == "abstract":
            texts.append(FullText.of_abstract(paper, []))
        elif kind:
            # The text itself is a cache: a stub says where it came from; it is fetched
            # again only if the paper has to be summarized again.
            texts.append(FullText(paper.arxiv_id, paper.version, kind, "",
                                  stats={"restored": True}))
        if item.get("summary"):
            verification = item.get("verification")
            done.append((Summary.from_dict(item["summary"]),
                         Verification.from_dict(verification) if verification else None))
    if texts:
        store.save_fulltexts(texts)
    if done:
        store.save_summaries(date, source, done)
    for arxiv_id, error in ledger.get("errors", {}).items():
        store.set_paper_error(date, source, arxiv_id, error)
    report.days += 1
    report.papers += len(entries)
    report.summaries += len(done)


def _read(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a JSON object")
    return data


def rebuild(settings: Settings) -> RebuildReport:
    """Recreate ``dailypapers.db`` from the durable files (and drop the site's index)."""
    root = settings.root
    db = Path(settings.db_path)
    tmp = db.with_name(db.name + ".rebuild")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    report = RebuildReport()
    files = durable_files(root)
    with Store(tmp) as store, store.transaction():
        ledgers = {p.relative_to(root / "ledger").with_suffix("").as_posix().replace("/", "-"): p
                   for p in files if p.is_relative_to(root / "ledger")}
        for path in files:
            if not path.is_relative_to(root / "data"):
                continue
            data = _read(path)
            ledger_file = ledgers.get(data.get("date", ""))
            ledger = _read(ledger_file) if ledger_file else {}
            _restore_day(store, data, ledger, report)
        for date, path in sorted(ledgers.items()):
            ledger = _read(path)
            store.restore_ledger(date, ledger.get("deliveries", []), ledger.get("runs", []))
            report.deliveries += len(ledger.get("deliveries", []))
            report.runs += len(ledger.get("runs", []))
        for path in files:
            if path.is_relative_to(root / "profiles"):
                profile = _read(path)
                store.restore_examples(str(profile["profile"]), profile.get("examples", []))
                report.examples += len(profile.get("examples", []))
        note(store, root, files)
    for old in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        old.unlink(missing_ok=True)
    os.replace(tmp, db)
    for cached in settings.cache_path.glob("site-index.sqlite*"):
        cached.unlink(missing_ok=True)
    return report


def stale_files(store: Store, root: Path) -> list[str]:
    """Durable files on disk that the database has not written or read as they are now."""
    known = store.durable_files()
    stale, same = [], {}
    for path in durable_files(root):
        rel = path.relative_to(root).as_posix()
        st = path.stat()
        meta = known.get(rel)
        if meta is not None and meta[:2] == (st.st_size, st.st_mtime_ns):
            continue
        sha = _sha(path)
        if meta is not None and meta[2] == sha:
            same[rel] = (st.st_size, st.st_mtime_ns, sha)  # touched (a git checkout), same
            continue
        stale.append(rel)
    if same:
        store.note_durable_files(same)
    return stale


def open_store(settings: Settings) -> Store:
    """The store, first rebuilt from the durable files if it is missing or older than them,
    or exported to them if it predates them."""
    root = settings.root
    db = Path(settings.db_path)
    if not db.exists():
        if durable_files(root):
            log.warning("no database: rebuilding it from data/, ledger/ and profiles/")
            rebuild(settings)
        return Store(db)
    store = Store(db)
    if not store.durable_files():
        if store.days() or store.ledger_dates():
            log.warning("exporting the database to durable files (data/, ledger/)")
            export_all(store, settings)
        return store
    for name in store.example_profiles():  # examples from before profiles/ existed
        if not profile_path(root, name).exists():
            write_profile(store, settings, name)
    stale = stale_files(store, root)
    if stale:
        log.warning("the database is older than %d durable file(s) (%s): rebuilding it",
                    len(stale), stale[0])
        store.close()
        rebuild(settings)
        store = Store(db)
    return store


__all__ = [
    "CACHE_PATHS", "COMMITTED_PATHS", "DURABLE_DIRS", "LEDGER_RUNS", "RebuildReport", "data_path",
    "durable_files", "export_all", "ledger_path", "open_store", "profile_path", "rebuild",
    "stale_files", "write_ledger", "write_profile",
]
