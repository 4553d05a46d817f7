"""Optional embeddings for the ranker, from any OpenAI-compatible ``/v1/embeddings`` endpoint
(OpenAI, Ollama, vLLM, llama.cpp ...), cached per paper in the store.

``embeddings_url`` is the API base (``http://localhost:11434/v1``); ``embeddings_model`` the
model. A key is sent when ``EMBEDDINGS_API_KEY`` (else ``OPENAI_API_KEY``) is set; local
servers need none. A vector is keyed by the paper (or example) and the model, and guarded by
a hash of the embedded text: a re-run embeds nothing it has embedded before.
"""

from __future__ import annotations

import hashlib
import logging
import math
from array import array
from collections.abc import Sequence

import httpx2 as httpx

from ..config import Settings
from ..errors import EmbeddingError
from ..http import make_client, request
from ..models import Paper
from ..secrets import get_secret
from ..store import Store
from .profiles import Example
from .rank import _label

log = logging.getLogger(__name__)
BATCH = 64



def _text(title: str, abstract: str) -> str:
    return f"{title}\n\n{abstract}".strip()[:8000]


def _hash(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class Embedder:
    """Vectors for papers and examples: from the store's cache, else from the endpoint."""

    def __init__(self, settings: Settings, store: Store, *, client: httpx.Client | None = None
                 ) -> None:
        if not settings.embeddings_url:
            raise EmbeddingError("no embeddings_url set")
        self.settings = settings
        self.store = store
        self.model = settings.embeddings_model
        self.url = settings.embeddings_url.rstrip("/") + "/embeddings"
        self._client = client
        self.calls = 0

    def vectors(self, items: Sequence[tuple[str, str]]) -> dict[str, list[float]]:
        """(key, text) -> vector; only the ones not cached are sent, in batches."""
        found: dict[str, list[float]] = {}
        todo: list[tuple[str, str, str]] = []
        for key, text in items:
            digest = _hash(self.model, text)
            cached = self.store.get_embedding(key, self.model, digest)
            if cached is not None:
                found[key] = array("f", cached).tolist()
            else:
                todo.append((key, text, digest))
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            vectors = self._embed([text for _, text, _ in batch])
            self.store.save_embeddings(self.model, [
                (key, digest, array("f", vec).tobytes())
                for (key, _, digest), vec in zip(batch, vectors, strict=True)])
            for (key, _, _), vec in zip(batch, vectors, strict=True):
                found[key] = vec
        return found

    def _embed(self, texts: list[str]) -> list[list[float]]:
        headers = {}
        key = get_secret("EMBEDDINGS_API_KEY") or get_secret("OPENAI_API_KEY")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        client = self._client or make_client(self.settings)
        try:
            self.calls += 1
            response = request(client, "POST", self.url, json={"model": self.model,
                                                                "input": texts},
                               headers=headers, attempts=max(1, self.settings.http_retries),
                               max_wait=self.settings.retry_max_wait)
        except httpx.HTTPError as exc:
            raise EmbeddingError(f"embeddings: no answer from {self.url}: "
                                 f"{type(exc).__name__}") from exc
        finally:
            if self._client is None:
                client.close()
        if response.status_code != 200:
            raise EmbeddingError(f"embeddings: HTTP {response.status_code} from {self.url}")
        try:
            data = sorted(response.json()["data"], key=lambda d: d.get("index", 0))
            vectors = [[float(x) for x in d["embedding"]] for d in data]
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingError("embeddings: unexpected answer (no data[].embedding)") from exc
        if len(vectors) != len(texts):
            raise EmbeddingError(f"embeddings: asked for {len(texts)}, got {len(vectors)}")
        return vectors

    def scores(
        self, profile: str, papers: Sequence[Paper], examples: Sequence[Example],
        weights: Sequence[float],
    ) -> dict[str, tuple[float, str | None]]:
        """Per paper: 0.5 x cosine to the weighted example centroid + 0.5 x best example."""
        if not examples:
            return {}
        ex_keys = [e.arxiv_id or f"example:{profile}:{e.key}" for e in examples]
        items = [(p.arxiv_id, _text(p.title, p.abstract)) for p in papers]
        items += [(k, _text(e.title, e.abstract)) for k, e in zip(ex_keys, examples, strict=True)]
        vecs = {k: _unit(v) for k, v in self.vectors(items).items()}
        ex_vecs = [vecs[k] for k in ex_keys]
        size = len(ex_vecs[0])
        centroid = [0.0] * size
        for vec, weight in zip(ex_vecs, weights, strict=True):
            for i, value in enumerate(vec):
                centroid[i] += weight * value
        centroid = _unit(centroid)
        result: dict[str, tuple[float, str | None]] = {}
        for paper in papers:
            vec = vecs[paper.arxiv_id]
            sims = [(w * _dot(vec, e), n) for n, (e, w) in enumerate(zip(ex_vecs, weights,
                                                                           strict=True))]
            best, index = max(sims)
            result[paper.arxiv_id] = (0.5 * _dot(vec, centroid) + 0.5 * best,
                                      _label(examples[index]))
        return result


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=False))


def _unit(vec: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vec)) or 1.0
    return [x / norm for x in vec]
