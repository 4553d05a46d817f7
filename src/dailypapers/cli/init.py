"""The ``init`` command: a new working directory (and optionally its GitHub workflow)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import handle_errors, main


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--github-actions", is_flag=True,
              help="Also write .github/workflows/dailypapers.yml (weekday schedule).")
@click.option("--package", metavar="SPEC",
              help="What the workflow pip-installs (default: the dailypapers running now: "
              "its git URL and commit, its path in this repository, or its version).")
@click.option("--pages", is_flag=True,
              help="Also deploy site/ to GitHub Pages (a second job, official Pages actions).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@handle_errors
def init(directory: Path | None, github_actions: bool, package: str | None, pages: bool,
         force: bool) -> None:
    """Create a working directory: dailypapers.toml, .gitignore, optionally a workflow."""
    from ..scaffold import init_directory

    if pages and not github_actions:
        raise click.UsageError("--pages goes with --github-actions")
    written, kept = init_directory(directory or Path("."), github_actions=github_actions,
                                   force=force, package=package, pages=pages)
    for path in written:
        click.echo(f"wrote {path}")
    for path in kept:
        click.echo(f"kept {path} (exists; --force to overwrite)")
    if github_actions:
        click.echo("Next: add your secrets in the repository settings (see docs/schedule.md).")
