"""Example papers from a reader's library: BibTeX, CSL JSON (a Zotero export), the Zotero web
API, or arXiv ids looked up on the export API.

Readers are strict about the file as a whole (a file that cannot be read is a
:class:`~dailypapers.errors.ConfigError` naming the line, and nothing is imported) and
lenient about single entries (one without a title is left out and counted). The Zotero web
API needs ``ZOTERO_API_KEY`` (from the environment or the key file) and only ``httpx``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError, SourceError
from ..http import make_client, request
from ..models import ARXIV_ID_RE
from ..secrets import require_secret
from ..sources.arxiv_new import unlatex
from ..sources.base import normalize_ws
from .profiles import Example

_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv(?:\.org/(?:abs|pdf)/|[:\s.]+|\s*preprint\s+arxiv:)|10\.48550/arxiv\.)\s*"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_MONTHS = {m: n for n, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


@dataclass
class Imported:
    """What a library gave: the examples and how many entries were left out."""

    examples: list[Example] = field(default_factory=list)
    left_out: int = 0


def find_arxiv_id(*texts: str | None) -> str | None:
    """The first arXiv id in fields such as eprint, URL, DOI, journal or extra."""
    for text in texts:
        if not text:
            continue
        bare = text.strip()
        match = ARXIV_ID_RE.match(bare)
        if match:
            return match.group("id")
        found = _ARXIV_IN_TEXT.search(bare)
        if found:
            return found.group(1)
    return None


def _clean(text: str) -> str:
    return normalize_ws(unlatex(text).replace("{", "").replace("}", ""))


def _example(key: str, title: str, abstract: str, authors: list[str], date: str | None,
             arxiv_id: str | None, origin: str) -> Example:
    return Example(key=arxiv_id or key, title=title, abstract=abstract, authors=authors,
                   date=date, arxiv_id=arxiv_id, origin=origin)


# --------------------------------------------------------------------------- BibTeX


def _bib_error(path: Path, text: str, at: int, what: str) -> ConfigError:
    line = text.count("\n", 0, at) + 1
    return ConfigError(f"{path}: not valid BibTeX at line {line}: {what}",
                       hint="fix the file (or export it again); nothing was imported")


def _scan_value(text: str, pos: int, strings: dict[str, str], path: Path) -> tuple[str, int]:
    """A field value (braced, quoted, number or macro, joined by #) from ``pos``."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            raise _bib_error(path, text, pos, "the file ends inside a field")
        char = text[pos]
        if char == "{":
            depth, end = 0, pos
            while end < len(text):
                if text[end] == "\\":
                    end += 2
                    continue
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                if depth == 0:
                    break
                end += 1
            if end >= len(text):
                raise _bib_error(path, text, pos, "a '{' is never closed")
            parts.append(text[pos + 1:end])
            pos = end + 1
        elif char == '"':
            end, depth = pos + 1, 0
            while end < len(text) and not (text[end] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 2 if text[end] == "\\" else 1
            if end >= len(text):
                raise _bib_error(path, text, pos, 'a \'"\' is never closed')
            parts.append(text[pos + 1:end])
            pos = end + 1
        else:
            match = re.compile(r"[A-Za-z0-9_\-.:+/]+").match(text, pos)
            if match is None:
                raise _bib_error(path, text, pos, f"unexpected {char!r}")
            word = match.group(0)
            parts.append(strings.get(word.lower(), word))
            pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos < len(text) and text[pos] == "#":
            pos += 1
            continue
        return "".join(parts), pos


def parse_bibtex(text: str, path: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(entry type, citation key, fields) for every entry; ConfigError on a broken file."""
    entries: list[tuple[str, str, dict[str, str]]] = []
    strings: dict[str, str] = {}
    head = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
    pos = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            break
        match = head.match(text, at)
        if match is None:
            pos = at + 1
            continue
        kind, close = match.group(1).lower(), "}" if match.group(2) == "{" else ")"
        pos = match.end()
        if kind in ("comment", "preamble"):
            _, pos = _scan_value(text, match.start(2), strings, path) if close == "}" else (
                "", text.find(")", pos) + 1)
            continue
        if kind == "string":
            name = re.compile(r"\s*([A-Za-z][\w\-]*)\s*=").match(text, pos)
            if name is None:
                raise _bib_error(path, text, pos, "@string without a name")
            value, pos = _scan_value(text, name.end(), strings, path)
            strings[name.group(1).lower()] = value
            pos = _expect(text, pos, close, path)
            continue
        key_match = re.compile(r"\s*([^\s,{}()]*)\s*,").match(text, pos)
        if key_match is None:
            raise _bib_error(path, text, pos, f"@{kind} without a citation key")
        pos = key_match.end()
        fields: dict[str, str] = {}
        while True:
            while pos < len(text) and (text[pos].isspace() or text[pos] == ","):
                pos += 1
            if pos >= len(text):
                raise _bib_error(path, text, at, f"@{kind}{{{key_match.group(1)} is never closed")
            if text[pos] == close:
                pos += 1
                break
            name = re.compile(r"([A-Za-z][\w\-:.]*)\s*=").match(text, pos)
            if name is None:
                raise _bib_error(path, text, pos, f"expected a field name in "
                                 f"{key_match.group(1) or 'an entry'}")
            value, pos = _scan_value(text, name.end(), strings, path)
            fields[name.group(1).lower()] = value
        entries.append((kind, key_match.group(1), fields))
    return entries


def _expect(text: str, pos: int, char: str, path: Path) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text) or text[pos] != char:
        raise _bib_error(path, text, pos, f"expected {char!r}")
    return pos + 1


def _bib_authors(value: str) -> list[str]:
    names = []
    for raw in re.split(r"\s+and\s+", _clean(value)):
        if "," in raw:
            last, _, first = raw.partition(",")
            raw = f"{first.strip()} {last.strip()}"
        if raw.strip() and raw.strip().lower() != "others":
            names.append(raw.strip())
    return names


def _bib_date(fields: dict[str, str]) -> str | None:
    if re.match(r"\d{4}-\d{2}(-\d{2})?", fields.get("date", "")):
        return fields["date"][:10]
    year = fields.get("year", "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return None
    month_text = fields.get("month", "").strip().lower()[:3]
    month = _MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else 1)
    return f"{year}-{min(max(month, 1), 12):02d}-01"


def read_bibtex(path: Path, origin: str = "bibtex") -> list[Example]:
    return import_bibtex(path, origin).examples


def import_bibtex(path: Path, origin: str = "bibtex") -> Imported:
    text = _read(path)
    entries = parse_bibtex(text, path)
    if not entries:
        raise ConfigError(f"{path}: no BibTeX entries found",
                          hint="export your library as BibTeX (.bib) and try again")
    result = Imported()
    for _kind, key, fields in entries:
        title = _clean(fields.get("title", ""))
        if not title:
            result.left_out += 1
            continue
        arxiv_id = find_arxiv_id(
            fields.get("eprint") if "arxiv" in fields.get("archiveprefix", "arxiv").lower()
            else None, fields.get("arxivid"), fields.get("url"), fields.get("doi"),
            fields.get("journal"), fields.get("note"), fields.get("howpublished"))
        result.examples.append(_example(
            key, title, _clean(fields.get("abstract", "")), _bib_authors(fields.get("author", "")),
            _bib_date(fields), arxiv_id, origin))
    return result


# --------------------------------------------------------------------------- CSL JSON


def _csl_date(value: Any) -> str | None:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            nums = [int(p) for p in parts[0][:3] if str(p).isdigit()]
            if nums:
                nums += [1] * (3 - len(nums))
                return f"{nums[0]:04d}-{nums[1]:02d}-{nums[2]:02d}"
        raw = value.get("raw")
        if isinstance(raw, str) and re.match(r"\d{4}-\d{2}-\d{2}", raw):
            return raw[:10]
    return None


def import_csl(path: Path, origin: str = "csl") -> Imported:
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid CSL JSON: {exc}",
                          hint="export the library as CSL JSON and try again; nothing was"
                          " imported") from exc
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ConfigError(f"{path}: not CSL JSON (expected a list of items)",
                          hint="export the library as CSL JSON; nothing was imported")
    if not items:
        raise ConfigError(f"{path}: the CSL JSON file holds no items")
    result = Imported()
    for number, item in enumerate(items, 1):
        title = _clean(str(item.get("title") or ""))
        if not title:
            result.left_out += 1
            continue
        authors = []
        for person in item.get("author") or []:
            if isinstance(person, dict):
                name = person.get("literal") or " ".join(
                    str(person.get(k, "")) for k in ("given", "family") if person.get(k))
                if name:
                    authors.append(_clean(str(name)))
        arxiv_id = find_arxiv_id(*(str(item.get(k) or "") for k in (
            "number", "URL", "DOI", "archive_location", "note", "container-title")))
        result.examples.append(_example(
            str(item.get("id") or f"item{number}"), title, _clean(str(item.get("abstract") or "")),
            authors, _csl_date(item.get("issued")), arxiv_id, origin))
    return result


def read_csl(path: Path) -> list[Example]:
    return import_csl(path).examples


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(f"no such file: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


# --------------------------------------------------------------------------- Zotero


_LIBRARY_RE = re.compile(r"^(users|groups)/\d+$")
ZOTERO_PAGE = 100
ZOTERO_MAX_ITEMS = 20_000


def import_zotero(settings: Settings, library: str, *, collection: str | None = None
                  ) -> Imported:
    """Every regular item of a Zotero library (``users/123`` or ``groups/456``)."""
    if not _LIBRARY_RE.match(library):
        raise ConfigError(f"not a Zotero library: {library!r}",
                          hint="users/<your user id> (zotero.org/settings/keys) or groups/<id>")
    key = require_secret("ZOTERO_API_KEY", purpose="the Zotero web API",
                         alternative="export the library as BibTeX or CSL JSON instead")
    base = settings.zotero_url.rstrip("/")
    path = f"{base}/{library}" + (f"/collections/{collection}" if collection else "") + "/items"
    headers = {"Zotero-API-Key": key, "Zotero-API-Version": "3"}
    result = Imported()
    with make_client(settings) as client:
        start = 0
        while start < ZOTERO_MAX_ITEMS:
            params = {"format": "json", "limit": ZOTERO_PAGE, "start": start,
                      "itemType": "-attachment || note"}
            try:
                response = request(client, "GET", path, params=params, headers=headers,
                                   attempts=max(1, settings.http_retries),
                                   max_wait=settings.retry_max_wait)
            except Exception as exc:
                raise SourceError(f"Zotero: no answer from {base}: {type(exc).__name__}",
                                  hint="check the network or DAILYPAPERS_ZOTERO_URL") from exc
            if response.status_code in (401, 403):
                raise ConfigError(f"Zotero refused the key (HTTP {response.status_code}) for "
                                  f"{library}", hint="check ZOTERO_API_KEY and that it may read "
                                  "this library (zotero.org/settings/keys); nothing was imported")
            if response.status_code == 404:
                raise ConfigError(f"Zotero: no library {library} (HTTP 404)",
                                  hint="check the user or group id")
            if response.status_code != 200:
                raise SourceError(f"Zotero: HTTP {response.status_code} for {library}",
                                  hint="try again later; nothing was imported")
            try:
                page = response.json()
            except ValueError as exc:
                raise SourceError("Zotero: the answer is not JSON") from exc
            if not isinstance(page, list):
                raise SourceError("Zotero: unexpected answer (not a list of items)")
            for item in page:
                _zotero_item(item, result)
            total = response.headers.get("total-results", "")
            start += len(page)
            if not page or (total.isdigit() and start >= int(total)):
                break
    return result


def _zotero_item(item: Any, result: Imported) -> None:
    data = item.get("data") if isinstance(item, dict) else None
    if not isinstance(data, dict) or data.get("itemType") in ("attachment", "note"):
        return
    title = _clean(str(data.get("title") or ""))
    if not title:
        result.left_out += 1
        return
    authors = []
    for person in data.get("creators") or []:
        if isinstance(person, dict):
            name = person.get("name") or " ".join(
                str(person.get(k, "")) for k in ("firstName", "lastName") if person.get(k))
            if name:
                authors.append(_clean(str(name)))
    added = str(data.get("dateAdded") or "")[:10] or None
    arxiv_id = find_arxiv_id(*(str(data.get(k) or "") for k in (
        "archiveID", "url", "DOI", "extra", "publicationTitle", "number")))
    result.examples.append(_example(
        str(data.get("key") or item.get("key") or title[:40]), title,
        _clean(str(data.get("abstractNote") or "")), authors, added, arxiv_id, "zotero"))
