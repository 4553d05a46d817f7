"""What the commands and the pipeline call: rank a stored day for a profile, import a
library into a profile, record feedback. Everything reads and writes through the store."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_FILE, Settings
from ..errors import ConfigError, DailyPapersError
from ..models import Paper, split_arxiv_id
from ..store import Store
from . import library
from .profiles import Example, Profile, examples_of, get_profile, missing_examples, profiles
from .rank import Scored, decay, rank

log = logging.getLogger(__name__)


@dataclass
class Ranking:
    profile: Profile
    date: str
    scored: list[Scored] = field(default_factory=list)
    examples: int = 0
    notes: list[str] = field(default_factory=list)  # e.g. embeddings unavailable

    def top(self, n: int | None = None) -> list[Scored]:
        count = self.profile.top_n if n is None else n
        return self.scored[:count] if count else list(self.scored)


def day_papers(store: Store, day: str) -> list[Paper]:
    """The day's papers as the source gave them (title, abstract, its keywords).

    Summaries are left out on purpose: the ranking must be the same before and after the
    day is summarized, or the papers picked for the LLM and those delivered would differ.
    """
    day_list = store.load_day(day)
    if day_list is None or not day_list.entries:
        raise DailyPapersError(f"no papers stored for {day}",
                               hint=f"run 'dailypapers collect --date {day}' first")
    return [entry.paper for entry in day_list.entries]


def fetch_missing_examples(store: Store, settings: Settings, profile: Profile) -> list[str]:
    """Look up configured example ids the store does not know (arXiv API); returns the ids
    still unknown afterwards."""
    missing = missing_examples(store, profile)
    if not missing:
        return []
    from ..sources.arxiv import ArxivSource

    api = ArxivSource(settings)
    try:
        found = api.lookup(missing)
    except DailyPapersError as exc:
        log.warning("profile %s: example papers not looked up: %s", profile.name, exc)
        return missing
    finally:
        api.close()
    for paper in found.values():
        store.upsert_paper(paper)
    return [i for i in missing if i not in found]


def rank_day(
    store: Store, settings: Settings, day: str, name: str, *, papers: list[Paper] | None = None,
    lookup: bool = True,
) -> Ranking:
    """Every paper of a stored day ranked for the profile ``name``, with reasons."""
    profile = get_profile(settings, name, store)
    ranking = Ranking(profile=profile, date=day)
    if lookup:
        unknown = fetch_missing_examples(store, settings, profile)
        if unknown:
            ranking.notes.append(f"example papers not found: {', '.join(unknown[:5])}")
    examples = examples_of(store, settings, profile)
    ranking.examples = len(examples)
    papers = papers if papers is not None else day_papers(store, day)
    today = dt.date.fromisoformat(day)
    embedding_scores = None
    if settings.embeddings_url and examples:
        from ..errors import EmbeddingError
        from .embeddings import Embedder

        weights = [e.weight * decay(e.date, today, settings.rank_half_life_days)
                   for e in examples]
        try:
            embedding_scores = Embedder(settings, store).scores(profile.name, papers, examples,
                                                                weights)
        except EmbeddingError as exc:
            ranking.notes.append(f"ranked without embeddings ({exc})")
            log.warning("profile %s: %s", profile.name, exc)
    ranking.scored = rank(profile, examples, papers, today=today,
                          half_life=settings.rank_half_life_days,
                          embedding_scores=embedding_scores)
    return ranking


# --------------------------------------------------------------------------- imports


def import_library(
    store: Store, settings: Settings, name: str, *, bibtex: Path | None = None,
    csl: Path | None = None, zotero: str | None = None,
) -> tuple[library.Imported, str]:
    """Read a library (all of it, or nothing) and store its papers as the profile's examples.

    A re-import from the same kind of library replaces the previous one. Returns what was
    imported and where from. The config file gains ``[profiles.NAME]`` if it lacks one.
    """
    if sum(x is not None for x in (bibtex, csl, zotero)) != 1:
        raise ConfigError("give exactly one of --from-bibtex, --from-csl, --from-zotero")
    if bibtex is not None:
        imported, origin, where = library.import_bibtex(bibtex), "bibtex", str(bibtex)
    elif csl is not None:
        imported, origin, where = library.import_csl(csl), "csl", str(csl)
    else:
        assert zotero is not None
        imported, origin, where = library.import_zotero(settings, zotero), "zotero", zotero
    if not imported.examples:
        raise ConfigError(f"{where}: no usable entries (none has a title)",
                          hint="nothing was imported")
    store.save_examples(name, ((e.key, origin, 1.0, e.to_dict()) for e in imported.examples),
                        replace_origin=origin)
    _keep(store, settings, name)
    ensure_config_block(settings, name, f"{origin} {where}")
    return imported, where


def ensure_config_block(settings: Settings, name: str, origin: str) -> bool:
    """Append an empty ``[profiles.NAME]`` table to dailypapers.toml when it has none."""
    if name in profiles(settings):
        return False
    path = settings.root / CONFIG_FILE
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    block = (f"\n[profiles.{name}]\n# examples imported from {origin.replace(chr(10), ' ')}"
             f" are kept in the store; add keywords, authors, categories here\npublic = false\n")
    path.write_text(before.rstrip("\n") + ("\n" if before else "") + block, encoding="utf-8")
    return True


# --------------------------------------------------------------------------- feedback


def feedback(store: Store, settings: Settings, raw_id: str, verdict: str,
             profile: str | None = None) -> tuple[str, Example]:
    """Record a like or dislike of a paper as a profile example (weight +1 or -1)."""
    if verdict not in ("like", "dislike"):
        raise ValueError(verdict)
    name = profile or only_profile(settings)
    get_profile(settings, name, store)
    try:
        arxiv_id, _ = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise DailyPapersError(f"not an arXiv id: {raw_id!r}") from exc
    paper = store.get_paper(arxiv_id)
    if paper is None:
        from ..sources.arxiv import ArxivSource

        api = ArxivSource(settings)
        try:
            paper = api.lookup([arxiv_id]).get(arxiv_id)
        finally:
            api.close()
        if paper is None:
            raise DailyPapersError(f"arXiv does not know {arxiv_id}",
                                   hint="check the id on https://arxiv.org/abs/<id>")
        store.upsert_paper(paper)
    weight = 1.0 if verdict == "like" else -1.0
    today = dt.datetime.now(dt.UTC).date().isoformat()
    example = Example.from_paper(paper, verdict, weight, date=today)
    store.save_examples(name, [(arxiv_id, verdict, weight, example.to_dict())])
    _keep(store, settings, name)
    return name, example


def _keep(store: Store, settings: Settings, name: str) -> None:
    """The examples are the user's choices: kept as a durable file (profiles/NAME.json)."""
    from .. import durable

    durable.write_profile(store, settings, name)


def only_profile(settings: Settings) -> str:
    names = sorted(profiles(settings))
    if len(names) == 1:
        return names[0]
    raise ConfigError("which profile?" if names else "no profiles configured",
                      hint="--profile NAME" + (f" (one of {', '.join(names)})" if names else ""))
