"""Pictures in the channels: a Telegram photo per paper (caption within 1,024), inline email
images referenced by Content-ID, none for a paper without a PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.days import make_store
from fakes.pdfkit import cache_pdf, make_paper_pdf
from fakes.smtp import Mailbox, smtp_server
from fakes.telegram import TOKEN, TelegramStandIn, utf16

from dailypapers.config import Settings, load_settings
from dailypapers.deliver import deliver_day
from dailypapers.render import pictures
from dailypapers.store import Store

DATE = "2025-01-15"


def _with_pdfs(work: Path, settings: Settings, store: Store) -> list[str]:
    """PDFs for every paper of the day but the last; their pictures made (as publish does)."""
    digest = store.load_digest(DATE)
    assert digest is not None
    with_pdf = [e.paper for e in digest.entries[:-1]]
    for n, paper in enumerate(with_pdf):
        pdf = make_paper_pdf(work / f"p{n}.pdf", title=f"Paper {n}",
                             caption=f"Figure 1: Result number {n} of the method.")
        cache_pdf(settings, pdf, paper.arxiv_id, paper.version or 1)
    made = pictures.prepare(settings, [(p.arxiv_id, p.version) for p in with_pdf])
    assert sorted(made) == sorted(p.arxiv_id for p in with_pdf)
    return [p.arxiv_id for p in with_pdf]


def test_telegram_sends_a_photo_per_paper_with_a_short_caption(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    store = make_store(isolated_env / "dailypapers.db", long=True)
    with TelegramStandIn() as tg:
        settings = load_settings(
            isolated_env, telegram_url=tg.url, telegram_chat_id="-100", telegram_audio=False,
            telegram_per_minute=600000.0, channels=["telegram"])
        ids = _with_pdfs(isolated_env, settings, store)
        report = deliver_day(store, settings, DATE)
        assert report.status == "ok", report.line()
        assert not tg.rejected
        photos = [m for m in tg.messages if m.method == "sendPhoto"]
        assert len(photos) == len(ids) == 4
        for photo in photos:
            assert photo.file is not None and photo.file[:3] == b"\xff\xd8\xff"  # JPEG
            assert len(photo.file) <= 60_000
            assert 0 < utf16(photo.text) <= 1024
        # each photo comes right before its paper's text, which is unchanged
        methods = [m.method for m in tg.messages]
        assert methods[:3] == ["sendMessage", "sendPhoto", "sendMessage"]
        assert methods[-1] == "sendMessage" and methods[-2] == "sendMessage"  # no PDF: no photo
        again = deliver_day(store, settings, DATE)
        assert again.sent == 0 and len(tg.messages) == len(methods)  # exactly once


def test_email_images_are_inline_parts_referenced_by_cid(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(isolated_env / "dailypapers.db")
    settings = load_settings(isolated_env, email_from="Papers <p@example.org>",
                             email_to=["ann@example.org"], channels=["email"])
    ids = _with_pdfs(isolated_env, settings, store)
    box: Mailbox
    with smtp_server(monkeypatch) as box:
        report = deliver_day(store, settings, DATE)
    assert report.status == "ok", report.line()
    (_to, message), = box.messages
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    markup = html_part.get_content()
    images = [part for part in message.walk() if part.get_content_maintype() == "image"]
    assert len(images) == len(ids)
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in markup
        assert image.get_content_disposition() == "inline"
        assert image.get_payload(decode=True)[:3] == b"\xff\xd8\xff"
    assert "http" not in "".join(
        markup.split('src="')[n].split('"')[0] for n in range(1, markup.count('src="') + 1))
    assert 'alt="Result number 0 of the method."' in markup
