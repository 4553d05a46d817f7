"""A Telegram Bot API stand-in on 127.0.0.1 that enforces the real limits.

It checks what the real API checks for ``parse_mode=HTML``: only the supported tags, properly
nested and closed, ``<``/``>``/``&`` escaped outside tags, at most 4,096 characters (UTF-16
code units) of text after entity parsing, 1,024 for captions; it answers 429 with
``parameters.retry_after`` when a chat goes over its message rate, and counts a client that
comes back before the wait is over. Fault injection: fail or hang at the N-th message.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*"[^"<>]*")*)\s*>')
_ATTR = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
TOKEN = "123456:TEST-token"


class EntityError(ValueError):
    pass


def parse_html(text: str) -> str:
    """The visible text of a Telegram HTML message, or EntityError as the API would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if not match:
                raise EntityError(f"Can't parse entities: unsupported start tag at offset {i}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise EntityError(f'Can\'t parse entities: unsupported tag "{name}"')
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(f'Can\'t parse entities: unmatched end tag "{name}"')
                stack.pop()
            else:
                values = dict(_ATTR.findall(attrs))
                if name == "a" and not values.get("href"):
                    raise EntityError("Can't parse entities: <a> without href")
                for value in values.values():
                    _check_entities(value)
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if not match:
                raise EntityError(f"Can't parse entities: bare & at offset {i}")
            out.append(html.unescape(match.group()))
            i = match.end()
        elif char == ">":
            raise EntityError(f"Can't parse entities: bare > at offset {i}")
        else:
            out.append(char)
            i += 1
    if stack:
        raise EntityError(f'Can\'t parse entities: unclosed tag "{stack[-1]}"')
    return "".join(out)


def _check_entities(value: str) -> None:
    for pos, char in enumerate(value):
        if char == "&" and not _ENTITY.match(value, pos):
            raise EntityError("Can't parse entities: bare & in an attribute")


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Received:
    method: str
    chat_id: str
    text: str  # visible text (message) or caption
    html: str
    fields: dict[str, str] = field(default_factory=dict)
    file: bytes | None = None
    file_name: str | None = None


class TelegramStandIn:
    """Run with ``with TelegramStandIn() as tg:``; ``tg.url`` is the API base."""

    def __init__(
        self, *, rate: tuple[int, float] | None = None, retry_after: int | None = None,
        fail_at: int | None = None, fail_status: int = 400, hang_at: int | None = None,
    ) -> None:
        self.rate = rate  # (messages, seconds) per chat
        self.retry_after = retry_after  # fixed retry_after, else until the window frees
        self.fail_at = fail_at  # the N-th message attempt (1-based) fails, later ones pass
        self.fail_status = fail_status
        self.hang_at = hang_at  # the N-th message attempt never gets an answer
        self.messages: list[Received] = []
        self.rejected: list[tuple[str, str]] = []  # (method, description)
        self.rate_limited = 0
        self.early_returns = 0  # requests that came back before retry_after was over
        self.attempts = 0
        self.hanging = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._times: dict[str, list[float]] = {}
        self._blocked_until: dict[str, float] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> TelegramStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def texts(self) -> list[str]:
        return [m.text for m in self.messages if m.method == "sendMessage"]

    # ------------------------------------------------------------------ the API

    def handle(self, method: str, token: str, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if token != TOKEN:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method not in ("sendMessage", "sendVoice", "sendAudio", "sendPhoto"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        chat = str(form.get("chat_id", ""))
        if not chat:
            return 400, _bad("chat_id is empty")
        with self._lock:
            now = time.monotonic()
            blocked = self._blocked_until.get(chat, 0.0)
            if now < blocked:
                self.early_returns += 1
                self.rate_limited += 1
                return 429, _too_many(math.ceil(blocked - now))
            if self.rate is not None:
                limit, window = self.rate
                recent = [t for t in self._times.get(chat, []) if now - t < window]
                self._times[chat] = recent
                if len(recent) >= limit:
                    wait = self.retry_after or math.ceil(recent[0] + window - now)
                    self._blocked_until[chat] = now + wait
                    self.rate_limited += 1
                    return 429, _too_many(wait)
            self.attempts += 1
            attempt = self.attempts
        if self.hang_at is not None and attempt == self.hang_at:
            self.hanging.set()
            self.release.wait(30)
            return -1, {}  # no answer: the connection is dropped
        if self.fail_at is not None and attempt == self.fail_at:
            return self.fail_status, {"ok": False, "error_code": self.fail_status,
                                      "description": "Internal Server Error (injected)"}
        markup = str(form.get("text" if method == "sendMessage" else "caption", ""))
        try:
            visible = parse_html(markup) if form.get("parse_mode") == "HTML" else markup
        except EntityError as exc:
            self.rejected.append((method, str(exc)))
            return 400, _bad(str(exc))
        limit = 4096 if method == "sendMessage" else 1024
        if method == "sendMessage" and not visible.strip():
            self.rejected.append((method, "message text is empty"))
            return 400, _bad("message text is empty")
        if utf16(visible) > limit:
            self.rejected.append((method, "too long"))
            return 400, _bad("message is too long" if limit == 4096 else "caption is too long")
        upload = form.get({"sendVoice": "voice", "sendPhoto": "photo"}.get(method, "audio"))
        if method == "sendPhoto" and isinstance(upload, tuple) and not (
                upload[1][:3] == b"\xff\xd8\xff" or upload[1][:8] == b"\x89PNG\r\n\x1a\n"):
            return 400, _bad("IMAGE_PROCESS_FAILED")
        if method != "sendMessage" and not isinstance(upload, tuple):
            return 400, _bad("there is no file in the request")
        with self._lock:
            self._times.setdefault(chat, []).append(time.monotonic())
            received = Received(method, chat, visible, markup,
                                {k: v for k, v in form.items() if isinstance(v, str)})
            if isinstance(upload, tuple):
                received.file_name, received.file = upload
            self.messages.append(received)
            message_id = len(self.messages)
        return 200, {"ok": True, "result": {"message_id": message_id, "chat": {"id": chat}}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not match:
                    self._answer(404, {"ok": False, "description": "Not Found"})
                    return
                form = _form(self.headers.get("Content-Type", ""), raw)
                status, body = standin.handle(match.group(2), match.group(1), form)
                if status < 0:
                    self.close_connection = True
                    return
                self._answer(status, body)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _bad(description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def _too_many(wait: int) -> dict[str, Any]:
    return {"ok": False, "error_code": 429,
            "description": f"Too Many Requests: retry after {wait}",
            "parameters": {"retry_after": wait}}


def _form(content_type: str, raw: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        data = json.loads(raw)
        return {k: v if isinstance(v, str | dict | list) else str(v) for k, v in data.items()}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        form: dict[str, Any] = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            filename = part.get_filename()
            form[name] = (filename, payload) if filename else payload.decode("utf-8")
        return form
    if content_type.startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qsl

        return dict(parse_qsl(raw.decode()))
    return {}
