"""ROUGE, the eval report, and the ``eval`` / ``verify`` commands."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.summarize.rouge import lcs_length, rouge, rouge_l, rouge_n, tokenize

ABSTRACT = (
    "Long documents are hard for language models. However, attention cost grows "
    "quadratically with length. We propose SlimAttn, a sparse attention scheme that keeps "
    "12.5% of the keys. SlimAttn selects keys with a learned router. Experiments show that "
    "SlimAttn reaches 45.3 points on LongBench, 3.1x faster than dense attention. Our results "
    "suggest that learned sparsity is a practical path to long-context inference."
)
REFERENCE = (
    "SlimAttn is a sparse attention scheme for long documents. It keeps 12.5% of keys using a "
    "learned router. It reaches 45.3 points on LongBench and runs 3.1x faster. Practitioners "
    "can use learned sparsity for long-context inference."
)


def _lcs_table(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1],
                                                                      table[i + 1][j])
    return table[-1][-1]


def test_bit_parallel_lcs_matches_the_table() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = [rng.choice("abcde") for _ in range(rng.randint(0, 70))]
        b = [rng.choice("abcdef") for _ in range(rng.randint(0, 70))]
        assert lcs_length(a, b) == _lcs_table(a, b)


def test_rouge_values() -> None:
    assert tokenize("GPT-4o's 88.5%") == ["gpt", "4o", "s", "88", "5"]
    same = rouge("the cat sat", "the cat sat")
    assert (same.rouge1, same.rouge2, same.rougeL) == (1.0, 1.0, 1.0)
    assert rouge("a b", "c d").rouge1 == 0.0
    cand, ref = tokenize("the cat sat on the mat"), tokenize("the cat lay on the mat")
    assert rouge_n(cand, ref, 1) == pytest.approx(5 / 6)
    assert rouge_n(cand, ref, 2) == pytest.approx(3 / 5)
    assert rouge_l(cand, ref) == pytest.approx(5 / 6)
    assert rouge("", "x").rougeL == 0.0


def _write_data(tmp: Path, n: int = 4) -> tuple[Path, Path]:
    abstracts = tmp / "abstracts.jsonl"
    references = tmp / "references.jsonl"
    with abstracts.open("w") as a, references.open("w") as r:
        for i in range(n):
            arxiv_id = f"2501.0000{i}"
            a.write(json.dumps({"arxiv_id": arxiv_id, "title": f"SlimAttn {i}",
                                "abstract": ABSTRACT}) + "\n")
            r.write(json.dumps({"arxiv_id": arxiv_id, "summary": REFERENCE}) + "\n")
        a.write(json.dumps({"arxiv_id": "2501.09999", "title": "Empty", "abstract": ""}) + "\n")
        r.write(json.dumps({"arxiv_id": "2501.09999", "summary": REFERENCE}) + "\n")
        r.write(json.dumps({"arxiv_id": "2501.08888", "summary": "no abstract for me"}) + "\n")
    return abstracts, references


def test_eval_command_json_and_out(tmp_path: Path) -> None:
    abstracts, references = _write_data(tmp_path)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, [
        "eval", "--abstracts", str(abstracts), "--references", str(references),
        "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pairs"] == 5
    assert report["errors"] == 1  # the empty abstract: a clear SummarizerError, not a crash
    assert "no abstract" in report["error_examples"]["2501.09999"]
    assert report["references_without_abstract"] == 1
    assert report["all"]["summarized"] == 4
    assert report["all"]["all_five_parts"] == 1.0
    assert report["all"]["quantitative_result"] == 1.0
    assert report["verifier"]["unsupported"] == 0
    assert report["verifier"]["grounded"] > 0
    system = report["all"]["system"]
    baseline = report["all"]["baseline_abstract"]
    assert system["median_chars"] < baseline["median_chars"]
    assert 0 < system["rougeL"] <= 1 and 0 < report["all"]["baseline_lead5"]["rouge2"] <= 1
    assert report["half0"]["summarized"] + report["half1"]["summarized"] == 4
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 5
    first = lines[0]
    assert first["arxiv_id"] == "2501.00000"
    assert first["fields"]["backend"] == "extractive"
    assert first["rendered"].startswith("This paper proposes SlimAttn")
    assert first["verification"]["status"] == "grounded"
    assert lines[-1] == {"arxiv_id": "2501.09999",
                         "error": lines[-1]["error"]} and "no abstract" in lines[-1]["error"]


def test_eval_command_text_and_limit(tmp_path: Path) -> None:
    abstracts, references = _write_data(tmp_path)
    result = CliRunner().invoke(main, [
        "eval", "--abstracts", str(abstracts), "--references", str(references), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "2 pairs" in result.output
    assert "whole abstract" in result.output and "lead-5" in result.output


def test_eval_unknown_summarizer_lists_known_ones(tmp_path: Path) -> None:
    abstracts, references = _write_data(tmp_path)
    result = CliRunner().invoke(main, [
        "eval", "--abstracts", str(abstracts), "--references", str(references),
        "--summarizer", "nope"])
    assert result.exit_code == 2  # a bad flag: usage error listing the choices
    assert "unknown summarizer 'nope'" in result.output and "extractive" in result.output


def test_eval_bad_jsonl_is_a_clear_error(tmp_path: Path) -> None:
    abstracts, references = _write_data(tmp_path)
    abstracts.write_text("{not json\n")
    result = CliRunner().invoke(main, [
        "eval", "--abstracts", str(abstracts), "--references", str(references)])
    assert result.exit_code == 1
    assert "not a JSON line" in result.output


def test_verify_command(tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("We compare with GPT-4o and reach 88.5 percent on 1,000 tasks.")
    good = tmp_path / "good.txt"
    good.write_text("It reaches 88.5% on 1000 tasks, beating GPT 4o.")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"arxiv_id": "x", "one_line": "Beats GPT-40.", "objective": "",
                               "method": "", "results": "88.5% on 1k tasks.",
                               "implication": ""}))
    runner = CliRunner()
    result = runner.invoke(main, ["verify", "--summary", str(good), "--source", str(source)])
    assert result.exit_code == 0, result.output
    assert "3 items: 3 grounded, 0 unsupported, 0 unverifiable" in result.output
    result = runner.invoke(main, ["verify", "--summary", str(bad), "--source", str(source),
                                  "--json"])
    assert result.exit_code == 3
    data = json.loads(result.output)
    assert data["status"] == "unsupported"
    assert data["counts"] == {"grounded": 2, "unsupported": 1, "unverifiable": 0}
    flagged = [i for i in data["items"] if i["status"] == "unsupported"]
    assert flagged[0]["text"] == "GPT-40" and flagged[0]["part"] == "one_line"


def test_eval_check_references(tmp_path: Path) -> None:
    abstracts, references = _write_data(tmp_path, n=2)
    with references.open("a") as handle:
        handle.write(json.dumps({"arxiv_id": "2501.00000",
                                 "summary": "SlimAttn beats GPT-40 by 9.9 points."}) + "\n")
    result = CliRunner().invoke(main, [
        "eval", "--abstracts", str(abstracts), "--references", str(references),
        "--check-references", "--json"])
    assert result.exit_code == 0, result.output
    refs = json.loads(result.output)["references_verifier"]
    assert refs["references"] == 3  # the paper with an empty abstract is not checked
    # REFERENCE's numbers are all in ABSTRACT; the added one has two made-up items.
    assert refs["unsupported"] == 2
    assert refs["references_flagged"] == 1
    assert refs["gpt40_examples"] == [{"arxiv_id": "2501.00000", "item": "GPT-40"}]
    assert 0 < refs["share_not_in_abstract"] < 1
    text = CliRunner().invoke(main, [
        "eval", "--abstracts", str(abstracts), "--references", str(references),
        "--check-references"])
    assert "not in the abstract" in text.output
