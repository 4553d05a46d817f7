"""Delivery commands: ``send`` (a day to the channels, exactly once) and ``init`` (set up)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from .. import durable
from ..deliver import DeliveryReport, deliver_day, send_alert
from ..pipeline import parse_date
from ..store import Store
from ._common import (
    ExitCode,
    dir_option,
    handle_errors,
    hold_dir,
    main,
    settings_from,
    wait_option,
)

_STATUS_EXIT = {
    "ok": ExitCode.OK,
    "partial": ExitCode.PARTIAL,
    "failed": ExitCode.FAILURE,
    "empty": ExitCode.EMPTY,
    "nothing": ExitCode.CONFIG,
}


@main.command()
@dir_option
@click.option("--date", "day", default="today", show_default=True,
              help="Day to deliver, YYYY-MM-DD (or 'today', 'yesterday'; UTC).")
@click.option("--channel", "channels", multiple=True,
              help="Channel id (repeatable; default: the configured channels).")
@click.option("--dry-run", is_flag=True, help="Show what would go out; send nothing.")
@click.option("--alert", "alert", metavar="TEXT",
              help="Instead: send TEXT to the alert channel (alert_channel setting).")
@wait_option
@click.pass_context
@handle_errors
def send(
    ctx: click.Context, day: str, channels: tuple[str, ...], dry_run: bool, alert: str | None,
    lock_wait: float | None,
) -> None:
    """Deliver a stored day to Telegram, email or webhooks; only what was not sent yet."""
    settings = settings_from(ctx, lock_wait=lock_wait)
    if alert is not None:
        if not settings.alert_channel:
            click.echo("No alert sent: set alert_channel (e.g. \"telegram\").", err=True)
            sys.exit(ExitCode.CONFIG)
        sent = send_alert(settings, alert)
        click.echo(f"Alert {'sent' if sent else 'NOT sent'} to {settings.alert_channel}")
        sys.exit(ExitCode.OK if sent else ExitCode.FAILURE)
    day = parse_date(day)
    lock = contextlib.nullcontext() if dry_run else hold_dir(settings, "send")
    with lock, Store(settings.db_path) as store:
        report = deliver_day(store, settings, day, channels=list(channels) or None,
                             dry_run=dry_run)
        if not dry_run:
            durable.write_ledger(store, settings, day)
    if dry_run:
        _show_pending(report)
    click.echo(report.line())
    sys.exit(_STATUS_EXIT.get(report.status, ExitCode.FAILURE))


def _show_pending(report: DeliveryReport) -> None:
    for result in report.channels:
        for item in result.pending:
            preview = item.preview if len(item.preview) <= 300 else item.preview[:300] + "…"
            click.echo(f"--- {result.channel} -> {item.target} [{item.key}]")
            click.echo(preview)


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--github-actions", is_flag=True,
              help="Also write .github/workflows/dailypapers.yml (weekday schedule).")
@click.option("--package", default="dailypapers[audio]", show_default=True,
              help="What the workflow pip-installs (a version pin, a git URL, or '.').")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@handle_errors
def init(directory: Path | None, github_actions: bool, package: str, force: bool) -> None:
    """Create a working directory: dailypapers.toml, .gitignore, optionally a workflow."""
    from ..deliver.schedule import init_directory

    written, kept = init_directory(directory or Path("."), github_actions=github_actions,
                                   force=force, package=package)
    for path in written:
        click.echo(f"wrote {path}")
    for path in kept:
        click.echo(f"kept {path} (exists; --force to overwrite)")
    if github_actions:
        click.echo("Next: add your secrets in the repository settings (see docs/schedule.md).")
