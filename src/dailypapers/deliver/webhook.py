"""Webhooks: the day as JSON posts to a Slack- or Discord-style incoming webhook.

The URL is a secret (``DAILYPAPERS_WEBHOOK_URL``: whoever has it can post); its kind is the
setting ``webhook_kind`` (``slack`` or ``discord``). Each paper is one recorded item; papers
are packed into as few posts as the service allows (Slack: 50 blocks a message, 3,000
characters a text block; Discord: 10 embeds and 6,000 embed characters a message, 4,096 a
description, 256 a title), so a re-run posts only the papers that are missing.

Text is sent so it shows as written: Slack gets titles and summaries as ``plain_text``
(nothing to escape) and links as escaped ``mrkdwn``; Discord gets Markdown-escaped
descriptions, and mentions are disabled so a title saying ``@everyone`` pings no one.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx2 as httpx

from ..config import Settings
from ..errors import ChannelDown, ConfigError, DeliveryError
from ..http import Pacer, request
from ..models import DayDigest
from ..secrets import require_key
from .base import (
    ChannelPaper,
    HttpChannel,
    Item,
    day_key,
    pack,
    paper_key,
    paper_view,
    selected_entries,
    site_day_url,
)

SLACK_MAX_BLOCKS = 50
SLACK_MAX_TEXT = 3000
DISCORD_MAX_EMBEDS = 10
DISCORD_MAX_EMBED_CHARS = 6000
DISCORD_MAX_DESCRIPTION = 4096
DISCORD_MAX_TITLE = 256
DISCORD_MAX_CONTENT = 2000
KINDS = ("slack", "discord")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_escape(text: str) -> str:
    """Slack mrkdwn: only &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, label: str) -> str:
    # Inside <url|label> a '|' or '>' would end the link early; our labels are fixed words.
    return f"<{url.replace('|', '%7C').replace('>', '%3E')}|{slack_escape(label)}>"


_DISCORD_MD = re.compile(r"([\\*_~`|\[\]])")
_DISCORD_LINE_START = re.compile(r"^([#>-])", re.MULTILINE)


def discord_escape(text: str) -> str:
    """Backslash-escape Discord Markdown (inline marks anywhere, block marks at line start)."""
    return _DISCORD_LINE_START.sub(r"\\\1", _DISCORD_MD.sub(r"\\\1", text))


def _target(url: str) -> str:
    return "sha256:" + hashlib.sha256(url.encode()).hexdigest()[:16]


class WebhookChannel(HttpChannel):
    id = "webhook"
    key_env = "DAILYPAPERS_WEBHOOK_URL"

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        super().__init__(settings, client=client)
        if settings.webhook_kind not in KINDS:
            raise ConfigError(f"unknown webhook_kind {settings.webhook_kind!r}",
                              hint=f"known: {', '.join(KINDS)}")
        self.kind = settings.webhook_kind
        self.url = require_key(self, alternative="remove webhook from channels")
        self.target = _target(self.url)
        # Discord allows 5 posts per 2 s per webhook and Slack about 1 a second.
        self.pacer = Pacer(1.0)

    # -------------------------------------------------------------------- composing

    def items(self, digest: DayDigest) -> list[Item]:
        entries = selected_entries(digest, self.settings.telegram_top_n)
        total = len(digest.entries)
        head = f"{self.settings.site_title} — {digest.date}: {total} paper{'s' * (total != 1)}"
        if len(entries) < total:
            head += f", the top {len(entries)} by upvotes"
        url = site_day_url(self.settings, digest.date)
        items = [Item(f"{day_key(digest.date)}:header", self.target, head,
                      body=self._header(head, url))]
        for number, entry in enumerate(entries, 1):
            view = paper_view(self.settings, entry, number)
            items.append(Item(paper_key(digest.date, view.arxiv_id), self.target,
                              f"{number}. {view.title}", body=self._paper(view)))
        return items

    def _header(self, head: str, url: str | None) -> dict[str, Any]:
        if self.kind == "slack":
            blocks: list[dict[str, Any]] = [
                {"type": "header", "text": {"type": "plain_text", "text": _clip(head, 150)}}]
            if url:
                blocks.append({"type": "context", "elements": [
                    {"type": "mrkdwn", "text": slack_link(url, "Read them all on the site")}]})
            return {"blocks": blocks, "text": slack_escape(head)}
        content = f"**{discord_escape(head)}**" + (f"\n<{url}>" if url else "")
        return {"content": content, "text": head}

    def _paper(self, view: ChannelPaper) -> dict[str, Any]:
        notes = "; ".join(view.notes)
        # A reader's ranked selection says first why the paper is there.
        labelled = ([("Why", view.reasons)] if view.reasons else []) + list(view.labelled)
        heading = f"{view.number}. {view.title}"
        if self.kind == "slack":
            links = " · ".join(slack_link(url, label) for label, url in view.links)
            context = [{"type": "mrkdwn", "text": links}]
            if view.meta:
                context.insert(0, {"type": "plain_text", "text": _clip(view.meta, 2000)})
            blocks: list[dict[str, Any]] = [
                {"type": "section", "text": {"type": "plain_text", "emoji": True,
                                             "text": _clip(heading, 3000)}},
            ]
            if labelled:
                # rich_text keeps the text verbatim (no mrkdwn read into it) with bold labels.
                elements: list[dict[str, Any]] = []
                for n, (label, text) in enumerate(labelled):
                    elements.append({"type": "text", "text": f"{label}: ",
                                     "style": {"bold": True}})
                    tail = "\n" if n + 1 < len(labelled) else ""
                    elements.append({"type": "text", "text": _clip(text, SLACK_MAX_TEXT) + tail})
                blocks.append({"type": "rich_text", "elements": [
                    {"type": "rich_text_section", "elements": elements}]})
            if notes:
                blocks.append({"type": "context", "elements": [
                    {"type": "plain_text", "text": _clip("⚠ " + notes, 2000)}]})
            blocks.append({"type": "context", "elements": context})
            blocks.append({"type": "divider"})
            return {"blocks": blocks, "text": slack_escape(heading)}
        lines = [f"**{discord_escape(label)}:** {discord_escape(text)}"
                 for label, text in labelled]
        if notes:
            lines.append("*" + discord_escape("⚠ " + notes) + "*")
        links = " · ".join(f"[{label}]({url})" for label, url in view.links)
        # Clip the parts, never the links: they are what the reader clicks through to.
        room = DISCORD_MAX_DESCRIPTION - len(links) - 1
        description = _clip("\n".join(lines), room) + "\n" + links
        embed: dict[str, Any] = {
            "title": _clip(heading, DISCORD_MAX_TITLE),
            "url": view.page_url or view.abs_url,
            "description": description,
        }
        if view.meta:
            embed["footer"] = {"text": _clip(view.meta, 2048)}
        return {"embed": embed, "text": heading}

    def batches(self, items: list[Item]) -> list[list[Item]]:
        return pack(items, self._fits)

    def _fits(self, batch: list[Item]) -> bool:
        if self.kind == "slack":
            return sum(len(i.body.get("blocks", [])) for i in batch) <= SLACK_MAX_BLOCKS
        embeds = [i.body["embed"] for i in batch if "embed" in i.body]
        chars = sum(len(e["title"]) + len(e["description"]) + len(e.get("footer", {}).get(
            "text", "")) for e in embeds)
        return len(embeds) <= DISCORD_MAX_EMBEDS and chars <= DISCORD_MAX_EMBED_CHARS

    def payload(self, batch: list[Item]) -> dict[str, Any]:
        fallback = _clip("\n".join(i.body["text"] for i in batch), DISCORD_MAX_CONTENT)
        if self.kind == "slack":
            blocks = [b for i in batch for b in i.body["blocks"]]
            return {"text": fallback, "blocks": blocks, "unfurl_links": False}
        contents = [i.body["content"] for i in batch if "content" in i.body]
        return {
            "content": _clip("\n".join(contents), DISCORD_MAX_CONTENT) if contents else "",
            "embeds": [i.body["embed"] for i in batch if "embed" in i.body],
            "allowed_mentions": {"parse": []},
        }

    def alert_items(self, text: str) -> list[Item]:
        body: dict[str, Any]
        if self.kind == "slack":
            body = {"blocks": [{"type": "section", "text": {
                "type": "plain_text", "text": _clip("dailypapers alert: " + text, 3000)}}],
                "text": "dailypapers alert"}
        else:
            body = {"content": _clip("**dailypapers alert:** " + discord_escape(text),
                                     DISCORD_MAX_CONTENT), "text": "dailypapers alert"}
        return [Item("alert", self.target, text, body=body)]

    # -------------------------------------------------------------------- sending

    def send(self, batch: list[Item]) -> str | None:
        params = {"wait": "true"} if self.kind == "discord" else None
        self.pacer.wait()
        try:
            response = request(
                self.client, "POST", self.url, json=self.payload(batch), params=params,
                attempts=self.settings.http_retries, max_wait=self.settings.retry_max_wait,
                deadline=self.settings.http_deadline, max_bytes=1 << 20,
            )
        except httpx.RequestError as exc:  # transport errors, deadline, oversized answer
            raise ChannelDown(f"webhook unreachable ({type(exc).__name__})") from exc
        if response.status_code in (401, 403, 404):
            raise ChannelDown(f"webhook refused: HTTP {response.status_code} (revoked URL?)")
        if response.status_code == 429:
            raise ChannelDown("webhook rate limited; the rest goes next run")
        if response.status_code >= 300:
            raise DeliveryError(f"webhook answered HTTP {response.status_code}: "
                                f"{response.text[:200]}")
        if self.kind == "discord":
            try:
                return str(response.json().get("id") or "") or None
            except ValueError:
                return None
        return None
