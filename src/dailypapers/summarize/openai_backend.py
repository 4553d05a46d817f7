"""The ``openai`` summarizer: any OpenAI-compatible chat-completions endpoint.

OpenAI itself, Gemini's OpenAI-compatible endpoint, vLLM, llama.cpp server, Ollama, LM
Studio: the base URL comes from ``Settings.openai_base_url`` or ``OPENAI_BASE_URL``, the key
from ``OPENAI_API_KEY`` (a server on another base URL may need none).

Output is asked for with a strict JSON schema (``response_format: json_schema``). A server
that rejects that gets JSON mode with the schema in the instructions, and one that rejects
JSON mode gets the schema in the instructions alone; the mode that worked is remembered per
model for the rest of the run. Whatever the mode, the answer is validated against the schema.
The SDK's own retries are off: :mod:`.llm` retries, so every attempt passes the rate limiter.
Its HTTP client obeys :func:`dailypapers.http.io_deadline` (``llm_deadline`` for the whole
answer). ``llm_max_output_tokens`` goes out as ``max_completion_tokens`` to OpenAI itself
(its reasoning models refuse ``max_tokens``) and as ``max_tokens`` to every other server
(older vLLM, llama.cpp and Ollama know only that). An answer that is not JSON (a proxy's or a
wrong base URL's HTML page) is a failure for the paper, not retried.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ..config import Settings
from ..errors import ConfigError, MissingKeyError, SummarizerError
from ..http import bound_client, retry_after_seconds
from ..secrets import optional_key, redact
from .llm import LLMSummarizer, PaperContext, Reply, Turn, _FormatRejected, _RetryableCall
from .prompt import json_mode_instructions, output_schema

if TYPE_CHECKING:
    import openai

Mode = Literal["json_schema", "json_object", "prompt"]
MODES: tuple[Mode, ...] = ("json_schema", "json_object", "prompt")
OPENAI_URL = "https://api.openai.com/v1"
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


def _import_openai() -> Any:
    try:
        import openai
    except ImportError as exc:
        raise ConfigError(
            "the openai summarizer needs the openai package",
            hint="pip install 'dailypapers[openai]', or run with --summarizer extractive",
        ) from exc
    return openai


class OpenAISummarizer(LLMSummarizer):
    """Five-part summaries from an OpenAI-compatible endpoint, full text in."""

    id: ClassVar[str] = "openai"
    key_env: ClassVar[str | tuple[str, ...] | None] = "OPENAI_API_KEY"
    default_model: ClassVar[str] = "gpt-4o-mini"

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._openai = _import_openai()
        self.base_url = (
            settings.openai_base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_URL
        ).rstrip("/")
        key = optional_key(self)
        if not key:
            if self.base_url == OPENAI_URL:
                raise MissingKeyError(
                    "no key found for the openai summarizer",
                    hint="set OPENAI_API_KEY, point openai_base_url at a local server, or "
                    "run with --summarizer extractive",
                )
            # Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the SDK wants one.
            key = "unused"
        self.client: openai.OpenAI = self._openai.OpenAI(
            api_key=key,
            base_url=self.base_url,
            timeout=settings.request_timeout,
            max_retries=0,
            http_client=bound_client(self._openai.DefaultHttpxClient()),
        )
        self._modes: dict[str, Mode] = {}
        self._mode_lock = threading.Lock()

    def mode(self, model: str) -> Mode:
        with self._mode_lock:
            return self._modes.get(model, "json_schema")

    def _downgrade(self, model: str) -> bool:
        with self._mode_lock:
            current = self._modes.get(model, "json_schema")
            index = MODES.index(current)
            if index + 1 >= len(MODES):
                return False
            self._modes[model] = MODES[index + 1]
        return True

    def _send(self, model: str, system: str, turns: list[Turn], ctx: PaperContext) -> Reply:
        mode = self.mode(model)
        if mode != "json_schema":
            system = f"{system}\n\n{json_mode_instructions()}"
        messages: list[Any] = [{"role": "system", "content": system}]
        messages += [{"role": t.role, "content": t.text} for t in turns]
        kwargs: dict[str, Any] = {}
        if mode == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "paper_summary", "strict": True,
                                "schema": output_schema()},
            }
        elif mode == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
        if self.settings.llm_temperature is not None:
            kwargs["temperature"] = self.settings.llm_temperature
        limit = "max_completion_tokens" if self.base_url == OPENAI_URL else "max_tokens"
        kwargs[limit] = self.settings.llm_max_output_tokens
        oa = self._openai
        try:
            raw = self.client.chat.completions.with_raw_response.create(
                model=model, messages=messages, **kwargs
            )
            content_type = raw.headers.get("content-type", "").split(";")[0].strip().lower()
            if "json" not in content_type:
                raise SummarizerError(
                    f"the answer is {content_type or 'untyped'!r}, not JSON (is "
                    "openai_base_url an OpenAI-compatible API?)")
            response = raw.parse()
        except (oa.APITimeoutError, oa.APIConnectionError) as exc:
            raise _RetryableCall(type(exc).__name__) from exc
        except oa.APIStatusError as exc:
            status = exc.status_code
            detail = redact(str(exc))[:300]
            if status in RETRY_STATUS:
                raise _RetryableCall(
                    f"HTTP {status}", retry_after_seconds(exc.response.headers)
                ) from exc
            if status in (400, 422) and mode != "prompt":
                raise _FormatRejected(f"HTTP {status} for {mode} output: {detail}") from exc
            raise SummarizerError(f"HTTP {status}: {detail}") from exc
        except oa.OpenAIError as exc:
            raise SummarizerError(f"{type(exc).__name__}: {redact(str(exc))[:300]}") from exc
        except ValueError as exc:
            # A 200 that isn't a completion (a proxy's HTML page, a truncated body).
            raise _RetryableCall(f"unreadable answer ({type(exc).__name__})") from exc
        if not getattr(response, "choices", None):
            raise _RetryableCall("answer without choices")
        choice = response.choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise SummarizerError(f"model refused: {redact(str(message.refusal))[:200]}")
        usage = response.usage
        return Reply(
            text=message.content,
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            cut=choice.finish_reason == "length",
        )
