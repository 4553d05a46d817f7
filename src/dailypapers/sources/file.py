"""Source ``file``: a saved ``/api/daily_papers`` answer (JSON) read from disk.

``input`` is the JSON file, or a folder holding ``<date>.json`` files (a folder of daily
captures replays any of its days). Parsed by :func:`~dailypapers.sources.hf_daily.parse_daily`
with the same rules as the live source: an empty list is an EmptyDayError, a file none of whose
items can be read is a SourceError, single bad items are reported in ``DayList.skipped``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ConfigError, SourceError
from ..models import DayList
from ..safety import check_json_depth
from .base import Source, check_date, utc_now
from .hf_daily import check_day, parse_daily
from .validate import Limits


class FileSource(Source):
    """A saved daily_papers JSON answer; no network."""

    id = "file"

    def fetch(self, date: str) -> DayList:
        check_date(date)
        if not self.input:
            raise ConfigError(
                "the file source needs a path",
                hint="pass a saved daily_papers JSON file or a folder of <date>.json files",
            )
        path = Path(self.input).expanduser()
        if path.is_dir():
            path = path / f"{date}.json"
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise SourceError(f"no such file: {path}",
                              hint="save one with: curl "
                              f"'https://huggingface.co/api/daily_papers?date={date}'") from exc
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc}") from exc
        try:
            check_json_depth(data, self.settings.json_max_depth)
            payload = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise SourceError(f"{path} is not valid JSON ({exc})",
                              hint="is the file complete? nothing was read from it") from exc
        day = parse_daily(payload, date=date, limits=Limits.of(self.settings))
        day.source = self.id
        day.fetched_at = utc_now()
        check_day(day, payload, source=self.id, what=str(path))
        return day
