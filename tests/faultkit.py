"""Helpers for the fault suite: days the tests write, a recording chat server, CLI runs.

Everything here is made by the tests themselves (no recorded data): HF daily_papers answers,
a loopback server standing in for the Telegram Bot API (and Slack/Discord webhooks) that
records what it was sent, and a way to run the real ``dailypapers`` command in a process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456:FAULT-test-token-abcdefghijklmnop"
CHAT = "-100777"
DATE = "2025-03-04"


def hf_item(n: int, **paper: Any) -> dict[str, Any]:
    """One daily_papers item for a made-up paper ``2503.<n>``."""
    body: dict[str, Any] = {
        "id": f"2503.{10000 + n}",
        "title": f"Paper {n}: a study of things",
        "summary": f"We study thing {n}. Our method reaches 91.{n}% accuracy on the benchmark.",
        "authors": [{"name": f"Author {n}-{j}"} for j in range(3)],
        "upvotes": 100 - n,
    }
    body.update(paper)
    return {"paper": body, "title": body["title"], "numComments": 1}


def write_day(path: Path, items: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


@dataclass
class Received:
    path: str
    fields: dict[str, Any]
    at: float


class ChatServer:
    """A loopback stand-in for the Bot API and chat webhooks; records every accepted post.

    ``delay`` seconds pass before each answer (to make runs overlap); ``status`` answers
    every post with that HTTP status instead.
    """

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._next_id = 1
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                ctype = self.headers.get("content-type", "")
                if "json" in ctype:
                    fields = json.loads(raw or b"{}")
                elif "form-urlencoded" in ctype:
                    fields = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    fields = {"raw": raw[:2000].decode("latin-1")}
                time.sleep(server.delay)
                with server._lock:
                    server.received.append(Received(self.path, fields, time.monotonic()))
                    message_id = server._next_id
                    server._next_id += 1
                body = json.dumps({"ok": True, "result": {"message_id": message_id}}).encode()
                try:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client was killed after sending: it was received
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def texts(self) -> list[str]:
        return [str(r.fields.get("text", "")) for r in self.received]


def telegram_dir(root: Path, chat_url: str, items: list[dict[str, Any]], **extra: Any) -> Path:
    """A working dir whose runs read ``day.json`` and send to the stand-in Telegram."""
    root.mkdir(parents=True, exist_ok=True)
    write_day(root / "day.json", items)
    settings: dict[str, Any] = {
        "source": "file", "fulltext": False, "site": False, "channels": ["telegram"],
        "telegram_url": chat_url, "telegram_chat_id": CHAT, "telegram_audio": False,
        "telegram_per_minute": 0, "min_papers": 1, **extra,
    }
    lines = [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    (root / "dailypapers.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, **extra})
    return env


def cli(root: Path, *args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "dailypapers", *args, "--dir", str(root)]
    return subprocess.run(cmd, env=env or cli_env(), capture_output=True, text=True,
                          timeout=timeout)


def popen(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "dailypapers", *args, "--dir", str(root)]
    return subprocess.Popen(cmd, env=env or cli_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


class TrickleServer:
    """Answers every request 200 with a declared body it then sends one byte at a time.

    ``every`` seconds between bytes; the body is ``body`` (long enough to outlast any test).
    ``content_type`` sets the header. It stops dripping when the test leaves the ``with``.
    """

    def __init__(self, *, every: float = 0.2, body: bytes = b"[" + b" " * 100_000 + b"]",
                 content_type: str = "application/json") -> None:
        self.every = every
        self.body = body
        self.content_type = content_type
        self.requests = 0
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _drip(self) -> None:
                server.requests += 1
                self.send_response(200)
                self.send_header("content-type", server.content_type)
                self.send_header("content-length", str(len(server.body)))
                self.end_headers()
                for i in range(len(server.body)):
                    if server.stop.wait(server.every):
                        return
                    try:
                        self.wfile.write(server.body[i:i + 1])
                        self.wfile.flush()
                    except OSError:
                        return

            def do_GET(self) -> None:
                self._drip()

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                self._drip()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> TrickleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()


def hostile_pdf(path: Path, *, text_mb: int = 300, pages: int = 1) -> Path:
    """A small PDF whose compressed content streams expand to ``text_mb`` MB of text-drawing
    operators per page (a "zip bomb" for extractors); tens of KB on disk."""
    import zlib

    from fakes.pdfkit import pdf_bytes

    line = b"(" + b"A hostile line of text that repeats and repeats " * 4 + b") Tj T*\n"
    repeat = (text_mb << 20) // len(line)
    comp = zlib.compressobj(9)
    parts = [comp.compress(b"BT /F1 4 Tf 5 TL 10 780 Td\n")]
    block = line * 4096
    for _ in range(repeat // 4096):
        parts.append(comp.compress(block))
    parts.append(comp.compress(b"ET\n"))
    parts.append(comp.flush())
    stream = b"".join(parts)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    font = 3 + 2 * pages
    for i in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R"
            f" /Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                       + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    path.write_bytes(pdf_bytes(objects))
    return path


class HeaderTrickleServer:
    """Accepts a request, then sends its status line and headers one byte every ``every``
    seconds, never finishing them (no per-read timeout notices: bytes keep arriving)."""

    def __init__(self, *, every: float = 0.1) -> None:
        import socket

        self.every = every
        self.requests = 0
        self.stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.requests += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: Any) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(1 << 16)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000:
                    if self.stop.wait(self.every):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def __enter__(self) -> HeaderTrickleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._sock.close()


def published_text(root: Path, *, skip: tuple[str, ...] = ("day.json",)) -> str:
    """Every file under ``root`` (site, feeds, archive, JSON, ledger, database), as text."""
    parts = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name not in skip:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)
