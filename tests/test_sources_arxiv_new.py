"""arxiv-new: announcement feeds and the API window, replayed on a loopback server."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes.arxiv_feeds import Item, api_feed, rss_feed, serve_feeds, synthetic_items
from fakes.replay import source_settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailypapers import pipeline
from dailypapers.cli import main
from dailypapers.errors import ConfigError, EmptyDayError, SourceError
from dailypapers.sources import arxiv_new
from dailypapers.sources.arxiv_new import ArxivNewSource, submission_window, unlatex
from dailypapers.store import Store

DAY = "2025-08-20"  # a Wednesday


@pytest.fixture(autouse=True)
def announced_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay DAY as if it were today (the feeds show the latest announcement only)."""
    monkeypatch.setattr(arxiv_new, "utc_today", lambda: dt.date.fromisoformat(DAY))


def _fetch(base: str, cats: str, date: str = DAY, **settings: object):  # type: ignore[no-untyped-def]
    with ArxivNewSource(source_settings(arxiv_rss_url=base, **settings), input=cats) as src:
        return src.fetch(date)


def _ids(day) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.paper.arxiv_id for e in day.entries]


def test_new_cross_and_replacements_told_apart(httpserver: HTTPServer) -> None:
    items = [Item("2508.00001", "new", "A new paper", "Abstract one."),
             Item("2508.00002", "replace", "A replaced paper", "Abstract two.", version=3),
             Item("2508.00003", "cross", "A cross-list", "Abstract three.",
                  categories=["cs.LG", "cs.CL"]),
             Item("2508.00004", "replace-cross", "A replaced cross-list", "Abstract four.")]
    base = serve_feeds(httpserver, {"cs.CL": rss_feed("cs.CL", DAY, items)})
    day = _fetch(base, "cs.CL")
    assert day.source == "arxiv-new"
    assert _ids(day) == ["2508.00001", "2508.00003"]  # replacements off by default
    first, cross = (e.paper for e in day.entries)
    assert first.extra["announce_type"] == "new" and first.abstract == "Abstract one."
    assert first.published and first.published.startswith(DAY) and first.version == 1
    assert cross.extra["announce_type"] == "cross" and cross.categories == ["cs.LG", "cs.CL"]
    day = _fetch(base, "cs.CL", arxiv_replacements=True)
    assert _ids(day) == ["2508.00001", "2508.00003", "2508.00002", "2508.00004"]
    replaced = day.entries[2].paper
    assert replaced.version == 3 and replaced.extra["announce_type"] == "replace"
    assert replaced.published is None  # a replacement's announcement is not its first version


def test_two_categories_list_a_paper_once_as_new(httpserver: HTTPServer) -> None:
    both = Item("2508.00010", "new", "Shared", "Shared abstract.", ["cs.CL", "cs.LG"])
    base = serve_feeds(httpserver, {
        "cs.CL": rss_feed("cs.CL", DAY, [both, Item("2508.00011", "new", "CL only", "x.")]),
        "cs.LG": rss_feed("cs.LG", DAY, [Item("2508.00012", "new", "LG only", "y."),
                                         Item("2508.00010", "cross", "Shared", "Shared abstract.",
                                              ["cs.CL", "cs.LG"])]),
    })
    day = _fetch(base, "cs.CL, cs.LG")
    assert _ids(day) == ["2508.00010", "2508.00011", "2508.00012"]
    assert day.entries[0].paper.extra["announce_type"] == "new"
    assert [e.rank for e in day.entries] == [1, 2, 3]
    assert len(httpserver.log) == 2


def test_empty_holiday_feed_is_an_empty_day(httpserver: HTTPServer) -> None:
    base = serve_feeds(httpserver, {"cs.CL": rss_feed("cs.CL", DAY, [])})
    with pytest.raises(EmptyDayError, match="weekend or holiday"):
        _fetch(base, "cs.CL")
    (Path("dailypapers.toml")).write_text(
        f'source = "arxiv-new"\narxiv_delay = 0\n[arxiv]\nrss_url = "{base}"\n'
        'categories = ["cs.CL"]\n')
    result = CliRunner().invoke(main, ["collect", "--date", DAY])
    assert result.exit_code == 4, result.output
    assert "no announcement" in result.output


def test_weekend_and_not_yet_announced(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    feed = rss_feed("cs.CL", DAY, [Item("2508.00001", title="T", abstract="a.")])
    base = serve_feeds(httpserver, {"cs.CL": feed})
    with pytest.raises(EmptyDayError, match="weekend"):
        _fetch(base, "cs.CL", date="2025-08-23")
    monkeypatch.setattr(arxiv_new, "utc_today", lambda: dt.date(2025, 8, 21))
    with pytest.raises(EmptyDayError, match="not announced yet"):
        _fetch(base, "cs.CL", date="2025-08-21")


def test_malformed_entry_is_skipped_with_a_warning(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    items = synthetic_items(5)
    base = serve_feeds(httpserver, {"cs.CL": rss_feed("cs.CL", DAY, items,
                                                      broken={items[2].arxiv_id})})
    with caplog.at_level(logging.WARNING):
        day = _fetch(base, "cs.CL")
    assert len(day.entries) == 4 and items[2].arxiv_id not in _ids(day)
    assert day.skipped == [(3, f"cs.CL: {items[2].arxiv_id}: no title")]
    assert any("entry 3 skipped" in r.getMessage() for r in caplog.records)


def test_two_thousand_entries_collected_and_rerun_loses_nothing(httpserver: HTTPServer) -> None:
    items = synthetic_items(2000)
    base = serve_feeds(httpserver, {"cs.CL": rss_feed("cs.CL", DAY, items)})
    settings = source_settings(arxiv_rss_url=base, source="arxiv-new",
                               arxiv_categories=["cs.CL"])
    with Store(settings.db_path) as store:
        day = pipeline.collect(store, settings, DAY)
        assert len(day.entries) == 2000
        new = [i.arxiv_id for i in items if i.kind == "new"]
        assert _ids(day)[:1000] == new  # new submissions first, in feed order
        assert store.count_papers() == 2000
        pipeline.collect(store, settings, DAY)  # the same answer again: nothing changes
        stored = store.load_day(DAY, "arxiv-new")
        assert stored is not None and _ids(stored) == _ids(day)
        assert store.count_papers() == 2000


def test_truncated_feed_keeps_the_stored_list(httpserver: HTTPServer) -> None:
    good = rss_feed("cs.CL", DAY, synthetic_items(3))
    answers = [good, good[: len(good) // 2]]
    base = serve_feeds(httpserver, {"cs.CL": lambda: answers.pop(0)})
    settings = source_settings(arxiv_rss_url=base, source="arxiv-new")
    with Store(settings.db_path) as store:
        pipeline.collect(store, settings, DAY, source_input="cs.CL")
        with pytest.raises(SourceError, match="not well-formed"):
            pipeline.collect(store, settings, DAY, source_input="cs.CL")
        stored = store.load_day(DAY, "arxiv-new")
        assert stored is not None and len(stored.entries) == 3


def test_bad_category_and_none_given() -> None:
    with pytest.raises(ConfigError, match="not an arXiv category"):
        _fetch("http://127.0.0.1:9", "cs.CL;<x>")
    with pytest.raises(ConfigError, match="needs arXiv categories"):
        _fetch("http://127.0.0.1:9", "")


def test_unknown_category_feed_is_a_config_error(httpserver: HTTPServer) -> None:
    base = serve_feeds(httpserver, {})
    with pytest.raises(ConfigError, match="no such feed"):
        _fetch(base, "cs.XX")


def test_submission_window_follows_the_announcement_cycle() -> None:
    utc = dt.UTC
    # Wednesday's feed: Monday 14:00 to Tuesday 14:00 US Eastern (EDT, UTC-4).
    assert submission_window("2025-08-20") == (dt.datetime(2025, 8, 18, 18, tzinfo=utc),
                                               dt.datetime(2025, 8, 19, 18, tzinfo=utc))
    # Monday's feed (Sunday evening's mailing): Thursday 14:00 to Friday 14:00.
    assert submission_window("2025-08-18") == (dt.datetime(2025, 8, 14, 18, tzinfo=utc),
                                               dt.datetime(2025, 8, 15, 18, tzinfo=utc))
    # Tuesday's feed spans the weekend; winter time is UTC-5.
    assert submission_window("2025-01-14") == (dt.datetime(2025, 1, 10, 19, tzinfo=utc),
                                               dt.datetime(2025, 1, 13, 19, tzinfo=utc))
    with pytest.raises(ValueError, match="weekend"):
        submission_window("2025-08-23")


def test_past_date_comes_from_the_api_window(httpserver: HTTPServer) -> None:
    asked: list[str] = []
    items = [Item("2508.00100", title="Primary CL", abstract="a.", categories=["cs.CL"]),
             Item("2508.00101", title="Primary LG", abstract="b.",
                  categories=["stat.ML", "cs.LG"])]

    def api(request: Request) -> Response:
        asked.append(request.args["search_query"])
        return Response(api_feed(items), 200, content_type="application/atom+xml")

    httpserver.expect_request("/api/query").respond_with_handler(api)
    base = serve_feeds(httpserver, {})  # a past date never reads the feeds
    day = _fetch(base, "cs.CL,cs.LG", date="2025-08-12",
                 arxiv_api_url=httpserver.url_for("/api/query"))
    assert asked == ["(cat:cs.CL OR cat:cs.LG) AND "
                     "submittedDate:[202508081800 TO 202508111800]"]
    assert _ids(day) == ["2508.00100", "2508.00101"]
    kinds = [e.paper.extra["announce_type"] for e in day.entries]
    assert kinds == ["new", "cross"]
    assert all(e.paper.extra["announce_source"] == "api-window" for e in day.entries)


def test_stale_category_feed_is_taken_from_the_api(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    def api(request: Request) -> Response:
        assert "cat:cs.LG" in request.args["search_query"]
        assert "cat:cs.CL" not in request.args["search_query"]
        return Response(api_feed([Item("2508.00200", title="From API", abstract="z.",
                                       categories=["cs.LG"])]), 200)

    httpserver.expect_request("/api/query").respond_with_handler(api)
    base = serve_feeds(httpserver, {
        "cs.CL": rss_feed("cs.CL", DAY, [Item("2508.00201", title="Fresh", abstract="f.")]),
        "cs.LG": rss_feed("cs.LG", "2025-08-19", [Item("2508.00202", title="Old", abstract="o.",
                                                        categories=["cs.LG"])]),
    })
    with caplog.at_level(logging.WARNING):
        day = _fetch(base, "cs.CL,cs.LG", arxiv_api_url=httpserver.url_for("/api/query"))
    assert _ids(day) == ["2508.00201", "2508.00200"]
    assert any("stale" in r.getMessage() for r in caplog.records)


def test_latex_in_author_names() -> None:
    assert unlatex(r"Nikola Pi\v{z}urica") == "Nikola Pižurica"
    assert unlatex(r"J\"org Deigm\"oller") == "Jörg Deigmöller"
    assert unlatex(r"Hendrik Kra{\ss}") == "Hendrik Kraß"
    assert unlatex(r"Andr\'e and Jan Jakub\r{u}v") == "André and Jan Jakubův"


# --- the recorded feed (second layer)


def _recorded_feed(shared_data: Path) -> bytes:
    path = shared_data / "arxiv" / "feeds" / "rss.arxiv.org_atom_cs.AI_2025-08-20_TRUNCATED.xml"
    data = path.read_bytes()
    # The recorder cut the file mid-entry: close it after the last complete entry.
    return data[: data.rfind(b"<entry>")] + b"</feed>\n"


@pytest.mark.shared
def test_recorded_feed_on_a_loopback_server(httpserver: HTTPServer, shared_data: Path) -> None:
    base = serve_feeds(httpserver, {"cs.AI": _recorded_feed(shared_data)})
    day = _fetch(base, "cs.AI")
    kinds = [e.paper.extra["announce_type"] for e in day.entries]
    assert len(day.entries) == 86 and kinds.count("new") == 41 and kinds.count("cross") == 45
    assert kinds == sorted(kinds, key=["new", "cross"].index)
    assert day.entries[0].paper.arxiv_id == "2508.13167"
    assert day.skipped == []
    for entry in day.entries:
        paper = entry.paper
        assert paper.title and paper.authors and paper.categories and paper.abstract
        assert not re.match(r"arXiv:|Announce Type", paper.abstract)
        assert not any("\\" in a for a in paper.authors)
    names = {a for e in day.entries for a in e.paper.authors}
    assert "Jörg Deigmöller" in names


@pytest.mark.shared
def test_recorded_truncated_feed_is_refused(httpserver: HTTPServer, shared_data: Path) -> None:
    path = shared_data / "arxiv" / "feeds" / "rss.arxiv.org_atom_cs.AI_2025-08-20_TRUNCATED.xml"
    base = serve_feeds(httpserver, {"cs.AI": path.read_bytes()})
    with pytest.raises(SourceError, match="not well-formed"):
        _fetch(base, "cs.AI")
