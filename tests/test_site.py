"""The static site: pages, escaping, links, JSON copies, incremental writes, templates, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx2 as httpx
import pytest
from click.testing import CliRunner
from fakes.sitekit import EVIL_ONE_LINE, EVIL_TITLE, add_day, paper, small_site_store, summary

from dailypapers import durable
from dailypapers.cli import main
from dailypapers.cli.site import make_server
from dailypapers.config import Settings
from dailypapers.render import site_search
from dailypapers.render.site import build_site, paper_path, tag_slug
from dailypapers.render.tags import tag_key
from dailypapers.store import Store


class _Page(HTMLParser):
    """Collects links, element names and visible text of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def build(work: Path, **overrides: object) -> tuple[Settings, Store, Path]:
    settings, store = small_site_store(work)
    if overrides:
        settings = settings.model_copy(update=overrides)
    build_site(store, settings)
    return settings, store, work / "site"


def test_home_is_latest_day_with_pages_for_every_day_and_paper(isolated_env: Path) -> None:
    _settings, _store, site = build(isolated_env)
    home = parse(site / "index.html")
    assert "2025-01-15" in " ".join(home.text)
    assert "Diffusion Policies for Robots" in home.text
    for date in ("2025-01-13", "2025-01-14", "2025-01-15"):
        assert (site / "days" / f"{date}.html").is_file()
    for n in range(1, 6):
        assert (site / paper_path(f"2501.0000{n}")).is_file()
    # prev/next: the middle day links both ways
    middle = parse(site / "days" / "2025-01-14.html")
    assert "../days/2025-01-13.html" in middle.links
    assert "../days/2025-01-15.html" in middle.links


def test_paper_page_has_links_summary_verdict_and_authorship(isolated_env: Path) -> None:
    _settings, _store, site = build(isolated_env)
    page = parse(site / paper_path("2501.00003"))
    text = " ".join(" ".join(page.text).split())
    for link in ("https://arxiv.org/abs/2501.00003", "https://huggingface.co/papers/2501.00003",
                 "https://arxiv.org/pdf/2501.00003", "https://github.com/example/repo",
                 "https://example.org/project"):
        assert link in page.links
    assert "Jürgen Ñoño, Zhang San 张三" in text
    assert "not found: 71.2%" in text  # the badge names what failed
    # said once, by the badge: the number check's table follows its heading directly
    assert "Numbers checked against the paper" not in text
    assert "reaches 88.5 % accuracy on <b>held-out</b> tasks" in text  # snippet, as text
    assert "extractive" in text and "test-model" in text and "full PDF text" in text
    for part in ("To find out whether the method scales.",
                 "A transformer trained on 1,000 tasks.",
                 "It reaches 88.5% accuracy, up from 71.2%.",
                 "Practitioners can use smaller models."):
        assert part in text
    # a paper listed on two days names both
    repeat = parse(site / paper_path("2501.00001"))
    assert "../../days/2025-01-13.html" in repeat.links
    assert "../../days/2025-01-15.html" in repeat.links


def test_hostile_text_is_escaped_everywhere(isolated_env: Path) -> None:
    _settings, _store, site = build(isolated_env, site_tag_min_papers=1)
    evil_title = " ".join(EVIL_TITLE.split())
    pages = [site / "days" / "2025-01-14.html", site / paper_path("2501.00003"),
             site / "tags" / f"{tag_slug('vision')}.html",
             site / "tags" / f"{tag_slug(tag_key('Quantum <b>ML</b>'))}.html"]
    for path in pages:
        page = parse(path)
        names = [tag for tag, _ in page.tags]
        # Our own scripts (static/) and pictures (img/) only: nothing from the text.
        for tag, attrs in page.tags:
            if tag == "script":
                assert (attrs.get("src") or "").split("static/")[-1] in ("day.js", "search.js")
            if tag == "img":
                assert "/img/" in "/" + (attrs.get("src") or "").lstrip("./"), path
        assert "b" not in names, path
        assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs), path
        text = " ".join(" ".join(page.text).split())
        assert evil_title in text, path
    day_text = " ".join(parse(site / "days" / "2025-01-14.html").text)
    assert EVIL_ONE_LINE in day_text
    # the search records carry the raw text as JSON data, rendered with textContent
    records = (site / "search" / "d" / "0.js").read_text(encoding="utf-8")
    assert json.dumps(evil_title, ensure_ascii=False) in records


def test_no_broken_internal_links_and_no_external_assets(isolated_env: Path) -> None:
    _settings, _store, site = build(isolated_env, site_tag_min_papers=1)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = parse(path)
        for tag, attrs in page.tags:
            if tag in ("script", "link", "img") and (attrs.get("src") or attrs.get("href")):
                ref = attrs.get("src") or attrs.get("href") or ""
                assert not urlsplit(ref).scheme, f"{path}: external asset {ref}"
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("#"):
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{path.relative_to(site)} -> {link}"


def test_day_json_indexes_the_day_without_the_full_record(isolated_env: Path) -> None:
    """The full record is data/YYYY/MM/DD.json: committed, not published with the site."""
    _settings, _store, site = build(isolated_env)
    data = json.loads((site / "days" / "2025-01-14.json").read_text(encoding="utf-8"))
    assert data["date"] == "2025-01-14"
    first, second = data["entries"]
    assert (first["rank"], first["arxiv_id"]) == (1, "2501.00003")
    assert first["page"] == paper_path("2501.00003")
    assert second["rank"] == 2
    assert "summary" not in first and "paper" not in first and "data" not in data
    assert not (site / "data").exists()


def test_the_data_link_of_an_earlier_site_is_removed(isolated_env: Path) -> None:
    """An earlier version linked site/data -> ../data (so Pages uploaded every record too);
    the next build removes that link, and leaves a real folder of that name alone."""
    settings, store, site = build(isolated_env)
    (site / "data").symlink_to("../data", target_is_directory=True)
    with store:
        build_site(store, settings)
        assert not (site / "data").is_symlink() and not (site / "data").exists()
        (site / "data").mkdir()
        (site / "data" / "mine.txt").write_text("kept")
        build_site(store, settings)
    assert (site / "data" / "mine.txt").read_text() == "kept"


def test_pages_upload_is_the_site_alone(isolated_env: Path) -> None:
    """What actions/upload-pages-artifact packs (tar --dereference): no day records."""
    settings, store, site = build(isolated_env)
    with store:
        durable.export_all(store, settings)
    assert (isolated_env / "data" / "2025" / "01" / "14.json").is_file()
    tarball = isolated_env / "artifact.tar"
    subprocess.run(["tar", "--dereference", "--hard-dereference", "--directory", str(site),
                    "-cf", str(tarball), "."], check=True)
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    assert "./days/2025-01-14.json" in names
    assert not any(n.startswith("./data") for n in names)


def test_tag_pages_list_their_papers_and_respect_minimum(isolated_env: Path) -> None:
    _settings, _store, site = build(isolated_env, site_tag_min_papers=2)
    vision = parse(site / "tags" / "vision.html")
    assert "../papers/2501/2501.00001.html" in vision.links
    assert "../papers/2501/2501.00003.html" in vision.links
    assert not (site / "tags" / "speech.html").exists()  # one paper: below the minimum
    assert "tags/vision.html" in parse(site / "tags.html").links


def _search_python(site: Path, query: str) -> list[str]:
    """Decode the shards the way search.js does: AND of the query's terms."""
    meta = json.loads((site / "search" / "meta.js").read_text()[len("DPS.m("):-3])
    found: list[set[int]] = []
    for term in site_search.tokenize(query):
        ids: set[int] = set()
        n = site_search.bucket(term)
        for seg in range(meta["segs"]):
            text = (site / "search" / f"s{seg}" / f"{n}.js").read_text(encoding="utf-8")
            shard = json.loads(text[text.index("{"):text.rindex("}") + 1])
            if term in shard:
                ids.update(seg * meta["seg"] + local
                           for local, _mask in site_search.decode_postings(shard[term]))
        found.append(ids)
    hits = set.intersection(*found) if found else set()
    out = []
    for doc in sorted(hits):
        text = (site / "search" / "d" / f"{doc // meta['block']}.js").read_text(encoding="utf-8")
        records = json.loads(text[text.index("["):text.rindex("]") + 1])
        out.append(records[doc % meta["block"]][2])
    return out


def test_search_index_finds_titles_authors_keywords_and_summaries(isolated_env: Path) -> None:
    _settings, _store, site = build(isolated_env)
    assert _search_python(site, "robots diffusion") == [paper_path("2501.00005")]
    assert _search_python(site, "Schrodinger") == [paper_path("2501.00003")]  # accents folded
    assert _search_python(site, "张三") == [paper_path("2501.00003")]
    assert _search_python(site, "self-supervised") == [paper_path("2501.00002")]  # summary
    assert _search_python(site, "Models") == _search_python(site, "model")
    assert _search_python(site, "graphs") == [paper_path("2501.00004")]  # unsummarized: title


def test_rebuild_writes_nothing_and_incremental_touches_only_what_changed(
    isolated_env: Path,
) -> None:
    settings, store, site = build(isolated_env)
    again = build_site(store, settings)
    assert again.written == 0 and again.unchanged > 0
    far = site / "days" / "2025-01-13.html"
    far_paper = site / paper_path("2501.00002")
    before = {p: p.stat().st_mtime_ns for p in (far, far_paper)}
    add_day(store, "2025-01-16", [
        (paper("2501.00006", "Vision Language Navigation"),
         summary("2501.00006", "Robots navigate by language.", ["vision"])),
    ])
    report = build_site(store, settings, dates=["2025-01-16"])
    assert report.mode == "incremental"
    assert {p: p.stat().st_mtime_ns for p in before} == before  # far pages untouched
    home = parse(site / "index.html")
    assert "Vision Language Navigation" in home.text
    assert "../days/2025-01-16.html" in parse(site / "days" / "2025-01-15.html").links  # neighbour
    assert "../papers/2501/2501.00006.html" in parse(site / "tags" / "vision.html").links
    assert _search_python(site, "navigation") == [paper_path("2501.00006")]
    assert "Vision Language Navigation" in (site / "atom.xml").read_text(encoding="utf-8")
    # the incremental result equals a full rebuild
    full = build_site(store, settings)
    assert full.written == 0, "incremental build left something stale"


def test_incremental_without_a_site_falls_back_to_full(isolated_env: Path) -> None:
    settings, store = small_site_store(isolated_env)
    report = build_site(store, settings, dates=["2025-01-15"])
    assert report.mode == "full"
    assert (isolated_env / "site" / "days" / "2025-01-13.html").is_file()


def test_full_build_removes_stale_files_but_keeps_foreign_ones(isolated_env: Path) -> None:
    settings, store, site = build(isolated_env)
    stale = site / "papers" / "2401" / "2401.99999.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    mine = site / "CNAME"
    mine.write_text("papers.example.org")
    report = build_site(store, settings)
    assert report.removed == 1 and not stale.exists() and mine.exists()


def test_user_templates_override_builtins(isolated_env: Path) -> None:
    custom = isolated_env / "templates" / "site"
    custom.mkdir(parents=True)
    (custom / "paper.html").write_text(
        '{% extends "site/base.html" %}{% block main %}<h1>Custom {{ x.title }}</h1>{% endblock %}'
    )
    _settings, _store, site = build(isolated_env)
    page = parse(site / paper_path("2501.00003"))
    assert "Custom " + " ".join(EVIL_TITLE.split()) in page.text
    assert "script" not in [t for t, _ in page.tags]  # autoescape holds in user templates


def test_empty_store_builds_a_placeholder(isolated_env: Path) -> None:
    from dailypapers.config import load_settings

    settings = load_settings(isolated_env)
    with Store(settings.db_path) as store:
        report = build_site(store, settings)
    assert report.mode == "empty"
    assert "Nothing has been published yet." in (isolated_env / "site" / "index.html").read_text()


def test_site_command_and_serve(isolated_env: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["site", "--dir", str(isolated_env / "nowhere")])
    assert missing.exit_code == 1 and "no database" in missing.output
    small_site_store(isolated_env)[1].close()
    result = runner.invoke(main, ["site", "--dir", str(isolated_env)])
    assert result.exit_code == 0, result.output
    assert "3 day pages" in result.output
    result = runner.invoke(main, ["site", "--dir", str(isolated_env), "--date", "2025-01-15"])
    assert "incremental" in result.output and "0 files written" in result.output
    server = make_server(isolated_env / "site", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        response = httpx.get(f"http://127.0.0.1:{port}/index.html")
        assert response.status_code == 200 and "Diffusion Policies" in response.text
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_site_says_build_first(isolated_env: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--dir", str(isolated_env)])
    assert result.exit_code == 5 and "dailypapers site" in result.output


@pytest.mark.skipif(os.name != "posix", reason="symlink-free path semantics")
def test_paper_paths_handle_old_style_ids() -> None:
    assert paper_path("hep-th/9901001") == "papers/hep-th/hep-th_9901001.html"
    assert paper_path("2501.08313") == "papers/2501/2501.08313.html"
    assert tag_slug("large language models") == "large-language-models"
    assert tag_slug("c++") != tag_slug("c")
    assert tag_slug("量子") and "/" not in tag_slug("a/b")


def test_parallel_and_serial_builds_write_the_same_site(isolated_env: Path) -> None:
    trees = []
    for workers in (1, 2):
        work = isolated_env / f"w{workers}"
        work.mkdir()
        settings, store = small_site_store(work)
        settings = settings.model_copy(update={"site_workers": workers})
        with store:
            report = build_site(store, settings)
        assert report.papers == 5 and report.days == 3
        site = work / "site"
        # (day JSON carries each store's own fetch/creation times, so it is left out)
        trees.append({p.relative_to(site).as_posix(): p.read_bytes()
                      for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".json"})
    assert len(trees[0]) > 200
    assert trees[0] == trees[1]


@pytest.mark.parametrize("count", [3, site_search.DENSE + 1, site_search.SEGMENT])
def test_posting_lists_round_trip_sparse_and_dense(count: int) -> None:
    step = site_search.SEGMENT // count
    pairs = [(n * step, 1 + n % 7) for n in range(count)]
    text = site_search.encode_postings([local << 3 | mask for local, mask in pairs])
    assert text.startswith("~") == (count > site_search.DENSE)
    assert site_search.decode_postings(text) == pairs
    if count > site_search.DENSE:  # a bitmap is the smaller form here
        deltas = ",".join(str(step << 3) for _ in range(count))
        assert len(text) < len(deltas)


def _tree(site: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file of a site by path, but the day JSON (it carries each store's fetch times)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix != ".json" and not p.relative_to(site).as_posix()
            .startswith(skip)}


def test_incremental_drops_a_tag_that_fell_below_the_minimum_and_its_links(
    isolated_env: Path,
) -> None:
    settings, store, site = build(isolated_env, site_tag_min_papers=2)
    # 2501.00003 drops "vision": the tag falls to one paper, below the minimum of two
    add_day(store, "2025-01-14", [
        (paper("2501.00003", "Attention Revisited", authors=["Jürgen Ñoño"]),
         summary("2501.00003", "Attention, again.", ["attention"])),
        (paper("2501.00004", "Unsummarized Paper On Graphs"), None),
    ])
    build_site(store, settings, dates=["2025-01-14"])
    assert not (site / "tags" / "vision.html").exists()
    assert not (site / "tags" / "vision.xml").exists()
    untouched = site / paper_path("2501.00001")  # not on the republished day: relinked
    assert "../../tags/vision.html" not in parse(untouched).links
    assert "../tags/vision.html" not in parse(site / "days" / "2025-01-13.html").links
    report = build_site(store, settings)  # a full build finds nothing left to change
    assert report.written == 0 and report.removed == 0


def test_incremental_and_full_builds_write_the_same_files(isolated_env: Path) -> None:
    """Days published one by one (a tag gains its page, another loses it) equal one full build."""
    work, fresh = isolated_env / "inc", isolated_env / "full"
    work.mkdir()
    settings, store = small_site_store(work)
    settings = settings.model_copy(update={"site_tag_min_papers": 3})
    with store:
        build_site(store, settings)
        assert not (work / "site" / "tags" / "vision.html").exists()  # two papers: no page
        add_day(store, "2025-01-16", [  # "vision" reaches three papers: old pages link it now
            (paper("2501.00006", "Vision Language Navigation"),
             summary("2501.00006", "Robots navigate by language.", ["vision", "robots"])),
        ])
        assert build_site(store, settings, dates=["2025-01-16"]).mode == "incremental"
        assert "../../tags/vision.html" in parse(work / "site" / paper_path("2501.00001")).links
        add_day(store, "2025-01-17", [
            (paper("2501.00007", "Robots That Fold Laundry"),
             summary("2501.00007", "Folding with robots.", ["robots"])),
            (paper("2501.00008", "Robots on Stairs"),
             summary("2501.00008", "Climbing robots.", ["robots", "vision"])),
        ])
        build_site(store, settings, dates=["2025-01-17"])
        appended = _tree(work / "site")
        # the last day loses a paper: "robots" falls back to two papers, below the minimum
        add_day(store, "2025-01-17", [
            (paper("2501.00007", "Robots That Fold Laundry"),
             summary("2501.00007", "Folding with robots.", ["laundry"])),
        ])
        build_site(store, settings, dates=["2025-01-17"])
        shrunk = _tree(work / "site", skip=("search/",))
        fresh.mkdir()
        (work / "site").rename(fresh / "old")  # a full build into an empty folder
        build_site(store, settings)
        rebuilt = _tree(work / "site", skip=("search/",))
        assert "tags/robot.html" in appended and "tags/robot.html" not in rebuilt
        assert "tags/vision.html" in rebuilt
        # search ids of removed papers stay holes until a full build renumbers: left out
        assert shrunk.keys() == rebuilt.keys()
        assert [k for k in shrunk if shrunk[k] != rebuilt[k]] == []

def test_tag_labels_agree_between_full_and_incremental_bookkeeping() -> None:
    from dailypapers.render.site.build import _published_tags
    from dailypapers.store.site_index import DocRow, SiteIndex

    rows = [
        DocRow("2501.1", "2025-01-02", ["t", "2025-01-02", "p", "", ""], [("llm", "LLM")]),
        DocRow("2501.2", "2025-01-02", ["t", "2025-01-02", "p", "", ""], [("llm", "llm")]),
        DocRow("2501.3", "2025-01-01", ["t", "2025-01-01", "p", "", ""], [("llm", "Llm")]),
        DocRow("2501.4", "2025-01-01", ["t", "2025-01-01", "p", "", ""], [("rare", "Rare")]),
    ]
    settings = Settings()
    python = _published_tags(settings, rows)
    with SiteIndex(":memory:") as index:
        index.replace_all(rows)
        sql = index.tag_counts(settings.site_tag_min_papers)
    assert [(t.key, t.label, t.count) for t in sql] == [("llm", "LLM", 3)]
    assert {k: (t.label, t.count) for k, t in python.items()} == {"llm": ("LLM", 3)}


def test_cli_package_registers_site_and_serve() -> None:
    import subprocess
    import sys

    code = ("from dailypapers.cli import main; import sys; "
            "sys.exit(0 if {'site', 'serve'} <= set(main.commands) else 1)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.shared
def test_real_hf_days_publish_cleanly(isolated_env: Path, shared_data: Path) -> None:
    """Real API captures (newlines and LaTeX in titles, non-ASCII names, hidden authors)."""
    import feedparser

    from dailypapers.config import load_settings
    from dailypapers.models import Summary
    from dailypapers.sources.hf_daily import parse_daily

    settings = load_settings(isolated_env)
    titles: dict[str, str] = {}
    with Store(settings.db_path) as store:
        for path in sorted((shared_data / "hf_daily").glob("*.json"))[:4]:
            day = parse_daily(json.loads(path.read_text(encoding="utf-8")), date=path.stem)
            store.save_day(day)
            for entry in day.entries:
                paper = entry.paper
                titles[paper.arxiv_id] = " ".join(paper.title.split())
                if paper.ai_summary:
                    sid = store.save_summary(Summary(
                        arxiv_id=paper.arxiv_id, one_line=paper.ai_summary, objective="",
                        method="", results="", implication="", keywords=paper.ai_keywords,
                        backend="hf-ai-summary"))
                    store.attach_summary(day.date, day.source, paper.arxiv_id, sid)
        report = build_site(store, settings)
    site = isolated_env / "site"
    assert report.papers == len(titles) > 20
    for arxiv_id, title in titles.items():
        page = parse(site / paper_path(arxiv_id))
        assert title in " ".join(" ".join(page.text).split())
        assert "script" not in [tag for tag, _ in page.tags]
    parsed = feedparser.parse((site / "atom.xml").read_bytes())
    assert not parsed.bozo and parsed.entries
    assert all(e.title == titles[e.id.split(":")[-1]] for e in parsed.entries)


def test_incremental_without_its_index_falls_back_to_full(isolated_env: Path) -> None:
    settings, store, _site = build(isolated_env)
    for path in settings.cache_path.glob("site-index.sqlite*"):
        path.unlink()
    report = build_site(store, settings, dates=["2025-01-15"])
    assert report.mode == "full"
    assert report.written == 0  # the same pages; the new index keeps the manifest's token
    assert build_site(store, settings, dates=["2025-01-15"]).mode == "incremental"


def test_records_keep_five_fields_without_summary_or_picture() -> None:
    from dailypapers.render.site.views import record

    assert record("2501.1", "T", "2025-01-01", [], "") == [
        "T", "2025-01-01", "papers/2501/2501.1.html", "", ""]
    many = record("2501.1", "T", "2025-01-01", [f"A{n}" for n in range(5)], "g")
    assert many[5:] == ["", "", "A3, A4"]


def test_evidence_shows_the_part_of_its_sentence_around_the_item() -> None:
    from dailypapers.render.site.views import around

    sentence = ("Experiments on many open-source models and benchmarks show that the method "
                "beats both constrained decoding and unconstrained decoding, with up to 10% "
                "points of accuracy over the baselines on two hard symbolic reasoning sets.")
    shown = around(sentence, "10%", reach=40)
    assert "10%" in shown and shown.startswith("…") and shown.endswith("…")
    assert len(shown) < len(sentence) // 2
    assert shown.strip("…") in sentence and not shown.strip("…").startswith(" ")
    assert around(sentence, "Experiments", reach=40).startswith("Experiments on")  # no … ahead
    assert around(sentence, "sets.", reach=40).endswith("reasoning sets.")  # no … behind
    assert around(sentence, "12.5%", reach=40) == sentence  # not found as written: whole
    assert around("It reaches 10% more.", "10%", reach=40) == "It reaches 10% more."

    # several items: from before the first to after the last, once
    both = around(sentence, "models", "10%", reach=20)
    assert both.startswith("…") and "models" in both and "10%" in both and both.endswith("…")


def test_evidence_rows_show_a_sentence_once_for_the_items_it_states() -> None:
    from dailypapers.models import CheckedItem
    from dailypapers.render.site.views import evidence_rows

    one = "TinyNet reaches 88.5% top-1 accuracy, 2.3 points above the baseline."
    other = "We train for 15 epochs."
    items = [CheckedItem("88.5%", "percent", "grounded", "results", one, ["results"]),
             CheckedItem("15", "number", "grounded", "method", other, ["method"]),
             CheckedItem("97.3%", "percent", "unsupported", "results", None, ["results"]),
             CheckedItem("2.3 points", "points", "grounded", "results", one, ["results"]),
             CheckedItem("3", "number", "not_checked", "results", None, ["results"],
                         note="a bare count: not checked without its noun")]
    rows = evidence_rows(items)
    # the two items of one sentence side by side, its cell spanning both rows
    assert [r.text for r in rows] == ["88.5%", "2.3 points", "15", "97.3%", "3"]
    assert [r.rows for r in rows] == [2, 0, 1, 1, 1]
    assert rows[0].snippet == one and rows[2].snippet == other
    assert rows[3].snippet == "" and rows[3].verdict == "not found in the paper"
    # a note takes the place of the verdict's general explanation, not beside it
    assert (rows[4].verdict, rows[4].note) == (
        "not checked", "a bare count: not checked without its noun")


def test_writer_renames_changed_files_into_place_before_it_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed files are renamed over the old ones in threads: the last write of a path wins,
    a read sees what was written, and close() waits for every rename and reports a failed
    one without leaving its temporary file behind."""
    from dailypapers.render.site import context

    (tmp_path / "days").mkdir()
    for name in ("a.html", "b.html"):
        (tmp_path / "days" / name).write_text("old")
    out = context.Writer(tmp_path)
    out.write("days/a.html", "first")
    out.write("days/a.html", "second")  # waits for the first rename, then compares with it
    out.write("days/b.html", "old")
    assert out.read("days/a.html") == "second"
    out.write("days/c.html", "new")
    out.close()
    assert [(p.name, p.read_text()) for p in sorted((tmp_path / "days").iterdir())] == [
        ("a.html", "second"), ("b.html", "old"), ("c.html", "new")]
    assert (out.written, out.unchanged) == (3, 1)

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(f"cannot replace {dst}")

    monkeypatch.setattr(context.os, "replace", refuse)
    out = context.Writer(tmp_path)
    out.write("days/a.html", "third")
    with pytest.raises(PermissionError):
        out.close()
    assert sorted(p.name for p in (tmp_path / "days").iterdir()) == ["a.html", "b.html", "c.html"]
    assert (tmp_path / "days" / "a.html").read_text() == "second"


def test_pages_escape_as_markupsafe_does(tmp_path: Path) -> None:
    """The site's templates escape with a faster twin of markupsafe.escape: same text, same
    type, for plain text, markup, numbers and None."""
    import markupsafe

    from dailypapers.config import load_settings
    from dailypapers.render.site import context

    for value in ["plain", "<a href='x'>&\"Zoë", "", markupsafe.Markup("<b>ok</b>"), 42, None]:
        got = context._escape(value)
        assert got == markupsafe.escape(value)
        assert type(got) is markupsafe.Markup
    env = context.make_environment(load_settings(tmp_path))
    page = env.get_template("site/paper.html")
    assert page.root_render_func.__globals__["escape"] is context._escape


def test_site_index_of_another_version_starts_again_and_keeps_the_terms(tmp_path: Path) -> None:
    """An index written by an older layout loses its papers and token (so the next build is a
    full one) and keeps the search terms, which are still valid."""
    import sqlite3

    from dailypapers.store.site_index import DocRow, SiteIndex

    path = tmp_path / "site-index.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            CREATE TABLE docs (doc INTEGER PRIMARY KEY, arxiv_id TEXT NOT NULL UNIQUE,
                               last TEXT NOT NULL, record TEXT NOT NULL,
                               authors TEXT NOT NULL, tags TEXT NOT NULL);
            INSERT INTO docs VALUES (0, '2501.1', '2025-01-02', '[]', '[]', '[]');
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('token', 'old');
            CREATE TABLE terms (arxiv_id TEXT PRIMARY KEY, key TEXT NOT NULL,
                                terms TEXT NOT NULL) WITHOUT ROWID;
            INSERT INTO terms VALUES ('2501.1', 'k1', '4 word');""")
    conn.close()
    with SiteIndex(path) as index:
        assert (index.get_meta("token"), index.count()) == (None, 0)
        assert index.term_keys() == {"2501.1": "k1"}
        index.replace_all([DocRow("2501.1", "2025-01-02", ["t", "2025-01-02", "p", "", ""],
                                  [("llm", "LLM")])])
        assert [(doc, record) for doc, _a, record, _t in index.segment(0, 10)] == [
            (0, ["t", "2025-01-02", "p", "", ""])]
    with SiteIndex(path) as index:  # the new layout is kept as it is
        assert index.count() == 1


def test_full_builds_copy_unchanged_search_segments_and_remake_changed_ones(
    isolated_env: Path
) -> None:
    """The site index keeps each search segment's files under a fingerprint of what they
    were made from: a full build copies an unchanged segment and makes a changed one again,
    and either way writes what a build without the index writes."""
    import shutil

    from dailypapers.store.site_index import SiteIndex

    settings, store, site = build(isolated_env)

    def search_files() -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes()
                for p in (site / "search").rglob("*") if p.is_file()
                and p.name != "manifest.json"}

    first = search_files()
    with SiteIndex(settings.cache_path / "site-index.sqlite") as index:
        rows = index.segment_rows(0, site_search.SEGMENT)
        kept = index.segment_files(0, site_search.segment_key(0, rows))
    assert kept is not None and {rel for rel, _text in kept} <= set(first)
    shutil.rmtree(site)
    build_site(store, settings)
    assert search_files() == first
    add_day(store, "2025-01-15", [
        (paper("2501.00005", "Diffusion Policies for Robots, Revised", keywords=["robotics"]),
         summary("2501.00005", "Diffusion policies control robots.", ["robotics", "diffusion"])),
    ])
    build_site(store, settings)
    changed = search_files()
    assert changed != first and "Revised" in "".join(
        data.decode() for rel, data in changed.items() if rel.startswith("search/d/"))
    shutil.rmtree(site)
    (settings.cache_path / "site-index.sqlite").unlink()
    build_site(store, settings)
    assert search_files() == changed
