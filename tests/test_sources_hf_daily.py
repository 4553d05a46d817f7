"""hf-daily: the pure parser on every recorded day, and the fetcher through a real local server."""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes.replay import (
    HF_PATH,
    base_url,
    hf_dates,
    hf_day,
    json_response,
    serve_hf_days,
    source_settings,
)
from pytest_httpserver import HTTPServer
from selfmade.hf import hf_day as made_day
from werkzeug import Request, Response

from dailypapers.errors import EmptyDayError, SourceError
from dailypapers.sources.hf_daily import HFDailySource, parse_daily

pytestmark = pytest.mark.shared

EXPECTED_COUNTS = {
    "2024-05-27": 13, "2024-06-17": 18, "2024-10-10": 46, "2025-01-13": 5, "2025-01-14": 9,
    "2025-01-15": 10, "2025-01-17": 10, "2025-02-18": 17, "2025-05-27": 35, "2025-08-15": 8,
    "2025-12-23": 17,
}


def _item(arxiv_id: str, title: str = "A title", **paper: Any) -> dict[str, Any]:
    return {"paper": {"id": arxiv_id, "title": title, "authors": [], **paper}, "numComments": 0}


# --- the pure parser on the recorded days


def test_every_recorded_day_parses(shared_data: Path) -> None:
    assert hf_dates(shared_data) == sorted(EXPECTED_COUNTS)
    for date, count in EXPECTED_COUNTS.items():
        raw = hf_day(shared_data, date)
        day = parse_daily(raw, date=date)
        assert (day.date, day.source, day.skipped) == (date, "hf-daily", [])
        assert len(day.entries) == count == len(raw), date
        assert [e.rank for e in day.entries] == list(range(1, count + 1))
        # The day's order is the API's order.
        assert [e.paper.arxiv_id for e in day.entries] == [i["paper"]["id"] for i in raw]
        for entry, item in zip(day.entries, raw, strict=True):
            paper = entry.paper
            assert "\n" not in paper.title and "  " not in paper.title, paper.title
            assert "\n" not in paper.abstract and paper.abstract, paper.arxiv_id
            assert paper.authors and all(a.strip() == a and a for a in paper.authors)
            assert paper.version is None
            assert entry.upvotes == paper.upvotes == item["paper"]["upvotes"]
            assert paper.published == item["paper"]["publishedAt"]
            assert paper.num_comments == item["numComments"]


def test_titles_with_newlines_are_joined(shared_data: Path) -> None:
    raw = hf_day(shared_data, "2025-08-15")
    assert "\n" in raw[0]["paper"]["title"]
    day = parse_daily(raw, date="2025-08-15")
    assert day.entries[0].paper.title == (
        "We-Math 2.0: A Versatile MathBook System for Incentivizing Visual Mathematical Reasoning"
    )


def test_authors_are_real_names_matching_the_seed(shared_data: Path) -> None:
    seed = json.loads((shared_data / "seed" / "papers_2025-01-15.json").read_text("utf-8"))
    day = parse_daily(hf_day(shared_data, "2025-01-15"), date="2025-01-15")
    parsed = {e.paper.arxiv_id: e.paper for e in day.entries}
    checked = 0
    for paper in seed["papers"]:
        if paper["arxiv_id"] in parsed:
            assert parsed[paper["arxiv_id"]].authors == paper["authors"], paper["arxiv_id"]
            assert parsed[paper["arxiv_id"]].title == paper["title"]
            checked += 1
    assert checked == 9  # the capture holds 9 of the seed's 14 papers (see the seed's notes)
    # HF user names that the old digest printed as authors are not authors.
    all_authors = {a for p in parsed.values() for a in p.authors}
    assert "MiniMax" in all_authors and "Aonian Li" in all_authors
    assert not all_authors & {"Hannnnnxd", "enochzhang", "Ryan1122"}


def test_hidden_authors_are_left_out(shared_data: Path) -> None:
    day = parse_daily(hf_day(shared_data, "2024-06-17"), date="2024-06-17")
    papers = {e.paper.arxiv_id: e.paper for e in day.entries}
    assert "Amir Hossein Kargaran" not in papers["2406.06263"].authors
    assert papers["2406.06263"].authors == ["François Yvon", "Hinrich Schütze"]
    assert "Xiqian Yu" not in papers["2406.10111"].authors
    assert len(papers["2406.10111"].authors) == 3


def test_non_ascii_names_are_intact(shared_data: Path) -> None:
    day = parse_daily(hf_day(shared_data, "2024-10-10"), date="2024-10-10")
    names = {a for e in day.entries for a in e.paper.authors}
    assert {"Aleksander Mądry", "Hal Daumé III", "Baptiste Rozière", "Amélie Héliou"} <= names
    titles = [e.paper.title for e in day.entries]
    assert any(t.startswith("FürElise:") for t in titles)


def test_schema_generations(shared_data: Path) -> None:
    # 2024-05: mediaUrl is the thumbnail, no submitter, no discussionId.
    old = parse_daily(hf_day(shared_data, "2024-05-27"), date="2024-05-27").entries[0].paper
    assert old.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.15738.png"
    assert old.submitter is None and old.ai_summary is None and old.ai_keywords == []
    # 2025-08: GitHub repo and stars, project page, AI fields, media kept in extra.
    new = parse_daily(hf_day(shared_data, "2025-08-15"), date="2025-08-15").entries[0].paper
    assert new.arxiv_id == "2508.10433"
    assert new.github_repo == "https://github.com/We-Math/We-Math2.0"
    assert new.github_stars == 79 and new.upvotes == 92 and new.num_comments == 4
    assert new.project_page == "https://we-math2.github.io/"
    assert new.ai_summary and new.ai_summary.startswith("We-Math 2.0 enhances")
    assert "MathBook-RL" in new.ai_keywords
    assert new.submitter == "RichardQRQ"
    assert new.published == "2025-08-14T08:15:41.000Z"  # the paper's, not the submission's
    assert len(new.extra["mediaUrls"]) == 2 and new.extra["isAuthorParticipating"] is False
    # 2025-12: organization.
    day = parse_daily(hf_day(shared_data, "2025-12-23"), date="2025-12-23")
    orgs = [e.paper for e in day.entries if e.paper.organization]
    assert len(orgs) == 7
    ustc = [p for p in orgs if p.extra.get("organization_id") == "ustc"]
    assert ustc and ustc[0].organization == "university of science and technology of china"


def test_paper_title_preferred_over_submission_title(shared_data: Path) -> None:
    day = parse_daily(hf_day(shared_data, "2025-01-14"), date="2025-01-14")
    paper = next(e.paper for e in day.entries if e.paper.arxiv_id == "2501.06252")
    assert paper.title == "Transformer^2: Self-adaptive LLMs"


def test_unknown_fields_are_kept_and_optional_ones_may_be_missing() -> None:
    item = _item("2501.08313", "Minimal", brandNew={"x": 1})
    item["surprise"] = [1, 2]
    day = parse_daily([item], date="2025-01-15")
    paper = day.entries[0].paper
    assert paper.extra == {"brandNew": {"x": 1}, "surprise": [1, 2]}
    assert (paper.abstract, paper.authors, paper.upvotes, paper.github_repo) == ("", [], None, None)
    assert day.entries[0].upvotes is None


def test_malformed_items_are_skipped_and_reported(shared_data: Path) -> None:
    good = hf_day(shared_data, "2025-01-15")[:3]
    bad_id = _item("not-an-id")
    no_title = _item("2501.00001", "  \n ")
    bad_authors = _item("2501.00002", authors="Alice")
    payload = [good[0], "junk", {"title": "no paper"}, bad_id, good[1], no_title, bad_authors,
               good[2]]
    day = parse_daily(payload, date="2025-01-15")
    assert [e.paper.arxiv_id for e in day.entries] == [g["paper"]["id"] for g in good]
    assert [e.rank for e in day.entries] == [1, 2, 3]
    assert [pos for pos, _ in day.skipped] == [2, 3, 4, 6, 7]
    reasons = " | ".join(r for _, r in day.skipped)
    assert "not an object" in reasons and "no 'paper'" in reasons
    assert "not an arXiv id" in reasons and "no title" in reasons and "not a list" in reasons


def test_wrongly_typed_optional_fields_become_none() -> None:
    item = _item("2501.08313", upvotes=True, githubStars="12", ai_keywords=["a", 3, " b\n c "])
    paper = parse_daily([item], date="2025-01-15").entries[0].paper
    assert paper.upvotes is None and paper.github_stars == 12
    assert paper.ai_keywords == ["a", "b c"]


def test_a_paper_listed_twice_keeps_its_first_place() -> None:
    day = parse_daily([_item("2501.00001"), _item("2501.00002"), _item("2501.00001")],
                      date="2025-01-15")
    assert [(e.rank, e.paper.arxiv_id) for e in day.entries] == [
        (1, "2501.00001"), (2, "2501.00002")]


@pytest.mark.parametrize("payload", [{"error": "Invalid date"}, None, "text", 3])
def test_a_non_list_answer_is_an_error(payload: Any) -> None:
    with pytest.raises(SourceError, match="expected a JSON list"):
        parse_daily(payload, date="2025-01-15")





# --- the fetcher through a real HTTP server
# Each test runs on days the tests write themselves ("made", the sizes of the recorded ones)
# and again on the recorded days when ../shared is there.

Days = Callable[[str], list[Any]]
MADE_SIZES = {"2024-10-10": 46, "2025-01-13": 5, "2025-01-14": 9, "2025-01-15": 10}


@pytest.fixture(params=["made", pytest.param("recorded", marks=pytest.mark.recorded)])
def days(request: pytest.FixtureRequest) -> Days:
    if request.param == "recorded":
        shared: Path = request.getfixturevalue("shared_data")
        return lambda date: hf_day(shared, date)
    return lambda date: made_day(MADE_SIZES[date], day=date)


def _source(url: str, **overrides: Any) -> HFDailySource:
    return HFDailySource(source_settings(hf_url=url, **overrides))


def test_fetch_pages_until_a_short_page(httpserver: HTTPServer, days: Days) -> None:
    url = serve_hf_days(httpserver, None, days={"2024-10-10": days("2024-10-10")})
    with _source(url, hf_page_size=10) as source:
        day = source.fetch("2024-10-10")
    expected = parse_daily(days("2024-10-10"), date="2024-10-10")
    assert [e.paper for e in day.entries] == [e.paper for e in expected.entries]
    assert len(day.entries) == 46 and day.fetched_at
    pages = [req.args["p"] for req, _ in httpserver.log]
    assert pages == ["0", "1", "2", "3", "4"]  # 10+10+10+10+6
    assert {req.args["limit"] for req, _ in httpserver.log} == {"10"}


def test_every_recorded_day_through_http(httpserver: HTTPServer, shared_data: Path) -> None:
    url = serve_hf_days(httpserver, shared_data)
    with _source(url) as source:
        for date, count in EXPECTED_COUNTS.items():
            assert len(source.fetch(date).entries) == count


def test_full_last_page_costs_one_more_request(httpserver: HTTPServer, days: Days) -> None:
    url = serve_hf_days(httpserver, None, days={"2025-01-15": days("2025-01-15")})
    with _source(url, hf_page_size=5) as source:
        assert len(source.fetch("2025-01-15").entries) == 10
    assert [req.args["p"] for req, _ in httpserver.log] == ["0", "1", "2"]


def test_server_ignoring_paging_does_not_loop(httpserver: HTTPServer, days: Days) -> None:
    items = days("2025-01-15")
    httpserver.expect_request(HF_PATH).respond_with_json(items[:5])
    with _source(base_url(httpserver), hf_page_size=5) as source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 5 and len(httpserver.log) == 2


def test_token_is_sent_as_bearer_and_never_logged(
    httpserver: HTTPServer, days: Days, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_secret_token_123")
    url = serve_hf_days(httpserver, None, days={"2025-01-13": days("2025-01-13")})
    caplog.set_level(logging.DEBUG)
    with _source(url) as source:
        source.fetch("2025-01-13")
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == "Bearer hf_secret_token_123"
    assert "hf_secret_token_123" not in caplog.text


def test_no_token_no_authorization_header(httpserver: HTTPServer, days: Days) -> None:
    url = serve_hf_days(httpserver, None, days={"2025-01-13": days("2025-01-13")})
    with _source(url) as source:
        source.fetch("2025-01-13")
    assert "Authorization" not in httpserver.log[0][0].headers


class Scripted:
    """A handler that plays a list of responses, then repeats the last one."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.calls = 0

    def __call__(self, request: Request) -> Response:
        response = self.responses[min(self.calls, len(self.responses) - 1)]
        self.calls += 1
        return response


def test_429_with_retry_after_is_honoured(
    httpserver: HTTPServer, days: Days, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = days("2025-01-13")
    handler = Scripted(json_response({"error": "slow down"}, 429, **{"Retry-After": "7"}),
                       json_response(items))
    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with _source(base_url(httpserver), retry_max_wait=60.0) as source:
        day = source.fetch("2025-01-13")
    assert len(day.entries) == 5 and handler.calls == 2
    assert slept == [7.0]


def test_ratelimit_header_sets_the_wait(
    httpserver: HTTPServer, days: Days, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = days("2025-01-13")
    handler = Scripted(
        json_response({}, 429, RateLimit='"api";r=0;t=12', **{"RateLimit-Reset": "12"}),
        json_response(items))
    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with _source(base_url(httpserver), retry_max_wait=60.0) as source:
        source.fetch("2025-01-13")
    assert slept == [12.0]


def test_500s_then_success(httpserver: HTTPServer, days: Days) -> None:
    items = days("2025-01-14")
    handler = Scripted(Response("boom", 500), Response("bad gateway", 502), json_response(items))
    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    with _source(base_url(httpserver), http_retries=4) as source:
        assert len(source.fetch("2025-01-14").entries) == 9
    assert handler.calls == 3


def test_500s_forever_give_a_clear_error(httpserver: HTTPServer) -> None:
    handler = Scripted(Response("Internal Server Error", 500))
    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    with _source(base_url(httpserver), http_retries=3) as source, \
            pytest.raises(SourceError, match="HTTP 500") as info:
        source.fetch("2025-01-14")
    assert handler.calls == 3  # bounded
    assert info.value.hint and "try again later" in info.value.hint


def test_429_forever_suggests_a_token(httpserver: HTTPServer) -> None:
    handler = Scripted(json_response({"error": "Too many requests"}, 429))
    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    with _source(base_url(httpserver), http_retries=2) as source, \
            pytest.raises(SourceError, match=r"HTTP 429.*Too many requests") as info:
        source.fetch("2025-01-14")
    assert info.value.hint and "HF_TOKEN" in info.value.hint


def test_timeout_gives_a_clear_error(httpserver: HTTPServer) -> None:
    release = threading.Event()

    def stall(request: Request) -> Response:
        release.wait(5)
        return json_response([])

    httpserver.expect_request(HF_PATH).respond_with_handler(stall)
    try:
        with _source(base_url(httpserver), http_timeout=0.2, http_retries=2) as source, \
                pytest.raises(SourceError, match="timed out after 2 attempt") as info:
            source.fetch("2025-01-14")
    finally:
        release.set()
    assert info.value.hint and "DAILYPAPERS_HTTP_TIMEOUT" in info.value.hint
    assert not isinstance(info.value, EmptyDayError)


def test_truncated_json_is_an_error_not_a_partial_day(
    httpserver: HTTPServer, days: Days
) -> None:
    body = json.dumps(days("2025-01-15")).encode()
    httpserver.expect_request(HF_PATH).respond_with_data(
        body[: len(body) // 2], content_type="application/json")
    with _source(base_url(httpserver)) as source, \
            pytest.raises(SourceError, match="not valid JSON") as info:
        source.fetch("2025-01-15")
    assert info.value.hint and "nothing was kept" in info.value.hint


def test_truncated_second_page_loses_the_whole_day(
    httpserver: HTTPServer, days: Days
) -> None:
    items = days("2025-01-15")
    handler = Scripted(json_response(items[:5]), Response('[{"paper": {"id": "25', 200,
                                                          content_type="application/json"))
    httpserver.expect_request(HF_PATH).respond_with_handler(handler)
    with _source(base_url(httpserver), hf_page_size=5) as source, \
            pytest.raises(SourceError, match=r"page 2\).*not valid JSON"):
        source.fetch("2025-01-15")


def test_html_instead_of_json(httpserver: HTTPServer) -> None:
    page = "<!DOCTYPE html><html><head><title>Hugging Face</title></head><body>503</body></html>"
    httpserver.expect_request(HF_PATH).respond_with_data(page, content_type="text/html")
    with _source(base_url(httpserver)) as source, \
            pytest.raises(SourceError, match="HTML page instead of JSON") as info:
        source.fetch("2025-01-15")
    assert info.value.hint and "DAILYPAPERS_HF_URL" in info.value.hint


def test_html_with_a_json_content_type(httpserver: HTTPServer) -> None:
    httpserver.expect_request(HF_PATH).respond_with_data(
        "<html><body>maintenance</body></html>", content_type="application/json")
    with _source(base_url(httpserver)) as source, pytest.raises(SourceError, match="HTML"):
        source.fetch("2025-01-15")


def test_empty_day_raises_empty_day_error(httpserver: HTTPServer, days: Days) -> None:
    url = serve_hf_days(httpserver, None, days={})
    with _source(url) as source, pytest.raises(EmptyDayError) as info:
        source.fetch("2025-01-18")
    error = info.value
    assert isinstance(error, EmptyDayError) and isinstance(error, SourceError)
    assert (error.date, error.reason, error.source) == (
        "2025-01-18", "weekend/holiday or not yet filled", "hf-daily")
    assert "2025-01-18" in str(error) and error.hint


def test_future_date_http_400(httpserver: HTTPServer, days: Days) -> None:
    url = serve_hf_days(httpserver, None, days={}, missing="400")
    with _source(url) as source, pytest.raises(SourceError, match="HTTP 400") as info:
        source.fetch("2999-01-01")
    assert not isinstance(info.value, EmptyDayError)
    assert "date is in the future" in str(info.value)
    assert info.value.hint and "in the future" in info.value.hint
    assert len(httpserver.log) == 1  # a 400 is not retried


def test_every_item_malformed_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request(HF_PATH).respond_with_json([{"paper": {"id": "x"}}, 3])
    with _source(base_url(httpserver)) as source, \
            pytest.raises(SourceError, match="none of the 2 items"):
        source.fetch("2025-01-15")


def test_one_malformed_item_keeps_the_rest(httpserver: HTTPServer, days: Days) -> None:
    items = copy.deepcopy(days("2025-01-15"))
    del items[3]["paper"]["id"]
    httpserver.expect_request(HF_PATH).respond_with_json(items)
    with _source(base_url(httpserver)) as source:
        day = source.fetch("2025-01-15")
    assert len(day.entries) == 9 and day.skipped == [(4, "paper has no id")]


@pytest.mark.parametrize("date", ["2025-1-5", "yesterday", "2025-02-30", ""])
def test_bad_dates_fail_before_any_request(httpserver: HTTPServer, date: str) -> None:
    with _source(base_url(httpserver)) as source, pytest.raises(SourceError, match="not a date"):
        source.fetch(date)
    assert httpserver.log == []


def test_refused_token_says_so_without_showing_it(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_bad_token_456")
    httpserver.expect_request(HF_PATH).respond_with_json({"error": "Invalid credentials"}, 401)
    with _source(base_url(httpserver)) as source, \
            pytest.raises(SourceError, match=r"HTTP 401.*Invalid credentials") as info:
        source.fetch("2025-01-15")
    assert info.value.hint and "HF_TOKEN" in info.value.hint
    assert "hf_bad_token_456" not in f"{info.value} {info.value.hint}"
    assert len(httpserver.log) == 1


def test_token_is_optional() -> None:
    assert HFDailySource.key_env is None and HFDailySource.optional_key_env == "HF_TOKEN"


def test_page_size_is_clamped_to_hf_maximum(httpserver: HTTPServer, days: Days) -> None:
    url = serve_hf_days(httpserver, None, days={"2025-01-15": days("2025-01-15")})
    with _source(url, hf_page_size=500) as source:
        source.fetch("2025-01-15")
    assert httpserver.log[0][0].args["limit"] == "100"
