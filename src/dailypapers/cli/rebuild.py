"""``dailypapers rebuild``: recreate the database from the durable per-day files."""

from __future__ import annotations

import click

from ..errors import DailyPapersError
from ._common import dir_option, handle_errors, main, settings_from


@main.command()
@dir_option
@click.pass_context
@handle_errors
def rebuild(ctx: click.Context) -> None:
    """Recreate dailypapers.db (store, search index, site index) from the durable files."""
    from .. import durable

    settings = settings_from(ctx)
    if not durable.durable_files(settings.root):
        raise DailyPapersError(
            f"no durable files under {settings.root}: nothing to rebuild from",
            hint="rebuild reads data/YYYY/MM/DD.json, ledger/YYYY/MM/DD.json and"
                 " profiles/NAME.json",
        )
    report = durable.rebuild(settings)
    click.echo(report.line())
