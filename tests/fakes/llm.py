"""Test helpers for the LLM backends: a real HTTP server on 127.0.0.1 speaking the OpenAI
chat-completions and Gemini generateContent wire formats, driven by a per-test script."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dailypapers.models import FullText, Paper, Section

GOOD = {
    "one_line": "The paper introduces TinyNet, a small vision model.",
    "objective": "It asks whether a 7B model can match larger ones on ImageNet.",
    "method": "TinyNet distills a teacher into 7B parameters with a new loss.",
    "results": "TinyNet reaches 88.5% top-1 accuracy on ImageNet, 2.3 points above the baseline.",
    "implication": "Practitioners can deploy a smaller model at similar accuracy.",
    "keywords": ["distillation", "vision"],
}
PAPER_TEXT = (
    "Abstract. We introduce TinyNet, a 7B vision model. TinyNet reaches 88.5% top-1 "
    "accuracy on ImageNet, 2.3 points above the baseline.\n\n1 Introduction\nSmall models "
    "matter. We distill a teacher with a new loss."
)


def paper(arxiv_id: str = "2501.00001", text: str = PAPER_TEXT) -> tuple[Paper, FullText]:
    p = Paper(arxiv_id=arxiv_id, title="TinyNet: small vision models", abstract=text[:160],
              version=1)
    ft = FullText(arxiv_id=arxiv_id, version=1, source="pdf", text=text,
                  sections=[Section("abstract", "Abstract", text)])
    return p, ft


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # dict -> JSON; str -> raw
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def chat_body(content: str | dict[str, Any], tokens_in: int = 100, tokens_out: int = 50) -> (
    dict[str, Any]
):
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                  "total_tokens": tokens_in + tokens_out},
    }


def gemini_body(content: str | dict[str, Any], tokens_in: int = 100, tokens_out: int = 50) -> (
    dict[str, Any]
):
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": tokens_in, "candidatesTokenCount": tokens_out,
                          "totalTokenCount": tokens_in + tokens_out},
    }


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeLLM:
    """``script(seen) -> Answer``; by default every request gets the GOOD summary."""

    def __init__(self, script: Callable[[Seen], Answer] | None = None) -> None:
        self.script = script or (lambda seen: Answer(body=self.default_body(seen)))
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.url = ""

    def default_body(self, seen: Seen) -> dict[str, Any]:
        if ":generateContent" in seen.path:
            return gemini_body(GOOD)
        return chat_body(GOOD)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b"{}"
        seen = Seen(handler.path, {k.lower(): v for k, v in handler.headers.items()},
                    json.loads(raw or b"{}"))
        with self.lock:
            self.seen.append(seen)
        answer = self.script(seen)
        if answer.delay:
            time.sleep(answer.delay)
        body = answer.body if answer.body is not None else self.default_body(seen)
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in answer.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test): nothing to answer


@contextmanager
def serve(fake: FakeLLM) -> Iterator[FakeLLM]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            fake.handle(self)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()

