"""Interest profiles: what a reader follows, from ``[profiles.NAME]`` in dailypapers.toml.

A profile names weighted keywords and phrases, negative keywords, authors, categories, and
example papers: arXiv ids (``examples``), a BibTeX or CSL JSON file (``bibtex``, ``csl``),
a Zotero library (``zotero = "users/123"``), plus what ``profile NAME --from-...`` imported
and what ``like``/``dislike`` said, both kept in the store. ``public`` profiles may get a
ranked page on the site; private ones (the default) never appear there.

Keywords are a list (weight 1 each) or a table ``{"speculative decoding" = 2}``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..models import Paper
from ..store import Store

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
KNOWN_KEYS = {"keywords", "negative", "authors", "categories", "examples", "bibtex", "csl",
              "zotero", "public", "top_n", "description"}


@dataclass
class Example:
    """A paper that stands for the profile's interest."""

    key: str  # versionless arXiv id, else a citation key
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # when it was published or added (recency decay)
    arxiv_id: str | None = None
    origin: str = "config"  # config | bibtex | csl | zotero | like | dislike
    weight: float = 1.0  # negative for a dislike

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Example:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})

    @classmethod
    def from_paper(cls, paper: Paper, origin: str, weight: float = 1.0,
                   date: str | None = None) -> Example:
        return cls(key=paper.arxiv_id, title=paper.title, abstract=paper.abstract,
                   authors=list(paper.authors), date=date or (paper.published or "")[:10] or None,
                   arxiv_id=paper.arxiv_id, origin=origin, weight=weight)


@dataclass
class Profile:
    name: str
    keywords: dict[str, float] = field(default_factory=dict)
    negative: dict[str, float] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # arXiv ids from the config
    bibtex: str | None = None
    csl: str | None = None
    zotero: str | None = None
    public: bool = False
    top_n: int = 10
    description: str = ""


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise ConfigError(f"not a profile name: {name!r}",
                          hint="letters, digits, '-' and '_' (up to 64), e.g. alice")
    return name


def _weights(name: str, key: str, value: Any) -> dict[str, float]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return {v.strip(): 1.0 for v in value if v.strip()}
    if isinstance(value, dict) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
        return {str(k).strip(): float(v) for k, v in value.items() if str(k).strip()}
    raise ConfigError(f"profile {name}: {key} must be a list of phrases or a table of "
                      "phrase = weight", hint=f'{key} = ["KV cache"] or {{ "KV cache" = 2 }}')


def _strings(name: str, key: str, value: Any) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ConfigError(f"profile {name}: {key} must be a list of strings")


def parse_profile(name: str, table: dict[str, Any]) -> Profile:
    """One ``[profiles.NAME]`` table -> Profile; unknown or mistyped keys are ConfigError."""
    check_name(name)
    if not isinstance(table, dict):
        raise ConfigError(f"profile {name}: expected a table [profiles.{name}]")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"profile {name}: unknown keys: {', '.join(unknown)}",
                          hint=f"known: {', '.join(sorted(KNOWN_KEYS))}")
    profile = Profile(name=name)
    if "keywords" in table:
        profile.keywords = _weights(name, "keywords", table["keywords"])
    if "negative" in table:
        profile.negative = _weights(name, "negative", table["negative"])
    for key in ("authors", "categories", "examples"):
        if key in table:
            setattr(profile, key, _strings(name, key, table[key]))
    for key in ("bibtex", "csl", "zotero", "description"):
        if key in table:
            if not isinstance(table[key], str):
                raise ConfigError(f"profile {name}: {key} must be a string")
            setattr(profile, key, table[key])
    if "public" in table:
        if not isinstance(table["public"], bool):
            raise ConfigError(f"profile {name}: public must be true or false")
        profile.public = table["public"]
    if "top_n" in table:
        top = table["top_n"]
        if not isinstance(top, int) or isinstance(top, bool) or top < 0:
            raise ConfigError(f"profile {name}: top_n must be a whole number >= 0")
        profile.top_n = top
    return profile


def profiles(settings: Settings) -> dict[str, Profile]:
    """Every configured profile by name."""
    return {name: parse_profile(name, table) for name, table in settings.profiles.items()}


def get_profile(settings: Settings, name: str, store: Store | None = None) -> Profile:
    """A configured profile, or one that exists only in the store (imported, not yet in
    the config file)."""
    found = profiles(settings)
    if name in found:
        return found[name]
    if store is not None and store.profile_examples(check_name(name)):
        return Profile(name=name)
    known = ", ".join(sorted(found)) or "none configured"
    raise ConfigError(f"no profile named {name!r}",
                      hint=f"known profiles: {known}; add [profiles.{name}] to dailypapers.toml"
                      " or create one with 'dailypapers profile NAME --from-bibtex FILE'")


def examples_of(store: Store, settings: Settings, profile: Profile) -> list[Example]:
    """All of a profile's examples: configured ids and files, imports, likes and dislikes.

    Configured ids the store does not know yet are left out (``missing_examples`` names
    them). A later source of the same key wins (a dislike overrides an imported example).
    """
    from . import library

    found: dict[str, Example] = {}
    for arxiv_id in profile.examples:
        paper = store.get_paper(arxiv_id)
        if paper is not None:
            found[paper.arxiv_id] = Example.from_paper(paper, "config")
    root = settings.root
    if profile.bibtex:
        for ex in library.read_bibtex(_path(root, profile.bibtex)):
            found.setdefault(ex.key, ex)
    if profile.csl:
        for ex in library.read_csl(_path(root, profile.csl)):
            found.setdefault(ex.key, ex)
    for row in store.profile_examples(profile.name):
        example = Example.from_dict(row["data"])
        example.origin, example.weight = row["origin"], float(row["weight"])
        if example.origin in ("like", "dislike"):
            example.date = example.date or row["added_at"][:10]
        found[row["key"]] = example
    return list(found.values())


def missing_examples(store: Store, profile: Profile) -> list[str]:
    return [i for i in profile.examples if store.get_paper(i) is None]


def _path(root: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
