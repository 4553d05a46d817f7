"""Errors on the record: a paper that fell back or failed has its reason on its day row, and
``dailypapers status`` (text and ``--json``) shows each paper's real state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from dailypapers.cli import main
from dailypapers.store import Store

DAY = "2025-01-15"
IDS = ["2501.00011", "2501.00012", "2501.00013"]


def day_file(path: Path) -> Path:
    items = [{
        "paper": {
            "id": arxiv_id, "title": f"Paper {arxiv_id}: scaling tiny models",
            "summary": f"We present model {i}. It reaches {80 + i}.5% accuracy on MMLU, "
                       f"{i + 2}.1 points above the baseline, with a 7B model.",
            "authors": [{"name": "Ada Lovelace"}], "publishedAt": f"{DAY}T00:00:00.000Z",
            "upvotes": 10 - i,
        },
        "title": f"Paper {arxiv_id}: scaling tiny models",
    } for i, arxiv_id in enumerate(IDS)]
    path.write_text(json.dumps(items), "utf-8")
    return path


def test_status_shows_a_404_pdf_and_a_raising_summarizer_with_their_reasons(
    httpserver: HTTPServer, isolated_env: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every PDF and HTML page is missing; the summarizer also crashes on the second paper.
    httpserver.expect_request("/pdf/2501.00011").respond_with_data("gone", status=404)
    monkeypatch.setenv("DAILYPAPERS_ARXIV_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("DAILYPAPERS_RETRY_MAX_WAIT", "0")
    monkeypatch.setenv("RAISE_FOR", IDS[1])
    source = day_file(isolated_env / "day.json")
    runner = CliRunner()
    run = runner.invoke(main, ["run", "--date", DAY, "--source", "file", "--input", str(source),
                               "--summarizer", "fakes.raising:RaisingSummarizer"])
    assert run.exit_code == 3, run.output  # partial

    with Store(isolated_env / "dailypapers.db") as store:
        errors = store.day_errors(DAY, "file")
    assert "404" in errors[IDS[0]] and errors[IDS[0]].startswith("full text:")
    assert "model crashed on 2501.00012" in errors[IDS[1]] and "fallback:" in errors[IDS[1]]

    text = runner.invoke(main, ["status", "--date", DAY])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    first = next(i for i, line in enumerate(lines) if IDS[0] in line)
    assert "from the abstract" in lines[first] and "404" in lines[first + 1]
    second = next(i for i, line in enumerate(lines) if IDS[1] in line)
    assert "fallback" in lines[second] and "model crashed" in lines[second + 1]

    data = json.loads(runner.invoke(main, ["status", "--date", DAY, "--json"]).output)
    papers = {p["arxiv_id"]: p for p in data["papers"]}
    assert papers[IDS[0]]["state"] == "abstract" and "404" in papers[IDS[0]]["reason"]
    assert papers[IDS[0]]["read"] == "abstract only"
    assert papers[IDS[1]]["state"] == "fallback"
    assert "model crashed on 2501.00012" in papers[IDS[1]]["reason"]
    assert data["counts"]["fallback"] == 1 and data["counts"]["abstract"] == 2

    # A second run that succeeds clears the fallback reason; the PDF reason stays.
    monkeypatch.setenv("RAISE_FOR", "")
    again = runner.invoke(main, ["run", "--date", DAY, "--source", "file", "--input",
                                 str(source), "--summarizer", "fakes.raising:RaisingSummarizer",
                                 "--refresh"])
    assert again.exit_code == 3, again.output
    data = json.loads(runner.invoke(main, ["status", "--date", DAY, "--json"]).output)
    papers = {p["arxiv_id"]: p for p in data["papers"]}
    assert papers[IDS[1]]["state"] == "abstract"
    assert "model crashed" not in (papers[IDS[1]]["reason"] or "")


def test_a_paper_without_any_summary_is_failed_with_its_reason(isolated_env: Path) -> None:
    from dailypapers.models import DayEntry, DayList, Paper
    from dailypapers.status import status_dict, status_lines

    with Store(isolated_env / "dp.db") as store:
        paper = Paper("2501.00021", "A paper")
        store.save_day(DayList(DAY, "ids", [DayEntry(paper, 1), DayEntry(
            Paper("2501.00022", "Another"), 2)]))
        store.set_paper_errors(DAY, "ids", {"2501.00021": "failed: no abstract to summarize"})
        digest = store.load_digest(DAY)
        errors = store.day_errors(DAY, "ids")
    assert digest is not None
    data = status_dict(digest, errors, [], [])
    states = {p["arxiv_id"]: p["state"] for p in data["papers"]}
    assert states == {"2501.00021": "failed", "2501.00022": "pending"}
    lines = status_lines(data)
    assert "1 failed, 1 pending" in lines[0]
    assert any("reason: failed: no abstract to summarize" in line for line in lines)
