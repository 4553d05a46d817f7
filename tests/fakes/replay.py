"""Replay servers for tests: recorded HF daily_papers days and arXiv answers on 127.0.0.1.

Built on pytest-httpserver so every test goes through the real HTTP stack. Usage::

    from fakes.replay import serve_hf_days, source_settings

    def test_x(httpserver, shared_data):
        base = serve_hf_days(httpserver, shared_data, ["2025-01-15"])
        settings = source_settings(hf_url=base)
        ...

The HF handler honours ``date``, ``limit`` and ``p`` like the real API (pages of ``limit``
items); a date it does not hold answers ``[]`` (HF's answer for an unfilled day) or, with
``missing="400"``, HTTP 400 as HF does for a future date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailypapers.config import Settings

HF_PATH = "/api/daily_papers"
ARXIV_PATH = "/api/query"


def hf_day(shared_data: Path, date: str) -> list[Any]:
    """The recorded daily_papers answer for ``date``."""
    data: list[Any] = json.loads((shared_data / "hf_daily" / f"{date}.json").read_text("utf-8"))
    return data


def hf_dates(shared_data: Path) -> list[str]:
    """Every recorded date, oldest first."""
    return sorted(p.stem for p in (shared_data / "hf_daily").glob("*.json"))


def json_response(payload: Any, status: int = 200, **headers: str) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers,
                    content_type="application/json")


def serve_hf_days(
    httpserver: HTTPServer,
    shared_data: Path | None,
    dates: Iterable[str] | None = None,
    *,
    days: dict[str, list[Any]] | None = None,
    missing: str = "empty",
) -> str:
    """Serve recorded (and/or given) days at ``/api/daily_papers``; returns the base URL.

    ``dates``: recorded dates to serve (all recorded ones when None and shared_data is given).
    ``days``: extra ``{date: items}`` answers (synthetic days), served the same way.
    """
    served: dict[str, list[Any]] = {}
    if shared_data is not None:
        for date in dates if dates is not None else hf_dates(shared_data):
            served[date] = hf_day(shared_data, date)
    served.update(days or {})

    def handler(request: Request) -> Response:
        date = request.args.get("date", "")
        limit = int(request.args.get("limit", "50"))
        page = int(request.args.get("p", "0"))
        if date not in served:
            if missing == "400":
                return json_response({"error": "Invalid date: date is in the future"}, 400)
            return json_response([])
        return json_response(served[date][page * limit:(page + 1) * limit])

    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    return base_url(httpserver)


def base_url(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/").rstrip("/")


def source_settings(**overrides: Any) -> Settings:
    """Settings for source tests: few attempts, no backoff sleeps, no arXiv pacing."""
    values: dict[str, Any] = {"http_retries": 3, "retry_max_wait": 0.0, "arxiv_delay": 0.0,
                              "http_timeout": 5.0}
    values.update(overrides)
    return Settings(**values)


# --- arXiv export API

ATOM_NS = "http://www.w3.org/2005/Atom"


def arxiv_file(shared_data: Path, name: str) -> bytes:
    """A recorded export-API answer, by path under ``arxiv/api/`` (``2026/id_list_...xml``)."""
    return (shared_data / "arxiv" / "api" / name).read_bytes()


def arxiv_entries(shared_data: Path) -> dict[str, ET.Element]:
    """Every recorded entry, by versionless arXiv id (first capture wins)."""
    found: dict[str, ET.Element] = {}
    for path in sorted((shared_data / "arxiv" / "api").glob("*/*.xml")):
        root = ET.fromstring(path.read_bytes())
        for entry in root.iter(f"{{{ATOM_NS}}}entry"):
            raw = entry.findtext(f"{{{ATOM_NS}}}id") or ""
            if "/abs/" not in raw:
                continue
            key = re.sub(r"v\d+$", "", raw.split("/abs/", 1)[1])
            found.setdefault(key, entry)
    return found


def arxiv_feed(shared_data: Path, entries: Iterable[ET.Element], *, total: int | None = None
               ) -> bytes:
    """A feed shaped like arXiv's (the recorded empty answer) holding ``entries``."""
    root = ET.fromstring(arxiv_file(shared_data, "2026/id_list_0000.0000_empty.xml"))
    entries = list(entries)
    for entry in entries:
        root.append(entry)
    for node in root.iter("{http://a9.com/-/spec/opensearch/1.1/}totalResults"):
        node.text = str(len(entries) if total is None else total)
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="utf-8")


def serve_arxiv(httpserver: HTTPServer, shared_data: Path) -> str:
    """Serve ``id_list`` requests from the recorded entries; returns the API URL.

    Like arXiv: unknown well-formed ids are silently dropped, a malformed id answers the
    recorded HTTP 400 error feed, ``vN`` asks for that version (only recorded ones exist).
    """
    known = arxiv_entries(shared_data)
    error_body = arxiv_file(shared_data, "2026/id_list_abc_error_http400.xml")

    def handler(request: Request) -> Response:
        wanted = [i for i in request.args.get("id_list", "").split(",") if i]
        entries = []
        for raw in wanted:
            match = re.fullmatch(r"(.+?)(v\d+)?", raw)
            if match is None or not re.fullmatch(r"\d{4}\.\d{4,5}|[a-z\-.]+/\d{7}", match[1]):
                return Response(error_body, 400, content_type="application/atom+xml")
            entry = known.get(match[1])
            entry_id = entry.findtext(f"{{{ATOM_NS}}}id") if entry is not None else None
            if entry is None or (match[2] and not (entry_id or "").endswith(match[2])):
                continue
            entries.append(entry)
        return Response(arxiv_feed(shared_data, entries), 200,
                        content_type="application/atom+xml; charset=utf-8")

    httpserver.expect_request(ARXIV_PATH).respond_with_handler(handler)
    return httpserver.url_for(ARXIV_PATH)
