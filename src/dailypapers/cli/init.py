"""The ``init`` command: a new working directory (and optionally its GitHub workflow)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import handle_errors, main


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
    from ..scaffold import init_directory

    written, kept = init_directory(directory or Path("."), github_actions=github_actions,
                                   force=force, package=package)
    for path in written:
        click.echo(f"wrote {path}")
    for path in kept:
        click.echo(f"kept {path} (exists; --force to overwrite)")
    if github_actions:
        click.echo("Next: add your secrets in the repository settings (see docs/schedule.md).")
