"""PDF text extraction with pypdfium2, then cleaning and sections: ``extract_pdf(path)``.

PDFium is not thread-safe, not even across documents, so every call into it holds one
process-wide lock; the fetcher additionally runs extraction in a worker process (see
``worker.py``) so a PDF that crashes or hangs PDFium cannot take the run down with it.
Pages are loaded and closed one at a time: only one document is open, and PDFium reads
the file lazily from disk rather than from a bytes copy in memory.

Raises ``PdfError`` (a ``FetchError``) with a short ``reason`` for encrypted files, files
PDFium cannot open, and files without a text layer (scans).
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pypdfium2 as pdfium

from ..errors import PdfError
from ..models import FullText, split_arxiv_id
from .clean import clean_pages
from .sections import render_sections, split_sections

_PDFIUM_LOCK = threading.Lock()
# Below this many characters per page on average, the PDF has no usable text layer.
MIN_CHARS_PER_PAGE = 200
_STEM_ID_RE = re.compile(r"^(\d{4}\.\d{4,5}(?:v\d+)?)")



def extract_raw_pages(path: Path) -> list[str]:
    """The raw text of each page, in content-stream order (no layout pass: arXiv's LaTeX
    PDFs keep columns in reading order and a sorting pass would interleave them)."""
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            message = str(exc).lower()
            if "password" in message or "security" in message:
                raise PdfError("encrypted (password required)") from exc
            raise PdfError(f"unreadable ({exc})") from exc
        pages: list[str] = []
        try:
            for index in range(len(doc)):
                page = doc[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        pages.append(textpage.get_text_range())
                    finally:
                        textpage.close()
                finally:
                    page.close()
        except pdfium.PdfiumError as exc:
            raise PdfError(f"unreadable page {len(pages) + 1} ({exc})") from exc
        finally:
            doc.close()
        return pages


def extract_pdf(
    path: Path | str, arxiv_id: str | None = None, version: int | None = None
) -> FullText:
    """Extract, clean and section one PDF. ``arxiv_id`` defaults to the file name's prefix."""
    path = Path(path)
    if arxiv_id is None:
        m = _STEM_ID_RE.match(path.name)
        if m:
            arxiv_id, version = split_arxiv_id(m.group(1))
        else:
            arxiv_id = path.stem
    started = time.perf_counter()
    raw = extract_raw_pages(path)
    extracted = time.perf_counter()
    chars = sum(len(p.strip()) for p in raw)
    if not raw or chars < MIN_CHARS_PER_PAGE * len(raw) * 0.25 or chars < MIN_CHARS_PER_PAGE:
        raise PdfError(
            f"no text layer ({chars} characters on {len(raw)} pages; a scan or image-only PDF)"
        )
    fulltext = build_fulltext(raw, arxiv_id, version)
    fulltext.stats.update(
        raw_chars=chars,
        extract_seconds=round(extracted - started, 4),
        clean_seconds=round(time.perf_counter() - extracted, 4),
    )
    return fulltext


def build_fulltext(raw_pages: list[str], arxiv_id: str, version: int | None) -> FullText:
    """Clean and section raw page texts (pure: no PDFium)."""
    cleaned = clean_pages(raw_pages)
    sections, section_stats = split_sections(cleaned.lines)
    text = render_sections(sections)
    stats: dict[str, object] = {**cleaned.stats, **section_stats, "chars": len(text)}
    return FullText(
        arxiv_id=arxiv_id,
        version=version,
        source="pdf",
        text=text,
        sections=sections,
        pages=len(raw_pages),
        stats=stats,
        flattened_numbers=cleaned.flattened_numbers,
    )
