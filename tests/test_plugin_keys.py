"""Declared means used: plugins' keys are read by one require_key(), the secrets that redact()
scrubs are derived from the registered plugins, and a third-party plugin gets its own
settings table in dailypapers.toml (named after it)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers import secrets
from dailypapers.config import load_settings
from dailypapers.errors import ConfigError, MissingKeyError

PLUGIN = '''
from pydantic import BaseModel

from dailypapers.deliver.base import Channel, Item
from dailypapers.secrets import require_key

SENT = []


class LoudChannel(Channel):
    id = "loud-channel"
    key_env = "LOUD_TOKEN"

    class Options(BaseModel):
        room: str
        shout: bool = False

    def items(self, digest):
        return [Item(f"day:{digest.date}", self.options.room, digest.date)]

    def alert_items(self, text):
        return []

    def send(self, batch):
        SENT.append((self.options.room, self.options.shout, require_key(self)))
        return None
'''


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An installed third-party channel: a module and its dist-info entry point."""
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "loud_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = site / "loud_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: loud-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[dailypapers.channels]\nloud-channel = loud_plugin:LoudChannel\n")
    monkeypatch.syspath_prepend(str(site))
    secrets.forget_known_secrets()
    yield
    secrets.forget_known_secrets()
    sys.modules.pop("loud_plugin", None)


def test_known_secrets_come_from_the_plugins() -> None:
    secrets.forget_known_secrets()
    names = secrets.known_secrets()
    for name in ("TELEGRAM_BOT_TOKEN", "DAILYPAPERS_SMTP_URL", "DAILYPAPERS_WEBHOOK_URL",
                 "OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "HF_TOKEN"):
        assert name in names
    assert set(secrets.OTHER_SECRETS) <= set(names)


def test_require_key_reads_what_the_plugin_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    from dailypapers.summarize.gemini_backend import GeminiSummarizer

    with pytest.raises(MissingKeyError, match="gemini") as info:
        secrets.require_key(GeminiSummarizer)
    assert info.value.hint is not None and "GEMINI_API_KEY" in info.value.hint
    monkeypatch.setenv("GOOGLE_API_KEY", "g-second-name")  # the second declared name
    assert secrets.require_key(GeminiSummarizer) == "g-second-name"
    assert secrets.optional_key(GeminiSummarizer) == "g-second-name"
    monkeypatch.setenv("GEMINI_API_KEY", "g-first-name")
    assert secrets.require_key(GeminiSummarizer) == "g-first-name"


def test_a_third_party_channel_is_configured_keyed_and_scrubbed(
    third_party: None, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fakes.days import make_store

    from dailypapers.deliver import deliver_day

    (isolated_env / "dailypapers.toml").write_text(
        'channels = ["loud-channel"]\n\n[loud-channel]\nroom = "general"\nshout = true\n')
    settings = load_settings(isolated_env)
    assert settings.plugins == {"loud-channel": {"room": "general", "shout": True}}
    assert "LOUD_TOKEN" in secrets.known_secrets()
    store = make_store(settings.db_path)
    report = deliver_day(store, settings, "2025-01-15")
    assert report.channels[0].error is not None and "LOUD_TOKEN" in report.channels[0].error
    monkeypatch.setenv("LOUD_TOKEN", "loud-secret-123")
    report = deliver_day(store, settings, "2025-01-15")
    assert report.status == "ok", report.line()
    import loud_plugin

    assert loud_plugin.SENT == [("general", True, "loud-secret-123")]
    assert secrets.redact("token loud-secret-123 leaked") == "token *** leaked"


def test_plugin_tables_are_checked(third_party: None, isolated_env: Path) -> None:
    from dailypapers.deliver.base import get_channel

    config = isolated_env / "dailypapers.toml"
    config.write_text('[loud-channel]\nshout = "very"\n')
    settings = load_settings(isolated_env)
    with pytest.raises(ConfigError, match=r"\[loud-channel\]"):
        get_channel("loud-channel", settings)
    config.write_text('[no-such-plugin]\nroom = "x"\n')
    with pytest.raises(ConfigError, match="unknown settings"):
        load_settings(isolated_env)
    config.write_text('[telegram]\nchat_id = 5\n')  # built-ins still flatten into Settings
    assert load_settings(isolated_env).telegram_chat_id == "5"
    config.write_text('[webhook]\nkind = "discord"\n')
    assert load_settings(isolated_env).plugins == {}
