"""The source registry and the base class contract."""

from __future__ import annotations

from importlib.metadata import entry_points

import httpx2 as httpx
import pytest
from fakes.replay import source_settings

from dailypapers.errors import ConfigError, SourceError
from dailypapers.sources import Source, get_source
from dailypapers.sources.arxiv import ArxivSource
from dailypapers.sources.base import check_date, normalize_ws
from dailypapers.sources.file import FileSource
from dailypapers.sources.hf_daily import HFDailySource
from dailypapers.sources.ids import IdsSource


@pytest.mark.parametrize("name, cls", [("hf-daily", HFDailySource), ("arxiv", ArxivSource),
                                       ("ids", IdsSource), ("file", FileSource)])
def test_registered_sources(name: str, cls: type[Source]) -> None:
    source = get_source(name, source_settings(), input="x")
    assert type(source) is cls and source.id == name and source.input == "x"
    source.close()


def test_entry_point_names_match_ids() -> None:
    for ep in entry_points(group="dailypapers.sources"):
        assert ep.load().id == ep.name


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown source 'hf'") as info:
        get_source("hf", source_settings())
    assert info.value.hint and "hf-daily" in info.value.hint and "arxiv" in info.value.hint


def test_an_injected_client_is_not_closed() -> None:
    client = httpx.Client()
    with HFDailySource(source_settings(), client=client) as source:
        assert source.client is client
    assert not client.is_closed
    client.close()


def test_an_own_client_is_closed() -> None:
    with HFDailySource(source_settings()) as source:
        client = source.client
    assert client.is_closed


def test_normalize_ws() -> None:
    text = " We-Math 2.0:\n  A  Versatile\tSystem \r\n"
    assert normalize_ws(text) == "We-Math 2.0: A Versatile System"


@pytest.mark.parametrize("value", ["2025-01-32", "20250115", "2025-1-15", " 2025-01-15"])
def test_check_date_rejects(value: str) -> None:
    with pytest.raises(SourceError, match="not a date"):
        check_date(value)
