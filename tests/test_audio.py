"""Spoken summaries: espeak-ng and the OpenAI speech API, encoding, Telegram audio, podcast feed."""

from __future__ import annotations

import html
import io
import shutil
from pathlib import Path

import feedparser
import pytest
from fakes.days import make_store
from fakes.telegram import TOKEN, TelegramStandIn
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailypapers.config import Settings, load_settings
from dailypapers.deliver import deliver_day, tts
from dailypapers.deliver.podcast import podcast_path, publish_audio
from dailypapers.errors import AudioError

sf = pytest.importorskip("soundfile", reason="soundfile (extra 'audio') is not installed")
np = pytest.importorskip("numpy")

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (Debian: apt-get install espeak-ng)",
)
DATE = "2025-01-15"
TEXT = (
    "Large language models are trained on vast amounts of text. This paper studies how "
    "attention scales with context length, and proposes a linear variant that keeps quality "
    "while cutting memory. On four benchmarks it matches the baseline within one point, and "
    "it runs twice as fast on long documents. Practitioners can use it to serve longer inputs "
    "on the same hardware."
)


def _expected_seconds(text: str, rate: int) -> float:
    return len(text.split()) / rate * 60


@needs_espeak
@pytest.mark.parametrize("fmt", ["ogg", "mp3"])
def test_espeak_speech_decodes_with_the_expected_length(isolated_env: Path, fmt: str) -> None:
    settings = load_settings(isolated_env, tts="espeak", tts_rate=180)
    target = isolated_env / f"speech.{fmt}"
    audio = tts.render_audio(settings, TEXT, target, fmt)  # type: ignore[arg-type]
    data, rate = sf.read(str(target))
    info = sf.info(str(target))
    assert info.format == ("OGG" if fmt == "ogg" else "MP3")
    if fmt == "ogg":
        assert info.subtype == "OPUS" and rate == 48000  # what Telegram voice notes play
    seconds = len(data) / rate
    expected = _expected_seconds(TEXT, 180)
    assert abs(seconds - expected) <= 0.3 * expected, (seconds, expected)
    assert abs(audio.seconds - seconds) < 0.5
    assert float(np.abs(data).max()) > 0.05  # speech, not silence
    assert not target.with_name(target.name + ".part").exists()


@needs_espeak
def test_telegram_gets_a_voice_note_per_paper_and_the_episode(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    store = make_store(isolated_env / "dailypapers.db", n=2)
    with TelegramStandIn() as tg:
        settings = load_settings(
            isolated_env, telegram_url=tg.url, telegram_chat_id="7", telegram_audio=True,
            telegram_voice=True, telegram_per_minute=600000.0,
        )
        report = deliver_day(store, settings, DATE, channels=["telegram"])
        again = deliver_day(store, settings, DATE, channels=["telegram"])
    assert report.status == "ok", report.line()
    assert again.sent == 0
    methods = [m.method for m in tg.messages]
    assert methods == ["sendMessage"] * 3 + ["sendVoice"] * 2 + ["sendAudio"]
    assert not tg.rejected
    voice = tg.messages[3]
    assert voice.file is not None and voice.file_name == "2501.08300.ogg"
    assert voice.text == " ".join(make_titles()[0].split())  # caption, unescaped
    info = sf.info(io.BytesIO(voice.file))
    assert (info.format, info.subtype) == ("OGG", "OPUS")
    assert int(voice.fields["duration"]) == max(1, round(info.duration))
    episode = tg.messages[5]
    assert episode.file is not None and sf.info(io.BytesIO(episode.file)).format == "MP3"
    assert episode.fields["title"] == "Daily Papers — 2025-01-15"
    # The same file is published on the site.
    assert (isolated_env / "site" / "audio" / "2025-01-15.mp3").read_bytes() == episode.file


def make_titles() -> list[str]:
    from fakes.days import NASTY_TITLES

    return NASTY_TITLES


@needs_espeak
def test_podcast_feed_lists_episodes_with_enclosures(isolated_env: Path) -> None:
    store = make_store(isolated_env / "dailypapers.db", n=2)
    make_store(isolated_env / "dailypapers.db", date="2025-01-16", n=1).close()
    settings = load_settings(isolated_env, site_url="https://papers.example.org/", podcast=True)
    written = publish_audio(store, settings, DATE)
    assert podcast_path(settings) in written
    report = deliver_day(store, settings, "2025-01-16")  # podcast on: delivery writes audio
    assert any(p.endswith("2025-01-16.mp3") for p in report.audio)
    assert report.status == "ok" and "audio files written" in report.line()  # no channels
    assert publish_audio(store, settings, DATE) == [podcast_path(settings)]  # reused
    feed = feedparser.parse(podcast_path(settings).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Daily Papers"
    assert [e.guid for e in feed.entries] == ["dailypapers-2025-01-16", "dailypapers-2025-01-15"]
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        date = entry.guid.removeprefix("dailypapers-")
        assert enclosure.href == f"https://papers.example.org/audio/{date}.mp3"
        path = isolated_env / "site" / "audio" / f"{date}.mp3"
        assert int(enclosure.length) == path.stat().st_size
        hours, minutes, seconds = (int(x) for x in entry.itunes_duration.split(":"))
        assert abs(hours * 3600 + minutes * 60 + seconds - sf.info(str(path)).duration) <= 1
    first = feed.entries[1]
    assert "Attention <Is> All & You | Need" in html.unescape(first.description)
    per_paper = sorted((isolated_env / "site" / "audio" / DATE).glob("*.mp3"))
    assert [p.name for p in per_paper] == ["2501.08300.mp3", "2501.08301.mp3"]


def test_openai_speech_backend_speaks_long_scripts_in_pieces(
    isolated_env: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, object]] = []

    def speech(request: Request) -> Response:
        body = request.get_json()
        seen.append({"auth": request.headers.get("Authorization"), **body})
        if len(body["input"]) > 4096:
            return Response("input too long", status=400)
        # One second of 24 kHz 16-bit mono PCM per request, as the API's "pcm" format.
        tone = (8000 * np.sin(np.linspace(0, 2 * np.pi * 440, 24000))).astype("<i2")
        return Response(tone.tobytes(), content_type="audio/pcm")

    httpserver.expect_request("/v1/audio/speech", method="POST").respond_with_handler(speech)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = load_settings(isolated_env, tts="openai", openai_base_url=httpserver.url_for("/v1"),
                             tts_voice="nova")
    short = tts.render_audio(settings, "Hello <world> & $x^2$", isolated_env / "a.ogg", "ogg")
    assert abs(short.seconds - 1.0) < 0.1
    assert seen == [{"auth": "Bearer sk-test", "model": "gpt-4o-mini-tts", "voice": "nova",
                     "input": "Hello <world> & $x^2$", "response_format": "pcm"}]
    seen.clear()
    script = " ".join(f"Sentence number {i} says something about attention." for i in range(400))
    long = tts.render_audio(settings, script, isolated_env / "b.mp3", "mp3")
    assert len(seen) >= 5 and all(len(str(s["input"])) <= 4000 for s in seen)
    assert " ".join(str(s["input"]) for s in seen) == script  # nothing dropped
    assert abs(long.seconds - len(seen)) < 0.2


def test_script_pieces_cut_at_sentences() -> None:
    text = "One. Two is longer! Three?\n\nFour " + "x" * 30
    # No space in the second half of the window: a hard cut at the limit.
    assert tts.script_pieces(text, 20) == ["One. Two is longer!", "Three?",
                                           "Four " + "x" * 15, "x" * 15]


def test_missing_espeak_is_explained_and_text_still_goes(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    settings: Settings = load_settings(isolated_env, tts="espeak")
    reason = tts.audio_unavailable(settings)
    assert reason is not None and "apt-get install espeak-ng" in reason
    with pytest.raises(AudioError, match="espeak-ng"):
        tts.get_speaker(settings).speak("hello")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    store = make_store(isolated_env / "dailypapers.db", n=1)
    with TelegramStandIn() as tg:
        report = deliver_day(store, load_settings(
            isolated_env, telegram_url=tg.url, telegram_chat_id="7", telegram_audio=True,
            telegram_per_minute=600000.0), DATE, channels=["telegram"])
    assert report.status == "ok" and len(tg.messages) == 2
    assert "espeak-ng is not installed" in report.line()


def test_speakable_drops_markup_and_scripts_follow_the_day() -> None:
    assert tts.speakable("Cost $\\mathcal{O}(n^2)$ at https://x.org/a now") == "Cost O(n 2) at now"
    store = make_store(Path(":memory:"), n=2)
    digest = store.load_digest(DATE)
    assert digest is not None
    script = tts.episode_script(digest, "Daily Papers", digest.entries)
    assert script.startswith("Daily Papers for Wednesday, January 15, 2025. 2 papers today.")
    assert "Paper 2. MiniMax-01: Scaling Foundation Models with Lightning Attention." in script
