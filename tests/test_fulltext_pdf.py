"""Extraction, cleaning and sections on the real arXiv PDFs in ../shared/data/pdfs."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from dailypapers.fulltext import extract_pdf
from dailypapers.models import FullText

pytestmark = pytest.mark.shared

# Per paper: (first words of the abstract, last words of the abstract).
ABSTRACTS = {
    "1706.03762": ("The dominant sequence transduction models are based on complex",
                   "both with large and limited training data."),
    "2203.02155": ("Making language models bigger does not inherently make them better",
                   "aligning language models with human intent."),
    "2508.10683": ("This paper presents the first systematic study of strategies",
                   "translation tools for historical languages in general."),
    "2508.10824": ("Memory is fundamental to intelligence, enabling learning",
                   "lifelong-learning Transformer architectures."),
    "2508.10874": ("We investigate the potential of large language models (LLMs)",
                   "to support more scalable RL agent training."),
    "2508.10875": ("Diffusion Language Models (DLMs) are rapidly emerging",
                   "https://github.com/VILA-Lab/Awesome-DLMs."),
    "2508.10880": ("The widespread deployment of LLM-based agents is likely",
                   "building privacy-aware agents 1."),
}
# Sentences that cross a column or page boundary (with a footnote or page number between).
CONTINUOUS = {
    "2508.10683": [
        r"use English as a pivot language; \(2\)",  # column end, footnote in between
        r"according to one listing1 , over 50 universities",  # footnote mark, column end
        r"tagging, lemmatization, morphological analysis",  # page end, hyphen, footnotes
        r"significantly enhances translation quality",
    ],
    "1706.03762": [
        # Page end, with the first page's footnotes and the venue line in between.
        r"approaches in sequence modeling and transduction problems such as language",
        r"encoder-decoder architectures \[38, 24, 15\]",
    ],
    "2508.10880": [
        r"\(e\.g\., privacy-?extraction instructions\) while",  # page end, page number
        r"take a step further by investigating",
    ],
}
# Table rows whose numbers must survive, in order, on one line.
TABLE_ROWS = {
    "1706.03762": [r"Transformer \(big\) 28\.4 41\.8 2\.3 · 1019"],
    "2508.10683": [r"Enis 0\.632 0\.344 0\.328 0\.119"],
    "2508.10880": [r"4\.1-mini 4\.1-mini 31\.2% 37\.6%"],
}
# Text that only the reference list contains.
REFERENCE_ONLY = {
    "1706.03762": "Layer normalization. arXiv preprint",
    "2508.10683": "Zeldes, Amir",
    "2203.02155": "Askell, A., Bai, Y., Chen, A.",
}
_FILES: dict[str, FullText] = {}


def _pdfs(shared: Path) -> dict[str, Path]:
    return {p.name.split("v")[0]: p for p in sorted((shared / "pdfs").glob("*.pdf"))}


@pytest.fixture(scope="module")
def papers(shared_data: Path) -> dict[str, FullText]:
    if not _FILES:
        for arxiv_id, path in _pdfs(shared_data).items():
            _FILES[arxiv_id] = extract_pdf(path)
    return _FILES


def test_all_shared_pdfs_are_covered(shared_data: Path) -> None:
    assert set(_pdfs(shared_data)) == set(ABSTRACTS)


@pytest.mark.parametrize("arxiv_id", sorted(ABSTRACTS))
def test_abstract_section_is_the_abstract(papers: dict[str, FullText], arxiv_id: str) -> None:
    fulltext = papers[arxiv_id]
    abstracts = [s for s in fulltext.sections if s.kind == "abstract"]
    assert len(abstracts) == 1
    text = " ".join(abstracts[0].text.split())
    first, last = ABSTRACTS[arxiv_id]
    assert text.startswith(first)
    assert text.endswith(last)
    assert 400 < len(text) < 2500


@pytest.mark.parametrize("arxiv_id", sorted(ABSTRACTS))
def test_clean_text_has_no_artifacts(papers: dict[str, FullText], arxiv_id: str) -> None:
    text = papers[arxiv_id].text
    assert not re.search("[\ufb00-\ufb06]", text), "ligature code point left"
    assert "\ufffe" not in text
    assert "\u00ad" not in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text), "control character left"
    # "- " inside a word is a hyphenation artifact; "inter- and intra-" is English.
    artifacts = re.findall(r"[a-z]- (?!and\b|or\b|to\b|vs\.?)[a-z]+", text)
    assert artifacts == []
    assert not re.search(r"arXiv:\d{4}\.\d{4,5}v\d+ \[", text), "arXiv side stamp left"
    assert papers[arxiv_id].stats["stamps_removed"] == 1


@pytest.mark.parametrize("arxiv_id", sorted(ABSTRACTS))
def test_sections_and_references(papers: dict[str, FullText], arxiv_id: str) -> None:
    fulltext = papers[arxiv_id]
    kinds = [s.kind for s in fulltext.sections]
    assert kinds[0] == "title"
    assert "introduction" in kinds
    closing = "conclusion" if "conclusion" in kinds else "discussion"  # InstructGPT
    assert closing in kinds
    assert kinds.index("abstract") < kinds.index("introduction") < kinds.index(closing)
    assert fulltext.stats["reference_lines_dropped"] > 0
    assert not re.search(r"^(References|REFERENCES|Bibliography)$", fulltext.text, re.M)
    if arxiv_id in REFERENCE_ONLY:
        assert REFERENCE_ONLY[arxiv_id] not in fulltext.text


def test_kinds_follow_the_papers_headings(papers: dict[str, FullText]) -> None:
    kinds = {s.heading: s.kind for s in papers["1706.03762"].sections}
    assert kinds["2 Background"] == "related"
    assert kinds["3 Model Architecture"] == "method"
    assert kinds["5 Training"] == "experiments"
    assert kinds["6.1 Machine Translation"] == "results"
    assert kinds["7 Conclusion"] == "conclusion"
    coptic = {s.heading: s.kind for s in papers["2508.10683"].sections}
    assert coptic["5.3 Pre-Trained Model Choice"] == "results"  # inherits "5 Results ..."
    privacy = {s.heading: s.kind for s in papers["2508.10880"].sections}
    assert privacy["Limitations"] == "limitations"
    assert privacy["A Agent Tool Examples"] == "appendix"
    ssrl = [s.heading for s in papers["2508.10874"].sections]
    assert "1 INTRODUCTION" in ssrl and not any(h.startswith("1 Tsinghua") for h in ssrl)


@pytest.mark.parametrize("arxiv_id", sorted(CONTINUOUS))
def test_sentences_cross_columns_and_pages(papers: dict[str, FullText], arxiv_id: str) -> None:
    for probe in CONTINUOUS[arxiv_id]:
        assert re.search(probe, papers[arxiv_id].text), probe


@pytest.mark.parametrize("arxiv_id", sorted(TABLE_ROWS))
def test_table_numbers_survive(papers: dict[str, FullText], arxiv_id: str) -> None:
    for row in TABLE_ROWS[arxiv_id]:
        assert re.search(row, papers[arxiv_id].text), row


def test_hyphens_keep_compounds_and_join_breaks(papers: dict[str, FullText]) -> None:
    coptic = papers["2508.10683"].text
    assert "significantly" in coptic and "signif-icantly" not in coptic
    assert "ancient-modern" in coptic  # the compound also occurs unbroken in the paper
    assert "stylistically-varied" in coptic
    assert "Coptic" in coptic and "Cop-tic" not in coptic
    # Capitals keep a hyphen, unless the joined word is used elsewhere in the paper.
    assert "SCRIPTORIUM project" in coptic and "SCRIP-TORIUM" not in coptic


def test_flattened_exponents_are_reported(papers: dict[str, FullText]) -> None:
    flat = papers["1706.03762"].flattened_numbers
    assert "1019" in flat and "1020" in flat  # 2.3 · 10^19 training FLOPs, flattened
    assert "27.3" not in flat
    assert papers["2508.10683"].flattened_numbers == []


def test_running_headers_and_page_numbers_removed(papers: dict[str, FullText]) -> None:
    ssrl = papers["2508.10874"]
    assert "Preprint." not in ssrl.text.split("\n")
    assert ssrl.stats["furniture_lines_removed"] >= 38
    survey = papers["2508.10875"].text.split("\n")
    assert not any(line.strip() in {"2", "3", "4", "5"} for line in survey[:60])


@pytest.mark.parametrize("arxiv_id", sorted(ABSTRACTS))
def test_paragraphs_are_not_cut_mid_sentence(papers: dict[str, FullText], arxiv_id: str) -> None:
    """Across every column and page boundary: a prose line that stops mid-sentence is
    (almost) never followed by its lowercase continuation on a separate line."""
    lines = [line for line in papers[arxiv_id].text.split("\n") if line.strip()]
    cuts = [
        (a[-40:], b[:40]) for a, b in itertools.pairwise(lines)
        if len(a) > 60 and not re.search(r"[.:;!?)]$", a) and b[:1].islower() and len(b) > 40
    ]
    assert len(cuts) <= 4, cuts
