"""Spoken summaries: text-to-speech backends, encoding, and where audio files live.

Backends: ``espeak`` (the offline default, Debian package ``espeak-ng``) and ``openai`` (the
OpenAI speech API, or any server that speaks it, at ``openai_base_url``); ``none`` turns
audio off. A backend returns WAV bytes; :func:`encode` turns them into what Telegram plays
(OGG/Opus for voice notes, MP3 for audio and podcasts) with ``soundfile`` (extra ``audio``)
or, failing that, ``ffmpeg``.

Files are written once under ``<root>/site/audio/`` and reused: the per-paper voice note and
the day's episode are the same bytes on Telegram and on the site's podcast feed.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import wave
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from ..config import Settings
from ..errors import AudioError, ConfigError
from ..models import DayDigest, DigestEntry
from ..render import paths
from ..secrets import optional_key, require_key
from ..view import paper_view

AudioFormat = Literal["ogg", "mp3"]

# libsndfile's Opus encoder takes only these rates; speech engines often give 22,050 Hz.
_OPUS_RATES = (8000, 12000, 16000, 24000, 48000)



class Speaker(ABC):
    """A text-to-speech backend: ``speak`` returns WAV bytes or raises AudioError."""

    id: ClassVar[str]
    key_env: ClassVar[str | None] = None

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def unavailable(self) -> str | None:
        """Why this backend cannot run here (missing program or key), or None."""
        return None

    @abstractmethod
    def speak(self, text: str) -> bytes: ...


class EspeakSpeaker(Speaker):
    """espeak-ng: robotic but offline, instant (17 s of speech in 0.1 s) and key-free."""

    id = "espeak"

    def _program(self) -> str | None:
        return shutil.which("espeak-ng") or shutil.which("espeak")

    def unavailable(self) -> str | None:
        if self._program() is None:
            return (
                "espeak-ng is not installed (Debian/Ubuntu: apt-get install espeak-ng;"
                " macOS: brew install espeak-ng), or set tts = \"openai\""
            )
        return None

    def speak(self, text: str) -> bytes:
        program = self._program()
        if program is None:
            raise AudioError("no speech: " + (self.unavailable() or "espeak-ng missing"))
        voice = self.settings.tts_voice or "en-us"
        try:
            done = subprocess.run(
                [program, "-v", voice, "-s", str(self.settings.tts_rate), "--stdout", "--stdin"],
                input=text.encode("utf-8"), capture_output=True, timeout=600, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AudioError(f"espeak-ng failed: {exc}") from exc
        if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
            detail = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise AudioError(f"espeak-ng failed (exit {done.returncode}): {detail}")
        return done.stdout


class OpenAISpeaker(Speaker):
    """The OpenAI speech endpoint (``POST {base}/audio/speech``).

    It takes at most 4,096 characters a request, so a script is cut at sentence ends into
    pieces, each spoken as raw PCM (24 kHz, 16-bit, mono, as documented) and joined into one
    WAV: a day's episode is never truncated.
    """

    id = "openai"
    key_env = "OPENAI_API_KEY"
    max_chars = 4000
    pcm_rate = 24000

    def unavailable(self) -> str | None:
        return None if optional_key(self) else "OPENAI_API_KEY is not set"

    def speak(self, text: str) -> bytes:
        import httpx2 as httpx

        from ..http import make_client, request

        key = require_key(self, alternative='set tts = "espeak" for offline speech')
        base = (self.settings.openai_base_url or "https://api.openai.com/v1").rstrip("/")
        pcm = bytearray()
        with make_client(self.settings, timeout=self.settings.request_timeout) as client:
            for piece in script_pieces(text, self.max_chars):
                payload = {
                    "model": self.settings.tts_model,
                    "voice": self.settings.tts_voice or "alloy",
                    "input": piece,
                    "response_format": "pcm",
                }
                try:
                    response = request(
                        client, "POST", f"{base}/audio/speech", json=payload,
                        headers={"Authorization": f"Bearer {key}"},
                        attempts=self.settings.http_retries,
                        max_wait=self.settings.retry_max_wait,
                    )
                except httpx.TransportError as exc:
                    raise AudioError(
                        f"OpenAI speech request failed: {type(exc).__name__}") from exc
                if response.status_code != 200:
                    raise AudioError(f"OpenAI speech answered HTTP {response.status_code}")
                pcm += response.content[: len(response.content) // 2 * 2]
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.pcm_rate)
            out.writeframes(bytes(pcm))
        return buffer.getvalue()


def script_pieces(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut after sentences when possible."""
    sentences = re.split(r"(?<=[.!?])\s+|\n{2,}", text.strip())
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > limit:  # a run-on "sentence": cut at the last space
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        joined = f"{current} {sentence}".strip()
        if len(joined) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = joined
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


class SilentSpeaker(Speaker):
    id = "none"

    def unavailable(self) -> str | None:
        return "audio is off (tts = \"none\")"

    def speak(self, text: str) -> bytes:
        raise AudioError("audio is off (tts = \"none\")")


SPEAKERS: dict[str, type[Speaker]] = {
    cls.id: cls for cls in (EspeakSpeaker, OpenAISpeaker, SilentSpeaker)
}


def get_speaker(settings: Settings) -> Speaker:
    cls = SPEAKERS.get(settings.tts)
    if cls is None:
        raise ConfigError(
            f"unknown tts {settings.tts!r}", hint=f"known: {', '.join(sorted(SPEAKERS))}"
        )
    return cls(settings)


# ------------------------------------------------------------------------------- encoding


def _soundfile() -> Any:
    try:
        import soundfile
    except (ImportError, OSError):  # OSError: the wheel is there but libsndfile is not
        return None
    return soundfile


def encoder_unavailable() -> str | None:
    if _soundfile() is not None or shutil.which("ffmpeg"):
        return None
    return "no audio encoder: pip install 'dailypapers[audio]' (soundfile) or install ffmpeg"


def encode(wav: bytes, target: Path, fmt: AudioFormat) -> None:
    """Write WAV bytes as OGG/Opus or MP3, atomically (a half-written file never stays)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        if _soundfile() is not None:
            _encode_soundfile(wav, partial, fmt)
        elif shutil.which("ffmpeg"):
            _encode_ffmpeg(wav, partial, fmt)
        else:
            raise AudioError(encoder_unavailable() or "no audio encoder")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _encode_soundfile(wav: bytes, target: Path, fmt: AudioFormat) -> None:
    import numpy as np
    import soundfile as sf

    try:
        data, rate = sf.read(io.BytesIO(wav), dtype="float32", always_2d=False)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise AudioError(f"speech backend returned unreadable audio: {exc}") from exc
    if data.ndim > 1:
        data = data.mean(axis=1)
    if fmt == "ogg":
        if rate not in _OPUS_RATES:
            # Linear interpolation is plenty for speech going into a 32 kbit/s codec.
            new_rate = 48000
            count = int(len(data) * new_rate / rate)
            data = np.interp(
                np.arange(count) * (rate / new_rate), np.arange(len(data)), data
            ).astype("float32")
            rate = new_rate
        # Level 0.8 gives ~57 kbit/s, a fifth of the default; 0.9 halves that again but
        # takes twice the CPU (measured in bench/bench_deliver.py notes).
        sf.write(str(target), data, rate, format="OGG", subtype="OPUS", compression_level=0.8)
    else:
        try:
            sf.write(str(target), data, rate, format="MP3", subtype="MPEG_LAYER_III",
                     compression_level=0.9)  # ~40 kbit/s for mono speech
        except (sf.LibsndfileError, ValueError, TypeError) as exc:
            if shutil.which("ffmpeg"):
                _encode_ffmpeg(wav, target, fmt)
                return
            raise AudioError(
                f"this libsndfile cannot write MP3 ({exc}); it needs libsndfile >= 1.1"
                " (soundfile >= 0.12 wheels bundle it) or ffmpeg"
            ) from exc


def _encode_ffmpeg(wav: bytes, target: Path, fmt: AudioFormat) -> None:
    codec = ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg"] if fmt == "ogg" else [
        "-c:a", "libmp3lame", "-q:a", "6", "-f", "mp3"]
    done = subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-i", "pipe:0", *codec, str(target)],
        input=wav, capture_output=True, timeout=600, check=False,
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()[:200]
        raise AudioError(f"ffmpeg could not encode {fmt}: {detail}")


def duration(path: Path) -> float:
    """Length in seconds, from soundfile or ffprobe; AudioError when neither can tell."""
    sf = _soundfile()
    if sf is not None:
        try:
            return float(sf.info(str(path)).duration)
        except RuntimeError:  # LibsndfileError subclasses RuntimeError
            pass  # fall through to ffprobe, which reads more containers
    if shutil.which("ffprobe"):
        done = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
             str(path)], capture_output=True, timeout=60, check=False,
        )
        if done.returncode == 0:
            return float(json.loads(done.stdout)["format"]["duration"])
    raise AudioError(f"cannot read the duration of {path.name}")


# --------------------------------------------------------------------------- the scripts

_LATEX_CMD = re.compile(r"\\(?:mathbf|mathrm|mathcal|text|textbf|emph|operatorname)\{([^{}]*)\}")
_URL = re.compile(r"https?://\S+")


def speakable(text: str) -> str:
    """Text a speech engine reads well: LaTeX markup and URLs out, whitespace folded."""
    text = _URL.sub("", text)
    text = _LATEX_CMD.sub(r"\1", text)
    text = text.replace("$", "").replace("\\", "").replace("{", "").replace("}", "")
    text = text.replace("^", " ").replace("_", " ")
    return " ".join(text.split())


def paper_script(entry: DigestEntry) -> str:
    """What is said for one paper: its title, then its summary (or its abstract)."""
    view = paper_view(entry, max_authors=0)
    title = speakable(view.title).rstrip(".")
    return f"{title}. {speakable(view.paragraph or view.abstract)}"


def episode_script(digest: DayDigest, title: str, entries: Sequence[DigestEntry]) -> str:
    from datetime import date as _date

    spoken_date = _date.fromisoformat(digest.date).strftime("%A, %B %d, %Y").replace(" 0", " ")
    count = len(entries)
    lines = [f"{title} for {spoken_date}. {count} paper{'s' if count != 1 else ''} today."]
    for number, entry in enumerate(entries, 1):
        lines.append(f"Paper {number}. {paper_script(entry)}")
    lines.append("That's all for today.")
    return "\n\n".join(lines)


# ------------------------------------------------------------------------------- the files


def audio_dir(settings: Settings) -> Path:
    return paths.file_of(settings, paths.AUDIO)


def paper_audio_path(settings: Settings, date: str, arxiv_id: str, fmt: AudioFormat) -> Path:
    return paths.file_of(settings, paths.paper_audio_path(date, arxiv_id, fmt))


def episode_audio_path(settings: Settings, date: str, fmt: AudioFormat = "mp3") -> Path:
    return paths.file_of(settings, paths.episode_path(date, fmt))


@dataclass
class AudioFile:
    path: Path
    seconds: float


def render_audio(
    settings: Settings, text: str, target: Path, fmt: AudioFormat, *, refresh: bool = False
) -> AudioFile:
    """Speak ``text`` into ``target`` unless it is already there; returns it with its length."""
    if refresh or not target.exists():
        wav = get_speaker(settings).speak(text)
        encode(wav, target, fmt)
    return AudioFile(target, duration(target))


def audio_unavailable(settings: Settings) -> str | None:
    """Why audio cannot be made here (for reports and dry runs), or None when it can."""
    speaker = SPEAKERS.get(settings.tts)
    if speaker is None:
        return f"unknown tts {settings.tts!r}"
    return speaker(settings).unavailable() or encoder_unavailable()

