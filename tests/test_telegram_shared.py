"""Real recorded days (../shared/data) through the Telegram stand-in and a webhook: no message
is refused, every title arrives as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.telegram import TOKEN, TelegramStandIn

from dailypapers.config import load_settings
from dailypapers.deliver import deliver_day
from dailypapers.models import Summary
from dailypapers.sources.hf_daily import parse_daily
from dailypapers.store import Store

pytestmark = pytest.mark.shared


def _load_days(shared: Path, store: Store) -> list[str]:
    summaries: dict[str, str] = {}
    with (shared / "reference" / "gemini_summaries.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            summaries[row["arxiv_id"]] = row["summary"]
    dates = []
    for path in sorted((shared / "hf_daily").glob("*.json")):
        day = parse_daily(json.loads(path.read_text(encoding="utf-8")), date=path.stem)
        store.save_day(day)
        dates.append(day.date)
        for entry in day.entries:
            text = summaries.get(entry.paper.arxiv_id)
            if text is None:
                continue  # no summary: the channel shows the abstract instead
            summary = Summary(arxiv_id=entry.paper.arxiv_id, one_line="", objective="",
                              method="", results=text, implication="", backend="gemini")
            store.attach_summary(day.date, day.source, entry.paper.arxiv_id,
                                 store.save_summary(summary))
    return dates


def test_recorded_days_reach_telegram_intact(
    shared_data: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    store = Store(isolated_env / "dailypapers.db")
    dates = _load_days(shared_data, store)
    with TelegramStandIn() as tg:
        settings = load_settings(isolated_env, telegram_url=tg.url, telegram_chat_id="1",
                                 telegram_audio=False, telegram_per_minute=600000.0)
        for date in dates:
            report = deliver_day(store, settings, date, channels=["telegram"])
            assert report.status == "ok", report.line()
    assert not tg.rejected
    texts = tg.texts()
    papers = 0
    for date in dates:
        digest = store.load_digest(date)
        assert digest is not None
        for entry in digest.entries:
            papers += 1
            title = " ".join(entry.paper.title.split())
            assert any(title in text for text in texts), title
    assert len(texts) >= papers + len(dates)
    # The recorded text carries what breaks naive HTML: it arrived unharmed.
    for hostile in ("|", "$", "&", "\\"):
        assert any(hostile in text for text in texts), hostile
