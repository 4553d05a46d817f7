"""Email: one message a day per recipient over SMTP, multipart plain text + HTML.

The server comes from the secret ``DAILYPAPERS_SMTP_URL``: ``smtp://user:pass@host:587``
(STARTTLS; required whenever a password would travel, except to a loopback host) or
``smtps://user:pass@host:465`` (TLS from the first byte). User and password may be
percent-encoded. Sender and recipients are settings (``email_from``, ``email_to``).

Each recipient gets their own message (their address alone in To:, so a list is never
disclosed) and is recorded on its own: adding a recipient later sends them the day without
repeating it to the others. Deliveries are recorded under a hash of the address, not the
address, so a database committed to a public repository leaks no one's email. Bodies are
rendered by Jinja2 from ``render/templates/email/`` (HTML autoescaped).
"""

from __future__ import annotations

import hashlib
import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from ..config import Settings
from ..errors import ChannelDown, ConfigError, DeliveryError
from ..models import DayDigest
from ..render.pictures import picture_of
from ..secrets import redact, require_key
from .base import Channel, Item, day_key, paper_view, site_day_url


@dataclass
class SmtpServer:
    host: str
    port: int
    tls: str  # "ssl" (smtps) | "starttls"
    user: str | None
    password: str | None

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://user:pass@host:587`` -> SmtpServer; ConfigError (without the URL) if bad."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(
            "DAILYPAPERS_SMTP_URL is not an smtp:// or smtps:// URL",
            hint="use smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465",
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError("DAILYPAPERS_SMTP_URL has a bad port") from exc
    tls = "ssl" if parts.scheme == "smtps" else "starttls"
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if tls == "ssl" else 587),
        tls=tls,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def address_target(address: str) -> str:
    return "sha256:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dailypapers", "render/templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
    )


class EmailChannel(Channel):
    id = "email"
    key_env = "DAILYPAPERS_SMTP_URL"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        if not settings.email_to:
            raise ConfigError("email has no recipients",
                              hint="set DAILYPAPERS_EMAIL_TO (comma-separated) or email_to")
        if not settings.email_from or "@" not in parseaddr(settings.email_from)[1]:
            raise ConfigError("email needs a sender address",
                              hint="set DAILYPAPERS_EMAIL_FROM or email_from")
        self.sender: str = settings.email_from
        self.recipients = [a.strip() for a in settings.email_to if a.strip()]
        self._smtp: smtplib.SMTP | None = None

    # -------------------------------------------------------------------- composing

    def unsubscribe_url(self) -> str:
        if self.settings.email_unsubscribe:
            return self.settings.email_unsubscribe
        return f"mailto:{parseaddr(self.sender)[1]}?subject=unsubscribe"

    def subject(self, digest: DayDigest) -> str:
        count = len(digest.entries)
        return f"{self.settings.site_title} — {digest.date}: {count} paper{'s' * (count != 1)}"

    def pictures(self, digest: DayDigest) -> dict[str, dict[str, Any]]:
        """The papers' pictures, to attach as inline parts: arxiv id -> cid, alt, size, file."""
        out: dict[str, dict[str, Any]] = {}
        for entry in digest.entries:
            found = picture_of(self.settings, entry.paper.arxiv_id, entry.paper.version)
            if found is not None:
                cid = f"{found.path.rsplit('/', 1)[-1].rsplit('.', 1)[0]}@dailypapers"
                out[entry.paper.arxiv_id] = {"cid": cid, "alt": found.alt, "width": found.width,
                                             "path": str(found.jpeg)}
        return out

    def render(self, digest: DayDigest) -> tuple[str, str]:
        """(plain text, HTML) bodies of the day."""
        entries = sorted(digest.entries, key=lambda e: e.rank)
        context: dict[str, Any] = {
            "title": self.settings.site_title,
            "date": digest.date,
            "total": len(entries),
            "site_url": site_day_url(self.settings, digest.date),
            "papers": [paper_view(self.settings, e, n) for n, e in enumerate(entries, 1)],
            "unsubscribe_url": self.unsubscribe_url(),
            "subject": self.subject(digest),
            "images": self.pictures(digest),
        }
        env = _templates()
        text = env.get_template("email/day.txt").render(context)
        html = env.get_template("email/day.html").render(context)
        return text, html

    def items(self, digest: DayDigest) -> list[Item]:
        text, html = self.render(digest)
        subject = self.subject(digest)
        images = [(im["cid"], im["path"]) for im in self.pictures(digest).values()
                  if f"cid:{im['cid']}" in html]
        return [
            Item(day_key(digest.date), address_target(to), f"To: {to}\nSubject: {subject}\n\n"
                 + text, body={"to": to, "subject": subject, "text": text, "html": html,
                               **({"images": images} if images else {})})
            for to in self.recipients
        ]

    def alert_items(self, text: str) -> list[Item]:
        subject = f"dailypapers alert: {' '.join(text.split())[:120]}"
        return [Item("alert", address_target(to), text,
                     body={"to": to, "subject": subject, "text": text + "\n", "html": None})
                for to in self.recipients]

    def message(self, body: dict[str, Any]) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = body["to"]
        msg["Subject"] = body["subject"]
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or None
        msg["Message-ID"] = make_msgid("dailypapers", domain=domain)
        unsubscribe = self.unsubscribe_url()
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
        msg["List-Id"] = f"{self.settings.site_title} <dailypapers.{domain or 'localhost'}>"
        msg.set_content(body["text"])
        if body.get("html"):
            msg.add_alternative(body["html"], subtype="html")
            html_part = msg.get_body(preferencelist=("html",))
            for cid, path in body.get("images", []):
                if html_part is None:
                    break
                # Inline (multipart/related), referenced by cid: no remote image to fetch.
                html_part.add_related(Path(path).read_bytes(), maintype="image",
                                      subtype="jpeg", cid=f"<{cid}>", disposition="inline")
        return msg

    # -------------------------------------------------------------------- sending

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        url = require_key(self, alternative="remove email from channels")
        server = parse_smtp_url(url)
        timeout = self.settings.http_timeout
        context = ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if server.tls == "ssl":
                smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout,
                                        context=context)
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif server.password and not server.loopback:
                    smtp.quit()
                    raise ChannelDown(
                        f"{server.host} offers no STARTTLS: not sending the password in clear",
                        hint="use smtps://host:465, or a server that supports STARTTLS",
                    )
            if server.user and server.password:
                smtp.login(server.user, server.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise ChannelDown(f"SMTP login refused by {server.host}: {exc.smtp_code}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelDown(
                f"cannot reach the SMTP server {server.host}:{server.port}: "
                f"{redact(type(exc).__name__ + ': ' + str(exc))}"
            ) from exc
        self._smtp = smtp
        return smtp

    def send(self, batch: list[Item]) -> str | None:
        ids = []
        for item in batch:
            msg = self.message(item.body)
            smtp = self._connect()
            try:
                smtp.send_message(msg, from_addr=parseaddr(self.sender)[1],
                                  to_addrs=[parseaddr(item.body["to"])[1]])
            except smtplib.SMTPRecipientsRefused as exc:
                codes = ", ".join(str(code) for code, _ in exc.recipients.values())
                raise DeliveryError(f"recipient refused ({codes})") from exc
            except smtplib.SMTPResponseException as exc:
                raise DeliveryError(f"SMTP server answered {exc.smtp_code}") from exc
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                self._smtp = None
                raise ChannelDown(f"SMTP connection lost: {type(exc).__name__}") from exc
            ids.append(str(msg["Message-ID"]))
        return ",".join(ids) or None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
