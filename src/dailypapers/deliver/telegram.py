"""Telegram: the day's papers as HTML messages (and audio) through the Bot API over HTTP.

A day is a header (date, count, link to the site), one message per paper (every paper, or
the top N by upvotes), then, with audio on, the day's episode as MP3 and optionally a voice
note (OGG/Opus) per paper. Messages are built from spans, never from hand-joined markup:
every piece of text is escaped once, tags are always closed in order, and a message is cut
at line or word boundaries so its visible text stays under the 4,096-character limit
(counted in UTF-16 code units, as Telegram counts).

Telegram allows about 20 messages a minute in a group chat: a pacer spaces the calls, and a
429 answer's ``parameters.retry_after`` is honoured (bounded by ``retry_max_wait``) through
the one retry policy of :func:`dailypapers.http.retry_call`. The bot
token travels only in the request path and never appears in errors or logs.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx

from ..config import Settings
from ..errors import ChannelDown, ConfigError, DeliveryError
from ..http import Pacer, ResponseTooLarge, _Retry, request, retry_call
from ..models import DayDigest, DigestEntry
from ..render.pictures import picture_of
from ..secrets import require_key
from . import tts
from .base import (
    HttpChannel,
    Item,
    day_key,
    one_line,
    pack,
    paper_key,
    paper_view,
    selected_entries,
    site_day_url,
)

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
# Margin under the limit so a future emoji-width recount never tips a message over.
TEXT_BUDGET = 4000


# ------------------------------------------------------------------------------ HTML spans


@dataclass(frozen=True)
class Span:
    """A run of text with at most one formatting: b, i, code, or a link."""

    text: str
    tag: str | None = None  # b | i | code | a
    href: str | None = None

    def html(self) -> str:
        body = html.escape(self.text, quote=False)
        if self.tag is None:
            return body
        if self.tag == "a":
            return f'<a href="{html.escape(self.href or "", quote=True)}">{body}</a>'
        return f"<{self.tag}>{body}</{self.tag}>"


Line = list[Span]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_len(lines: Iterable[Line]) -> int:
    lines = list(lines)
    return sum(utf16_len(s.text) for line in lines for s in line) + max(0, len(lines) - 1)


def to_html(lines: Iterable[Line]) -> str:
    return "\n".join("".join(span.html() for span in line) for line in lines)


def _cut(text: str, budget: int) -> list[str]:
    """Pieces of ``text`` of at most ``budget`` UTF-16 units, cut at spaces when possible."""
    pieces: list[str] = []
    while utf16_len(text) > budget:
        # Find the longest prefix within budget (characters may be 2 units wide).
        end, used = 0, 0
        for char in text:
            width = 2 if ord(char) > 0xFFFF else 1
            if used + width > budget:
                break
            used += width
            end += 1
        space = text.rfind(" ", 0, end + 1)
        cut = space if space > end // 2 else end
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def split_lines(lines: list[Line], budget: int = TEXT_BUDGET) -> list[list[Line]]:
    """Group lines into messages whose visible text fits ``budget``; overlong spans are cut."""
    flat: list[Line] = []
    for line in lines:
        if visible_len([line]) <= budget:
            flat.append(line)
            continue
        current: Line = []
        used = 0
        for span in line:
            for piece in _cut(span.text, budget):
                width = utf16_len(piece)
                if current and used + width > budget:
                    flat.append(current)
                    current, used = [], 0
                current.append(Span(piece, span.tag, span.href))
                used += width
        if current:
            flat.append(current)
    return pack(flat, lambda chunk: visible_len(chunk) <= budget)


# --------------------------------------------------------------------------- message text


def header_lines(settings: Settings, digest: DayDigest, shown: int) -> list[Line]:
    total = len(digest.entries)
    count = f"{total} paper{'s' if total != 1 else ''}"
    if shown < total:
        count += f", the top {shown} by upvotes"
    lines: list[Line] = [
        [Span(f"{settings.site_title} — {digest.date}", "b")],
        [Span(count)],
    ]
    url = site_day_url(settings, digest.date)
    if url:
        lines.append([Span("Read them all on the site", "a", url)])
    return lines


def paper_lines(settings: Settings, entry: DigestEntry, number: int) -> list[Line]:
    """A paper's message: title, authors, the labelled parts, notes, then the links."""
    view = paper_view(settings, entry, number)
    lines: list[Line] = [[Span(f"{number}. {view.title}", "b")]]
    if view.meta:
        lines.append([Span(view.meta)])
    if view.reasons:
        lines.append([Span("Why: ", "b"), Span(view.reasons, "i")])
    lines.append([])
    for label, text in view.labelled:
        lines.append([Span(f"{label}:", "b"), Span(f" {text}")])
    if view.notes:
        lines.append([Span("⚠ " + "; ".join(view.notes), "i")])
    lines.append([])
    links: Line = []
    for label, url in view.links:
        links += [Span(" · ")] if links else []
        links.append(Span(label, "a", url))
    lines.append(links)
    return lines


# ------------------------------------------------------------------------------ the channel


class TelegramChannel(HttpChannel):
    id = "telegram"
    key_env = "TELEGRAM_BOT_TOKEN"

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        super().__init__(settings, client=client)
        chat = settings.telegram_chat_id or _env_chat_id()
        if not chat:
            raise ConfigError(
                "telegram needs a chat id",
                hint="set TELEGRAM_CHAT_ID (or DAILYPAPERS_TELEGRAM_CHAT_ID, or"
                " [telegram] chat_id in dailypapers.toml)",
            )
        self.chat_id = str(chat)
        self._token: str | None = None
        interval = 60.0 / settings.telegram_per_minute if settings.telegram_per_minute > 0 else 0
        self.pacer = Pacer(interval)

    # -------------------------------------------------------------------- composing

    def items(self, digest: DayDigest) -> list[Item]:
        entries = selected_entries(digest, self.settings.telegram_top_n)
        items: list[Item] = []
        header = header_lines(self.settings, digest, len(entries))
        items.append(Item(f"{day_key(digest.date)}:header", self.chat_id,
                          _preview(header), body=to_html(header)))
        for number, entry in enumerate(entries, 1):
            photo = self._photo_item(digest.date, entry, number)
            if photo is not None:
                items.append(photo)
            parts = split_lines(paper_lines(self.settings, entry, number))
            # A bounded number of messages per paper, whatever the paper's text holds.
            parts = parts[: self.settings.max_messages_per_paper]
            key = paper_key(digest.date, entry.paper.arxiv_id)
            for index, part in enumerate(parts):
                part_key = key if index == 0 else f"{key}#{index + 1}"
                items.append(Item(part_key, self.chat_id, _preview(part), body=to_html(part)))
        if self.settings.telegram_audio and entries:
            self.note = tts.audio_unavailable(self.settings)
            if self.note is None:
                items.extend(self._audio_items(digest, entries))
        return items

    def _photo_item(self, date: str, entry: DigestEntry, number: int) -> Item | None:
        """The paper's picture (sendPhoto) with its title and one line as the caption."""
        if not self.settings.telegram_photos:
            return None
        picture = picture_of(self.settings, entry.paper.arxiv_id, entry.paper.version)
        if picture is None:
            return None
        view = paper_view(self.settings, entry, number)
        lines: list[Line] = [[Span(f"{number}. {view.title}", "b")]]
        gist = entry.summary.one_line if entry.summary else ""
        if gist:
            lines.append([Span(one_line(gist))])
        caption = split_lines(lines, MAX_CAPTION - 24)[0]
        # A picture made after the paper's message went out (a worker that could not start,
        # a lost cache) is not sent on its own: it would repeat the title out of order.
        return Item(f"photo:{date}:{entry.paper.arxiv_id}", self.chat_id,
                    "[photo] " + _preview(caption),
                    body={"kind": "photo", "path": str(picture.jpeg), "caption": to_html(caption)},
                    before=paper_key(date, entry.paper.arxiv_id))

    def _audio_items(self, digest: DayDigest, entries: list[DigestEntry]) -> list[Item]:
        items: list[Item] = []
        if self.settings.telegram_voice:
            for entry in entries:
                title = one_line(entry.paper.title)
                items.append(Item(
                    f"voice:{digest.date}:{entry.paper.arxiv_id}", self.chat_id,
                    f"[voice note] {title}",
                    body={"kind": "voice", "text": tts.paper_script(entry),
                          "path": tts.paper_audio_path(
                              self.settings, digest.date, entry.paper.arxiv_id, "ogg"),
                          "caption": title},
                ))
        items.append(Item(
            f"episode:{digest.date}", self.chat_id,
            f"[audio] {self.settings.site_title} {digest.date}: {len(digest.entries)} papers",
            body={"kind": "audio",
                  "text": tts.episode_script(digest, self.settings.site_title, digest.entries),
                  "path": tts.episode_audio_path(self.settings, digest.date, "mp3"),
                  "caption": f"{self.settings.site_title} — {digest.date}"},
        ))
        return items

    def alert_items(self, text: str) -> list[Item]:
        lines: list[Line] = [[Span("dailypapers alert", "b")], [Span(text)]]
        return [Item("alert", self.chat_id, text, body=to_html(part))
                for part in split_lines(lines)]

    # -------------------------------------------------------------------- sending

    def send(self, batch: list[Item]) -> str | None:
        ids = []
        for item in batch:
            if isinstance(item.body, dict) and item.body.get("kind") == "photo":
                result = self.call("sendPhoto", data={
                    "chat_id": self.chat_id, "caption": item.body["caption"],
                    "parse_mode": "HTML"}, files={"photo": (
                        "picture.jpg", Path(item.body["path"]).read_bytes(), "image/jpeg")})
            elif isinstance(item.body, dict):
                result = self._send_audio(item.body)
            else:
                result = self.call("sendMessage", json={
                    "chat_id": self.chat_id, "text": item.body, "parse_mode": "HTML",
                    "link_preview_options": {"is_disabled": True},
                })
            ids.append(str(result.get("message_id", "")))
        return ",".join(ids) or None

    def _send_audio(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = body["kind"]
        fmt: tts.AudioFormat = "ogg" if kind == "voice" else "mp3"
        audio = tts.render_audio(self.settings, body["text"], body["path"], fmt)
        caption = html.escape(body["caption"], quote=False)
        if utf16_len(body["caption"]) > MAX_CAPTION - 24:
            caption = html.escape(_cut(body["caption"], MAX_CAPTION - 24)[0] + "…", quote=False)
        data = {"chat_id": self.chat_id, "caption": caption, "parse_mode": "HTML",
                "duration": str(max(1, round(audio.seconds)))}
        if kind == "audio":
            data["title"] = body["caption"][:200]
            data["performer"] = self.settings.site_title
        field = "voice" if kind == "voice" else "audio"
        mime = "audio/ogg" if kind == "voice" else "audio/mpeg"
        content = audio.path.read_bytes()
        method = "sendVoice" if kind == "voice" else "sendAudio"
        return self.call(method, data=data, files={field: (audio.path.name, content, mime)})

    def _bot_url(self, method: str) -> str:
        if self._token is None:
            self._token = require_key(
                self, alternative="create a bot with @BotFather and set its token")
        return f"{self.settings.telegram_url.rstrip('/')}/bot{self._token}/{method}"

    def call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """One Bot API call with bounded retries; returns ``result`` or raises.

        Retried: 429 (after ``retry_after``), 5xx, and connections that never opened. Not
        retried: a read timeout after the request went out (Telegram may have posted it), and
        4xx answers, which would fail the same way again.
        """
        url = self._bot_url(method)
        attempts = max(1, self.settings.http_retries)

        def attempt(number: int) -> dict[str, Any]:
            self.pacer.wait()
            try:
                # One answer at a time, whole within http_deadline (a trickling server
                # cannot hold the run) and small (a Bot API answer is a few hundred bytes).
                response = request(self.client, "POST", url, attempts=1,
                                   deadline=self.settings.http_deadline, max_bytes=1 << 20,
                                   **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                raise _Retry(f"cannot connect ({type(exc).__name__})") from exc
            except (httpx.TransportError, ResponseTooLarge) as exc:
                raise DeliveryError(
                    f"telegram {method}: no answer ({type(exc).__name__}); it may have been"
                    " posted and will be sent again next run"
                ) from exc
            body = _json(response)
            if response.status_code == 429:
                raise _Retry("rate limited", after=_retry_after(body, response),
                            response=response)
            if response.status_code >= 500:
                raise _Retry(f"HTTP {response.status_code}", response=response)
            return _result(method, response, body)

        try:
            return retry_call(attempt, attempts=attempts, max_wait=self.settings.retry_max_wait,
                              base_wait=self.settings.retry_base_wait,
                              what=f"telegram {method}", over_max="give_up")
        except _Retry as exc:
            if exc.response is None:
                raise ChannelDown(f"telegram: {exc}") from exc
            if exc.response.status_code == 429:
                raise ChannelDown(
                    f"telegram: rate limited for {exc.after or 0:.0f}s; the rest goes next run"
                ) from exc
            raise DeliveryError(f"telegram {method}: {exc}") from exc


def _result(method: str, response: httpx.Response, body: dict[str, Any]) -> dict[str, Any]:
    if not body.get("ok"):
        description = str(body.get("description") or f"HTTP {response.status_code}")[:300]
        params = body.get("parameters")
        if isinstance(params, dict) and params.get("migrate_to_chat_id"):
            raise ChannelDown(
                f"telegram: the group became a supergroup with chat id"
                f" {str(params['migrate_to_chat_id'])[:30]}",
                hint="set telegram_chat_id (or TELEGRAM_CHAT_ID) to the new id",
            )
        error_cls = ChannelDown if response.status_code in (401, 403, 404) else DeliveryError
        raise error_cls(f"telegram {method}: {description}")
    result = body.get("result")
    return result if isinstance(result, dict) else {}


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(body: dict[str, Any], response: httpx.Response) -> float:
    params = body.get("parameters")
    if isinstance(params, dict) and isinstance(params.get("retry_after"), int | float):
        return float(params["retry_after"])
    header = response.headers.get("retry-after", "")
    return float(header) if header.replace(".", "", 1).isdigit() else 1.0


def _env_chat_id() -> str | None:
    return os.environ.get("TELEGRAM_CHAT_ID") or None


def _preview(lines: list[Line]) -> str:
    return "\n".join("".join(span.text for span in line) for line in lines)
