"""Profiles and ranking: ``rank``, ``profile``, ``like``, ``dislike``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import dir_option, handle_errors, main, settings_from
from ._types import DATE

if TYPE_CHECKING:
    from ..foryou.profiles import Example, Profile


@main.command("rank")
@dir_option
@click.option("--date", "day", type=DATE, default="today", show_default=True,
              help="Day of the stored list, YYYY-MM-DD (or 'today', 'yesterday').")
@click.option("--profile", "name", required=True, help="Profile name ([profiles.NAME]).")
@click.option("--top", type=int, help="Show only the first N (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: rank, id, score, reasons.")
@click.pass_context
@handle_errors
def rank_command(ctx: click.Context, day: str, name: str, top: int | None, as_json: bool
                 ) -> None:
    """Rank a stored day's papers for a profile, each score with its reasons."""
    from ..foryou import service
    from ..store import Store

    settings = settings_from(ctx)
    with Store(settings.db_path) as store:
        ranking = service.rank_day(store, settings, day, name)
    shown = ranking.scored[:top] if top else ranking.scored
    if as_json:
        click.echo(json.dumps({
            "date": day, "profile": name, "examples": ranking.examples,
            "notes": ranking.notes,
            "papers": [{"rank": s.rank, "arxiv_id": s.paper.arxiv_id, "title": s.paper.title,
                        "score": round(s.score, 4),
                        "parts": {k: round(v, 4) for k, v in s.parts.items()},
                        "reasons": s.reasons} for s in shown],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"{day}: {len(ranking.scored)} papers ranked for {name} "
               f"({ranking.examples} example papers)")
    for note in ranking.notes:
        click.echo(f"  note: {note}")
    for scored in shown:
        title = " ".join(scored.paper.title.split())
        click.echo(f"{scored.rank:>4}. {scored.score:6.3f}  {scored.paper.arxiv_id}  {title}")
        click.echo(f"      {scored.explain()}")


@main.command("profile")
@dir_option
@click.argument("name")
@click.option("--from-bibtex", "bibtex", type=click.Path(path_type=Path),
              help="Import example papers from a BibTeX file (a Zotero export works).")
@click.option("--from-csl", "csl", type=click.Path(path_type=Path),
              help="Import example papers from a CSL JSON file (Zotero: Export > CSL JSON).")
@click.option("--from-zotero", "zotero", metavar="users/ID|groups/ID",
              help="Import a Zotero library through its web API (needs ZOTERO_API_KEY).")
@click.option("--show", is_flag=True, help="Show the profile, its examples and feedback.")
@click.pass_context
@handle_errors
def profile_command(ctx: click.Context, name: str, bibtex: Path | None, csl: Path | None,
                    zotero: str | None, show: bool) -> None:
    """Create a profile from a library, or show one."""
    from ..foryou import service
    from ..foryou.profiles import examples_of, get_profile
    from ..store import Store

    settings = settings_from(ctx)
    with Store(settings.db_path) as store:
        if bibtex or csl or zotero:
            imported, where = service.import_library(store, settings, name, bibtex=bibtex,
                                                     csl=csl, zotero=zotero)
            linked = sum(1 for e in imported.examples if e.arxiv_id)
            left = f"; {imported.left_out} without a title left out" if imported.left_out else ""
            click.echo(f"Profile {name}: {len(imported.examples)} example papers from {where} "
                       f"({linked} with an arXiv id){left}")
            if not show:
                return
        settings = settings_from(ctx)  # the config may have gained the profile
        profile = get_profile(settings, name, store)
        examples = examples_of(store, settings, profile)
        _show(profile, examples)


def _show(profile: Profile, items: list[Example]) -> None:
    click.echo(f"Profile {profile.name} ({'public' if profile.public else 'private'}, "
               f"top {profile.top_n})")
    if profile.keywords:
        click.echo("  keywords: " + ", ".join(f"{k} ({w:g})" for k, w in profile.keywords.items()))
    if profile.negative:
        click.echo("  negative: " + ", ".join(f"{k} ({w:g})" for k, w in profile.negative.items()))
    for label, values in (("authors", profile.authors), ("categories", profile.categories)):
        if values:
            click.echo(f"  {label}: " + ", ".join(values))
    counts = Counter(e.origin for e in items)
    click.echo(f"  examples: {len(items)}" + (
        " (" + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())) + ")" if items else ""))
    for example in items:
        if example.origin in ("like", "dislike"):
            continue
        ident = example.arxiv_id or example.key
        click.echo(f"    {ident}  {example.title[:80]}  [{example.origin}, {example.date or '-'}]")
    feedback = [e for e in items if e.origin in ("like", "dislike")]
    click.echo(f"  feedback: {len(feedback)}")
    for example in feedback:
        click.echo(f"    {example.origin:<7} {example.arxiv_id}  {example.title[:80]}"
                   f"  ({example.date or '-'})")


def _feedback_command(verdict: str) -> None:
    @main.command(verdict, help=f"{verdict.title()} a paper: it becomes one of the profile's "
                  f"{'examples' if verdict == 'like' else 'counter-examples'}.")
    @dir_option
    @click.argument("arxiv_id")
    @click.option("--profile", "name", help="Profile (default: the only one configured).")
    @click.pass_context
    @handle_errors
    def command(ctx: click.Context, arxiv_id: str, name: str | None) -> None:
        from ..foryou import service
        from ..store import Store

        settings = settings_from(ctx)
        with Store(settings.db_path) as store:
            profile, example = service.feedback(store, settings, arxiv_id, verdict, name)
        click.echo(f"{verdict.title()}d for {profile}: {example.arxiv_id} {example.title}")


_feedback_command("like")
_feedback_command("dislike")
