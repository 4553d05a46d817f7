"""Downloads and fallbacks through the real HTTP stack (a server on 127.0.0.1).

Every bad input ends in a recorded fallback reason, with nothing of it cached or published.
The small PDFs are written here by hand (never copied from ../shared).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes.pdfkit import make_pdf
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailypapers.cli import main
from dailypapers.config import Settings
from dailypapers.fulltext import FullTextFetcher
from dailypapers.models import Paper

LINE = "Large language models read papers and summarise their results with care"


GOOD_PDF = make_pdf([f"{LINE} number {i}." for i in range(12)])


def settings_for(server: HTTPServer, tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "dir": tmp_path, "arxiv_url": server.url_for("/").rstrip("/"), "arxiv_delay": 0.0,
        "http_retries": 3, "retry_max_wait": 0.05,
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


def paper(version: int | None = 1) -> Paper:
    return Paper(arxiv_id="2501.00001", title="A Paper", abstract="We study things. It works.",
                 version=version)


def fetch(server: HTTPServer, tmp_path: Path, p: Paper | None = None, **extra: object):  # type: ignore[no-untyped-def]
    with FullTextFetcher(settings_for(server, tmp_path, **extra), in_process=True) as fetcher:
        return fetcher.fetch(p or paper())


def cached_blobs(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "pdf" / "blobs").glob("*"))


def no_html(server: HTTPServer) -> None:
    server.expect_request("/html/2501.00001v1").respond_with_data("", status=404)


def test_good_pdf_is_extracted_and_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        GOOD_PDF, content_type="application/pdf")
    first = fetch(httpserver, tmp_path)
    assert first.source == "pdf" and first.fallback_reasons == []
    assert "number 11." in first.text and first.pages == 1
    assert len(cached_blobs(tmp_path)) == 1
    assert first.stats["downloaded"] is True
    # A re-run downloads nothing: the server is not asked again.
    requests = len(httpserver.log)
    again = fetch(httpserver, tmp_path)
    assert len(httpserver.log) == requests
    assert again.text == first.text and again.stats["downloaded"] is False
    ua = httpserver.log[0][0].headers["User-Agent"]
    assert ua.startswith("dailypapers/")


def test_new_version_is_a_new_text_and_old_is_kept(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    v2 = make_pdf([f"Second version {LINE} {i}." for i in range(12)])
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        GOOD_PDF, content_type="application/pdf")
    httpserver.expect_request("/pdf/2501.00001v2").respond_with_data(
        v2, content_type="application/pdf")
    one = fetch(httpserver, tmp_path, paper(1))
    two = fetch(httpserver, tmp_path, paper(2))
    assert one.version == 1 and two.version == 2
    assert "Second version" in two.text and "Second version" not in one.text
    assert len(cached_blobs(tmp_path)) == 2
    refs = sorted(p.name for p in (tmp_path / "cache" / "pdf" / "refs").glob("*.json"))
    assert "2501.00001v1.json" in refs and "2501.00001v2.json" in refs
    # Asking again without a version reuses the newest one we have, with no request.
    requests = len(httpserver.log)
    latest = fetch(httpserver, tmp_path, paper(None))
    assert latest.version == 2 and "Second version" in latest.text
    assert len(httpserver.log) == requests


def test_versionless_request_learns_version_from_redirect(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/pdf/2501.00001").respond_with_response(
        Response(status=302, headers={"Location": "/pdf/2501.00001v3"}))
    httpserver.expect_request("/pdf/2501.00001v3").respond_with_data(
        GOOD_PDF, content_type="application/pdf")
    result = fetch(httpserver, tmp_path, paper(None))
    assert result.source == "pdf" and result.version == 3
    assert (tmp_path / "cache" / "pdf" / "refs" / "2501.00001v3.json").exists()


def test_429_then_success_honours_retry_after(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/pdf/2501.00001v1").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"})
    httpserver.expect_ordered_request("/pdf/2501.00001v1").respond_with_data(
        GOOD_PDF, content_type="application/pdf")
    result = fetch(httpserver, tmp_path)
    assert result.source == "pdf"
    assert len(httpserver.log) == 2


def _assert_abstract_fallback(result, tmp_path: Path, pdf_reason: str) -> None:  # type: ignore[no-untyped-def]
    assert result.source == "abstract"
    assert result.text == "We study things. It works."
    assert result.fallback_reasons[0].startswith("pdf: ")
    assert pdf_reason in result.fallback_reasons[0]
    assert result.fallback_reasons[1].startswith("html: ")
    assert cached_blobs(tmp_path) == []
    assert not list((tmp_path / "cache" / "pdf" / "tmp").glob("*"))  # no leftovers


def test_html_challenge_page_served_as_pdf(httpserver: HTTPServer, tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><body>Checking your browser...</body></html>"
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        page, content_type="application/pdf")
    no_html(httpserver)
    _assert_abstract_fallback(fetch(httpserver, tmp_path), tmp_path, "not a PDF")


def test_html_content_type_is_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        "<html>captcha</html>", content_type="text/html")
    no_html(httpserver)
    _assert_abstract_fallback(fetch(httpserver, tmp_path), tmp_path, "Content-Type")


def test_truncated_pdf_without_eof(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        GOOD_PDF[: len(GOOD_PDF) // 2], content_type="application/pdf")
    no_html(httpserver)
    _assert_abstract_fallback(fetch(httpserver, tmp_path), tmp_path, "truncated")


def test_connection_cut_short_of_content_length(httpserver: HTTPServer, tmp_path: Path) -> None:
    def cut(_request: Request) -> Response:
        response = Response(GOOD_PDF[:500], content_type="application/pdf")
        response.headers["Content-Length"] = str(len(GOOD_PDF))
        return response

    httpserver.expect_request("/pdf/2501.00001v1").respond_with_handler(cut)
    no_html(httpserver)
    result = fetch(httpserver, tmp_path)
    _assert_abstract_fallback(result, tmp_path, "pdf: ")
    reason = result.fallback_reasons[0]
    assert "network error" in reason or "truncated" in reason


def test_empty_file(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        b"", content_type="application/pdf")
    no_html(httpserver)
    _assert_abstract_fallback(fetch(httpserver, tmp_path), tmp_path, "empty")


def test_404(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data("nope", status=404)
    no_html(httpserver)
    result = fetch(httpserver, tmp_path)
    _assert_abstract_fallback(result, tmp_path, "HTTP 404")
    assert result.fallback_reasons[1] == "html: not found (HTTP 404)"


def test_persistent_503_is_bounded(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data("busy", status=503)
    no_html(httpserver)
    result = fetch(httpserver, tmp_path)
    _assert_abstract_fallback(result, tmp_path, "HTTP 503 after 3 attempts")


def test_over_the_size_limit(httpserver: HTTPServer, tmp_path: Path) -> None:
    big = make_pdf([LINE] * 12, pad=50_000)
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        big, content_type="application/pdf")
    no_html(httpserver)
    result = fetch(httpserver, tmp_path, pdf_max_bytes=20_000)
    _assert_abstract_fallback(result, tmp_path, "too large")


def test_over_the_size_limit_without_content_length(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    big = make_pdf([LINE] * 12, pad=50_000)

    def chunked(_request: Request) -> Response:
        return Response(iter([big[i:i + 4096] for i in range(0, len(big), 4096)]),
                        content_type="application/pdf")

    httpserver.expect_request("/pdf/2501.00001v1").respond_with_handler(chunked)
    no_html(httpserver)
    result = fetch(httpserver, tmp_path, pdf_max_bytes=20_000)
    _assert_abstract_fallback(result, tmp_path, "too large: more than 20000 bytes")


def test_encrypted_pdf(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        make_pdf([LINE] * 12, encrypt=True), content_type="application/pdf")
    no_html(httpserver)
    result = fetch(httpserver, tmp_path)
    assert result.source == "abstract"
    assert result.fallback_reasons[0] == "pdf: encrypted (password required)"


def test_image_only_pdf(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        make_pdf(None), content_type="application/pdf")
    no_html(httpserver)
    result = fetch(httpserver, tmp_path)
    assert result.source == "abstract"
    assert "no text layer" in result.fallback_reasons[0]
    assert cached_blobs(tmp_path) == []


def test_html_fallback_uses_the_arxiv_page(
    httpserver: HTTPServer, tmp_path: Path, shared_data: Path
) -> None:
    page = (shared_data / "arxiv" / "html" / "arxiv.org_html_1706.03762v7.html").read_bytes()
    httpserver.expect_request("/pdf/1706.03762v7").respond_with_data("gone", status=404)
    httpserver.expect_request("/html/1706.03762v7").respond_with_data(
        page, content_type="text/html; charset=utf-8")
    p = Paper(arxiv_id="1706.03762", title="Attention Is All You Need", version=7)
    result = fetch(httpserver, tmp_path, p)
    assert result.source == "html"
    assert result.fallback_reasons == ["pdf: not found (HTTP 404)"]
    kinds = [s.kind for s in result.sections]
    assert "abstract" in kinds and "introduction" in kinds and "conclusion" in kinds
    assert result.section_text("abstract").startswith("The dominant sequence transduction")
    assert "Layer normalization" not in result.text  # bibliography dropped
    assert "arXiv:1706.03762v7" not in result.text


def test_worker_process_extracts_and_survives_bad_files(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        make_pdf(None), content_type="application/pdf")
    httpserver.expect_request("/pdf/2501.00001v2").respond_with_data(
        GOOD_PDF, content_type="application/pdf")
    httpserver.expect_request("/html/2501.00001v1").respond_with_data("", status=404)
    with FullTextFetcher(settings_for(httpserver, tmp_path)) as fetcher:
        bad = fetcher.fetch(paper(1))
        good = fetcher.fetch(paper(2))
    assert bad.source == "abstract" and "no text layer" in bad.fallback_reasons[0]
    assert good.source == "pdf" and "number 11." in good.text


def test_a_day_never_holds_a_whole_pdf_in_memory(tmp_path: Path) -> None:
    big = make_pdf([f"{LINE} {i}." for i in range(12)], pad=3_000_000)
    size = len(big)
    root = tmp_path / "srv"
    (root / "pdf").mkdir(parents=True)
    for n in range(1, 4):
        (root / "pdf" / f"2501.0000{n}v1").write_bytes(big)
    del big
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # A server in another process, so tracemalloc measures only our side.
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        settings = Settings(dir=tmp_path, arxiv_url=f"http://127.0.0.1:{port}",
                            arxiv_delay=0.0)
        with FullTextFetcher(settings, in_process=True) as fetcher:
            tracemalloc.start()
            try:
                for n in range(1, 4):
                    result = fetcher.fetch(Paper(arxiv_id=f"2501.0000{n}", title="t", version=1))
                    assert result.source == "pdf"  # served as application/octet-stream
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    finally:
        server.terminate()
        server.wait(10)
    # Streamed to disk in 64 KiB chunks and read lazily by PDFium: far below one PDF.
    assert peak < size / 3


def test_cli_text_by_arxiv_id(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        GOOD_PDF, content_type="application/pdf")
    httpserver.expect_request("/pdf/2501.00002v1").respond_with_data("", status=404)
    httpserver.expect_request("/html/2501.00002v1").respond_with_data("", status=404)
    monkeypatch.setenv("DAILYPAPERS_ARXIV_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0.05")
    result = CliRunner().invoke(main, ["--dir", str(tmp_path), "text", "2501.00001v1"])
    assert result.exit_code == 0, result.output
    assert "number 11." in result.output
    assert len(list((tmp_path / "cache" / "pdf" / "blobs").glob("*.pdf"))) == 1
    missing = CliRunner().invoke(main, ["--dir", str(tmp_path), "text", "2501.00002v1"])
    assert missing.exit_code == 1
    assert "fallback: pdf: not found (HTTP 404)" in missing.output
    assert "no full text for 2501.00002" in missing.output


def test_worker_timeout_is_recorded_and_the_worker_restarts(tmp_path: Path) -> None:
    from dailypapers.errors import PdfError
    from dailypapers.fulltext.worker import ExtractionWorker

    pdf = tmp_path / "good.pdf"
    pdf.write_bytes(GOOD_PDF)
    worker = ExtractionWorker(timeout=0.0)  # no time at all: every job times out
    try:
        with pytest.raises(PdfError, match="timed out"):
            worker.extract(pdf, "2501.00001", 1)
        worker.timeout = 60.0
        fulltext = worker.extract(pdf, "2501.00001", 1)  # a fresh child takes over
    finally:
        worker.close()
    assert fulltext.source == "pdf" and "number 11." in fulltext.text


def test_garbage_between_pdf_header_and_eof(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pdf/2501.00001v1").respond_with_data(
        b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n", content_type="application/pdf")
    no_html(httpserver)
    result = fetch(httpserver, tmp_path)
    assert result.source == "abstract"
    assert result.fallback_reasons[0].startswith("pdf: unreadable")
    assert cached_blobs(tmp_path) == []  # the next run downloads it again
