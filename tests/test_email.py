"""Email delivery through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import html
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fakes.days import make_store
from fakes.smtp import Mailbox, free_port, smtp_server

from dailypapers.config import Settings, load_settings
from dailypapers.deliver import deliver_day
from dailypapers.deliver.email import EmailChannel, address_target, parse_smtp_url
from dailypapers.deliver.recipients import record_key
from dailypapers.errors import ConfigError

DATE = "2025-01-15"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_server(monkeypatch) as box:
        yield box


def mail_settings(work: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "email_from": "Daily Papers <papers@example.org>",
        "email_to": ["ann@example.org", "bob@example.net"],
        "site_url": "https://papers.example.org", "channels": ["email"],
    }
    values.update(extra)
    return load_settings(work, **values)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return " ".join("".join(parser.parts).split())


def test_one_message_per_recipient_with_both_parts_and_every_paper(
    isolated_env: Path, smtp: Mailbox
) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=5)
    report = deliver_day(store, mail_settings(isolated_env), DATE)
    assert report.status == "ok", report.line()
    assert smtp.logins == [(b"digest", b"p@ss:w/rd")]  # one connection, authenticated
    assert sorted(rcpt for rcpt, _ in smtp.messages) == [["ann@example.org"],
                                                         ["bob@example.net"]]
    digest = store.load_digest(DATE)
    assert digest is not None
    for rcpt, msg in smtp.messages:
        assert msg["To"] == rcpt[0]  # nobody sees the other recipients
        assert msg["Subject"] == "Daily Papers — 2025-01-15: 5 papers"
        assert msg["List-Unsubscribe"] == "<mailto:papers@example.org?subject=unsubscribe>"
        assert msg["Message-ID"].endswith("@example.org>")
        assert msg.get_content_type() == "multipart/alternative"
        text_part = msg.get_body(("plain",))
        html_part = msg.get_body(("html",))
        assert text_part is not None and html_part is not None
        text = text_part.get_content()
        markup = html_part.get_content()
        page = visible(markup)
        assert "<script" not in markup and "<b>not bold</b>" not in markup
        for entry in digest.entries:
            title = " ".join(entry.paper.title.split())
            assert title in text
            assert title in page
            assert entry.summary is not None
            assert entry.summary.one_line in text and entry.summary.one_line in page
            assert entry.summary.results in text
            assert html.escape(entry.paper.abs_url) in markup
        assert "🚀" in text and "not found in the paper: 88.5%" in page
        assert "https://papers.example.org/days/2025-01-15.html" in markup
    rows = store.deliveries("email")
    # Each recipient as a hash keyed by the SMTP secret (deliver/recipients.py).
    channel = EmailChannel(mail_settings(isolated_env))
    assert {r["target"] for r in rows} == {
        record_key(channel, address_target(a)) for a in ("ann@example.org", "bob@example.net")}
    assert all(r["target"].startswith("k1:") for r in rows)
    assert not any("example" in r["target"] for r in rows)  # no addresses in the store


def test_rerun_sends_only_to_new_recipients(isolated_env: Path, smtp: Mailbox) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=2)
    deliver_day(store, mail_settings(isolated_env), DATE)
    again = deliver_day(store, mail_settings(isolated_env), DATE)
    assert again.sent == 0 and again.channels[0].already == 2
    more = mail_settings(isolated_env,
                         email_to=["ann@example.org", "bob@example.net", "cy@example.com"])
    third = deliver_day(store, more, DATE)
    assert third.sent == 1
    assert [rcpt for rcpt, _ in smtp.messages].count(["cy@example.com"]) == 1
    assert len(smtp.messages) == 3


def test_refused_recipient_is_retried_next_run_only(isolated_env: Path, smtp: Mailbox) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=2)
    smtp.refuse_once.add("ann@example.org")
    first = deliver_day(store, mail_settings(isolated_env), DATE)
    assert first.status == "partial" and "550" in first.line()
    assert [rcpt for rcpt, _ in smtp.messages] == [["bob@example.net"]]
    second = deliver_day(store, mail_settings(isolated_env), DATE)
    assert second.status == "ok" and second.sent == 1
    assert sorted(rcpt[0] for rcpt, _ in smtp.messages) == ["ann@example.org", "bob@example.net"]


def test_wrong_password_stops_the_channel(
    isolated_env: Path, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = parse_smtp_url(__import__("os").environ["DAILYPAPERS_SMTP_URL"]).port
    monkeypatch.setenv("DAILYPAPERS_SMTP_URL", f"smtp://digest:wrong-secret@127.0.0.1:{port}")
    store = make_store(isolated_env / "dailypapers.db", n=1)
    report = deliver_day(store, mail_settings(isolated_env), DATE)
    assert report.status == "failed" and "login refused" in report.line()
    assert "wrong-secret" not in report.line()
    assert not smtp.messages


def test_recipients_from_the_environment_comma_separated(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAILYPAPERS_EMAIL_TO", "ann@example.org, bob@example.net")
    monkeypatch.setenv("DAILYPAPERS_EMAIL_FROM", "papers@example.org")
    settings = load_settings(isolated_env)
    assert settings.email_to == ["ann@example.org", "bob@example.net"]
    assert settings.email_from == "papers@example.org"


def test_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://me%40x.org:s3cret@mail.example.org")
    assert (plain.host, plain.port, plain.tls, plain.user) == (
        "mail.example.org", 587, "starttls", "me@x.org")
    assert not plain.loopback
    secure = parse_smtp_url("smtps://u:p@[::1]")
    assert (secure.port, secure.tls, secure.loopback) == (465, "ssl", True)
    with pytest.raises(ConfigError) as info:
        parse_smtp_url("http://u:topsecret@host")
    assert "topsecret" not in str(info.value)


def test_email_needs_recipients_and_sender(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=1)
    report = deliver_day(store, mail_settings(isolated_env, email_to=[]), DATE)
    assert report.status == "failed" and "no recipients" in report.line()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_starttls_and_implicit_tls_with_a_verified_certificate(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, certificate: tuple[Path, Path],
    scheme: str,
) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    box = Mailbox()
    port = free_port()
    options: dict[str, Any] = (
        {"tls_context": server_tls, "require_starttls": True} if scheme == "smtp"
        else {"ssl_context": server_tls}
    )
    # STARTTLS: the server refuses a login before the upgrade. (aiosmtpd does not count
    # implicit TLS as TLS for that check, so smtps relies on the handshake itself.)
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=box.authenticate,
                            auth_require_tls=scheme == "smtp", **options)
    controller.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate only
        monkeypatch.setenv("DAILYPAPERS_SMTP_URL",
                           f"{scheme}://digest:p%40ss%3Aw%2Frd@127.0.0.1:{port}")
        store = make_store(isolated_env / "dailypapers.db", n=1)
        report = deliver_day(store, mail_settings(isolated_env, email_to=["ann@example.org"]),
                             DATE)
    finally:
        controller.stop()
    assert report.status == "ok", report.line()
    assert box.logins == [(b"digest", b"p@ss:w/rd")]
    assert [rcpt for rcpt, _ in box.messages] == [["ann@example.org"]]


def test_untrusted_certificate_is_refused(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=server_tls,
                            require_starttls=True, authenticator=box.authenticate)
    controller.start()
    try:
        monkeypatch.setenv("DAILYPAPERS_SMTP_URL", f"smtp://digest:pw@127.0.0.1:{port}")
        store = make_store(isolated_env / "dailypapers.db", n=1)
        report = deliver_day(store, mail_settings(isolated_env), DATE)
    finally:
        controller.stop()
    assert report.status == "failed" and "SSLCertVerificationError" in report.line()
    assert not box.logins and not box.messages
