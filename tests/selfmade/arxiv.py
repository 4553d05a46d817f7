"""arXiv export-API answers (Atom) written by the tests, in the current and legacy shapes.

:func:`entry` makes one ``<entry>`` (title and abstract wrapped over lines as arXiv sends
them, authors with affiliations, primary and cross-list categories, comment, journal
reference, DOI, links); :func:`feed` wraps entries with OpenSearch counts;
:func:`error_feed` is the answer to a malformed id (HTTP 400); :func:`serve` answers
``id_list`` and ``search_query`` requests like the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ATOM_TYPE = "application/atom+xml; charset=utf-8"


@dataclass
class Made:
    """One paper as the API describes it."""

    arxiv_id: str
    version: int = 1
    title: str = "Sparse Routing for Long Contexts"
    abstract: str = ("We study token routing for contexts of up to 128k tokens. Our router "
                     "improves accuracy from 41.2% to 45.8% with 23% fewer FLOPs.")
    authors: list[tuple[str, list[str]]] = field(default_factory=lambda: [
        ("Ada Lovelace", ["Analytical Engines Ltd"]), ("Alan Turing", []),
        ("Grace Hopper", ["Navy", "Harvard"])])
    published: str = "2025-01-15T18:59:59Z"
    categories: list[str] = field(default_factory=lambda: ["cs.CL", "cs.LG", "cs.CL"])
    comment: str | None = "12 pages, 4 figures"
    journal_ref: str | None = None
    doi: str | None = None


def _wrap(text: str, width: int = 60, indent: str = "  ") -> str:
    """arXiv's line wrapping: text broken over lines with leading spaces."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return f"\n{indent}".join(escape(x) for x in lines)


def entry(paper: Made, *, legacy: bool = False) -> str:
    """One Atom entry. ``legacy``: the pre-2025 shape (arxiv: elements carry their own
    namespace declaration, the primary category has a scheme)."""
    base = f"http://arxiv.org/abs/{paper.arxiv_id}v{paper.version}"
    ns = ' xmlns:arxiv="http://arxiv.org/schemas/atom"' if legacy else ""
    authors = "".join(
        f"<author><name>{escape(name)}</name>"
        + "".join(f"<arxiv:affiliation{ns}>{escape(a)}</arxiv:affiliation>" for a in affs)
        + "</author>\n" for name, affs in paper.authors)
    extras = ""
    if paper.comment:
        extras += f"<arxiv:comment{ns}>{escape(paper.comment)}</arxiv:comment>\n"
    if paper.journal_ref:
        extras += f"<arxiv:journal_ref{ns}>{escape(paper.journal_ref)}</arxiv:journal_ref>\n"
    if paper.doi:
        extras += f"<arxiv:doi{ns}>{escape(paper.doi)}</arxiv:doi>\n"
        extras += f'<link title="doi" href="https://doi.org/{paper.doi}" rel="related"/>\n'
    scheme = ' scheme="http://arxiv.org/schemas/atom"' if legacy else ""
    primary = (f'<arxiv:primary_category{ns} term="{paper.categories[0]}"{scheme}/>\n'
               if paper.categories else "")
    categories = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n'
                         for c in paper.categories)
    return (
        f"<entry>\n<id>{base}</id>\n<updated>{paper.published}</updated>\n"
        f"<published>{paper.published}</published>\n"
        f"<title>{_wrap(paper.title)}</title>\n<summary>  {_wrap(paper.abstract)}\n</summary>\n"
        f"{authors}{extras}"
        f'<link href="{base}" rel="alternate" type="text/html"/>\n'
        f'<link title="pdf" href="http://arxiv.org/pdf/{paper.arxiv_id}v{paper.version}" '
        f'rel="related" type="application/pdf"/>\n'
        f"{primary}{categories}</entry>\n"
    )


def feed(entries: list[str], *, total: int | None = None, start: int = 0,
         per_page: int = 10) -> bytes:
    count = len(entries) if total is None else total
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        '<id>https://arxiv.org/api/made</id>\n<title>arXiv Query</title>\n'
        '<updated>2025-01-16T00:00:00Z</updated>\n'
        f"<opensearch:totalResults>{count}</opensearch:totalResults>\n"
        f"<opensearch:startIndex>{start}</opensearch:startIndex>\n"
        f"<opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        + "".join(entries) + "</feed>\n"
    ).encode("utf-8")


def error_feed(message: str = "incorrect id format for abc") -> bytes:
    body = (
        "<entry>\n<id>http://arxiv.org/api/errors#"
        f"{message.replace(' ', '_')}</id>\n<title>Error</title>\n"
        f"<summary>{escape(message)}</summary>\n<updated>2025-01-16T00:00:00Z</updated>\n"
        '<link href="http://arxiv.org/api/errors#x" rel="alternate" type="text/html"/>\n'
        "<author><name>arXiv api core</name></author>\n</entry>\n"
    )
    return feed([body], total=1)


def papers(n: int, prefix: str = "2501") -> list[Made]:
    return [Made(f"{prefix}.{i + 1:05d}", title=f"Paper number {i + 1} on routing",
                 abstract=f"Abstract of paper {i + 1}: it reports {i + 1}.5% more accuracy.")
            for i in range(n)]


_ID_RE = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-.]+/\d{7})(v\d+)?")


def serve(httpserver: HTTPServer, known: list[Made], path: str = "/api/query") -> str:
    """Answer ``id_list`` like arXiv: unknown ids dropped, a malformed one is HTTP 400."""
    by_id = {p.arxiv_id: p for p in known}

    def handler(request: Request) -> Response:
        entries = []
        for raw in [i for i in request.args.get("id_list", "").split(",") if i]:
            match = _ID_RE.fullmatch(raw)
            if match is None:
                return Response(error_feed(f"incorrect id format for {raw}"), 400,
                                content_type=ATOM_TYPE)
            paper = by_id.get(match[1])
            if paper is None or (match[2] and match[2] != f"v{paper.version}"):
                continue
            entries.append(entry(paper))
        return Response(feed(entries), 200, content_type=ATOM_TYPE)

    httpserver.expect_request(path).respond_with_handler(handler)
    return httpserver.url_for(path)
