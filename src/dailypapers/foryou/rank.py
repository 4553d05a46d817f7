"""Ranking that explains itself: a relevance score per paper and profile, with its reasons.

The score adds up parts, each of which names why it is there:

- **similar to** the profile's example papers: TF-IDF cosine (sublinear term frequency,
  idf over the day's papers and the examples) over title (counted twice), abstract and
  keywords. Half of it is the similarity to the profile's centroid (the examples summed,
  each weighted by recency decay and by like/dislike), half the best single example. The
  reason names the closest examples.
- **matches**: the profile's keywords and phrases found in title, abstract or keywords
  (a title hit counts double); ``negative`` phrases subtract the same way.
- **author** and **category** matches (an author matches on the full name or on first
  initial and last name, accents and case ignored).
- **by authors of your examples**: people who wrote the profile's (liked, recent) example
  papers, on the full name only; capped, so a prolific lab cannot outweigh the text.
- **embeddings** (optional): cosine to the examples in an OpenAI-compatible embedding
  space, when ``embeddings_url`` is set (see :mod:`.embeddings`).

Examples decay with age: an example counts ``0.5 ** (age / rank_half_life_days)``.
Pure: no I/O here; :func:`rank_day` in :mod:`.service` feeds it from the store.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Paper
from .profiles import Example, Profile

WEIGHTS = {"similar": 1.0, "keywords": 0.3, "author": 0.6, "example_authors": 0.4,
           "category": 0.15, "embedding": 1.0}
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few
for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just let me more most my myself no nor not now of off on once
only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under
until up upon us very was we were what when where which while who whom why will with
would you your yours yourself yourselves via using use used based new approach
approaches method methods paper propose proposed show shows present presents results
result work study task tasks model models however across well first one two three
different large also further provide provides often while can many both existing
"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def tokens(text: str) -> list[str]:
    """Lowercased word tokens without stopwords, with a light plural stemming."""
    out = []
    for word in _TOKEN_RE.findall(fold(text)):
        if len(word) < 2 or word in STOPWORDS:
            continue
        out.append(stem(word))
    return out


def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """Lowercase without accents: ``Jörg`` -> ``jorg``."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def paper_terms(title: str, abstract: str, keywords: Sequence[str] = ()) -> Counter[str]:
    counts = Counter(tokens(abstract))
    for word in tokens(title):
        counts[word] += 2
    for keyword in keywords:
        counts.update(tokens(keyword))
    return counts


@dataclass
class Scored:
    """One paper's score for a profile, its parts and its reasons, best first."""

    paper: Paper
    score: float
    rank: int = 0
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def explain(self) -> str:
        return "; ".join(self.reasons) or "no match: ranked by the day's order"


class Vectors:
    """TF-IDF vectors (L2-normalised) over one corpus."""

    def __init__(self, docs: Sequence[Counter[str]]) -> None:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.keys())
        n = len(docs)
        self.idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}

    def vector(self, doc: Counter[str]) -> dict[str, float]:
        vec = {t: (1.0 + math.log(c)) * self.idf.get(t, 1.0) for t, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}


def decay(date: str | None, today: dt.date, half_life: float) -> float:
    if not date or half_life <= 0:
        return 1.0
    try:
        when = dt.date.fromisoformat(date[:10])
    except ValueError:
        return 1.0
    age = max(0, (today - when).days)
    return float(0.5 ** (age / half_life))


def _phrase_hits(phrase: list[str], words: list[str]) -> int:
    if not phrase:
        return 0
    size = len(phrase)
    if size == 1:
        return words.count(phrase[0])
    return sum(1 for i in range(len(words) - size + 1) if words[i:i + size] == phrase)


def _name_keys(name: str) -> set[str]:
    parts = _TOKEN_RE.findall(fold(name))
    if not parts:
        return set()
    keys = {" ".join(parts)}
    if len(parts) >= 2:
        keys.add(f"{parts[0][0]} {parts[-1]}")
    return keys


def rank(
    profile: Profile, examples: Sequence[Example], papers: Sequence[Paper], *,
    today: dt.date, half_life: float = 365.0,
    embedding_scores: dict[str, tuple[float, str | None]] | None = None,
) -> list[Scored]:
    """Every paper scored for ``profile``, best first (ties keep the day's order)."""
    paper_docs = [paper_terms(p.title, p.abstract, p.ai_keywords) for p in papers]
    example_docs = [paper_terms(e.title, e.abstract) for e in examples]
    space = Vectors(paper_docs + example_docs)
    ex_vecs = [space.vector(d) for d in example_docs]
    ex_weights = [e.weight * decay(e.date, today, half_life) for e in examples]
    centroid: dict[str, float] = {}
    for vec, weight in zip(ex_vecs, ex_weights, strict=True):
        for term, value in vec.items():
            centroid[term] = centroid.get(term, 0.0) + weight * value
    norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    centroid = {t: v / norm for t, v in centroid.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vec in enumerate(ex_vecs):
        for term, value in vec.items():
            postings.setdefault(term, []).append((index, value))
    phrases = [(p, tokens(p), w) for p, w in profile.keywords.items()]
    negatives = [(p, tokens(p), w) for p, w in profile.negative.items()]
    wanted_authors: dict[str, str] = {}
    for name in profile.authors:
        for key in _name_keys(name):
            wanted_authors[key] = name
    wanted_cats = set(profile.categories)
    example_authors: dict[str, float] = {}
    shown_name: dict[str, str] = {}
    for example, weight in zip(examples, ex_weights, strict=True):
        if weight <= 0:
            continue
        for name in example.authors:
            key = " ".join(_TOKEN_RE.findall(fold(name)))
            if key:
                example_authors[key] = example_authors.get(key, 0.0) + weight
                shown_name.setdefault(key, name)

    results = []
    for position, (paper, doc) in enumerate(zip(papers, paper_docs, strict=True)):
        scored = Scored(paper=paper, score=0.0, rank=position)
        vec = space.vector(doc)
        if examples:
            _similarity(scored, vec, centroid, postings, ex_weights, examples)
        words = tokens(paper.title) + tokens(paper.abstract)
        for keyword in paper.ai_keywords:
            words += tokens(keyword)
        title_words = tokens(paper.title)
        hits = []
        for phrase, toks, weight in phrases:
            count = _phrase_hits(toks, words) + _phrase_hits(toks, title_words)
            if count:
                scored.parts["keywords"] = scored.parts.get("keywords", 0.0) + weight * (
                    1.0 + math.log(count))
                hits.append(phrase)
        if hits:
            scored.reasons.append("matches: " + ", ".join(hits))
        bad = []
        for phrase, toks, weight in negatives:
            count = _phrase_hits(toks, words)
            if count:
                scored.parts["keywords"] = scored.parts.get("keywords", 0.0) - weight * (
                    1.0 + math.log(count))
                bad.append(phrase)
        if bad:
            scored.reasons.append("penalized: " + ", ".join(bad))
        authors = sorted({wanted_authors[k] for a in paper.authors for k in _name_keys(a)
                          if k in wanted_authors})
        if authors:
            scored.parts["author"] = min(2.0, float(len(authors)))
            scored.reasons.append("author: " + ", ".join(authors))
        if example_authors:
            _coauthors(scored, paper, example_authors, shown_name, set(authors))
        cats = [c for c in paper.categories if c in wanted_cats]
        if cats:
            scored.parts["category"] = 1.0 if paper.categories[0] in wanted_cats else 0.5
            scored.reasons.append("category: " + ", ".join(cats))
        if embedding_scores and paper.arxiv_id in embedding_scores:
            value, closest = embedding_scores[paper.arxiv_id]
            scored.parts["embedding"] = value
            if closest and value >= 0.3 and not any(r.startswith("similar to") for r in
                                                    scored.reasons):
                scored.reasons.append(f"close in meaning to: {closest}")
        scored.score = sum(WEIGHTS[k] * v for k, v in scored.parts.items())
        results.append(scored)
    results.sort(key=lambda s: (-s.score, s.rank))
    for number, scored in enumerate(results, 1):
        scored.rank = number
    return results


def _coauthors(scored: Scored, paper: Paper, weights: dict[str, float],
               shown: dict[str, str], already: set[str]) -> None:
    found = []
    for name in paper.authors:
        key = " ".join(_TOKEN_RE.findall(fold(name)))
        if key in weights:
            found.append((weights[key], shown[key]))
    if not found:
        return
    found.sort(reverse=True)
    scored.parts["example_authors"] = min(1.0, 0.5 * sum(w for w, _ in found))
    names = [n for _, n in found if n not in already][:2]
    if names:
        scored.reasons.append("by authors of your examples: " + ", ".join(names))


def _similarity(
    scored: Scored, vec: dict[str, float], centroid: dict[str, float],
    postings: dict[str, list[tuple[int, float]]], weights: list[float],
    examples: Sequence[Example],
) -> None:
    to_centroid = sum(v * centroid.get(t, 0.0) for t, v in vec.items())
    per_example: dict[int, float] = {}
    for term, value in vec.items():
        for index, ex_value in postings.get(term, ()):
            per_example[index] = per_example.get(index, 0.0) + value * ex_value
    weighted = sorted(((weights[i] * s, i) for i, s in per_example.items()), reverse=True)
    best = weighted[0][0] if weighted else 0.0
    worst = min((w for w, _ in weighted), default=0.0)
    value = 0.5 * to_centroid + 0.5 * best + 0.5 * min(0.0, worst)
    if value:
        scored.parts["similar"] = value
    close = [examples[i] for w, i in weighted[:2] if w >= 0.15]
    if close:
        scored.reasons.append("similar to: " + ", ".join(_label(e) for e in close))
    disliked = [examples[i] for w, i in weighted if w <= -0.15][:1]
    if disliked:
        scored.reasons.append("like one you disliked: " + _label(disliked[0]))


def _label(example: Example) -> str:
    title = example.title if len(example.title) <= 60 else example.title[:57].rstrip() + "…"
    return f"{example.arxiv_id} ({title})" if example.arxiv_id else title
