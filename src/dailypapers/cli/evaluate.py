"""Commands ``verify`` (check a summary's numbers against a source) and ``eval`` (score a
summarizer against reference summaries). Thin: parsing and printing; the work is in
:mod:`dailypapers.verify` and :mod:`dailypapers.summarize.evaluation`.

``verify`` exits 0 when nothing is unsupported and 3 (partial) when something is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import DailyPapersError
from ._common import ExitCode, handle_errors, main, settings_from
from ._types import SUMMARIZER

if TYPE_CHECKING:
    from ..models import CheckedItem, Summary

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _read_summary(path: Path) -> Summary | str:
    """A JSON Summary (or ``{"summary": text}``), else the file's plain text."""
    from ..models import SUMMARY_PARTS, Summary

    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text
    if isinstance(data, dict):
        fields = data.get("fields", data)
        if isinstance(fields, dict) and any(p in fields for p in SUMMARY_PARTS):
            fields = {"arxiv_id": "", **{p: "" for p in SUMMARY_PARTS}, **fields}
            return Summary.from_dict(fields)
        if isinstance(data.get("summary"), str):
            return str(data["summary"])
    if isinstance(data, str):
        return data
    return text


def _read_source(path: Path) -> str:
    """Plain text, or JSON carrying ``text`` (a FullText) or ``title``/``abstract``."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() != ".json":
        return text
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text
    if isinstance(data, dict):
        pieces = [str(data[k]) for k in ("title", "abstract", "text") if data.get(k)]
        if pieces:
            return "\n\n".join(pieces)
    return text


def _item_line(item: CheckedItem) -> str:
    where = f" [{item.part}]" if item.part else ""
    snippet = f"  <- {item.snippet}" if item.snippet else ""
    return f"{item.status:>12}  {item.kind:<10} {item.text}{where}{snippet}"


@main.command("verify")
@click.option("--summary", "summary_file", type=_FILE, required=True,
              help="Summary to check: plain text, or JSON (a Summary or {\"summary\": ...}).")
@click.option("--source", "source_file", type=_FILE, required=True,
              help="Source text: plain text, or JSON with text / title+abstract.")
@click.option("--flattened", multiple=True, help="Number strings the PDF flattened (10^19->1019).")
@click.option("--json", "as_json", is_flag=True, help="Print the verification as JSON.")
@handle_errors
def verify_command(summary_file: Path, source_file: Path, flattened: tuple[str, ...],
                   as_json: bool) -> None:
    """Check every number and digit-bearing name of a summary against its source."""
    from ..models import Summary
    from ..verify import verify, verify_text

    summary = _read_summary(summary_file)
    source = _read_source(source_file)
    if isinstance(summary, Summary):
        items = verify(summary, source, flattened=flattened).items
    else:
        items = verify_text(summary, source, flattened=flattened)
    unsupported = [i for i in items if i.status == "unsupported"]
    if as_json:
        click.echo(json.dumps({
            "status": "empty" if not items else "unsupported" if unsupported else "grounded",
            "counts": {s: sum(i.status == s for i in items)
                       for s in ("grounded", "unsupported", "unverifiable")},
            "items": [vars(i) for i in items],
        }, indent=2, ensure_ascii=False))
    else:
        for item in items:
            click.echo(_item_line(item))
        counts = {s: sum(i.status == s for i in items)
                  for s in ("grounded", "unsupported", "unverifiable")}
        click.echo(f"{len(items)} items: {counts['grounded']} grounded, "
                   f"{counts['unsupported']} unsupported, {counts['unverifiable']} unverifiable")
    if unsupported:
        sys.exit(ExitCode.PARTIAL)


@main.command("eval")
@click.option("--abstracts", type=_FILE, required=True, help="JSONL: arxiv_id, title, abstract.")
@click.option("--references", type=_FILE, required=True, help="JSONL: arxiv_id, summary.")
@click.option("--summarizer", "summarizer_name", type=SUMMARIZER, default="extractive",
              show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N pairs.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write each generated summary as a JSON line.")
@click.option("--check-references", is_flag=True,
              help="Also verify the reference summaries' numbers against their abstracts.")
@click.pass_context
@handle_errors
def eval_command(ctx: click.Context, abstracts: Path, references: Path, summarizer_name: str,
                 limit: int | None, as_json: bool, out_file: Path | None,
                 check_references: bool) -> None:
    """Summarize each abstract and score it against the reference summaries."""
    from ..summarize import evaluation
    from ..summarize.base import get_summarizer
    from ..summarize.evaluation import evaluate, load_pairs, result_line

    settings = settings_from(ctx)
    summarizer = get_summarizer(summarizer_name, settings)
    try:
        pairs, unmatched = load_pairs(abstracts, references)
    except ValueError as exc:
        raise DailyPapersError(str(exc)) from exc
    out = out_file.open("w", encoding="utf-8") if out_file else None
    try:
        def write(*args: Any) -> None:
            if out is not None:
                out.write(json.dumps(result_line(*args), ensure_ascii=False) + "\n")

        report = evaluate(pairs, summarizer, limit=limit, on_result=write)
    finally:
        if out is not None:
            out.close()
    report["references_without_abstract"] = unmatched
    if check_references:
        report["references_verifier"] = evaluation.check_references(pairs, limit=limit)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    _print_report(report)


def _print_parts(group: str, data: dict[str, Any]) -> None:
    parts = data.get("parts") or {}
    if parts:
        click.echo(f"{group:10}per-part ROUGE-L (no connective)   ours  positional  "
                   f"one-each  refs  ours empty")
    for part, row in parts.items():
        best = max(row["positional"], row["positional_single"])
        mark = "+" if row["system"] > best else "-"
        click.echo(f"{group:10}  {part:32}{row['system']:6.4f}{row['positional']:12.4f}"
                   f"{row['positional_single']:10.4f}{row['references']:6d}"
                   f"{row['system_empty']:11d} {mark}")
    defects = data.get("defects_per_100") or {}
    if defects:
        kinds = ", ".join(f"{k} {v}" for k, v in defects.items() if k != "total")
        click.echo(f"{group:10}defects per 100 summaries: {defects['total']} ({kinds}); "
                   f"summaries with a defect {data['summaries_with_defect']}")


def _print_report(report: dict[str, Any]) -> None:
    click.echo(f"summarizer {report['summarizer']}: {report['pairs']} pairs, "
               f"{report['errors']} errors, {report['papers_per_second']} papers/s "
               f"(summarize + verify)")
    header = f"{'':10}{'':20}{'R-1':>8}{'R-2':>8}{'R-L':>8}{'median':>9}{'mean':>9}"
    click.echo(header)
    for group in ("all", "half0", "half1"):
        data = report[group]
        for label, key in (("system", "system"), ("fields, no connective", "system_fields"),
                           ("whole abstract", "baseline_abstract"),
                           ("lead-5", "baseline_lead5")):
            scores = data.get(key) or {}
            if not scores:
                continue
            click.echo(f"{group:10}{label:20}{scores['rouge1']:8.4f}{scores['rouge2']:8.4f}"
                       f"{scores['rougeL']:8.4f}{scores['median_chars']:9.0f}"
                       f"{scores['mean_chars']:9.1f}")
        click.echo(f"{group:10}reference median chars {data['reference_median_chars']}; "
                   f"all five parts {data['all_five_parts']}; quantitative result "
                   f"{data['quantitative_result']} of {data['abstracts_with_number']} "
                   f"({data['quantitative_result_of_findings']} of "
                   f"{data['abstracts_with_finding_number']} with a measured finding); "
                   f"not shorter than the abstract {data['not_shorter_than_abstract']}; "
                   f"over 1,100 chars {data['over_1100_chars']}")
        _print_parts(group, data)

    verifier = report["verifier"]
    click.echo(f"verifier: {verifier['grounded']} grounded, {verifier['unsupported']} "
               f"unsupported, {verifier['unverifiable']} unverifiable; "
               f"{verifier['summaries_flagged']} summaries flagged")
    refs = report.get("references_verifier")
    if refs:
        click.echo(f"references: {refs['references']} checked against their abstracts: "
                   f"{refs['grounded']} grounded, {refs['unsupported']} not in the abstract "
                   f"({refs['share_not_in_abstract']:.1%}), {refs['unverifiable']} unverifiable;"
                   f" {refs['references_flagged']} references flagged")
    for arxiv_id, message in report["error_examples"].items():
        click.echo(f"error {arxiv_id}: {message}")
