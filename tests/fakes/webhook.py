"""An incoming-webhook stand-in (Slack or Discord): records what is posted, can fail on cue."""

from __future__ import annotations

import json
from typing import Any

from werkzeug import Request, Response


class Hook:
    """Records posted JSON; can fail the N-th post."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.posts: list[dict[str, Any]] = []
        self.queries: list[str] = []
        self.fail_at = fail_at
        self.calls = 0

    def __call__(self, request: Request) -> Response:
        self.calls += 1
        if self.fail_at == self.calls:
            return Response("invalid_payload (injected)", status=400)
        self.posts.append(json.loads(request.get_data()))
        self.queries.append(request.query_string.decode())
        if request.args.get("wait") == "true":
            return Response(json.dumps({"id": str(1000 + len(self.posts))}),
                            content_type="application/json")
        return Response("ok")
