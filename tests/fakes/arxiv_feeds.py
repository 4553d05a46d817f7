"""Synthetic arXiv announcement feeds (rss.arxiv.org Atom) and export-API answers for tests.

Everything here is written by the tests themselves, so a fresh clone runs without the
recorded data. ``Item`` is one announced paper; :func:`rss_feed` writes a category's feed the
way rss.arxiv.org does (``oai:arXiv.org:`` ids, ``Announce Type`` in the summary,
``arxiv:announce_type``, one comma-joined ``dc:creator``); :func:`api_feed` writes an export-API
answer. :func:`serve_feeds` serves feeds per category on a pytest-httpserver.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOPICS = [
    ["speculative decoding", "draft model", "KV cache", "inference latency", "token acceptance"],
    ["diffusion model", "image generation", "denoising", "text-to-image", "guidance"],
    ["reinforcement learning", "reward model", "policy optimization", "RLHF", "preference"],
    ["graph neural network", "message passing", "node classification", "molecules", "graphs"],
    ["machine translation", "low-resource languages", "multilingual", "parallel corpus", "BLEU"],
    ["robot manipulation", "grasping", "embodied agent", "sim-to-real", "control policy"],
    ["retrieval augmented generation", "dense retrieval", "question answering", "passages",
     "reranking"],
    ["protein structure", "drug discovery", "binding affinity", "biology", "docking"],
]
SENTENCES = [
    "We propose a simple method that improves results on standard benchmarks.",
    "The approach reduces the cost of training while keeping the quality of the outputs.",
    "Experiments on several datasets show consistent gains over strong baselines.",
    "We analyse where the method helps and where it does not.",
    "Our code and data are released to support future work in this area.",
    "A careful ablation study explains which parts of the design matter most.",
]


@dataclass
class Item:
    arxiv_id: str
    kind: str = "new"  # new | cross | replace | replace-cross
    title: str = ""
    abstract: str = ""
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])
    authors: list[str] = field(default_factory=lambda: ["Ada Lovelace", "Alan Turing"])
    version: int = 1


def synthetic_items(count: int, *, seed: int = 7, prefix: str = "2508",
                    kinds: tuple[str, ...] = ("new", "cross")) -> list[Item]:
    """``count`` papers on a few topics, with plausible titles and abstracts."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        topic = TOPICS[n % len(TOPICS)]
        words = rng.sample(topic, 3)
        title = f"{words[0].title()} with {words[1]} for {words[2]} ({n})"
        body = " ".join(rng.sample(SENTENCES, 3))
        abstract = (f"We study {words[0]} and {words[1]}. {body} The results on {words[2]} "
                    "hold across settings.")
        items.append(Item(
            arxiv_id=f"{prefix}.{10000 + n:05d}", kind=kinds[n % len(kinds)], title=title,
            abstract=abstract, categories=["cs.CL", "cs.LG"] if n % 3 else ["cs.LG"],
            authors=[f"Author {n % 97} Surname{n % 89}", f"Second Writer{n % 13}"],
        ))
    return items


def rss_feed(category: str, date: str, items: list[Item], *, broken: set[str] = frozenset()
             ) -> bytes:
    """A rss.arxiv.org Atom feed for ``category`` dated ``date``; ids in ``broken`` lose
    their title (a malformed entry)."""
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<feed xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom" '
        'xml:lang="en-us">',
        f"  <id>http://rss.arxiv.org/atom/{category}</id>",
        f"  <title>{category} updates on arXiv.org</title>",
        f"  <updated>{date}T04:00:19.866337+00:00</updated>",
    ]
    for item in items:
        vid = f"{item.arxiv_id}v{item.version}"
        title = "" if item.arxiv_id in broken else escape(item.title)
        cats = "".join(f'<category term="{c}"/>' for c in item.categories)
        parts.append(
            f"  <entry><id>oai:arXiv.org:{vid}</id><title>{title}</title>"
            f"<updated>{date}T04:00:19+00:00</updated>"
            f'<link href="https://arxiv.org/abs/{item.arxiv_id}" rel="alternate"/>'
            f"<summary>arXiv:{vid} Announce Type: {item.kind} \nAbstract: "
            f"{escape(item.abstract)}</summary>{cats}"
            f"<published>{date}T00:00:00-04:00</published>"
            f"<arxiv:announce_type>{item.kind}</arxiv:announce_type>"
            "<dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>"
            f"<dc:creator>{escape(', '.join(item.authors))}</dc:creator></entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


def api_feed(items: list[Item], *, total: int | None = None, published: str = "2025-08-19"
             ) -> bytes:
    """An export-API answer holding ``items`` (the primary category first)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">',
        "<title>arXiv Query</title><id>https://arxiv.org/api/x</id>",
        f"<opensearch:totalResults>{len(items) if total is None else total}"
        "</opensearch:totalResults>",
    ]
    for item in items:
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in item.authors)
        cats = "".join(f'<category term="{c}"/>' for c in item.categories)
        parts.append(
            f"<entry><id>http://arxiv.org/abs/{item.arxiv_id}v{item.version}</id>"
            f"<title>{escape(item.title)}</title><summary>{escape(item.abstract)}</summary>"
            f"<published>{published}T15:00:00Z</published>{authors}"
            f'<arxiv:primary_category term="{item.categories[0]}"/>{cats}</entry>'
        )
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


def serve_feeds(httpserver: HTTPServer, feeds: dict[str, bytes | Callable[[], bytes]]) -> str:
    """Serve ``/atom/<category>`` from ``feeds``; returns the base URL (arxiv_rss_url)."""

    def handler(request: Request) -> Response:
        category = request.path.rsplit("/", 1)[-1]
        if category not in feeds:
            return Response("no such category", 404)
        body = feeds[category]
        data = body() if callable(body) else body
        return Response(data, 200, content_type="application/atom+xml; charset=utf-8")

    httpserver.expect_request(re.compile(r"^/atom/.+$")).respond_with_handler(handler)
    return httpserver.url_for("/").rstrip("/")
