"""The ``gemini`` summarizer: Google's google-genai SDK, reading the PDF itself.

As the reference system did, the model gets the paper's PDF (``Part.from_bytes(...,
mime_type="application/pdf")``) and answers under ``response_schema``. The PDF is the one the
fetch stage cached (``FullText.stats["pdf_path"]``, or the PDF cache entry whose SHA-256 the
fetch stage recorded); without one (or over the inline-request limit) the fitted text goes
in a delimited block instead, exactly as the openai backend sends it. The key is
``GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``), sent in a header; the base URL is
``Settings.gemini_base_url`` so a local server can stand in. The SDK's retries are off by
default and stay off: :mod:`.llm` retries through the rate limiter. Its HTTP client obeys
:func:`dailypapers.http.io_deadline` (``llm_deadline``); ``llm_max_output_tokens`` is sent as
``max_output_tokens``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, ClassVar

from ..config import Settings
from ..errors import ConfigError, MissingKeyError, SummarizerError
from ..fulltext.download import PdfCache
from ..http import bound_transport, retry_after_seconds
from ..models import SUMMARY_PARTS, FullText, Paper
from ..secrets import optional_key, redact
from .llm import LLMSummarizer, PaperContext, Reply, Turn, _RetryableCall, _tokens
from .prompt import user_message

log = logging.getLogger(__name__)

# Inline request data is limited to 20 MB; larger PDFs would need the Files API.
MAX_INLINE_PDF = 19_000_000
# Gemini bills a PDF page as an image of about 258 tokens.
TOKENS_PER_PAGE = 258
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
# The output schema in Gemini's own Schema dialect (an OpenAPI subset): written out rather
# than derived from the pydantic model, whose ``additionalProperties`` that dialect lacks.
# The answer is still validated against :class:`~.prompt.SummaryOut`, extras refused.
GEMINI_SCHEMA: dict[str, Any] = {
    "type": "OBJECT",
    "properties": {
        **{part: {"type": "STRING"} for part in SUMMARY_PARTS},
        "keywords": {"type": "ARRAY", "items": {"type": "STRING"}},
    },
    "required": [*SUMMARY_PARTS, "keywords"],
    "propertyOrdering": [*SUMMARY_PARTS, "keywords"],
}


def _import_genai() -> tuple[Any, Any]:
    try:
        from google import genai
        from google.genai import types
    except ImportError as exc:
        raise ConfigError(
            "the gemini summarizer needs the google-genai package",
            hint="pip install 'dailypapers[gemini]', or run with --summarizer openai/extractive",
        ) from exc
    return genai, types


def pdf_path_of(settings: Settings, fulltext: FullText | None) -> Path | None:
    """Where the PDF behind this full text is cached, if it is.

    ``stats["pdf_path"]`` wins when a caller set it; otherwise the fetch stage's PDF cache is
    asked for this id and version, and its file is used only if it is the very PDF the text
    was extracted from (same SHA-256), so the model and the verifier read the same paper.
    """
    if fulltext is None or fulltext.source != "pdf":
        return None
    explicit = fulltext.stats.get("pdf_path")
    if explicit:
        return Path(str(explicit))
    sha = fulltext.stats.get("pdf_sha256")
    if not sha:
        return None
    cached = PdfCache(settings.cache_path / "pdf").lookup(fulltext.arxiv_id, fulltext.version)
    if cached is None or cached.sha256 != sha:
        return None
    return cached.path


def read_pdf(path: Path | None, arxiv_id: str) -> bytes | None:
    """The PDF's bytes if they can be sent inline; None means: send the text instead."""
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_INLINE_PDF:
            log.info("%s: PDF over the inline limit; sending its text", arxiv_id)
            return None
        data = path.read_bytes()
    except OSError as exc:
        log.info("%s: cached PDF unreadable (%s); sending its text", arxiv_id, exc)
        return None
    return data if data.startswith(b"%PDF-") else None


class GeminiSummarizer(LLMSummarizer):
    """Five-part summaries from Gemini, PDF in."""

    id: ClassVar[str] = "gemini"
    key_env: ClassVar[str | tuple[str, ...] | None] = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
    default_model: ClassVar[str] = "gemini-2.5-flash"

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        genai, self._types = _import_genai()
        key = optional_key(self)
        if not key:
            raise MissingKeyError(
                "no key found for the gemini summarizer",
                hint="set GEMINI_API_KEY, or run with --summarizer extractive",
            )
        options: dict[str, Any] = {"timeout": int(settings.request_timeout * 1000),
                                   "client_args": {"transport": bound_transport()}}
        if settings.gemini_base_url:
            options["base_url"] = settings.gemini_base_url
        self.client = genai.Client(
            api_key=key, http_options=self._types.HttpOptions(**options)
        )

    def _context(self, paper: Paper, fulltext: FullText | None) -> PaperContext:
        pdf = read_pdf(pdf_path_of(self.settings, fulltext), paper.arxiv_id)
        if pdf is None:
            return super()._context(paper, fulltext)
        message = user_message(paper, None, pdf_attached=True)
        pages = (fulltext.pages if fulltext is not None else None) or max(1, len(pdf) // 60_000)
        return PaperContext(message, "pdf", pdf,
                            est_tokens_in=_tokens(message) + pages * TOKENS_PER_PAGE)

    def _send(self, model: str, system: str, turns: list[Turn], ctx: PaperContext) -> Reply:
        types = self._types
        contents = []
        for index, turn in enumerate(turns):
            parts = [types.Part.from_text(text=turn.text)]
            if index == 0 and ctx.pdf is not None:
                parts.insert(0, types.Part.from_bytes(data=ctx.pdf, mime_type="application/pdf"))
            role = "user" if turn.role == "user" else "model"
            contents.append(types.Content(role=role, parts=parts))
        config: dict[str, Any] = {
            "system_instruction": system,
            "response_mime_type": "application/json",
            "response_schema": GEMINI_SCHEMA,
            "max_output_tokens": self.settings.llm_max_output_tokens,
        }
        if self.settings.llm_temperature is not None:
            config["temperature"] = self.settings.llm_temperature
        import httpx2
        from google.genai import errors

        try:
            response = self.client.models.generate_content(
                model=model, contents=contents,
                config=types.GenerateContentConfig(**config),
            )
        except httpx2.TransportError as exc:
            raise _RetryableCall(type(exc).__name__) from exc
        except errors.APIError as exc:
            code = int(exc.code or 0)
            detail = redact(str(exc))[:300]
            if code in RETRY_STATUS:
                headers = getattr(exc.response, "headers", None) or {}
                raise _RetryableCall(f"HTTP {code}", retry_after_seconds(headers)) from exc
            raise SummarizerError(f"HTTP {code}: {detail}") from exc
        except ValueError as exc:
            # A 200 that isn't a response (a proxy's HTML page, a truncated body).
            raise _RetryableCall(f"unreadable answer ({type(exc).__name__})") from exc
        meta = response.usage_metadata
        try:
            text = response.text
        except ValueError:
            text = None
        candidates = response.candidates or []
        finish = getattr(candidates[0], "finish_reason", None) if candidates else None
        return Reply(
            text=text,
            tokens_in=(meta.prompt_token_count or 0) if meta else 0,
            tokens_out=(meta.candidates_token_count or 0) if meta else 0,
            cut=str(getattr(finish, "value", finish)) == "MAX_TOKENS",
        )

