"""The ``send`` command: a stored day to the channels, exactly once."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

import click

from ._common import ExitCode, handle_errors, hold_dir, main, settings_from, wait_option
from ._store import open_store, require_database
from ._types import CHANNEL, DATE

if TYPE_CHECKING:
    from ..deliver import DeliveryReport

_STATUS_EXIT = {
    "ok": ExitCode.OK,
    "partial": ExitCode.PARTIAL,
    "failed": ExitCode.FAILURE,
    "empty": ExitCode.EMPTY,
    "nothing": ExitCode.CONFIG,
}


@main.command()
@click.option("--date", "day", type=DATE, default="today", show_default=True,
              help="Day to deliver, YYYY-MM-DD (or 'today', 'yesterday'; UTC).")
@click.option("--channel", "channels", type=CHANNEL, multiple=True,
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
    from ..deliver import deliver_day, send_alert

    settings = settings_from(ctx, lock_wait=lock_wait)
    if alert is not None:
        if not settings.alert_channel:
            click.echo("No alert sent: set alert_channel (e.g. \"telegram\").", err=True)
            sys.exit(ExitCode.CONFIG)
        sent = send_alert(settings, alert)
        click.echo(f"Alert {'sent' if sent else 'NOT sent'} to {settings.alert_channel}")
        sys.exit(ExitCode.OK if sent else ExitCode.FAILURE)
    require_database(settings)
    lock = contextlib.nullcontext() if dry_run else hold_dir(settings, "send")
    with lock, open_store(settings) as store:
        report = deliver_day(store, settings, day, channels=list(channels) or None,
                             dry_run=dry_run)
        if not dry_run:
            from .. import durable

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
