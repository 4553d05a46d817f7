"""Full text of a paper: PDF -> arXiv HTML -> the abstract alone, recorded as such.

The pipeline calls one thing::

    with FullTextFetcher(settings) as fetcher:
        fulltext = fetcher.fetch(paper)   # never raises for a paper-level failure

``fetch`` downloads the PDF once per id and version (cached under ``cache/pdf``), extracts
it in a worker process (the text is kept by the store only), and falls back to
the HTML page, then to the abstract; every step that failed leaves a line in
``FullText.fallback_reasons``, and nothing from a failed download is kept or published.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import DownloadError, FetchError, PdfError, WorkerError
from ..models import FullText, Paper
from .html import parse_arxiv_html
from .pdf import extract_pdf
from .sections import DEFAULT_PRIORITY, KINDS, classify, fit_sections
from .worker import ExtractionWorker, WorkerPool, bounded

if TYPE_CHECKING:  # the HTTP side is imported when a fetcher is made: `text PDF`, and the
    # extraction worker process, need only PDFium and the cleaner (start-up time).
    import httpx2 as httpx

    from ..config import Settings
    from ..http import Pacer
    from .download import CachedPdf

log = logging.getLogger(__name__)

# Bump when cleaning or sectioning changes (recorded in each text's stats).
EXTRACTOR_VERSION = 1
# An HTML page with less text than this is an error page or a stub, not the paper.
MIN_HTML_CHARS = 2000

__all__ = [
    "DEFAULT_PRIORITY", "KINDS", "DownloadError", "FullTextFetcher", "PdfError",
    "abstract_fulltext", "classify", "extract_pdf", "fit_sections", "parse_arxiv_html",
]


def abstract_fulltext(paper: Paper, reasons: list[str]) -> FullText:
    """The last fallback: the paper's title and abstract as its whole text."""
    return FullText.of_abstract(paper, reasons)


class FullTextFetcher:
    """Gets each paper's best available full text; one instance serves a whole day."""

    def __init__(
        self,
        settings: Settings,
        client: httpx.Client | None = None,
        *,
        pacer: Pacer | None = None,
        in_process: bool = False,
        pool: WorkerPool | None = None,
    ) -> None:
        from ..http import Pacer, make_client
        from .download import PdfCache, PdfDownloader

        self.settings = settings
        self._own_client = client is None
        self.client = client if client is not None else make_client(settings)
        # One pacer for PDF and HTML requests alike: both count against arXiv's limit.
        self.pacer = pacer if pacer is not None else Pacer(settings.arxiv_delay)
        self.cache = PdfCache(settings.cache_path / "pdf")
        self.downloader = PdfDownloader(settings, self.client, self.cache, self.pacer)
        self._in_process = in_process
        self._worker: ExtractionWorker | None = None
        self._pool = pool  # shared workers (closed by their owner), else one of its own

    def __enter__(self) -> FullTextFetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self._own_client:
            self.client.close()

    def fetch(self, paper: Paper) -> FullText:
        reasons: list[str] = []
        if not self.settings.fulltext:
            return abstract_fulltext(paper, ["full text disabled (fulltext = false)"])
        try:
            return self.fetch_pdf(paper)
        except WorkerError as exc:
            # Our side, not the paper's: no HTML (it would be kept for good), the PDF stays
            # cached, and the abstract is tried again next run. The worker said why once.
            log.info("%s: %s; using the abstract this run", paper.arxiv_id, exc.reason)
            return abstract_fulltext(paper, [f"pdf: {exc.reason}; tried again next run"])
        except FetchError as exc:
            reasons.append(f"pdf: {_reason(exc)}")
            log.warning("%s: PDF failed (%s); trying HTML", paper.arxiv_id, _reason(exc))
        try:
            fulltext = self.fetch_html(paper)
            fulltext.fallback_reasons = reasons
            return fulltext
        except FetchError as exc:
            reasons.append(f"html: {_reason(exc)}")
            log.warning("%s: HTML failed (%s); using the abstract", paper.arxiv_id,
                        _reason(exc))
        return abstract_fulltext(paper, reasons)

    def fetch_pdf(self, paper: Paper) -> FullText:
        """Download (or reuse) and extract the PDF; raises FetchError with a reason."""
        cached = self.downloader.get(paper.arxiv_id, paper.version)
        try:
            fulltext = self._extract_cached(cached)
        except PdfError:
            # Keep no file that cannot give text: the next run asks arXiv again (its refs
            # dangle without the blob and count as missing).
            cached.path.unlink(missing_ok=True)
            raise
        fulltext.stats.update(pdf_bytes=cached.bytes, pdf_sha256=cached.sha256,
                              downloaded=cached.downloaded)
        return fulltext

    def fetch_html(self, paper: Paper) -> FullText:
        html = self.downloader.get_html(paper.arxiv_id, paper.version)
        fulltext = parse_arxiv_html(html, paper.arxiv_id, paper.version)
        body = sum(len(s.text) for s in fulltext.sections if s.kind != "title")
        if body < MIN_HTML_CHARS:
            raise DownloadError(f"page has no article text ({body} characters)")
        return fulltext

    def _extract_cached(self, cached: CachedPdf) -> FullText:
        # The text is kept in one place, the store (the pipeline skips papers it has a PDF
        # or HTML text for); the PDF itself stays in the content-addressed cache.
        fulltext = self._extract(cached.path, cached.arxiv_id, cached.version)
        fulltext.stats["extractor"] = EXTRACTOR_VERSION
        fulltext.arxiv_id, fulltext.version = cached.arxiv_id, cached.version
        return fulltext

    def _extract(self, path: Path, arxiv_id: str, version: int | None) -> FullText:
        if self._in_process:
            return bounded(extract_pdf(path, arxiv_id, version), self.settings.max_text_chars)
        if self._pool is not None:
            with self._pool.borrow() as worker:
                return worker.extract(path, arxiv_id, version)
        return self._extraction_worker().extract(path, arxiv_id, version)

    @staticmethod
    def new_pool(settings: Settings, count: int) -> WorkerPool:
        """``count`` started extraction workers with the settings' limits."""
        return WorkerPool(count, settings.pdf_timeout, max_memory=settings.pdf_max_memory,
                          max_chars=settings.max_text_chars)

    def _extraction_worker(self) -> ExtractionWorker:
        if self._worker is None:
            self._worker = ExtractionWorker(self.settings.pdf_timeout,
                                            max_memory=self.settings.pdf_max_memory,
                                            max_chars=self.settings.max_text_chars)
        return self._worker

    def warm(self) -> None:
        """Start the extraction worker now, so its start-up overlaps the first download."""
        if not self._in_process and self.settings.fulltext and self._pool is None:
            self._extraction_worker().start()


def _reason(exc: FetchError) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason) if reason else str(exc)
