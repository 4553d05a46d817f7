"""Public profiles' ranked pages on the site: ``for/<profile>/YYYY-MM-DD.html`` and
``for/<profile>/index.html`` (the newest day).

Only profiles marked ``public = true`` get pages. Every other folder under ``for/`` is
deleted on each publish, so a profile made private (or renamed, or removed) disappears
from the site at the next run. Pages link to the site's own paper pages and stylesheet.
"""

from __future__ import annotations

import logging
import shutil

import jinja2

from ..config import Settings
from ..models import DigestEntry
from ..render import paths
from ..store import Store
from ..view import paper_view
from .profiles import profiles
from .service import Ranking, rank_day

log = logging.getLogger(__name__)
SHOWN = 50  # papers on a profile's page when its top_n is 0 (all)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ site_title }} · for {{ name }} · {{ date }}</title>
<link rel="stylesheet" href="{{ root }}{{ css }}">
</head>
<body>
<header><p><a href="{{ root }}{{ home }}">{{ site_title }}</a> ·
<a href="{{ root }}{{ day_page }}">all papers of {{ date }}</a></p>
<h1>For {{ name }}: {{ date }}</h1>
{% if description %}<p>{{ description }}</p>{% endif %}
<p>The {{ papers|length }} papers of {{ total }} that this profile ranks highest, each with
the reasons of its score.</p>
</header>
<main>
<ol>
{% for p in papers %}<li>
<h2><a href="{{ root }}{{ p.page }}">{{ p.title }}</a></h2>
<p>{{ p.authors }}</p>
<p><strong>Why:</strong> <em>{{ p.reasons }}</em> (score {{ p.score }})</p>
{% if p.one_line %}<p>{{ p.one_line }}</p>{% endif %}
<p><a href="{{ p.abs_url }}">arXiv</a></p>
</li>
{% endfor %}</ol>
</main>
</body>
</html>
"""


def _page(settings: Settings, ranking: Ranking, digest_entries: dict[str, DigestEntry],
          rel: str, total: int) -> str:
    papers = []
    count = ranking.profile.top_n or SHOWN
    for scored in ranking.scored[:count]:
        entry = digest_entries.get(scored.paper.arxiv_id)
        if entry is None:
            continue
        view = paper_view(entry, max_authors=settings.max_authors)
        papers.append({"title": view.title, "authors": view.authors_short,
                       "page": view.page_path, "abs_url": view.abs_url,
                       "one_line": view.one_line, "score": f"{scored.score:.2f}",
                       "reasons": scored.explain()})
    env = jinja2.Environment(autoescape=True)
    return env.from_string(PAGE).render(
        site_title=settings.site_title, name=ranking.profile.name, date=ranking.date,
        description=ranking.profile.description, papers=papers, total=total,
        root=paths.root_of(rel), home=paths.HOME, css=paths.static_path("site.css"),
        day_page=paths.day_path(ranking.date))


def publish_profiles(store: Store, settings: Settings, day: str) -> list[str]:
    """Write the public profiles' pages for ``day``; remove every other profile's pages."""
    root = paths.file_of(settings, paths.PROFILES)
    public = {name: p for name, p in profiles(settings).items() if p.public}
    if root.is_dir():
        for child in root.iterdir():
            if child.name not in public:
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
    if not public:
        return []
    digest = store.load_digest(day)
    if digest is None or not digest.entries:
        return []
    entries = {e.paper.arxiv_id: e for e in digest.entries}
    written = []
    for name in public:
        ranking = rank_day(store, settings, day, name, lookup=False)
        rel = paths.profile_path(name, day)
        page = paths.file_of(settings, rel)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_page(settings, ranking, entries, rel, len(digest.entries)),
                        encoding="utf-8")
        written.append(rel)
        newest = max(p.stem for p in page.parent.glob("????-??-??.html"))
        if newest == day:
            index_rel = paths.profile_path(name)
            paths.file_of(settings, index_rel).write_text(_page(
                settings, ranking, entries, index_rel, len(digest.entries)), encoding="utf-8")
    return written
