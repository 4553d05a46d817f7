"""The arXiv source on Atom answers the tests write (selfmade/arxiv.py): what
test_sources_arxiv.py checks on the recorded answers, without ../shared."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fakes.replay import source_settings
from pytest_httpserver import HTTPServer
from selfmade.arxiv import ATOM_TYPE, Made, entry, error_feed, feed, papers, serve
from werkzeug import Request, Response

from dailypapers.errors import EmptyDayError, SourceError
from dailypapers.sources.arxiv import ArxivSource, parse_feed, read_feed

PATH = "/api/query"


def _arxiv(url: str, input: str, **overrides: Any) -> ArxivSource:
    return ArxivSource(source_settings(arxiv_api_url=url, **overrides), input=input)


def test_current_format_fields() -> None:
    made = Made("2501.00042", 2, title="Frequency of Hot Jupiters & Very Hot Jupiters from "
                "the OGLE-III Transit Surveys Toward the Galactic Bulge and Carina",
                journal_ref="ActaAstron.56:1-50,2006", doi="10.1063/1.4944470")
    [paper] = parse_feed(feed([entry(made)]))
    assert (paper.arxiv_id, paper.version) == ("2501.00042", 2)
    assert paper.title == made.title  # unwrapped, the entity decoded
    assert paper.abstract == made.abstract
    assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper.published == "2025-01-15T18:59:59Z"
    assert paper.categories == ["cs.CL", "cs.LG"]  # primary first, repeats once
    assert paper.extra["journal_ref"] == "ActaAstron.56:1-50,2006"
    assert paper.extra["doi"] == "10.1063/1.4944470"
    assert paper.extra["comment"] == "12 pages, 4 figures"
    assert paper.extra["affiliations"]["Grace Hopper"] == ["Navy", "Harvard"]


def test_legacy_format_and_old_style_ids() -> None:
    old = Made("quant-ph/0201082", 1, categories=["quant-ph"], comment=None)
    [paper] = parse_feed(feed([entry(old, legacy=True)]))
    assert (paper.arxiv_id, paper.version, paper.categories) == (
        "quant-ph/0201082", 1, ["quant-ph"])
    assert "comment" not in paper.extra


def test_every_entry_of_a_long_answer_parses() -> None:
    made = papers(40)
    result = read_feed(feed([entry(p) for p in made]))
    assert [f"{p.arxiv_id}v{p.version}" for p in result.papers] == [
        f"{p.arxiv_id}v1" for p in made]
    assert result.skipped == [] and result.total_results == 40
    for paper in result.papers:
        assert "\n" not in paper.title and "  " not in paper.abstract and paper.authors


def test_error_entry_is_reported_not_a_paper() -> None:
    result = read_feed(error_feed())
    assert result.papers == [] and result.errors == ["incorrect id format for abc"]
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        parse_feed(error_feed())


def test_empty_answer() -> None:
    result = read_feed(feed([]))
    assert (result.papers, result.errors, result.total_results) == ([], [], 0)


def test_cut_off_xml_is_an_error() -> None:
    body = feed([entry(p) for p in papers(10)])
    with pytest.raises(SourceError, match="not well-formed") as info:
        read_feed(body[: len(body) // 2])
    assert info.value.hint and "nothing was kept" in info.value.hint


def test_unreadable_entry_is_skipped() -> None:
    entries = [entry(p) for p in papers(10)]
    entries[1] = entries[1].replace("http://arxiv.org/abs/2501.00002v1</id>",
                                    "http://example.com/nothing</id>", 1)
    result = read_feed(feed(entries))
    assert len(result.papers) == 9
    assert result.skipped == [(2, "entry id 'http://example.com/nothing' is not an arXiv id")]


# --- through a real HTTP server


def test_ids_in_order_with_dropped_ids_reported(httpserver: HTTPServer) -> None:
    known = [Made("1707.08567"), Made("astro-ph/0601001", categories=["astro-ph"]),
             Made("2104.12255")]
    url = serve(httpserver, known)
    with _arxiv(url, "1707.08567 0808.05394, astro-ph/0601001 2104.12255v1") as source:
        day = source.fetch("2025-01-15")
    assert (day.date, day.source) == ("2025-01-15", "arxiv")
    assert [(e.rank, e.paper.arxiv_id) for e in day.entries] == [
        (1, "1707.08567"), (2, "astro-ph/0601001"), (3, "2104.12255")]
    assert day.skipped == [(2, "arXiv returned no entry for 0808.05394 (unknown or withdrawn id?)")]
    [(request, _)] = httpserver.log
    assert request.args["id_list"] == "1707.08567,0808.05394,astro-ph/0601001,2104.12255v1"
    assert request.args["max_results"] == "4"


def test_long_id_lists_are_chunked(httpserver: HTTPServer) -> None:
    made = papers(5)
    url = serve(httpserver, made)
    source = _arxiv(url, " ".join(p.arxiv_id for p in made))
    source.chunk_size = 2  # type: ignore[misc]
    with source:
        day = source.fetch("2025-01-15")
    assert [e.paper.arxiv_id for e in day.entries] == [p.arxiv_id for p in made]
    assert [req.args["id_list"].count(",") + 1 for req, _ in httpserver.log] == [2, 2, 1]


def test_bad_tokens_are_skipped_before_asking(httpserver: HTTPServer) -> None:
    url = serve(httpserver, [Made("1707.08567")])
    with _arxiv(url, "abc 1707.08567") as source:
        day = source.fetch("2025-01-15")
    assert [e.paper.arxiv_id for e in day.entries] == ["1707.08567"]
    assert day.skipped == [(1, "'abc' is not an arXiv id")]


def test_arxiv_error_entry_with_http_400(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data(error_feed(), status=400,
                                                      content_type=ATOM_TYPE)
    with _arxiv(httpserver.url_for(PATH), "1707.08567") as source, \
            pytest.raises(SourceError, match="arXiv API error: incorrect id format for abc"):
        source.fetch("2025-01-15")
    assert len(httpserver.log) == 1  # a 400 is not retried


def test_no_known_id_is_an_error(httpserver: HTTPServer) -> None:
    url = serve(httpserver, [])
    with _arxiv(url, "0808.05394 0000.0000") as source, \
            pytest.raises(SourceError, match="arXiv knows none of the 2") as info:
        source.fetch("2025-01-15")
    assert not isinstance(info.value, EmptyDayError)


def test_503_then_success(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def handler(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response("busy", 503, headers={"Retry-After": "5"})
        return Response(feed([entry(Made("1707.08567"))]), 200, content_type=ATOM_TYPE)

    httpserver.expect_request(PATH).respond_with_handler(handler)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with _arxiv(httpserver.url_for(PATH), "1707.08567", retry_max_wait=60.0) as source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 1 and len(calls) == 2 and 5.0 in slept


def test_cut_off_answer(httpserver: HTTPServer) -> None:
    body = feed([entry(Made("1707.08567"))])
    httpserver.expect_request(PATH).respond_with_data(body[:900], content_type=ATOM_TYPE)
    with _arxiv(httpserver.url_for(PATH), "1707.08567") as source, \
            pytest.raises(SourceError, match="not well-formed"):
        source.fetch("2025-01-15")


def _serve_pages(httpserver: HTTPServer, pages: dict[str, bytes]) -> None:
    def handler(request: Request) -> Response:
        return Response(pages[request.args["start"]], 200, content_type=ATOM_TYPE)

    httpserver.expect_request(PATH).respond_with_handler(handler)


def test_query_pages_through_a_day(httpserver: HTTPServer) -> None:
    entries = [entry(p) for p in papers(20)]
    _serve_pages(httpserver, {"0": feed(entries[:10], total=25),
                              "10": feed(entries[10:], total=25),
                              "20": feed(entries[5:10], total=25), "25": feed([], total=20)})
    source = _arxiv(httpserver.url_for(PATH), "query:cat:cs.CL")
    source.page_size = 10  # type: ignore[misc]
    with source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 20  # the 5 repeated on the last page are kept once
    assert [e.rank for e in day.entries] == list(range(1, 21))
    assert [req.args["start"] for req, _ in httpserver.log] == ["0", "10", "20"]
    query = httpserver.log[0][0].args["search_query"]
    assert query == "(cat:cs.CL) AND submittedDate:[202501150000 TO 202501152359]"


def test_query_is_bounded(httpserver: HTTPServer) -> None:
    page = feed([entry(p) for p in papers(10)], total=214_881)
    httpserver.expect_request(PATH).respond_with_data(page, content_type=ATOM_TYPE)
    source = _arxiv(httpserver.url_for(PATH), "query:all:testing")
    source.page_size, source.max_pages = 10, 3  # type: ignore[misc]
    with source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 10 and len(httpserver.log) == 3


def test_query_empty_page_mid_list_is_refused(httpserver: HTTPServer) -> None:
    _serve_pages(httpserver, {"0": feed([entry(p) for p in papers(10)], total=30),
                              "10": feed([], total=30)})
    source = _arxiv(httpserver.url_for(PATH), "query:cat:cs.AI")
    source.page_size = 10  # type: ignore[misc]
    with source, pytest.raises(SourceError, match="empty page at 10 of 30"):
        source.fetch("2025-01-15")


def test_query_with_no_results_is_an_empty_day(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data(feed([]), content_type=ATOM_TYPE)
    with _arxiv(httpserver.url_for(PATH), "query:cat:cs.CL") as source, \
            pytest.raises(EmptyDayError) as info:
        source.fetch("2025-01-18")
    assert info.value.date == "2025-01-18"  # type: ignore[attr-defined]
