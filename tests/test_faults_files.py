"""Finding 4, generated files: README.md, the day pages and the feeds stay under
``max_file_bytes`` and stay whole (the README keeps fewer days, a feed its newest entries, a
day page every paper with shorter texts), each read back by a real parser."""

from __future__ import annotations

import html as html_lib
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import gfm
import pytest
from faultkit import cli, cli_env, hf_item, write_day

from dailypapers.render.sizes import fit, fit_count

LIMIT = 25_000
DAYS = ("2025-03-03", "2025-03-04", "2025-03-05")
LONG = " ".join(f"Sentence {i} of a long abstract reports {i}.5% on task {i}." for i in range(300))


TITLE = "a study of long titles and the pages that hold them " * 16


def _ids(day: int) -> list[str]:
    return [f"2503.{10000 + 100 * day + n}" for n in range(1, 9)]


def published(tmp_path: Path, limit: int) -> Path:
    """Three days of eight papers with 900-character titles and 18 KB abstracts, published
    with the site."""
    root = tmp_path / "bounded"
    root.mkdir()
    lines = ['source = "file"', "fulltext = false", "site = true", "min_papers = 1",
             'site_url = "https://papers.example.org"', "readme_days = 3"]
    lines.append(f"max_file_bytes = {limit}")
    (root / "dailypapers.toml").write_text("\n".join(lines) + "\n")
    for number, date in enumerate(DAYS):
        items = [hf_item(100 * number + n, summary=LONG, title=f"Paper {n}: " + TITLE)
                 for n in range(1, 9)]
        write_day(root / f"{date}.json", items)
        done = cli(root, "run", "--date", date, "--input", str(root / f"{date}.json"))
        assert done.returncode == 0, done.stdout + done.stderr
    return root


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links += [v or "" for k, v in attrs if k == "href"]
        if tag == "li" and self.open[-1:] == ["li"]:  # HTML closes an open li itself
            self.open.pop()
        if tag in ("main", "footer", "ol", "ul", "li", "details"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul") and self.open[-1:] == ["li"]:  # ... and at the list's end
            self.open.pop()
        if tag in ("main", "footer", "ol", "ul", "li", "details"):
            assert self.open and self.open[-1] == tag, (self.open[-3:], tag)
            self.open.pop()


@pytest.fixture(scope="module")
def free_and_bounded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The days published under LIMIT, and the same directory published again with no
    effective limit (the last day: README, its pages and the feeds are made again)."""
    import os
    import shutil

    base = tmp_path_factory.mktemp("files")
    old = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("DAILYPAPERS_")}
    try:
        bounded = published(base, LIMIT)
        free = base / "free"
        shutil.copytree(bounded, free)
        again = cli(free, "publish", "--date", DAYS[-1],
                    env=cli_env(DAILYPAPERS_MAX_FILE_BYTES="1000000000"))
        assert again.returncode == 0, again.stdout + again.stderr
        return free, bounded
    finally:
        os.environ.update(old)


def test_readme_keeps_fewer_days_under_the_limit(free_and_bounded: tuple[Path, Path]) -> None:
    free, bounded = free_and_bounded
    unbounded = (free / "README.md").read_text()
    assert len(unbounded.encode()) > LIMIT  # the case is real: three days do not fit
    assert all(f"## Papers for {d}" in unbounded for d in DAYS)
    text = (bounded / "README.md").read_text()
    assert len(text.encode()) <= LIMIT
    assert f"## Papers for {DAYS[-1]}" in text and f"## Papers for {DAYS[0]}" not in text
    tables = gfm.tables(text)
    assert tables and all(len(row) == 3 for table in tables for row in table)
    assert "see the [archive](archive/README.md)" in text


def test_the_archive_day_page_keeps_every_paper_with_shorter_texts(
    free_and_bounded: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    free, bounded = free_and_bounded
    name = Path("archive/2025/03/05.md")
    # The archive rows are a paragraph, not the abstract: at this limit they fit as they are.
    assert (bounded / name).read_bytes() == (free / name).read_bytes()
    # ... so the page's own limit is checked where it bites: one day, a smaller limit.
    from dailypapers.render import markdown
    from dailypapers.store import Store

    with Store(free / "dailypapers.db") as store:
        digest = store.load_digest(DAYS[-1])
    assert digest is not None
    whole = markdown.render_day(digest)
    small = len(whole.encode()) // 2
    markdown.write_day(bounded / "x", digest, max_authors=5, min_papers=0, max_bytes=small)
    text = (bounded / "x" / name).read_text()
    assert len(text.encode()) <= small
    (table,) = gfm.tables(text)
    assert len(table) == 1 + 8  # the header and every paper
    for arxiv_id in _ids(2):
        assert f"https://arxiv.org/abs/{arxiv_id}" in text


def test_the_site_day_page_keeps_every_paper_under_the_limit(
    free_and_bounded: tuple[Path, Path]
) -> None:
    free, bounded = free_and_bounded
    page = Path("site/days") / f"{DAYS[-1]}.html"
    assert len((free / page).read_bytes()) > LIMIT
    for name in (page, Path("site/index.html")):
        html = (bounded / name).read_text()
        assert len(html.encode()) <= LIMIT
        reader = _Html()
        reader.feed(html)
        reader.close()
        # whole to its last element (html and body end tags are optional, and left out)
        assert reader.open == [] and html.rstrip().endswith("</footer>")
        for arxiv_id in _ids(2):
            assert any(arxiv_id in link for link in reader.links), arxiv_id
    # The paper's own page keeps its summary whole (written from the abstract alone, so the
    # abstract is not repeated there: its sentences are the parts; data/ keeps it whole).
    paper = next((bounded / "site").rglob(f"*{_ids(2)[0]}*.html"))
    text = html_lib.unescape(paper.read_text())
    day = json.loads((bounded / "data" / "2025" / "03" / "05.json").read_text())
    summary = next(p["summary"] for p in day["papers"] if p["paper"]["arxiv_id"] == _ids(2)[0])
    parts = [summary[k] for k in ("one_line", "objective", "method", "results", "implication")]
    assert all(" ".join(part.split()) in text for part in parts if part)


def test_feeds_keep_their_newest_entries_under_the_limit(
    free_and_bounded: tuple[Path, Path]
) -> None:
    free, bounded = free_and_bounded
    for name in ("atom.xml", "rss.xml"):
        assert len((free / "site" / name).read_bytes()) > LIMIT
        data = (bounded / "site" / name).read_bytes()
        assert len(data) <= LIMIT
        assert ET.fromstring(data) is not None  # whole, well-formed XML
        kept = _entries(data.decode())
        every = _entries((free / "site" / name).read_text())
        assert 0 < len(kept) < len(every)
        assert kept == every[: len(kept)]  # the newest entries, in order; the oldest left out
        assert kept[0] in _ids(2) and not set(_ids(0)) & set(kept)


def _entries(feed: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"urn:arxiv:(2503\.\d{5})", feed)))


def test_fit_count_keeps_the_largest_that_fits_exactly_at_the_limit() -> None:
    def render(n: int) -> bytes:
        return b"<f>" + b"<e/>" * n + b"</f>"

    assert fit_count(render, 10, len(render(10)), what="t") == render(10)
    assert fit_count(render, 10, len(render(6)), what="t") == render(6)
    assert fit_count(render, 10, len(render(6)) + 3, what="t") == render(6)
    assert fit_count(render, 10, 1, what="t") == render(0)
    assert fit(lambda cap: "x" * (cap or 100), [None, 50, 10], 50, what="t") == "x" * 50
    assert fit(lambda cap: "x" * (cap or 100), [None, 80], 10, what="t") == "x" * 80


def test_the_json_record_is_never_cut(free_and_bounded: tuple[Path, Path]) -> None:
    _free, bounded = free_and_bounded
    for date in DAYS:
        rel = Path("data") / date[:4] / date[5:7] / f"{date[8:]}.json"
        record = json.loads((bounded / rel).read_text())
        assert record["count"] == 8
        assert all(p["paper"]["abstract"] == LONG for p in record["papers"])
