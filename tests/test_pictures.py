"""Pictures: the key figure (or page one) cut from the PDF we hold, cached, shown on the site."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from fakes.files import serve_folder
from fakes.pdfkit import cache_pdf, make_paper_pdf
from fakes.sitekit import add_day, paper, summary
from PIL import Image

from dailypapers.config import Settings, load_settings
from dailypapers.fulltext.figure import (
    MAX_BYTES,
    _FigureError,
    alt_of,
    alt_xmp,
    make_picture,
)
from dailypapers.render import pictures
from dailypapers.render.site import SiteReport, build_site
from dailypapers.store import Store


def test_captioned_figure_is_cut_with_its_caption_as_alt(tmp_path: Path) -> None:
    pdf = make_paper_pdf(tmp_path / "paper.pdf",
                         caption="Figure 1: Accuracy of our method against three baselines.")
    picture = make_picture(pdf)
    assert picture.kind == "figure" and picture.page == 0
    assert picture.alt == "Accuracy of our method against three baselines."
    assert len(picture.webp) <= MAX_BYTES and len(picture.jpeg) <= MAX_BYTES
    with Image.open(io.BytesIO(picture.webp)) as image:
        assert image.format == "WEBP" and image.size == (picture.width, picture.height)
        # the chart, not the page: wider than tall, and mostly not white (bars drawn)
        assert image.width > image.height
        pixels = image.convert("L").resize((40, 20)).tobytes()
        assert sum(1 for p in pixels if p < 200) > len(pixels) // 4


def test_a_paper_without_figures_gets_the_top_of_page_one(tmp_path: Path) -> None:
    picture = make_picture(make_paper_pdf(tmp_path / "text.pdf", figure=False))
    assert picture.kind == "page" and picture.alt == ""
    assert len(picture.webp) <= MAX_BYTES


def test_broken_pdf_raises_figure_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really a pdf\n%%EOF\n")
    with pytest.raises(_FigureError):
        make_picture(bad)


def test_site_shows_pictures_only_for_papers_with_a_pdf(isolated_env: Path) -> None:
    settings = load_settings(isolated_env).model_copy(update={"site_tag_min_papers": 2})
    cache_pdf(settings, make_paper_pdf(isolated_env / "a.pdf"), "2503.00001", 2)
    bad = isolated_env / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\ngarbage\n%%EOF\n")
    cache_pdf(settings, bad, "2503.00003", 2)
    with Store(settings.db_path) as store:
        add_day(store, "2025-03-03", [
            (paper("2503.00001", "With A Figure", keywords=["robots"]),
             summary("2503.00001", "Has a picture.", ["robots"])),
            (paper("2503.00002", "Without A PDF", keywords=["robots"]),
             summary("2503.00002", "Has none.", ["robots"])),
            (paper("2503.00003", "With A Broken PDF", keywords=["robots"]),
             summary("2503.00003", "Has none either.", ["robots"])),
        ])
        build_site(store, settings)
        site = isolated_env / "site"
        images = sorted(p.name for p in (site / "img").iterdir())
        assert images == ["2503.00001v2.webp"]
        assert (site / "img" / images[0]).stat().st_size <= MAX_BYTES
        day = (site / "days" / "2025-03-03.html").read_text(encoding="utf-8")
        assert day.count("<img ") == 1 and " loading=lazy " in day  # constants unquoted
        paper_page = (site / "papers" / "2503" / "2503.00001.html").read_text(encoding="utf-8")
        assert 'alt="Accuracy of our method against three baselines."' in paper_page
        assert "<img " not in (site / "papers" / "2503" / "2503.00002.html").read_text(
            encoding="utf-8")
        tag = (site / "tags" / "robot.html").read_text(encoding="utf-8")
        assert tag.count("<img ") == 1 and "../img/2503.00001v2.webp" in tag
        # made once: a second build reuses the cache (the broken PDF is not retried)
        cached = sorted(p.name for p in (settings.cache_path / "pictures").iterdir())
        assert len(cached) == 4  # webp + jpg + json for the good one, json for the bad one
        stamps = {p: p.stat().st_mtime_ns for p in (settings.cache_path / "pictures").iterdir()}
        assert build_site(store, settings).written == 0
        assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    found = pictures.picture_of(settings, "2503.00001", 2)
    assert found is not None and found.jpeg_bytes()[:2] == b"\xff\xd8"
    assert pictures.picture_of(settings, "2503.00002", 2) is None


@pytest.mark.shared
def test_real_papers_give_small_pictures_with_captions(shared_data: Path) -> None:
    pdfs = sorted((shared_data / "pdfs").glob("*.pdf"))
    assert pdfs
    made = [make_picture(pdf) for pdf in pdfs]
    assert all(len(p.webp) <= MAX_BYTES and len(p.jpeg) <= MAX_BYTES for p in made)
    figures = [p for p in made if p.kind == "figure"]
    assert len(figures) >= len(made) // 2
    assert all(p.alt and not p.alt.startswith(("Figure", "Fig.")) for p in figures)


def test_alt_text_travels_inside_the_webp() -> None:
    alt = 'Loss < 0.5 & "accuracy" > 90% — on ImageNet <b>'
    with Image.open(io.BytesIO(_webp(alt_xmp(alt)))) as image:
        assert alt_of(image.info.get("xmp")) == alt
    assert alt_xmp("") == b"" and alt_of(None) == "" and alt_of(b"<x:xmpmeta/>") == ""


def _webp(xmp: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), "navy").save(out, "WEBP", quality=50, xmp=xmp)
    return out.getvalue()


def _one_day_site(env: Path) -> tuple[Settings, Store]:
    settings = load_settings(env).model_copy(update={"site_tag_min_papers": 2})
    cache_pdf(settings, make_paper_pdf(env / "a.pdf"), "2503.00001", 2)
    store = Store(settings.db_path)
    add_day(store, "2025-03-03", [
        (paper("2503.00001", "With A Figure", keywords=["robots"]),
         summary("2503.00001", "Has a picture.", ["robots"])),
        (paper("2503.00002", "Without A PDF", keywords=["robots"]),
         summary("2503.00002", "Has none.", ["robots"])),
    ])
    return settings, store


def _site(env: Path) -> dict[str, bytes]:
    return {p.relative_to(env).as_posix(): p.read_bytes()
            for p in sorted((env / "site").rglob("*")) if p.is_file()}


def test_a_lost_cache_takes_the_pictures_back_from_the_site(isolated_env: Path) -> None:
    settings, store = _one_day_site(isolated_env)
    with store:
        build_site(store, settings)
        before = _site(isolated_env)
        assert "site/img/2503.00001v2.webp" in before
        shutil.rmtree(settings.cache_path)  # PDFs, pictures and the site index
        build_site(store, settings)
        assert _site(isolated_env) == before  # the same picture, size and alt text
    found = pictures.picture_of(settings, "2503.00001", 2)
    assert found is not None and found.alt == "Accuracy of our method against three baselines."
    assert found.jpeg_bytes()[:2] == b"\xff\xd8"  # the channels get a JPEG made from it
    assert pictures.picture_of(settings, "2503.00002", 2) is None


@pytest.mark.parametrize("bad", [b"not an image", b"RIFF" + b"\0" * 70_000])
def test_a_site_file_that_is_not_our_picture_is_not_taken_back(isolated_env: Path,
                                                               bad: bytes) -> None:
    settings, store = _one_day_site(isolated_env)
    with store:
        build_site(store, settings)
        shutil.rmtree(settings.cache_path)
        (isolated_env / "site" / "img" / "2503.00001v2.webp").write_bytes(bad)
        assert pictures.prepare(settings, [("2503.00001", 2), ("2503.00001", None)]) == {}
        build_site(store, settings)
    page = (isolated_env / "site" / "papers" / "2503" / "2503.00001.html").read_text("utf-8")
    assert "<img " not in page  # no picture rather than a broken one
    assert not (isolated_env / "site" / "img" / "2503.00001v2.webp").exists()


DAYS = ["2025-03-03", "2025-03-04", "2025-03-05"]


def _publish_days_one_by_one(isolated_env: Path, settings: Settings, store: Store,
                             with_pdf: tuple[int, ...]) -> SiteReport:
    """Papers 2503.00001-3, one a day on DAYS (those in ``with_pdf`` with a cached PDF),
    each day built incrementally; the last build's report."""
    for n, date in enumerate(DAYS):
        arxiv_id = f"2503.0000{n + 1}"
        if n in with_pdf:
            cache_pdf(settings, make_paper_pdf(isolated_env / f"{n}.pdf"), arxiv_id, 2)
        add_day(store, date, [(paper(arxiv_id, f"Paper {n}", keywords=["robots"]),
                               summary(arxiv_id, f"Result {n}.", ["robots"]))])
        report = build_site(store, settings, dates=[date])
    return report


def _assert_a_full_build_makes_the_same_site(isolated_env: Path, settings: Settings,
                                             store: Store) -> None:
    incremental = _site(isolated_env)
    for index in settings.cache_path.glob("site-index.sqlite*"):
        index.unlink()
    assert build_site(store, settings).mode == "full"
    assert _site(isolated_env) == incremental


def test_only_the_newest_papers_keep_a_picture_and_incremental_equals_full(
    isolated_env: Path,
) -> None:
    """``site_pictures`` bounds the pictures: a new day pushes the oldest paper out of the
    window; its pages lose the picture (no broken image) and its file goes, as a full build
    would have it."""
    settings = load_settings(isolated_env).model_copy(
        update={"site_tag_min_papers": 2, "site_pictures": 2})
    with Store(settings.db_path) as store:
        report = _publish_days_one_by_one(isolated_env, settings, store, with_pdf=(0, 1, 2))
        assert report.mode == "incremental"
        site = isolated_env / "site"
        assert sorted(p.name for p in (site / "img").iterdir()) == [
            "2503.00002v2.webp", "2503.00003v2.webp"]
        first = (site / "papers" / "2503" / "2503.00001.html").read_text("utf-8")
        assert "<img " not in first and "<img " in (
            site / "papers" / "2503" / "2503.00002.html").read_text("utf-8")
        assert "<img " not in (site / "days" / "2025-03-03.html").read_text("utf-8")
        assert (site / "tags" / "robot.html").read_text("utf-8").count("<img ") == 2
        _assert_a_full_build_makes_the_same_site(isolated_env, settings, store)
        # a window of another size decides every paper again, in a full build
        wider = settings.model_copy(update={"site_pictures": 3})
        assert build_site(store, wider, dates=[DAYS[-1]]).mode == "full"
        assert len(list((site / "img").iterdir())) == 3
        assert build_site(store, wider.model_copy(update={"site_pictures": 0}),
                          dates=[DAYS[-1]]).mode == "full"
        assert not list((site / "img").iterdir())
        assert "<img " not in (site / "days" / "2025-03-05.html").read_text("utf-8")


def test_a_paper_without_a_picture_leaving_the_window_rebuilds_nothing_old(
    isolated_env: Path,
) -> None:
    """Its pages show no picture inside the window or out of it: the new day alone is built,
    and the site is still what a full build makes."""
    settings = load_settings(isolated_env).model_copy(
        update={"site_tag_min_papers": 2, "site_pictures": 2})
    with Store(settings.db_path) as store:
        # the first paper has no PDF, so no picture
        report = _publish_days_one_by_one(isolated_env, settings, store, with_pdf=(1, 2))
        # the new day and the one before it (its link to the next day); 2025-03-03 not again
        assert (report.mode, report.days) == ("incremental", 2)
        assert sorted(p.name for p in (isolated_env / "site" / "img").iterdir()) == [
            "2503.00002v2.webp", "2503.00003v2.webp"]
        _assert_a_full_build_makes_the_same_site(isolated_env, settings, store)


def test_a_site_that_lived_in_the_cache_takes_its_pictures_back_from_the_published_one(
    isolated_env: Path,
) -> None:
    """With --pages the site itself is in the cache: after an eviction the pictures come
    back over HTTP from the published site (``site_pictures_fetch``), byte for byte; a
    paper the site has no picture of is asked once; nothing is asked when the setting is
    off."""
    served = isolated_env / "deployed"
    with serve_folder(served) as pages:
        asked = pages.asked
        settings, store = _one_day_site(isolated_env)
        settings = settings.model_copy(
            update={"site_url": pages.url + "/"})
        with store:
            build_site(store, settings)
            before = _site(isolated_env)
            shutil.copytree(isolated_env / "site", served)  # what Pages serves

            def lose_everything() -> None:
                shutil.rmtree(settings.cache_path)
                shutil.rmtree(isolated_env / "site")

            lose_everything()
            build_site(store, settings)
            assert asked == []  # off by default: no request
            assert "site/img/2503.00001v2.webp" not in _site(isolated_env)

            # The search manifest's token is new when the site and its index are both lost
            # (a cache-buster for search.js, not content): compared without it.
            def site() -> dict[str, bytes]:
                return {k: v for k, v in _site(isolated_env).items()
                        if k != "site/search/manifest.json"}

            expected = {k: v for k, v in before.items() if k != "site/search/manifest.json"}
            lose_everything()
            fetching = settings.model_copy(update={"site_pictures_fetch": True})
            build_site(store, fetching)
            assert site() == expected
            assert sorted(asked) == ["/img/2503.00001v2.webp", "/img/2503.00002v2.webp"]
            shutil.rmtree(isolated_env / "site")
            build_site(store, fetching)  # cached now, the missing one too: no request
            assert len(asked) == 2 and site() == expected


def test_pictures_are_sized_for_the_page_that_shows_them(tmp_path: Path) -> None:
    """640 px at most (the paper page's column), smaller until the WebP fits the target; a
    page-one crop smaller still; never a file over MAX_BYTES."""
    from random import Random

    from dailypapers.fulltext.figure import LADDER, PAGE_LADDER, TARGET_BYTES, encode

    chart = make_picture(make_paper_pdf(tmp_path / "chart.pdf"))
    assert chart.width == LADDER[0][0] and len(chart.webp) <= TARGET_BYTES
    page = make_picture(make_paper_pdf(tmp_path / "text.pdf", figure=False))
    assert page.kind == "page" and page.width == PAGE_LADDER[0][0] < LADDER[0][0]
    rng = Random(3)
    noise = Image.frombytes("RGB", (1600, 1600), rng.randbytes(1600 * 1600 * 3))
    webp, jpeg, width, height = encode(noise)
    assert len(webp) <= MAX_BYTES and len(jpeg) <= MAX_BYTES
    assert width < LADDER[0][0] and width == height  # stepped down, shape kept
    with Image.open(io.BytesIO(webp)) as image:
        assert image.size == (width, height)
