"""Core commands: run, collect, summarize, publish, status."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._common import (
    ExitCode,
    dir_option,
    handle_errors,
    hold_dir,
    main,
    settings_from,
    wait_option,
)
from ._store import open_store, require_database
from ._types import DATE, SOURCE, SUMMARIZER

if TYPE_CHECKING:
    from ..config import Settings
    from ..pipeline import RunReport

_STATUS_EXIT = {
    "ok": ExitCode.OK,
    "partial": ExitCode.PARTIAL,
    "empty": ExitCode.EMPTY,
    "failed": ExitCode.FAILURE,
}

date_option = click.option(
    "--date", "day", type=DATE, default="today", show_default=True,
    help="Day of the list, YYYY-MM-DD (or 'today', 'yesterday'; UTC).",
)
source_options = [
    click.option("--source", type=SOURCE,
                 help="Source id: hf-daily (default), arxiv, ids, file."),
    click.option(
        "--input", "source_input",
        help="Source input: ids (comma-separated or a file of ids), a JSON file for 'file', "
        "or 'query:<arXiv search query>' for 'arxiv'.",
    ),
]


summarizer_options = [
    click.option("--summarizer", type=SUMMARIZER,
                 help="Summary backend id: extractive (default), abstract, openai, gemini."),
    click.option("--model", help="Model for LLM backends."),
    click.option("--fallback-model", "fallback_models", multiple=True,
                 help="Model to try when the first fails (repeatable)."),
    click.option("--concurrency", type=click.IntRange(1, 1024),
                 help="LLM requests in flight at once."),
    click.option("--refresh", is_flag=True, help="Summarize again even when cached."),
]

F = TypeVar("F", bound=Callable[..., Any])


def _add(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _finish(report: RunReport) -> None:
    click.echo(report.line())
    sys.exit(_STATUS_EXIT[report.status])


def _where(settings: Settings) -> list[str]:
    """The closing lines of a published day: where to look at it."""
    lines = [f"Archive: {settings.root / 'README.md'}"]
    if settings.site:
        index = settings.root / "site" / "index.html"
        lines.append(f"Site: {index}  (preview: dailypapers serve --dir {settings.root})")
    return lines


def _report_json(report: RunReport) -> dict[str, Any]:
    return {
        "date": report.date, "status": report.status, "exit": int(_STATUS_EXIT[report.status]),
        "message": report.message, "seconds": round(report.seconds, 3),
        **report.counts(), "written": report.written,
    }


@main.command()
@click.option(
    "--date", "day", type=DATE, default=None,
    help="Day of the list, YYYY-MM-DD (or 'today', 'yesterday'; UTC). Default: the latest "
    "day that has a list (today, else the day before, up to a week back).",
)
@_add(source_options)
@_add(summarizer_options)
@click.option("--no-fulltext", is_flag=True, help="Summarize from abstracts only.")
@click.option("--backfill", type=click.IntRange(0, 366), default=0, show_default=True,
              help="Also run missed weekdays among the N days before --date.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the closing counts as JSON on stdout (one object).")
@wait_option
@click.pass_context
@handle_errors
def run(
    ctx: click.Context, day: str | None, source: str | None, source_input: str | None,
    summarizer: str | None, model: str | None, fallback_models: tuple[str, ...],
    concurrency: int | None, refresh: bool, no_fulltext: bool, backfill: int, as_json: bool,
    lock_wait: float | None,
) -> None:
    """Collect, read, summarize, verify and publish a day (the latest with a list)."""
    from .. import pipeline
    from ..latest import latest_day

    settings = settings_from(
        ctx, source=source, summarizer=summarizer, model=model,
        fallback_models=list(fallback_models) or None, concurrency=concurrency,
        fulltext=False if no_fulltext else None, lock_wait=lock_wait,
    )
    if day is None:
        from ..errors import EmptyDayError

        try:
            day = latest_day(settings, pipeline.today(), source_input=source_input)
        except EmptyDayError as exc:
            click.echo(f"Empty: {exc}")
            if exc.hint:
                click.echo(f"Hint: {exc.hint}", err=True)
            sys.exit(ExitCode.EMPTY)
        click.echo(f"No --date given: running {day}, the latest day with a list.", err=True)
    backfilled = []
    with hold_dir(settings, "run"), open_store(settings, create=True) as store:
        for missed in list(pipeline.missing_weekdays(store, day, backfill)):
            earlier = pipeline.run_day(store, settings, missed, source_input=source_input)
            backfilled.append(earlier)
            if not as_json:
                click.echo(earlier.line())
        report = pipeline.run_day(
            store, settings, day, source_input=source_input, refresh=refresh
        )
    if as_json:
        out = _report_json(report)
        out["backfilled"] = [_report_json(r) for r in backfilled]
        click.echo(json.dumps(out, ensure_ascii=False, sort_keys=True))
        sys.exit(_STATUS_EXIT[report.status])
    click.echo(report.line())
    if report.status in ("ok", "partial"):
        for line in _where(settings):
            click.echo(line)
    sys.exit(_STATUS_EXIT[report.status])


@main.command()
@dir_option
@date_option
@_add(source_options)
@wait_option
@click.pass_context
@handle_errors
def collect(
    ctx: click.Context, day: str, source: str | None, source_input: str | None,
    lock_wait: float | None,
) -> None:
    """Fetch and store a day's list of papers."""
    from .. import pipeline
    from ..errors import EmptyDayError

    settings = settings_from(ctx, source=source, lock_wait=lock_wait)
    with hold_dir(settings, "collect"), open_store(settings, create=True) as store:
        try:
            day_list = pipeline.collect(store, settings, day, source_input=source_input)
        except EmptyDayError as exc:
            click.echo(f"Empty: {day}: {exc}")
            sys.exit(ExitCode.EMPTY)
    skipped = f", {len(day_list.skipped)} malformed items skipped" if day_list.skipped else ""
    click.echo(
        f"Collected {len(day_list.entries)} papers for {day} from {day_list.source}{skipped}"
    )
    sys.exit(ExitCode.PARTIAL if day_list.skipped else ExitCode.OK)


@main.command()
@dir_option
@date_option
@wait_option
@click.pass_context
@handle_errors
def fetch(ctx: click.Context, day: str, lock_wait: float | None) -> None:
    """Fetch the full text of every stored paper of a day (PDF, else HTML, else abstract)."""
    from .. import pipeline

    settings = settings_from(ctx, fulltext=True, lock_wait=lock_wait)
    report = pipeline.RunReport(date=day)
    require_database(settings)
    with hold_dir(settings, "fetch"), open_store(settings) as store:
        texts = pipeline.fetch_fulltexts(store, settings, day, report)
    if not texts:
        click.echo(f"{day}: no papers stored; run 'dailypapers collect --date {day}' first")
        sys.exit(ExitCode.FAILURE)
    from_pdf = sum(1 for t in texts.values() if t.source == "pdf")
    click.echo(f"Full text for {day}: {len(texts)} papers, {from_pdf} from PDF")
    for arxiv_id, reason in report.fulltext_fallbacks.items():
        click.echo(f"  {arxiv_id}: {reason}")
    sys.exit(ExitCode.PARTIAL if report.fulltext_fallbacks else ExitCode.OK)


@main.command()
@dir_option
@date_option
@_add(summarizer_options)
@wait_option
@click.pass_context
@handle_errors
def summarize(
    ctx: click.Context, day: str, summarizer: str | None, model: str | None,
    fallback_models: tuple[str, ...], concurrency: int | None, refresh: bool,
    lock_wait: float | None,
) -> None:
    """Summarize and verify the stored papers of a day."""
    from .. import pipeline

    settings = settings_from(
        ctx, summarizer=summarizer, model=model, fallback_models=list(fallback_models) or None,
        concurrency=concurrency, lock_wait=lock_wait,
    )
    require_database(settings)
    with hold_dir(settings, "summarize"), open_store(settings) as store:
        report = pipeline.summarize_day(store, settings, day, refresh=refresh)
    if report.failed or report.fallbacks:
        report.status = "partial"
    _finish(report)


@main.command()
@dir_option
@date_option
@wait_option
@click.pass_context
@handle_errors
def publish(ctx: click.Context, day: str, lock_wait: float | None) -> None:
    """Write the day's archive page, JSON and the README from the store."""
    from .. import pipeline

    settings = settings_from(ctx, lock_wait=lock_wait)
    require_database(settings)
    with hold_dir(settings, "publish"), open_store(settings) as store:
        changed = pipeline.publish(store, settings, day)
    click.echo(f"Published {day}: {len(changed)} files changed")
    for path in changed:
        click.echo(f"  {path}")


@main.command()
@dir_option
@date_option
@click.option("--json", "as_json", is_flag=True, help="Print the same as JSON.")
@click.pass_context
@handle_errors
def status(ctx: click.Context, day: str, as_json: bool) -> None:
    """Show each paper's state for a day (summarized, from the abstract, fallback, failed)."""
    from ..status import status_dict, status_lines

    settings = settings_from(ctx)
    with open_store(settings) as store:
        digest = store.load_digest(day)
        runs = store.runs(day, limit=5)
        errors = store.day_errors(day, digest.source) if digest else {}
        day_list = store.load_day(day, digest.source) if digest else None
    if digest is None:
        if as_json:
            click.echo(json.dumps({"date": day, "papers": [], "runs": runs}, indent=2))
        else:
            click.echo(f"{day}: nothing stored")
        return
    data = status_dict(digest, errors, runs, list(day_list.skipped) if day_list else [])
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for line in status_lines(data):
        click.echo(line)


@main.command()
@dir_option
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many results.")
@click.pass_context
@handle_errors
def search(ctx: click.Context, query: tuple[str, ...], limit: int) -> None:
    """Search stored titles, authors, abstracts, summaries and keywords (best first)."""
    settings = settings_from(ctx)
    with open_store(settings) as store:
        hits = store.search(" ".join(query), limit=limit)
    if not hits:
        click.echo("No matches.")
        sys.exit(ExitCode.FAILURE)
    for arxiv_id, title, snippet in hits:
        click.echo(f"{arxiv_id}  {' '.join(title.split())}")
        if snippet:
            click.echo(f"    {' '.join(snippet.split())}")
