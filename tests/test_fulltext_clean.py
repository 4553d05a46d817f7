"""Cleaning rules, sections and fit_sections on small made-up pages; the CLI on a real PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.fulltext import fit_sections
from dailypapers.fulltext.clean import clean_pages
from dailypapers.fulltext.pdf import build_fulltext
from dailypapers.fulltext.sections import classify
from dailypapers.models import FullText, Section

PROSE = "This line of running text is long enough to be a full line of the column"


def test_hyphen_rule_keeps_compounds_and_joins_breaks() -> None:
    text = "\n".join([
        "We train Psyche\ufffeR1 and compare to GPT\ufffe4 on a task\ufffespecific set that is",
        "signif\ufffeicantly better; a task-specific head is used. The multi\ufffeple runs.",
    ])
    cleaned = clean_pages([text]).text
    assert "Psyche-R1" in cleaned and "GPT-4" in cleaned
    assert "task-specific set" in cleaned  # the hyphenated form occurs elsewhere
    assert "significantly" in cleaned
    assert "multiple" in cleaned
    assert "\ufffe" not in cleaned


def test_ligatures_spelled_out_without_nfkc() -> None:
    cleaned = clean_pages(["The \ufb01rst e\ufb00ect is \ufb02at: x² = 10³ and \ufb03."]).text
    assert cleaned == "The first effect is flat: x² = 10³ and ffi."


def test_stamp_headers_and_page_numbers_removed() -> None:
    pages = []
    for n in range(1, 6):
        body = [f"{PROSE} {'abcdefghij'[n]}{'klmnopqrst'[k]}" for k in range(8)]
        pages.append("\r\n".join(["Preprint. Under review.", *body, str(n)]))
    pages[0] += "\r\narXiv:2508.10683v1 [cs.CL] 14 Aug 2025"
    cleaned = clean_pages(pages)
    assert "Preprint" not in cleaned.text
    assert "arXiv:" not in cleaned.text
    assert not any(line.strip().isdigit() for line in cleaned.lines)
    assert cleaned.stats["stamps_removed"] == 1
    assert cleaned.stats["furniture_lines_removed"] == 10


def test_flattened_exponents_reported() -> None:
    cleaned = clean_pages(["Training cost 2.3 · 1019 FLOPs with ×106 steps and lr 10−9; 27.3 BLEU"])
    assert cleaned.flattened_numbers == ["1019", "106", "10−9"]


def test_sections_numbering_rejects_lists_and_toc() -> None:
    lines = [
        "A Title", "Abstract", "We do things.", "",
        "Contents", "1 Introduction 4", "2 Method 5",
        "1 Introduction", "Intro text.", "4. Items in a list that run long enough to be a sentence",
        "2 Our Approach", "Method text.", "2.1 Main Results", "Numbers 88.5.",
        "3 Conclusion", "Done.", "References", "[1] A. Author. A paper. 2020.",
        "A Extra Details", "Appendix text.",
    ]
    fulltext = build_fulltext(["\n".join(lines)], "x", None)
    got = [(s.kind, s.heading) for s in fulltext.sections if s.heading]
    assert got == [
        ("abstract", "Abstract"), ("other", "Contents"), ("introduction", "1 Introduction"),
        ("method", "2 Our Approach"), ("results", "2.1 Main Results"),
        ("conclusion", "3 Conclusion"), ("appendix", "A Extra Details"),
    ]
    assert "A. Author" not in fulltext.text


@pytest.mark.parametrize(("title", "kind"), [
    ("Related Work", "related"), ("5 Experimental Setup", "experiments"),
    ("Ablation Study", "results"), ("Limitations", "limitations"),
    ("Concluding Remarks", "conclusion"), ("Why Self-Attention", "other"),
])
def test_classify(title: str, kind: str) -> None:
    assert classify(title) == kind


def test_fit_sections_priority_order_and_budget() -> None:
    sections = [
        Section("title", "", "T"),
        Section("abstract", "Abstract", "A" * 100),
        Section("introduction", "1 Introduction", "I" * 300),
        Section("method", "2 Method", "M" * 500),
        Section("results", "3 Results", "R. " * 200),
        Section("conclusion", "4 Conclusion", "C" * 100),
    ]
    fulltext = FullText("x", 1, "pdf", "", sections)
    out = fit_sections(fulltext, 700, ("abstract", "conclusion", "results"))
    assert len(out) <= 700
    assert out.index("Abstract") < out.index("3 Results") < out.index("4 Conclusion")
    assert "2 Method" not in out and "1 Introduction" not in out
    assert out.split("3 Results\n")[1].split("\n")[0].endswith(".")  # cut at a sentence
    only_abstract = FullText("x", 1, "abstract", "One. Two. Three.", [])
    assert fit_sections(only_abstract, 9) == "One. Two."


def test_cli_text_json_on_a_real_pdf(shared_data: Path) -> None:
    pdf = shared_data / "pdfs" / "2508.10683v1_coptic_french_nmt.pdf"
    result = CliRunner().invoke(main, ["text", str(pdf), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["arxiv_id"] == "2508.10683" and data["version"] == 1
    assert data["source"] == "pdf" and data["pages"] == 8
    assert {"abstract", "introduction", "results", "conclusion"} <= {
        s["kind"] for s in data["sections"]}
    assert data["stats"]["hyphens_joined"] > 50
    plain = CliRunner().invoke(main, ["text", str(pdf)])
    assert plain.exit_code == 0 and plain.output.startswith("Neural Machine Translation")


def test_cli_text_rejects_what_is_neither_file_nor_id() -> None:
    result = CliRunner().invoke(main, ["text", "not-a-paper"])
    assert result.exit_code == 2
    assert "neither a PDF file nor an arXiv id" in result.output


def test_fit_sections_gives_every_wanted_kind_a_share() -> None:
    sections = [
        Section("abstract", "Abstract", "We study X. " * 20),
        Section("introduction", "1 Introduction", "Long motivation here. " * 400),
        Section("results", "4 Results", "We reach 88.5% accuracy. " * 40),
        Section("conclusion", "5 Conclusion", "X works. " * 10),
    ]
    fulltext = FullText("x", 1, "pdf", "", sections)
    out = fit_sections(fulltext, 3000)
    assert len(out) <= 3000
    assert "4 Results\nWe reach 88.5% accuracy." in out
    assert "5 Conclusion\nX works." in out
    assert out.index("Abstract") < out.index("1 Introduction") < out.index("4 Results")
    # The long introduction got what the others left, not everything.
    assert out.count("We reach 88.5% accuracy.") == 40
    assert 10 < out.count("Long motivation here.") < 100


@pytest.mark.shared
def test_fit_sections_on_a_real_paper(shared_data: Path) -> None:
    from dailypapers.fulltext import extract_pdf

    fulltext = extract_pdf(shared_data / "pdfs" / "2508.10874v1_SSRL.pdf")
    out = fit_sections(fulltext, 8000)
    assert 6000 < len(out) <= 8000
    assert out.startswith("ABSTRACT\nWe investigate the potential")
    assert "1 INTRODUCTION" in out and "5 CONCLUSION" in out and "PERFORMANCE EVALUATION" in out


def test_named_appendix_ends_the_references() -> None:
    lines = [
        "A Title", "Abstract", "We do things.", "", "1 Introduction", "Intro text.",
        "2 Conclusion", "Done.", "References", "[1] A. B. Author. A paper. 2020.",
        "Appendix A: Prompt Details", "Prompts used.", "A.1 More", "More text.",
        "B Other Things", "Other text.",
    ]
    fulltext = build_fulltext(["\n".join(lines)], "x", None)
    got = [(s.kind, s.heading) for s in fulltext.sections if s.heading]
    assert got[-3:] == [
        ("appendix", "Appendix A: Prompt Details"), ("appendix", "A.1 More"),
        ("appendix", "B Other Things"),
    ]
    assert "Author. A paper" not in fulltext.text
    assert "Other text." in fulltext.text
