"""``dailypapers doctor``: check the database and repair it without losing the delivery record."""

from __future__ import annotations

import sys

import click

from ._common import ExitCode, dir_option, handle_errors, hold_dir, main, settings_from, wait_option


@main.command()
@dir_option
@click.option("--reset", is_flag=True,
              help="If the database is damaged: export the delivery record, move the file "
              "aside and start a fresh one holding that record.")
@wait_option
@click.pass_context
@handle_errors
def doctor(ctx: click.Context, reset: bool, lock_wait: float | None) -> None:
    """Check the database (integrity, search index, dead runs and claims); repair what can be."""
    from ..doctor import check

    settings = settings_from(ctx, lock_wait=lock_wait)
    with hold_dir(settings, "doctor"):
        report = check(settings.db_path, reset=reset)
    for line in report.lines:
        click.echo(line)
    sys.exit(ExitCode.FAILURE if report.problems and not (reset and report.repaired)
             else ExitCode.OK)
