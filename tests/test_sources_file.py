"""file source: saved daily_papers answers read from disk, and their failure modes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.replay import hf_day, source_settings

from dailypapers.errors import ConfigError, EmptyDayError, SourceError
from dailypapers.sources.file import FileSource
from dailypapers.sources.hf_daily import parse_daily


def _fetch(input: str | None) -> FileSource:
    return FileSource(source_settings(), input=input)


def test_a_saved_answer(shared_data: Path) -> None:
    path = shared_data / "hf_daily" / "2025-05-27.json"
    with _fetch(str(path)) as source:
        day = source.fetch("2025-05-27")
    expected = parse_daily(hf_day(shared_data, "2025-05-27"), date="2025-05-27")
    assert day.source == "file" and day.fetched_at
    assert [e.paper for e in day.entries] == [e.paper for e in expected.entries]
    assert len(day.entries) == 35


def test_a_folder_of_days(shared_data: Path) -> None:
    with _fetch(str(shared_data / "hf_daily")) as source:
        assert len(source.fetch("2025-01-13").entries) == 5
        assert len(source.fetch("2025-12-23").entries) == 17
        with pytest.raises(SourceError, match="no such file") as info:
            source.fetch("2025-01-18")
    assert info.value.hint and "daily_papers?date=2025-01-18" in info.value.hint


def test_truncated_file(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "hf_daily" / "2025-01-15.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[:-100])
    with _fetch(str(path)) as source, pytest.raises(SourceError, match="not valid JSON"):
        source.fetch("2025-01-15")


def test_empty_file_list_is_an_empty_day(tmp_path: Path) -> None:
    path = tmp_path / "2025-01-18.json"
    path.write_text("[]", encoding="utf-8")
    with _fetch(str(tmp_path)) as source, pytest.raises(EmptyDayError) as info:
        source.fetch("2025-01-18")
    assert info.value.date == "2025-01-18"  # type: ignore[attr-defined]
    assert "file: no papers for 2025-01-18" in str(info.value)


def test_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"error": "Invalid date"}', encoding="utf-8")
    with _fetch(str(path)) as source, pytest.raises(SourceError, match="Invalid date"):
        source.fetch("2025-01-15")


def test_needs_a_path() -> None:
    with _fetch(None) as source, pytest.raises(ConfigError, match="needs a path"):
        source.fetch("2025-01-15")
