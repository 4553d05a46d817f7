"""Both CPUs: paper k+1's text is fetched (extracted) while paper k is being summarized."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from selfmade.pdfs import make_paper

from dailypapers.config import load_settings
from dailypapers.fulltext import FullTextFetcher, abstract_fulltext
from dailypapers.fulltext.worker import ExtractionWorker
from dailypapers.models import DayEntry, DayList, FullText, Paper, Summary
from dailypapers.pipeline import RunReport, fetch_fulltexts, summarize_day
from dailypapers.prefetch import LazyTexts, prefetch_fulltexts, start_workers, texts_needed
from dailypapers.store import Store
from dailypapers.summarize.abstract import AbstractSummarizer

DATE = "2025-01-15"


def _papers(n: int) -> list[Paper]:
    return [Paper(arxiv_id=f"2501.0000{i}", title=f"Paper {i}",
                  abstract=f"We study thing {i}. It reaches {80 + i}.5% accuracy.")
            for i in range(1, n + 1)]


def test_lazy_texts_wait_only_when_read() -> None:
    seen: list[str] = []
    texts = LazyTexts(lambda paper, text: seen.append(paper.arxiv_id))
    first, second = _papers(2)
    future: Future[FullText] = Future()
    texts.expect(first, future)
    texts[second.arxiv_id] = abstract_fulltext(second, [])
    assert first.arxiv_id in texts and len(texts) == 2
    assert texts.peek(first.arxiv_id) is None  # pending: peek never waits
    future.set_result(abstract_fulltext(first, ["pdf: test"]))
    assert texts[first.arxiv_id].fallback_reasons == ["pdf: test"]
    assert texts[first.arxiv_id] is texts.peek(first.arxiv_id)
    assert seen == [first.arxiv_id]  # on_ready once, for the fetched text only
    texts.settle()
    assert seen == [first.arxiv_id]


def test_next_text_is_fetched_while_a_paper_is_summarized(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(isolated_env)
    papers = _papers(4)
    store = Store(settings.db_path)
    store.save_day(DayList(date=DATE, source="hf-daily",
                           entries=[DayEntry(p, rank=n) for n, p in enumerate(papers, 1)]))
    started = {p.arxiv_id: threading.Event() for p in papers}  # fetch k began
    summarizing = {p.arxiv_id: threading.Event() for p in papers}  # summarize k began

    def fetch(self: FullTextFetcher, paper: Paper) -> FullText:
        n = [p.arxiv_id for p in papers].index(paper.arxiv_id)
        started[paper.arxiv_id].set()
        # Fetching everything first would wait here forever: k+1 waits for k's summary.
        if n > 0 and not summarizing[papers[n - 1].arxiv_id].wait(10):
            raise AssertionError("summarizing did not start before the next fetch")
        text = abstract_fulltext(paper, ["pdf: offline test"])
        text.version = 3  # arXiv told us the version
        return text

    class Watching(AbstractSummarizer):
        """Summarizes paper k only once paper k+1's fetch has begun."""

        def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
            summarizing[paper.arxiv_id].set()
            n = [p.arxiv_id for p in papers].index(paper.arxiv_id)
            if n + 1 < len(papers):
                assert started[papers[n + 1].arxiv_id].wait(10), "no fetch ran meanwhile"
            assert fulltext is not None and paper.version == 3
            return super().summarize(paper, fulltext)

    monkeypatch.setattr(FullTextFetcher, "fetch", fetch)
    report = RunReport(date=DATE)
    with prefetch_fulltexts(store, settings, DATE, report.fulltext_fallbacks) as texts:
        summarize_day(store, settings, DATE, summarizer=Watching(settings), fulltexts=texts,
                      report=report)
    assert report.summarized == 4 and not report.failed
    assert set(report.fulltext_fallbacks) == {p.arxiv_id for p in papers}
    # Everything the fetch thread produced was saved by this thread, versions included.
    for paper in papers:
        stored = store.get_fulltext(paper.arxiv_id, 3)
        assert stored is not None and stored.fallback_reasons == ["pdf: offline test"]
    digest = store.load_digest(DATE)
    assert digest is not None
    assert all(e.summary is not None and e.summary.version == 3 for e in digest.entries)
    store.close()


def _stored_day(store: Store, papers: list[Paper]) -> None:
    store.save_day(DayList(date=DATE, source="hf-daily",
                           entries=[DayEntry(p, rank=n) for n, p in enumerate(papers, 1)]))


def test_which_papers_need_a_text_is_one_rule(isolated_env: Path) -> None:
    settings = load_settings(isolated_env)
    papers = _papers(4)
    with Store(settings.db_path) as store:
        _stored_day(store, papers)
        kept = FullText(arxiv_id=papers[0].arxiv_id, version=None, source="html",
                        text="The paper's own words. " * 20)
        store.save_fulltexts([kept, abstract_fulltext(papers[1], ["pdf: HTTP 404"])])
        have, todo = texts_needed(store, settings, DATE)
        # A PDF/HTML text is kept; an abstract fallback is retried; no text is fetched.
        assert list(have) == [papers[0].arxiv_id] and have[papers[0].arxiv_id].source == "html"
        assert [p.arxiv_id for p in todo] == [p.arxiv_id for p in papers[1:]]
        have, todo = texts_needed(store, settings, DATE, only={papers[2].arxiv_id})
        assert not have and [p.arxiv_id for p in todo] == [papers[2].arxiv_id]
        off = settings.model_copy(update={"fulltext": False})
        have, todo = texts_needed(store, off, DATE)
        assert not todo and have[papers[0].arxiv_id].source == "html"
        assert have[papers[3].arxiv_id].fallback_reasons == ["full text disabled"]
        assert texts_needed(store, settings, "2025-01-16") == ({}, [])


def test_workers_started_ahead_extract_the_day(
    isolated_env: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = _papers(3)
    for paper in papers:
        path = isolated_env / f"{paper.arxiv_id}.pdf"
        make_paper(path, arxiv_id=paper.arxiv_id)
        httpserver.expect_request(f"/pdf/{paper.arxiv_id}v1").respond_with_data(
            path.read_bytes(), content_type="application/pdf")
    settings = load_settings(isolated_env, arxiv_url=httpserver.url_for("").rstrip("/"),
                             arxiv_delay=0.0)
    used: list[int] = []
    extract = ExtractionWorker.extract

    def watched(self: ExtractionWorker, *args: object) -> FullText:
        used.append(id(self))
        return extract(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ExtractionWorker, "extract", watched)
    with Store(settings.db_path) as store:
        _stored_day(store, [Paper(arxiv_id=p.arxiv_id, version=1, title=p.title,
                                  abstract=p.abstract) for p in papers])
        workers = start_workers(settings)
        assert workers is not None
        started = {id(w) for w in workers.workers}
        workers.started()
        assert all(w._proc is not None and w._proc.is_alive() for w in workers.workers)
        with workers:
            report = RunReport(date=DATE)
            with prefetch_fulltexts(store, settings, DATE, report.fulltext_fallbacks,
                                    workers=workers) as texts:
                assert {t.source for t in texts.values()} == {"pdf"}
            assert all(w._proc is not None for w in workers.workers)  # the owner closes them
        assert all(w._proc is None for w in workers.workers)
        assert not report.fulltext_fallbacks
        assert len(used) == 3 and set(used) <= started  # no worker was started on the way
        # The fetch command keeps them (same rule): nothing is downloaded again.
        requests = len(httpserver.log)
        assert {t.source for t in fetch_fulltexts(store, settings, DATE).values()} == {"pdf"}
        assert len(httpserver.log) == requests
    assert start_workers(settings.model_copy(update={"fulltext": False})) is None


def test_the_pool_lends_each_worker_to_one_thread_at_a_time(isolated_env: Path) -> None:
    settings = load_settings(isolated_env)
    with FullTextFetcher.new_pool(settings, 2) as pool:
        with pool.borrow() as first, pool.borrow() as second:
            assert first is not second  # two extractions side by side, one worker each
        with pool.borrow() as again:
            assert again in (first, second)  # given back, lent again: none started anew
        assert all(w._proc is not None and w._proc.is_alive() for w in pool.workers)
    assert all(w._proc is None for w in pool.workers)
