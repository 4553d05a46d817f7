"""The search index's layout and build: shards by a term's first letters, few files, terms
computed once per text, a new day rewriting only the last segment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.sitekit import add_day, paper, summary

from dailypapers.config import Settings, load_settings
from dailypapers.models import Summary
from dailypapers.render import site_search
from dailypapers.render.site import build_site, paper_path
from dailypapers.store import Store

TITLES = ["Diffusion Policies for Robots", "Reinforcement Learning for Robot Control",
          "Diffuse Light Transport", "Robots That Read Manuals", "Sparse Attention Kernels",
          "Reinforced Concrete Inspection", "Graph Diffusion Networks", "Speech Tokenizers"]


def _papers(start: int, count: int) -> list[tuple[object, Summary]]:
    out = []
    for n in range(start, start + count):
        arxiv_id = f"2502.{n:05d}"
        title = TITLES[n % len(TITLES)]
        out.append((paper(arxiv_id, title, keywords=["robotics"] if n % 2 else ["vision"]),
                    summary(arxiv_id, f"{title} studied again.", ["benchmarks"])))
    return out


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 8 papers and 16 shards, so two days span two segments."""
    monkeypatch.setattr(site_search, "SEGMENT", 8)
    monkeypatch.setattr(site_search, "BLOCK", 4)  # record blocks never straddle segments
    monkeypatch.setattr(site_search, "DENSE", 1)  # bitmaps from two papers on
    monkeypatch.setattr(site_search, "BUCKETS", 16)
    monkeypatch.setattr(site_search, "_hash_cache", {})


@pytest.fixture
def work(isolated_env: Path) -> Iterator[tuple[Settings, Store]]:
    settings = load_settings(isolated_env).model_copy(update={"site_workers": 1})
    with Store(settings.db_path) as store:
        add_day(store, "2025-02-03", _papers(0, 5))  # type: ignore[arg-type]
        add_day(store, "2025-02-04", _papers(5, 5))  # type: ignore[arg-type]
        yield settings, store


def _script(path: Path) -> list[object]:
    text = path.read_text(encoding="utf-8")
    return list(json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]"))


def _shard(site: Path, segment: int, word: str) -> dict[str, str]:
    found = _script(site / "search" / f"s{segment}" / f"{site_search.bucket(word)}.js")[-1]
    assert isinstance(found, dict)
    return found


def _find(site: Path, word: str) -> set[str]:
    """Pages of the papers whose terms start with ``word``, from the word's shards only."""
    meta = _script(site / "search" / "meta.js")[0]
    assert isinstance(meta, dict)
    pages = set()
    for segment in range(meta["segs"]):
        for term, postings in _shard(site, segment, word).items():
            if not term.startswith(word):
                continue
            for local, _mask in site_search.decode_postings(postings):
                doc = segment * meta["seg"] + local
                block = _script(site / "search" / "d" / f"{doc // meta['block']}.js")[-1]
                assert isinstance(block, list)
                pages.add(block[doc % meta["block"]][2])
    return pages


def test_a_words_shard_holds_its_completions_and_typo_variants() -> None:
    for word, others in [("diffus", ["diffusion", "diffuse", "diffusive"]),
                         ("reinforcment", ["reinforcement", "reinforced"]),
                         ("#rl", [])]:
        for other in others:
            assert site_search.bucket(other) == site_search.bucket(word), (word, other)
    # tags are shards by their whole term, so popular tags spread over the shards
    assert len({site_search.bucket(f"#tag-{n}") for n in range(200)}) > 100
    assert len({site_search.bucket(f"{a}{b}{c}word") for a in "abcdefgh" for b in "aeiou"
                for c in "lmnrst"}) > 150


def test_heavy_prefixes_are_split_until_their_groups_fit() -> None:
    big = site_search.SPLIT_BYTES
    sizes = {"diffusion": big // 2, "diffuse": big // 2, "different": big // 2,
             "dig": 10, "con": 5, "contrast": 100, "#diffusion": 10 * big}
    split = site_search.split_keys(sizes)
    assert split == {"dif", "diff"}  # "dif..." weighs 1.5x, "diff..." 1x: both over
    assert site_search.shard_key("diffusion", split) == "diffu"
    assert site_search.shard_key("different", split) == "diffe"
    assert site_search.shard_key("dig", split) == "dig"
    assert site_search.shard_key("dif", split) == "dif"  # the word itself stays
    assert site_search.shard_key("#diffusion", split) == "#diffusion"  # tags: whole term
    assert site_search.shard_key("contrast", split) == "con"
    # a word typed so far shares the shard of the terms it completes, within the split
    assert site_search.bucket("diffus", split) == site_search.bucket("diffusion", split)
    assert site_search.bucket("diffusoin", split) == site_search.bucket("diffusion", split)
    huge = {f"x{n:07d}": big for n in range(3)}  # "x00..." splits down to MAX_KEY only
    assert max(map(len, site_search.split_keys(huge))) == site_search.MAX_KEY - 1


def test_terms_round_trip_with_their_fields(work: tuple[Settings, Store]) -> None:
    _settings, store = work
    from dailypapers.store import queries

    entry = next(iter(queries.iter_digests(store, ["2025-02-03"]))).entries[1]
    masks = site_search.parse_terms(site_search.doc_terms(entry))
    assert masks["reinforcement"] == 4 | 1  # title and summary
    assert masks["robotic"] == 2  # keyword ("robotics" lightly stemmed)
    assert masks["#robotics"] == 2  # the tag's term
    assert masks["2502"] == 2  # the arXiv id is in the names field
    assert "for" not in masks  # a stopword


def test_layout_has_every_shard_and_no_vocabulary_files(work: tuple[Settings, Store],
                                                       small_segments: None) -> None:
    settings, store = work
    build_site(store, settings)
    search = settings.root / "site" / "search"
    meta = _script(search / "meta.js")[0]
    assert meta == {"v": site_search.INDEX_VERSION, "docs": 10, "seg": 8, "block": 4,
                    "buckets": 16, "prefix": 3, "segs": 2}
    for segment in range(2):
        names = {p.name for p in (search / f"s{segment}").iterdir()}
        assert names == {f"{n}.js" for n in range(16)} | {"b.js", "k.js"}
    assert _find(settings.root / "site", "diffus") == {
        paper_path(f"2502.{n:05d}") for n in (0, 2, 6, 8)}  # Diffusion, Diffuse, Graph Diffusion
    assert _find(settings.root / "site", "reinf") == {
        paper_path(f"2502.{n:05d}") for n in (1, 5, 9)}


def test_a_new_day_rewrites_only_the_last_segment(work: tuple[Settings, Store],
                                                  small_segments: None) -> None:
    settings, store = work
    build_site(store, settings)
    site = settings.root / "site"
    before = {p: p.read_bytes() for p in (site / "search").rglob("*.js")}
    add_day(store, "2025-02-05", _papers(15, 1))  # type: ignore[arg-type]
    report = build_site(store, settings, dates=["2025-02-05"])
    assert report.mode == "incremental"
    changed = {p.relative_to(site).as_posix() for p, data in before.items()
               if p.read_bytes() != data}
    assert changed, "the new paper is in the index"
    # besides the last segment: its record block, the paper count and the tags' counts
    outside = sorted(rel for rel in changed if not rel.startswith(
        ("search/s1/", "search/d/2.js", "search/meta.js", "search/tags.js")))
    assert outside == []
    assert _find(site, "speech") == {paper_path("2502.00007"), paper_path("2502.00015")}
    assert build_site(store, settings).written == 0  # the same as a full build


def test_a_full_build_tokenizes_only_papers_whose_text_changed(
    work: tuple[Settings, Store], monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, store = work
    calls: list[str] = []
    real = site_search.doc_terms

    def counted(entry: object) -> str:
        calls.append(entry.paper.arxiv_id)  # type: ignore[attr-defined]
        return real(entry)  # type: ignore[arg-type]

    monkeypatch.setattr(site_search, "doc_terms", counted)
    build_site(store, settings)
    assert sorted(calls) == [f"2502.{n:05d}" for n in range(10)]
    calls.clear()
    assert build_site(store, settings).written == 0
    assert calls == []  # nothing changed: every paper's terms came from the site index
    # a new summary for one paper: only that paper is tokenized again, and search follows
    changed = summary("2502.00003", "Manuals now cover xylophones.", ["benchmarks"])
    add_day(store, "2025-02-04", [*_papers(5, 5), (paper("2502.00003", TITLES[3]), changed)])  # type: ignore[list-item]
    build_site(store, settings)
    assert calls == ["2502.00003"]
    site = settings.root / "site"
    assert _find(site, "xylophone") == {paper_path("2502.00003")}
    assert _find(site, "studied") >= {paper_path("2502.00000")}


def test_posting_lists_are_base_46_deltas_without_separators() -> None:
    base = site_search.BASE
    # a delta under 46 is one character, under 46 * 46 two, then three
    for value, chars in ((0, 1), (base - 1, 1), (base, 2), (base * base - 1, 2),
                         (base * base, 3), (site_search.SEGMENT * 8 - 1, 3)):
        text = site_search.encode_postings([value])
        assert len(text) == chars, value
        assert site_search.decode_postings(text) == [(value >> 3, value & 7)]
    values = [5, 13, 13 + base, 13 + base + base * base, 60_000]
    text = site_search.encode_postings(values)
    assert len(text) == 1 + 1 + 2 + 3 + 3
    assert site_search.decode_postings(text) == [(v >> 3, v & 7) for v in values]
    assert "," not in text and "~" not in text and '"' not in text
    # what the shard file carries is the same text: JSON escapes none of the digits
    assert json.dumps(site_search.DIGITS, ensure_ascii=False) == f'"{site_search.DIGITS}"'
