"""arxiv and ids sources: the Atom parser on recorded answers, the fetcher on a local server."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fakes.replay import ARXIV_PATH, arxiv_feed, arxiv_file, serve_arxiv, source_settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailypapers.config import Settings
from dailypapers.errors import ConfigError, EmptyDayError, SourceError
from dailypapers.sources.arxiv import ArxivSource, parse_feed, parse_ids, read_feed
from dailypapers.sources.ids import IdsSource

ATOM_TYPE = "application/atom+xml"


def _manifest(shared_data: Path) -> list[dict[str, Any]]:
    data = json.loads((shared_data / "arxiv" / "manifest.json").read_text("utf-8"))
    return [f for f in data["files"] if f["file"].startswith("api/")]


def _body(shared_data: Path, name: str) -> bytes:
    data = (shared_data / "arxiv" / name).read_bytes()
    # The .http capture holds the status line and headers before the XML.
    return data[data.index(b"<?xml"):]


# --- the pure parser


def test_every_recorded_answer_parses_to_its_ids(shared_data: Path) -> None:
    files = _manifest(shared_data)
    assert len(files) == 23
    for item in files:
        feed = read_feed(_body(shared_data, item["file"]))
        got = [f"{p.arxiv_id}v{p.version}" for p in feed.papers]
        assert got == item["arxiv_ids"], item["file"]
        assert feed.skipped == []
        for paper in feed.papers:
            assert paper.title and "\n" not in paper.title and "\r" not in paper.title
            assert paper.abstract and "\n" not in paper.abstract and "  " not in paper.abstract
            assert paper.authors and paper.published and paper.categories


def test_current_format_fields(shared_data: Path) -> None:
    [paper] = parse_feed(arxiv_file(shared_data, "2026/id_list_astro-ph_0601001.xml"))
    assert (paper.arxiv_id, paper.version) == ("astro-ph/0601001", 1)
    assert paper.title.startswith("Frequency of Hot Jupiters and Very Hot Jupiters")
    assert paper.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert paper.published == "2006-01-02T14:57:58Z"
    assert paper.categories == ["astro-ph"]
    assert paper.extra["journal_ref"] == "ActaAstron.56:1-50,2006"
    assert paper.extra["affiliations"]["B. Scott Gaudi"] == ["CfA"]
    assert "Gould & Morgan (2003)" in paper.abstract and "V_max<17.5" in paper.abstract


def test_legacy_format_fields(shared_data: Path) -> None:
    [paper] = parse_feed(arxiv_file(shared_data, "legacy/id_list_1601.00001_2020-09.xml"))
    assert paper.title == ("Inelastic effects in molecular transport junctions: The probe "
                           "technique at high bias")
    assert paper.abstract.startswith("We extend the Landauer-B\\\"uttiker probe formalism")
    assert paper.extra["doi"] == "10.1063/1.4944470"
    [wrapped] = parse_feed(arxiv_file(shared_data, "legacy/id_list_1111.2011v2.xml"))
    assert (wrapped.arxiv_id, wrapped.version) == ("1111.2011", 2)
    assert wrapped.title == ("Quantum Criticality for Extended Nodes on a Bethe Lattice in the "
                             "Large Connectivity Limit")


def test_primary_category_comes_first(shared_data: Path) -> None:
    papers = parse_feed(arxiv_file(shared_data, "2026/search_all_testing_start0_max100.xml"))
    multi = [p for p in papers if len(p.categories) > 1]
    assert multi
    for paper in multi:
        assert len(set(paper.categories)) == len(paper.categories)
    comments = [p for p in papers if "comment" in p.extra]
    assert len(comments) == 97  # the README counts arxiv:comment x97 in this file


def test_error_entry_is_reported_not_a_paper(shared_data: Path) -> None:
    body = arxiv_file(shared_data, "2026/id_list_abc_error_http400.xml")
    feed = read_feed(body)
    assert feed.papers == [] and feed.errors == ["incorrect id format for abc"]
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        parse_feed(body)


@pytest.mark.parametrize("name", ["2026/id_list_0000.0000_empty.xml",
                                  "2026/id_list_0808.05394_empty.xml"])
def test_empty_answers(shared_data: Path, name: str) -> None:
    feed = read_feed(arxiv_file(shared_data, name))
    assert (feed.papers, feed.errors, feed.total_results) == ([], [], 0)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>"""
BARE_DOCTYPE = b"""<?xml version="1.0"?><!DOCTYPE feed>
<feed xmlns="http://www.w3.org/2005/Atom"></feed>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL, BARE_DOCTYPE])
def test_dtds_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(SourceError, match="refused"):
        read_feed(body)


def test_cut_off_xml_is_an_error(shared_data: Path) -> None:
    feed = shared_data / "arxiv" / "feeds" / "rss.arxiv.org_atom_cs.AI_2025-08-20_TRUNCATED.xml"
    with pytest.raises(SourceError, match="not well-formed") as info:
        read_feed(feed.read_bytes())
    assert info.value.hint and "nothing was kept" in info.value.hint
    body = arxiv_file(shared_data, "2026/search_all_testing_start0_max10.xml")
    with pytest.raises(SourceError, match="not well-formed"):
        read_feed(body[: len(body) // 2])


def test_not_atom_is_an_error() -> None:
    with pytest.raises(SourceError, match="expected an Atom <feed>"):
        read_feed(b"<rss version='2.0'><channel/></rss>")


def test_unreadable_entry_is_skipped(shared_data: Path) -> None:
    root = ET.fromstring(arxiv_file(shared_data, "2026/search_all_testing_start0_max10.xml"))
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    entries[1].find("{http://www.w3.org/2005/Atom}id").text = "http://example.com/nothing"  # type: ignore[union-attr]
    feed = read_feed(ET.tostring(root))
    assert len(feed.papers) == 9
    assert feed.skipped == [(2, "entry id 'http://example.com/nothing' is not an arXiv id")]


def test_parse_ids() -> None:
    ids = parse_ids(
        "2501.08313, 2501.08225v2  arXiv:2412.00001\n"
        "# a comment line\n"
        "https://arxiv.org/abs/hep-th/9901001v3 # trailing comment\n"
        "https://huggingface.co/papers/2501.07730;nonsense 2501.08313v4\n"
    )
    assert ids.ids == ["2501.08313", "2501.08225", "2412.00001", "hep-th/9901001", "2501.07730"]
    assert ids.requested["2501.08225"] == "2501.08225v2"
    assert ids.requested["hep-th/9901001"] == "hep-th/9901001v3"
    assert ids.requested["2501.08313"] == "2501.08313"  # the later duplicate is dropped
    assert ids.bad == [(6, "'nonsense' is not an arXiv id")]
    assert ids.positions["2501.07730"] == 5


# --- the fetcher through a real HTTP server


def _arxiv(url: str, input: str, cls: type[ArxivSource] = ArxivSource, **overrides: Any
           ) -> ArxivSource:
    return cls(source_settings(arxiv_api_url=url, **overrides), input=input)


def test_default_pacing_is_one_request_every_3_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAILYPAPERS_ARXIV_DELAY")
    assert ArxivSource(Settings()).pacer.interval == 3.0


def test_ids_in_order_with_dropped_ids_reported(httpserver: HTTPServer, shared_data: Path) -> None:
    url = serve_arxiv(httpserver, shared_data)
    with _arxiv(url, "1707.08567 0808.05394, astro-ph/0601001 2104.12255v1") as source:
        day = source.fetch("2025-01-15")
    assert (day.date, day.source) == ("2025-01-15", "arxiv")
    assert [(e.rank, e.paper.arxiv_id) for e in day.entries] == [
        (1, "1707.08567"), (2, "astro-ph/0601001"), (3, "2104.12255")]
    assert day.skipped == [(2, "arXiv returned no entry for 0808.05394 (unknown or withdrawn id?)")]
    assert day.entries[2].paper.version == 1
    [(request, _)] = httpserver.log
    assert request.args["id_list"] == "1707.08567,0808.05394,astro-ph/0601001,2104.12255v1"
    assert request.args["max_results"] == "4"


def test_long_id_lists_are_chunked(httpserver: HTTPServer, shared_data: Path) -> None:
    url = serve_arxiv(httpserver, shared_data)
    wanted = ["2202.12139", "2405.13786", "2005.14124", "2204.08348", "2302.03287"]
    source = _arxiv(url, " ".join(wanted))
    source.chunk_size = 2  # type: ignore[misc]
    with source:
        day = source.fetch("2025-01-15")
    assert [e.paper.arxiv_id for e in day.entries] == wanted
    assert [req.args["id_list"].count(",") + 1 for req, _ in httpserver.log] == [2, 2, 1]


def test_bad_tokens_are_skipped_before_asking(httpserver: HTTPServer, shared_data: Path) -> None:
    url = serve_arxiv(httpserver, shared_data)
    with _arxiv(url, "abc 1707.08567") as source:
        day = source.fetch("2025-01-15")
    assert [e.paper.arxiv_id for e in day.entries] == ["1707.08567"]
    assert day.skipped == [(1, "'abc' is not an arXiv id")]
    assert httpserver.log[0][0].args["id_list"] == "1707.08567"


def test_arxiv_error_entry_with_http_400(httpserver: HTTPServer, shared_data: Path) -> None:
    httpserver.expect_request(ARXIV_PATH).respond_with_data(
        arxiv_file(shared_data, "2026/id_list_abc_error_http400.xml"), status=400,
        content_type=ATOM_TYPE)
    with _arxiv(httpserver.url_for(ARXIV_PATH), "1707.08567") as source, \
            pytest.raises(SourceError, match="arXiv API error: incorrect id format for abc"):
        source.fetch("2025-01-15")
    assert len(httpserver.log) == 1


def test_no_known_id_is_an_error(httpserver: HTTPServer, shared_data: Path) -> None:
    url = serve_arxiv(httpserver, shared_data)
    with _arxiv(url, "0808.05394 0000.0000") as source, \
            pytest.raises(SourceError, match="arXiv knows none of the 2") as info:
        source.fetch("2025-01-15")
    assert not isinstance(info.value, EmptyDayError)


def test_503_then_success(
    httpserver: HTTPServer, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    body = arxiv_file(shared_data, "2026/id_list_1707.08567.xml")

    def handler(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response("busy", 503, headers={"Retry-After": "5"})
        return Response(body, 200, content_type=ATOM_TYPE)

    httpserver.expect_request(ARXIV_PATH).respond_with_handler(handler)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with _arxiv(httpserver.url_for(ARXIV_PATH), "1707.08567", retry_max_wait=60.0) as source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 1 and len(calls) == 2 and 5.0 in slept


def test_503_forever(httpserver: HTTPServer) -> None:
    httpserver.expect_request(ARXIV_PATH).respond_with_data("busy", status=503)
    with _arxiv(httpserver.url_for(ARXIV_PATH), "1707.08567", http_retries=2) as source, \
            pytest.raises(SourceError, match="HTTP 503") as info:
        source.fetch("2025-01-15")
    assert info.value.hint and "try again later" in info.value.hint
    assert len(httpserver.log) == 2


def test_html_instead_of_atom(httpserver: HTTPServer) -> None:
    httpserver.expect_request(ARXIV_PATH).respond_with_data(
        "<!DOCTYPE html><html><body>arXiv is down for maintenance</body></html>",
        content_type="text/html")
    with _arxiv(httpserver.url_for(ARXIV_PATH), "1707.08567") as source, \
            pytest.raises(SourceError, match="HTML page instead of Atom"):
        source.fetch("2025-01-15")


def test_cut_off_answer(httpserver: HTTPServer, shared_data: Path) -> None:
    body = arxiv_file(shared_data, "2026/id_list_1707.08567.xml")
    httpserver.expect_request(ARXIV_PATH).respond_with_data(body[:1500], content_type=ATOM_TYPE)
    with _arxiv(httpserver.url_for(ARXIV_PATH), "1707.08567") as source, \
            pytest.raises(SourceError, match="not well-formed"):
        source.fetch("2025-01-15")


def _serve_pages(httpserver: HTTPServer, pages: dict[str, bytes]) -> None:
    def handler(request: Request) -> Response:
        return Response(pages[request.args["start"]], 200, content_type=ATOM_TYPE)

    httpserver.expect_request(ARXIV_PATH).respond_with_handler(handler)


def test_query_pages_through_a_day(httpserver: HTTPServer, shared_data: Path) -> None:
    first = arxiv_file(shared_data, "2026/search_all_testing_start0_max10.xml")
    second = arxiv_file(shared_data, "2026/search_all_testing_start10_max10.xml")
    last = arxiv_feed(shared_data, [], total=20)
    root1, root2 = ET.fromstring(first), ET.fromstring(second)
    entries = [*root1.iter("{http://www.w3.org/2005/Atom}entry"),
               *root2.iter("{http://www.w3.org/2005/Atom}entry")]
    pages = {"0": arxiv_feed(shared_data, entries[:10], total=25),
             "10": arxiv_feed(shared_data, entries[10:], total=25),
             "20": arxiv_feed(shared_data, entries[5:10], total=25), "25": last}
    _serve_pages(httpserver, pages)
    source = _arxiv(httpserver.url_for(ARXIV_PATH), "query:cat:cs.CL")
    source.page_size = 10  # type: ignore[misc]
    with source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 20  # the 5 repeated on the last page are kept once
    assert [e.rank for e in day.entries] == list(range(1, 21))
    assert [req.args["start"] for req, _ in httpserver.log] == ["0", "10", "20"]
    query = httpserver.log[0][0].args["search_query"]
    assert query == "(cat:cs.CL) AND submittedDate:[202501150000 TO 202501152359]"


def test_query_is_bounded(httpserver: HTTPServer, shared_data: Path) -> None:
    page = arxiv_file(shared_data, "2026/search_all_testing_start0_max10.xml")  # total 214881
    httpserver.expect_request(ARXIV_PATH).respond_with_data(page, content_type=ATOM_TYPE)
    source = _arxiv(httpserver.url_for(ARXIV_PATH), "query:all:testing")
    source.page_size, source.max_pages = 10, 3  # type: ignore[misc]
    with source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 10 and len(httpserver.log) == 3


def test_query_empty_page_mid_list_is_refused(httpserver: HTTPServer, shared_data: Path) -> None:
    first = ET.fromstring(arxiv_file(shared_data, "2026/search_all_testing_start0_max10.xml"))
    entries = list(first.iter("{http://www.w3.org/2005/Atom}entry"))
    _serve_pages(httpserver, {"0": arxiv_feed(shared_data, entries, total=30),
                              "10": arxiv_feed(shared_data, [], total=30)})
    source = _arxiv(httpserver.url_for(ARXIV_PATH), "query:cat:cs.AI")
    source.page_size = 10  # type: ignore[misc]
    with source, pytest.raises(SourceError, match="empty page at 10 of 30"):
        source.fetch("2025-01-15")
    assert len(httpserver.log) == 3  # asked twice for the empty page


def test_query_with_no_results_is_an_empty_day(httpserver: HTTPServer, shared_data: Path) -> None:
    httpserver.expect_request(ARXIV_PATH).respond_with_data(
        arxiv_file(shared_data, "2026/id_list_0000.0000_empty.xml"), content_type=ATOM_TYPE)
    with _arxiv(httpserver.url_for(ARXIV_PATH), "query:cat:cs.CL") as source, \
            pytest.raises(EmptyDayError) as info:
        source.fetch("2025-01-18")
    assert info.value.date == "2025-01-18"  # type: ignore[attr-defined]


# --- ids


def test_ids_source_reads_a_file(
    httpserver: HTTPServer, shared_data: Path, tmp_path: Path
) -> None:
    url = serve_arxiv(httpserver, shared_data)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("# papers to read\n1605.08386\nquant-ph/0201082v1  # old style\n",
                        encoding="utf-8")
    with _arxiv(url, str(ids_file), IdsSource) as source:
        day = source.fetch("2025-01-15")
    assert day.source == "ids"
    assert [e.paper.arxiv_id for e in day.entries] == ["1605.08386", "quant-ph/0201082"]


def test_ids_source_refuses_a_query() -> None:
    with IdsSource(source_settings(), input="query:cat:cs.CL") as source, \
            pytest.raises(ConfigError, match="takes ids, not a query"):
        source.fetch("2025-01-15")


@pytest.mark.parametrize("value", [None, "  "])
def test_ids_source_needs_input(value: str | None) -> None:
    with IdsSource(source_settings(), input=value) as source, \
            pytest.raises(ConfigError, match="needs a list of arXiv ids") as info:
        source.fetch("2025-01-15")
    assert info.value.hint and "2501.08313" in info.value.hint


def test_missing_id_file(tmp_path: Path) -> None:
    with IdsSource(source_settings(), input=str(tmp_path / "ids.txt")) as source, \
            pytest.raises(SourceError, match="no such id file"):
        source.fetch("2025-01-15")
