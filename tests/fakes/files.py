"""A folder served over HTTP on 127.0.0.1, with the paths it was asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any


@dataclass
class ServedFolder:
    url: str  # "http://127.0.0.1:PORT", no trailing slash
    asked: list[str] = field(default_factory=list)  # request paths, in order


@contextmanager
def serve_folder(folder: Path, content_type: str | None = None) -> Iterator[ServedFolder]:
    """Serve ``folder`` (every file as ``content_type`` when given) until the block ends."""
    served = ServedFolder("")

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def guess_type(self, path: Any) -> str:
            return content_type or super().guess_type(path)

        def do_GET(self) -> None:
            served.asked.append(self.path)
            super().do_GET()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_port}"
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
