"""Profiles from BibTeX, CSL JSON and a Zotero stand-in; ranking with reasons; feedback;
embeddings through a loopback /v1/embeddings stand-in with its cache."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fakes.profiles import BIBTEX, DAY
from fakes.profiles import arxiv_new_day as _day
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailypapers.cli import main
from dailypapers.config import load_settings
from dailypapers.foryou import service
from dailypapers.store import Store


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _config(text: str) -> None:
    Path("dailypapers.toml").write_text(text, encoding="utf-8")


# --- libraries


def test_profile_from_bibtex_and_show(isolated_env: Path) -> None:
    Path("refs.bib").write_text(BIBTEX, encoding="utf-8")
    result = run("profile", "alice", "--from-bibtex", "refs.bib")
    assert result.exit_code == 0, result.output
    assert "2 example papers from refs.bib (2 with an arXiv id); 1 without a title" in (
        result.output)
    assert "[profiles.alice]" in Path("dailypapers.toml").read_text()
    shown = run("profile", "alice", "--show")
    assert shown.exit_code == 0, shown.output
    assert "examples: 2 (2 bibtex)" in shown.output
    assert "2211.17192  Fast Inference from Transformers via Speculative Decoding" in shown.output
    assert "2401.18079  KV Cache Quantization" in shown.output
    with Store("dailypapers.db") as store:
        rows = store.profile_examples("alice")
    first = next(r for r in rows if r["key"] == "2211.17192")["data"]
    assert first["authors"] == ["Yaniv Leviathan", "Matan Kalman", "Yossi Matias"]
    assert first["date"] == "2023-01-01"
    # A second import replaces the first instead of piling up.
    assert run("profile", "alice", "--from-bibtex", "refs.bib").exit_code == 0
    with Store("dailypapers.db") as store:
        assert len(store.profile_examples("alice")) == 2


@pytest.mark.parametrize("broken", [
    "@article{x, title = {Unclosed brace, year = 2020}\n",
    "@article{x, title = {Fine}, year = 2020\n",
    "not bibtex at all\n",
    '@article{x, title = "never closed}\n',
])
def test_broken_bibtex_is_exit_5_and_changes_nothing(broken: str) -> None:
    Path("refs.bib").write_text(BIBTEX, encoding="utf-8")
    assert run("profile", "alice", "--from-bibtex", "refs.bib").exit_code == 0
    config = Path("dailypapers.toml").read_text()
    Path("bad.bib").write_text(broken, encoding="utf-8")
    result = run("profile", "alice", "--from-bibtex", "bad.bib")
    assert result.exit_code == 5, result.output
    assert "bad.bib" in result.output and "Traceback" not in result.output
    assert Path("dailypapers.toml").read_text() == config
    with Store("dailypapers.db") as store:
        assert len(store.profile_examples("alice")) == 2
    assert run("profile", "bob", "--from-bibtex", "bad.bib").exit_code == 5
    assert "bob" not in Path("dailypapers.toml").read_text()


def test_profile_from_csl_json() -> None:
    items = [
        {"id": "http://zotero.org/users/1/items/AB", "type": "article", "title": "Draft Models",
         "abstract": "Speculative decoding.", "author": [{"family": "Chen", "given": "Charlie"}],
         "issued": {"date-parts": [[2024, 3]]}, "URL": "https://arxiv.org/abs/2302.01318v2"},
        {"id": "b", "type": "book", "title": "A Book Without an arXiv Id",
         "author": [{"literal": "The Committee"}]},
        {"id": "c", "type": "article"},
    ]
    Path("lib.json").write_text(json.dumps(items), encoding="utf-8")
    result = run("profile", "carol", "--from-csl", "lib.json")
    assert result.exit_code == 0, result.output
    assert "2 example papers from lib.json (1 with an arXiv id); 1 without a title" in (
        result.output)
    with Store("dailypapers.db") as store:
        rows = {r["key"]: r["data"] for r in store.profile_examples("carol")}
    assert rows["2302.01318"]["date"] == "2024-03-01"
    assert rows["2302.01318"]["authors"] == ["Charlie Chen"]
    assert rows["b"]["authors"] == ["The Committee"]
    Path("bad.json").write_text('[{"title": "x"', encoding="utf-8")
    bad = run("profile", "carol", "--from-csl", "bad.json")
    assert bad.exit_code == 5 and "not valid CSL JSON" in bad.output
    Path("bad.json").write_text('{"title": "not a list"}', encoding="utf-8")
    assert run("profile", "carol", "--from-csl", "bad.json").exit_code == 5


def _zotero_items(count: int) -> list[dict[str, Any]]:
    items = [{"key": f"K{n}", "data": {"key": f"K{n}", "itemType": "preprint",
                                       "title": f"Speculative decoding study {n}",
                                       "abstractNote": "Draft models and the KV cache.",
                                       "creators": [{"creatorType": "author", "firstName": "Ada",
                                                     "lastName": f"Writer{n}"}],
                                       "archiveID": f"arXiv:2401.{10000 + n}",
                                       "dateAdded": "2025-06-01T10:00:00Z"}}
             for n in range(count)]
    items.append({"key": "N", "data": {"key": "N", "itemType": "note", "note": "x"}})
    return items


def test_profile_from_zotero_stand_in(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    library = _zotero_items(150)
    keys: list[str] = []

    def handler(request: Request) -> Response:
        keys.append(request.headers.get("Zotero-API-Key", ""))
        start, limit = int(request.args["start"]), int(request.args["limit"])
        return Response(json.dumps(library[start:start + limit]), 200,
                        headers={"Total-Results": str(len(library))},
                        content_type="application/json")

    httpserver.expect_request("/users/42/items").respond_with_handler(handler)
    monkeypatch.setenv("ZOTERO_API_KEY", "zotero-secret-key")
    monkeypatch.setenv("DAILYPAPERS_ZOTERO_URL", httpserver.url_for("/").rstrip("/"))
    result = run("profile", "dora", "--from-zotero", "users/42")
    assert result.exit_code == 0, result.output
    assert "150 example papers from users/42 (150 with an arXiv id)" in result.output
    assert keys == ["zotero-secret-key", "zotero-secret-key"]  # two pages of 100
    assert "zotero-secret-key" not in result.output
    with Store("dailypapers.db") as store:
        rows = store.profile_examples("dora")
    assert len(rows) == 150 and rows[0]["data"]["date"] == "2025-06-01"


def test_zotero_403_is_exit_5_and_changes_nothing(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/users/42/items").respond_with_data("Forbidden", status=403)
    monkeypatch.setenv("ZOTERO_API_KEY", "wrong-key-123")
    monkeypatch.setenv("DAILYPAPERS_ZOTERO_URL", httpserver.url_for("/").rstrip("/"))
    result = run("profile", "dora", "--from-zotero", "users/42")
    assert result.exit_code == 5, result.output
    assert "Zotero refused the key (HTTP 403)" in result.output
    assert "wrong-key-123" not in result.output
    assert not Path("dailypapers.toml").exists()
    with Store("dailypapers.db") as store:
        assert store.profile_examples("dora") == []
    monkeypatch.delenv("ZOTERO_API_KEY")
    missing = run("profile", "dora", "--from-zotero", "users/42")
    assert missing.exit_code == 5 and "ZOTERO_API_KEY" in missing.output


def test_bad_profile_settings_are_exit_5() -> None:
    _config('[profiles.x]\nkeywords = ["a"]\ncolour = "red"\n')
    with Store("dailypapers.db") as store:
        _day(store)
    result = run("rank", "--date", DAY, "--profile", "x")
    assert result.exit_code == 5 and "unknown keys: colour" in result.output
    _config('[profiles.x]\nkeywords = "not a list"\n')
    assert run("rank", "--date", DAY, "--profile", "x").exit_code == 5
    assert run("rank", "--date", DAY, "--profile", "nobody").exit_code == 5


# --- ranking


def test_rank_explains_every_score() -> None:
    with Store("dailypapers.db") as store:
        ids = _day(store)
    # Topic 0 (every 8th paper) is speculative decoding; paper 8 is by Author 8 Surname8.
    _config('[profiles.alice]\nkeywords = { "speculative decoding" = 2, "KV cache" = 1 }\n'
            'negative = ["diffusion"]\nauthors = ["Author 8 Surname8"]\n'
            f'categories = ["cs.LG"]\nexamples = ["{ids[16]}"]\n')
    result = run("rank", "--date", DAY, "--profile", "alice", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    papers = data["papers"]
    assert len(papers) == 40 and data["examples"] == 1
    top = papers[:5]
    assert all(int(p["arxiv_id"][-2:]) % 8 == 0 for p in top), top
    assert papers[0]["arxiv_id"] == ids[8]
    reasons = "; ".join(papers[0]["reasons"])
    assert "matches: speculative decoding" in reasons
    assert "author: Author 8 Surname8" in reasons
    assert f"similar to: {ids[16]}" in reasons
    assert "category: cs.LG" in reasons
    diffusion = [p for p in papers if "diffusion" in p["title"].lower()]
    assert diffusion
    assert all("penalized: diffusion" in "; ".join(p["reasons"]) for p in diffusion)
    assert all(p["score"] < papers[0]["score"] for p in diffusion)
    assert [p["rank"] for p in papers] == list(range(1, 41))
    assert [p["score"] for p in papers] == sorted((p["score"] for p in papers), reverse=True)
    text = run("rank", "--date", DAY, "--profile", "alice", "--top", "3")
    assert text.exit_code == 0 and text.output.count("matches: speculative decoding") >= 1
    assert len(re.findall(r"^\s+\d+\. ", text.output, re.M)) == 3


def test_like_and_dislike_move_papers_and_show() -> None:
    with Store("dailypapers.db") as store:
        ids = _day(store)
    _config("[profiles.bob]\n")
    before = json.loads(run("rank", "--date", DAY, "--profile", "bob", "--json").output)
    assert all(not p["reasons"] for p in before["papers"])
    assert run("like", ids[3]).exit_code == 0  # the only profile is the default
    result = run("dislike", ids[5], "--profile", "bob")
    assert result.exit_code == 0 and "Disliked for bob" in result.output
    after = json.loads(run("rank", "--date", DAY, "--profile", "bob", "--json").output)
    order = [p["arxiv_id"] for p in after["papers"]]
    same_topic = [i for n, i in enumerate(ids) if n % 8 == 3]
    # (one co-author of the liked paper may come up among them: "by authors of your examples")
    assert set(same_topic) <= set(order[:len(same_topic) + 1])
    assert order.index(ids[13]) > order.index(ids[11])  # disliked topic 5 sinks below topic 3
    near_disliked = next(p for p in after["papers"] if p["arxiv_id"] == ids[13])
    assert any(r.startswith("like one you disliked") for r in near_disliked["reasons"])
    shown = run("profile", "bob", "--show")
    assert "feedback: 2" in shown.output
    assert f"like    {ids[3]}" in shown.output and f"dislike {ids[5]}" in shown.output
    # Changing one's mind replaces the verdict.
    assert run("like", ids[5]).exit_code == 0
    assert f"like    {ids[5]}" in run("profile", "bob", "--show").output


def test_like_needs_a_profile_when_several() -> None:
    with Store("dailypapers.db") as store:
        ids = _day(store, 3)
    _config("[profiles.a]\n[profiles.b]\n")
    result = run("like", ids[0])
    assert result.exit_code == 5 and "--profile NAME (one of a, b)" in result.output


# --- embeddings


def _embedding(text: str) -> list[float]:
    vec = [0.0] * 32
    for word in re.findall(r"[a-z]+", text.lower()):
        vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % 32] += 1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def test_embeddings_stand_in_and_cache(httpserver: HTTPServer) -> None:
    calls: list[int] = []

    def handler(request: Request) -> Response:
        body = json.loads(request.data)
        calls.append(len(body["input"]))
        data = [{"object": "embedding", "index": n, "embedding": _embedding(t)}
                for n, t in enumerate(body["input"])]
        return Response(json.dumps({"object": "list", "data": data, "model": body["model"]}),
                        200, content_type="application/json")

    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_handler(handler)
    with Store("dailypapers.db") as store:
        ids = _day(store, 100)
    _config(f'embeddings_url = "{httpserver.url_for("/v1")}"\nembeddings_model = "tiny"\n'
            f'[profiles.eve]\nexamples = ["{ids[10]}"]\n')
    first = json.loads(run("rank", "--date", DAY, "--profile", "eve", "--json").output)
    assert sum(calls) == 101 and calls == [64, 37]  # 100 papers + 1 example... in batches
    assert all("embedding" in p["parts"] for p in first["papers"])
    assert first["papers"][0]["arxiv_id"] in {ids[n] for n in range(2, 100, 8)}
    again = json.loads(run("rank", "--date", DAY, "--profile", "eve", "--json").output)
    assert sum(calls) == 101  # the re-run made no embeddings call
    assert again["papers"] == first["papers"]
    settings = load_settings(Path("."))
    with Store("dailypapers.db") as store:
        ranking = service.rank_day(store, settings, DAY, "eve")
    assert not ranking.notes and sum(calls) == 101


def test_embeddings_failure_falls_back_to_lexical(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/embeddings").respond_with_data("no", status=404)
    with Store("dailypapers.db") as store:
        ids = _day(store, 10)
    _config(f'embeddings_url = "{httpserver.url_for("/v1")}"\n'
            f'[profiles.eve]\nexamples = ["{ids[2]}"]\n')
    result = json.loads(run("rank", "--date", DAY, "--profile", "eve", "--json").output)
    assert "ranked without embeddings (embeddings: HTTP 404" in result["notes"][0]
    assert result["papers"][0]["arxiv_id"] == ids[2]


def test_migration_numbers_are_unique() -> None:
    # Two migrations with one number: the second would silently never run.
    from dailypapers.store.base import _migrations

    numbers = [number for number, _, _ in _migrations()]
    assert len(numbers) == len(set(numbers)), numbers
    with Store("dailypapers.db") as store:
        assert store.schema_version == max(numbers)
        assert store.profile_examples("x") == []


def test_public_profile_page_and_private_ones_never_on_the_site() -> None:
    from dailypapers import pipeline

    with Store("dailypapers.db") as store:
        _day(store)
    _config('[profiles.open-lab]\npublic = true\ntop_n = 5\n'
            'keywords = ["speculative decoding"]\ndescription = "Faster decoding."\n'
            '[profiles.secretive]\nkeywords = ["diffusion model"]\n')
    with Store("dailypapers.db") as store:
        written = pipeline.publish(store, load_settings(Path(".")), DAY)
    assert "for/open-lab/2025-08-20.html" in written
    page = Path("site/for/open-lab/2025-08-20.html")
    html = page.read_text("utf-8")
    assert html == Path("site/for/open-lab/index.html").read_text("utf-8")
    assert html.count("<li>") == 5 and html.count("matches: speculative decoding") == 2
    assert "Faster decoding." in html
    for link in re.findall(r'href="(\.\./\.\./[^"]+)"', html):
        assert (page.parent / link).resolve().is_file(), link
    for path in Path("site").rglob("*"):
        if path.is_file():
            assert b"secretive" not in path.read_bytes(), path
    # Made private: its pages leave the site at the next publish.
    _config('[profiles.open-lab]\nkeywords = ["speculative decoding"]\n')
    with Store("dailypapers.db") as store:
        pipeline.publish(store, load_settings(Path(".")), DAY)
    assert not Path("site/for/open-lab").exists()


def test_email_reader_gets_its_ranked_selection_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from fakes.smtp import smtp_server

    from dailypapers.deliver import deliver_day

    with Store("dailypapers.db") as store:
        ids = _day(store)
    _config('email_from = "Papers <papers@example.org>"\n'
            '[profiles.alice]\nkeywords = ["speculative decoding"]\nauthors = '
            '["Author 8 Surname8"]\n[[readers]]\nchannel = "email"\n'
            'target = "alice@example.org"\nprofile = "alice"\ntop_n = 3\n')
    with smtp_server(monkeypatch) as box, Store("dailypapers.db") as store:
        settings = load_settings(Path("."))
        report = deliver_day(store, settings, DAY)
        assert report.status == "ok", report.line()
        [(to, message)] = box.messages
        assert to == ["alice@example.org"]
        assert "for alice, top 3 of 40" in message["Subject"]
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert text.count("Why: matches: speculative decoding") >= 1
        assert f"https://arxiv.org/abs/{ids[8]}" in text  # the author's paper, ranked first
        assert text.index(ids[8]) < min(text.index(i) for i in ids if i in text and i != ids[8])
        again = deliver_day(store, settings, DAY)
        assert len(box.messages) == 1 and again.channels[0].already == 1


def test_bad_reader_settings_are_config_errors() -> None:
    from dailypapers.errors import ConfigError
    from dailypapers.foryou.readers import readers

    for table in ({"channel": "fax", "target": "1", "profile": "a"},
                  {"channel": "telegram", "target": "", "profile": "a"},
                  {"channel": "telegram", "target": "1", "profile": "a", "top_n": 0},
                  {"channel": "telegram", "target": "1", "profile": "a", "colour": "red"}):
        with pytest.raises(ConfigError):
            readers(load_settings(Path("."), readers=[table]))
    [reader] = readers(load_settings(Path("."), readers=[
        {"channel": "telegram", "target": -100123, "profile": "a"}]))
    assert reader.target == "-100123" and reader.top_n is None
