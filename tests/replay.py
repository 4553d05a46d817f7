"""Replay servers for tests: recorded HF daily_papers days and arXiv answers on 127.0.0.1.

Built on pytest-httpserver so every test goes through the real HTTP stack. Usage::

    from replay import serve_hf_days, source_settings

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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
