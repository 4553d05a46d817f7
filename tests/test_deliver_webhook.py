"""Webhook delivery (Slack and Discord payload shapes) through a real HTTP server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fakes.days import NASTY_TITLES, make_store
from fakes.webhook import Hook
from pytest_httpserver import HTTPServer

from dailypapers.config import Settings, load_settings
from dailypapers.deliver import deliver_day, send_alert
from dailypapers.errors import ConfigError

DATE = "2025-01-15"


def hook_settings(work: Path, kind: str, **extra: object) -> Settings:
    values: dict[str, object] = {"webhook_kind": kind, "channels": ["webhook"],
                                 "site_url": "https://papers.example.org", "http_retries": 1}
    values.update(extra)
    return load_settings(work, **values)


@pytest.fixture
def hook(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Hook:
    recorder = Hook()
    httpserver.expect_request("/hooks/T0/B0/secret", method="POST").respond_with_handler(recorder)
    monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", httpserver.url_for("/hooks/T0/B0/secret"))
    return recorder


def _slack_text(post: dict[str, Any]) -> str:
    texts = []
    for block in post["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if element["type"] == "rich_text_section":  # labelled parts: bold label + text
                texts.append("".join(e["text"] for e in element["elements"]))
            else:
                texts.append(element["text"])
    return "\n".join(texts)


def test_slack_payload_shape_and_intact_text(isolated_env: Path, hook: Hook) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=14)
    report = deliver_day(store, hook_settings(isolated_env, "slack"), DATE)
    assert report.status == "ok", report.line()
    assert len(hook.posts) == 2  # 15 items do not fit in 50 blocks: split in two posts
    for post in hook.posts:
        assert isinstance(post["text"], str) and post["text"]
        assert len(post["blocks"]) <= 50
        for block in post["blocks"]:
            assert block["type"] in {"header", "section", "context", "divider", "rich_text"}
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
    assert hook.posts[0]["blocks"][0]["type"] == "header"
    everything = "\n".join(_slack_text(p) for p in hook.posts)
    digest = store.load_digest(DATE)
    assert digest is not None
    for entry in digest.entries:
        assert " ".join(entry.paper.title.split()) in everything  # plain_text: verbatim
        assert entry.summary is not None and entry.summary.results in everything
    # Links are mrkdwn with escaped labels and no raw '|' inside the URL part.
    assert "<https://arxiv.org/abs/2501.08300|arXiv>" in everything
    day_link = "<https://papers.example.org/days/2025-01-15.html|Read them all on the site>"
    assert day_link in everything
    again = deliver_day(store, hook_settings(isolated_env, "slack"), DATE)
    assert again.sent == 0 and len(hook.posts) == 2


def test_discord_payload_shape_and_escaping(isolated_env: Path, hook: Hook) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=12)
    report = deliver_day(store, hook_settings(isolated_env, "discord"), DATE)
    assert report.status == "ok", report.line()
    assert all(q == "wait=true" for q in hook.queries)
    assert len(hook.posts) >= 2  # 12 papers cannot fit in one post of 10 embeds
    for post in hook.posts:
        assert post["allowed_mentions"] == {"parse": []}
        assert len(post["content"]) <= 2000
        assert len(post["embeds"]) <= 10
        size = sum(len(e["title"]) + len(e["description"]) + len(e.get("footer", {})
                   .get("text", "")) for e in post["embeds"])
        assert size <= 6000
        for embed in post["embeds"]:
            assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    embeds = [e for p in hook.posts for e in p["embeds"]]
    assert len(embeds) == 12
    first = embeds[0]
    assert first["title"] == "1. " + NASTY_TITLES[0]
    shown = re.sub(r"\\(.)", r"\1", first["description"])  # what Discord renders
    assert "It reaches 88.5% on <MMLU> & 2× speed-up, p < 0.05 😀." in shown
    assert "\\|" in first["description"] or "|" not in shown
    rows = store.deliveries("webhook")
    assert len(rows) == 13 and all(r["message_id"] for r in rows)
    assert all("secret" not in r["target"] for r in rows)


def test_failed_post_is_retried_next_run_without_repeats(
    isolated_env: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Hook(fail_at=2)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(recorder)
    monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", httpserver.url_for("/hook"))
    store = make_store(isolated_env / "dailypapers.db", n=12)
    settings = hook_settings(isolated_env, "discord")
    first = deliver_day(store, settings, DATE)
    assert first.status == "partial" and first.failed >= 1
    second = deliver_day(store, settings, DATE)
    assert second.status == "ok"
    titles = [e["title"] for p in recorder.posts for e in p["embeds"]]
    assert len(titles) == 12 and len(set(titles)) == 12


def test_webhook_alert(isolated_env: Path, hook: Hook) -> None:
    assert send_alert(hook_settings(isolated_env, "slack", alert_channel="webhook"),
                      "empty day: <nothing> & more")
    assert "empty day: <nothing> & more" in _slack_text(hook.posts[0])


def test_unknown_kind_and_missing_url(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=1)
    with pytest.raises(ConfigError, match="webhook-kind='teams'"):
        hook_settings(isolated_env, "teams")  # the setting itself is checked on load
    bypassed = hook_settings(isolated_env, "slack").model_copy(update={"webhook_kind": "teams"})
    report = deliver_day(store, bypassed, DATE)
    assert "unknown webhook_kind" in report.line()
    report = deliver_day(store, hook_settings(isolated_env, "slack"), DATE)
    assert "DAILYPAPERS_WEBHOOK_URL" in report.line()
