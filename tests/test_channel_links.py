"""Every link we send names a file the site build wrote, in every channel and feed.

Builds the archive and the site for a day, delivers the day to every channel's loopback
stand-in (Telegram Bot API, SMTP, Slack and Discord webhooks) and makes the podcast when
speech is available here; then collects every URL in every message and feed. A URL under
``site_url`` must name a file in ``site/``; any other URL must be one of the paper's own
sources. Each paper message must link to both our paper page and arXiv.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fakes.days import make_store
from fakes.smtp import smtp_server
from fakes.telegram import TOKEN, TelegramStandIn
from fakes.webhook import Hook
from pytest_httpserver import HTTPServer

from dailypapers.config import Settings, load_settings
from dailypapers.deliver import deliver_day
from dailypapers.pipeline import publish
from dailypapers.render import paths
from dailypapers.store import Store

DATE = "2025-01-15"
SITE_URL = "https://papers.example.org/daily/"
_MD_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|")
_BARE = re.compile(r"https?://[^\s<>\"')\]]+")


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


def hrefs(markup: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(markup)
    return parser.urls


def _settings(work: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "site_url": SITE_URL, "site_workers": 1, "telegram_chat_id": "-10042",
        "telegram_audio": False, "telegram_per_minute": 600000.0, "http_retries": 1,
        "email_from": "Daily <daily@example.org>", "email_to": ["ann@example.org"],
        "channels": ["telegram", "email", "webhook"],
    }
    values.update(extra)
    return load_settings(work, **values)


def _webhook_urls(posts: list[dict[str, object]]) -> list[str]:
    text = json.dumps(posts)
    urls = _SLACK_LINK.findall(text) + _MD_LINK.findall(text)
    urls += [str(e["url"]) for p in posts for e in p.get("embeds", [])  # type: ignore[attr-defined]
             if "url" in e]
    return urls + re.findall(r"\\n<(https?://[^>]+)>", text)  # Discord header: <url>


def _feed_urls(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    urls = [el.get("href", "") for el in root.iter() if el.tag.endswith("link") and el.get("href")]
    urls += [el.text or "" for el in root.iter() if el.tag == "link" and el.text]
    urls += [el.get("url", "") for el in root.iter() if el.tag == "enclosure"]
    for el in root.iter():
        if el.tag.endswith(("content", "description")) and el.text:
            urls += hrefs(el.text)
    return urls


def test_every_link_in_every_message_names_a_built_file(
    isolated_env: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = _settings(isolated_env)
    store: Store = make_store(settings.db_path)
    publish(store, settings, DATE)
    digest = store.load_digest(DATE)
    assert digest is not None
    sources: set[str] = set()
    for entry in digest.entries:
        paper = entry.paper
        sources |= {paper.abs_url, paper.pdf_url, paper.hf_url}
        sources |= {u for u in (paper.github_repo, paper.project_page) if u}

    received: dict[str, list[list[str]]] = {}  # channel -> one URL list per message
    slack, discord = Hook(), Hook()
    httpserver.expect_request("/slack", method="POST").respond_with_handler(slack)
    httpserver.expect_request("/discord", method="POST").respond_with_handler(discord)
    with TelegramStandIn() as tg, smtp_server(monkeypatch) as mailbox:
        monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", httpserver.url_for("/slack"))
        report = deliver_day(store, settings.model_copy(
            update={"telegram_url": tg.url, "webhook_kind": "slack"}), DATE)
        assert report.status == "ok", report.line()
        monkeypatch.setenv("DAILYPAPERS_WEBHOOK_URL", httpserver.url_for("/discord"))
        report = deliver_day(store, settings.model_copy(
            update={"channels": ["webhook"], "webhook_kind": "discord"}), DATE)
        assert report.status == "ok", report.line()
    assert not tg.rejected
    received["telegram"] = [hrefs(m.html) for m in tg.messages]
    (_to, mail), = mailbox.messages
    html_part = mail.get_body(("html",))
    text_part = mail.get_body(("plain",))
    assert html_part is not None and text_part is not None
    received["email html"] = [hrefs(html_part.get_content())]
    received["email text"] = [_BARE.findall(text_part.get_content())]
    received["slack"] = [_webhook_urls([p]) for p in slack.posts]
    received["discord"] = [_webhook_urls([p]) for p in discord.posts]
    site = paths.site_root(settings)
    for name in (paths.ATOM, paths.RSS):
        received[name] = [_feed_urls((site / name).read_bytes())]

    if shutil.which("espeak-ng") or shutil.which("espeak"):
        pytest.importorskip("soundfile")
        from dailypapers.deliver.podcast import publish_audio

        publish_audio(store, settings, DATE)
        received["podcast"] = [_feed_urls((site / paths.PODCAST).read_bytes())]

    checked_site = 0
    for channel, messages in received.items():
        assert any(messages), f"{channel}: no links at all"
        for urls in messages:
            for url in urls:
                if url.startswith(SITE_URL):
                    rel = url.removeprefix(SITE_URL)
                    assert (site / (rel or paths.HOME)).is_file(), f"{channel}: dead link {url}"
                    checked_site += 1
                elif not url.startswith("mailto:"):
                    assert url in sources, f"{channel}: unexpected link {url}"

    # Each paper, in each per-paper channel, links to our page and to arXiv.
    for entry in digest.entries:
        page = SITE_URL + paths.paper_path(entry.paper.arxiv_id)
        for channel in ("telegram", "email html", "email text", "slack", "discord", paths.ATOM,
                        paths.RSS):
            everything = {u for urls in received[channel] for u in urls}
            assert page in everything, f"{channel}: no link to {page}"
            assert entry.paper.abs_url in everything, f"{channel}: no arXiv link"
    assert checked_site >= 7 * len(digest.entries)
