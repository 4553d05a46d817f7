"""``dailypapers text``: the cleaned full text of one PDF file or arXiv paper."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..errors import FetchError
from ._common import ExitCode, _state, handle_errors, main, settings_from


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/dailypapers`` (``~/.cache/dailypapers``): where ``text`` keeps the
    PDFs it downloads when no working directory is given."""
    base = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "dailypapers"


@main.command("text")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: sections, stats, source.")
@click.pass_context
@handle_errors
def text_command(ctx: click.Context, source: str, as_json: bool) -> None:
    """Print the cleaned text of SOURCE: a PDF file, or an arXiv id (downloaded, cached).

    For an id, the text comes from the PDF, else arXiv's HTML page; the reasons for any
    fallback go to stderr (and into the JSON). Downloads are cached in the working
    directory's cache when --dir (or DAILYPAPERS_DIR) is given, else in the user cache
    directory ($XDG_CACHE_HOME/dailypapers).
    """
    from ..models import Paper, split_arxiv_id
    path = Path(source)
    if path.suffix.lower() == ".pdf" or path.is_file():
        if not path.is_file():
            raise FetchError(f"no such file: {path}")
        from ..fulltext.pdf import extract_pdf

        fulltext = extract_pdf(path)
    else:
        try:
            arxiv_id, version = split_arxiv_id(source)
        except ValueError as exc:
            raise click.BadParameter(
                f"{source!r} is neither a PDF file nor an arXiv id", param_hint="SOURCE"
            ) from exc
        from ..fulltext import FullTextFetcher

        settings = settings_from(ctx)
        if _state(ctx).get("dir") is None and not os.environ.get("DAILYPAPERS_DIR"):
            settings = settings.model_copy(update={"cache_dir": str(user_cache_dir())})
        with FullTextFetcher(settings) as fetcher:
            fulltext = fetcher.fetch(Paper(arxiv_id=arxiv_id, title="", version=version))
    for reason in fulltext.fallback_reasons:
        click.echo(f"fallback: {reason}", err=True)
    if as_json:
        click.echo(json.dumps(fulltext.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(fulltext.text)
    if fulltext.source == "abstract":
        click.echo(f"Error: no full text for {fulltext.arxiv_id}", err=True)
        sys.exit(ExitCode.FAILURE)
