"""Extraction, cleaning and sections on PDFs the tests generate (see selfmade/pdfs.py).

The same checks as test_fulltext_pdf.py makes on the recorded arXiv PDFs, so a clone
without ../shared still tests the extractor: two columns, ligatures, hyphenation, running
headers and page numbers, a footnote at a column end, a table, a flattened exponent,
references, an appendix, an encrypted PDF and a scan.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from selfmade.pdfs import (
    PaperFacts,
    make_encrypted,
    make_image_only,
    make_paper,
    unicode_targets,
)

from dailypapers.errors import PdfError
from dailypapers.fulltext.pdf import extract_pdf, extract_raw_pages
from dailypapers.fulltext.worker import ExtractionWorker
from dailypapers.models import FullText


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[PaperFacts, FullText]:
    path = tmp_path_factory.mktemp("pdfs") / "2501.00001v1.pdf"
    facts = make_paper(path)
    return facts, extract_pdf(path)


def test_the_generated_pdf_is_what_it_claims(made: tuple[PaperFacts, FullText]) -> None:
    """The fixture itself: ligature glyphs, a stamp, a header on every page, hyphen breaks."""
    facts, _ = made
    raw = extract_raw_pages(facts.path)
    assert len(raw) == facts.pages >= 3
    # "fi" and "fl" drawn as one glyph each, as TeX does (PDFium spells them out).
    assert {0xFB01, 0xFB02} <= unicode_targets(facts.path)
    assert facts.stamp in raw[0].replace("\r\n", "\n").replace("\n", "")
    assert all(facts.header in page for page in raw)
    assert facts.hyphenated and facts.crossings
    # PDFium marks a hyphen at a line end as U+FFFE (its "soft hyphen"), glued to the next line.
    assert any("\ufffe" in page for page in raw)


def test_identity_and_pages(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    assert (fulltext.arxiv_id, fulltext.version, fulltext.source) == ("2501.00001", 1, "pdf")
    assert fulltext.pages == facts.pages


def test_abstract_section_is_the_abstract(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    abstract = next(s for s in fulltext.sections if s.kind == "abstract")
    first, last = facts.abstract
    assert abstract.text.startswith(first) and abstract.text.rstrip().endswith(last)


def test_clean_text_has_no_artifacts(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    text = fulltext.text
    assert not re.search("[\ufb00-\ufb06]", text), "ligature code point left"
    assert "fine-tuned" in text and "flow of data" in text  # the ligatures read as letters
    assert "\ufffe" not in text and "\u00ad" not in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text), "control character left"
    assert re.findall(r"[a-z]- (?!and\b|or\b|to\b|vs\.?)[a-z]+", text) == []
    assert facts.stamp not in text and not re.search(r"arXiv:\d{4}\.\d{4,5}v\d+ \[", text)
    assert fulltext.stats["stamps_removed"] == 1


def test_sections_and_references(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    kinds = [s.kind for s in fulltext.sections]
    assert kinds[0] == "title"
    assert kinds.index("abstract") < kinds.index("introduction") < kinds.index("conclusion")
    assert fulltext.stats["reference_lines_dropped"] > 0
    assert not re.search(r"^(References|REFERENCES|Bibliography)$", fulltext.text, re.M)
    assert facts.reference_only not in fulltext.text
    # The appendix after the references is kept.
    assert "The capacity predictor reads the mean" in fulltext.text


def test_kinds_follow_the_papers_headings(made: tuple[PaperFacts, FullText]) -> None:
    _, fulltext = made
    kinds = {s.heading: s.kind for s in fulltext.sections}
    assert kinds == {
        "": "title", "Abstract": "abstract", "1 Introduction": "introduction",
        "2 Related Work": "related", "3 Method": "method", "4 Experiments": "experiments",
        "4.1 Main Results": "results", "5 Conclusion": "conclusion",
        "Limitations": "limitations", "A Additional Details": "appendix",
    }


def test_sentences_cross_columns_and_pages(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    for end, start in facts.crossings:
        assert f"{end} {start}" in fulltext.text, (end, start)


def test_a_footnote_at_a_column_end_goes_after_its_paragraph(
    made: tuple[PaperFacts, FullText]
) -> None:
    facts, fulltext = made
    # The mark stays with its word, the sentence goes on, the footnote is set aside.
    assert "According to one survey1 , over 50 groups now train" in fulltext.text
    (line,) = [x for x in fulltext.text.split("\n") if facts.footnote in x]
    assert line == f"1{facts.footnote}"


def test_table_numbers_survive(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    assert re.search(r"^.*" + re.escape(facts.table_row) + r"$", fulltext.text, re.M)
    assert "0.412 0.301 0.288" in fulltext.text


def test_hyphens_join_breaks_and_keep_compounds(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    for word in facts.hyphenated:
        assert word in fulltext.text
        for cut in range(2, len(word) - 1):
            assert f"{word[:cut]}-{word[cut:]}" not in fulltext.text, word
    assert fulltext.stats["hyphens_joined"] >= len(facts.hyphenated)
    assert "long-context" in fulltext.text and "held-out" in fulltext.text


def test_flattened_exponents_are_reported(made: tuple[PaperFacts, FullText]) -> None:
    _, fulltext = made
    assert fulltext.flattened_numbers == ["1019"]  # 2.3 · 10^19, the 19 raised


def test_running_headers_and_page_numbers_removed(made: tuple[PaperFacts, FullText]) -> None:
    facts, fulltext = made
    lines = fulltext.text.split("\n")
    assert facts.header not in fulltext.text
    assert not any(line.strip().isdigit() for line in lines)
    # A header per page, a number on every page but the first.
    assert fulltext.stats["furniture_lines_removed"] == 2 * facts.pages - 1


def test_paragraphs_are_not_cut_mid_sentence(made: tuple[PaperFacts, FullText]) -> None:
    _, fulltext = made
    lines = [line for line in fulltext.text.split("\n") if line.strip()]
    cuts = [
        (a[-40:], b[:40]) for a, b in itertools.pairwise(lines)
        if len(a) > 60 and not re.search(r"[.:;!?)]$", a) and b[:1].islower() and len(b) > 40
    ]
    assert cuts == []


def test_an_encrypted_pdf_is_a_clear_failure(tmp_path: Path) -> None:
    path = make_encrypted(tmp_path / "2501.00002v1.pdf")
    with pytest.raises(PdfError) as err:
        extract_pdf(path)
    assert err.value.reason == "encrypted (password required)"


def test_a_scan_without_a_text_layer_is_a_clear_failure(tmp_path: Path) -> None:
    path = make_image_only(tmp_path / "2501.00003v1.pdf")
    with pytest.raises(PdfError) as err:
        extract_pdf(path)
    assert err.value.reason.startswith("no text layer (0 characters on 2 pages")


def test_the_worker_process_gives_the_same_text_and_reasons(
    made: tuple[PaperFacts, FullText], tmp_path: Path
) -> None:
    facts, fulltext = made
    worker = ExtractionWorker(timeout=120)
    try:
        assert worker.extract(facts.path, "2501.00001", 1).text == fulltext.text
        with pytest.raises(PdfError, match="encrypted"):
            worker.extract(make_encrypted(tmp_path / "locked.pdf"), "2501.00002", 1)
        with pytest.raises(PdfError, match="no text layer"):
            worker.extract(make_image_only(tmp_path / "scan.pdf"), "2501.00003", 1)
        # The same worker carries on after the failures.
        assert worker.extract(facts.path, "2501.00001", 1).pages == facts.pages
    finally:
        worker.close()
