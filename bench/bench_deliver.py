"""Delivery benchmarks: the cost of exactly-once bookkeeping, and of making speech.

    .venv/bin/python bench/bench_deliver.py [--papers 50] [--repeat 5]

1. Telegram: a day of N papers delivered by ``deliver_day`` (compose, check the store,
   send, record each message) to the Bot API stand-in on 127.0.0.1 with pacing off,
   against a baseline that POSTs the same messages with a bare client and records nothing.
   Also the re-run (everything already delivered: no request at all).
2. Speech: a day's episode script through espeak-ng alone (WAV), and then encoded to
   OGG/Opus and MP3 with soundfile; reported as seconds of audio per second of work.

Medians of ``--repeat`` runs. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import httpx2 as httpx
from fakes.days import make_store
from fakes.telegram import TOKEN, TelegramStandIn

from dailypapers.config import load_settings
from dailypapers.deliver import deliver_day, tts
from dailypapers.deliver.telegram import TelegramChannel

DATE = "2025-01-15"


def median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_telegram(papers: int, repeat: int) -> list[tuple[str, int, float, str, float]]:
    os.environ["TELEGRAM_BOT_TOKEN"] = TOKEN
    rows = []
    with TelegramStandIn() as tg, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = load_settings(work, telegram_url=tg.url, telegram_chat_id="1",
                                 telegram_audio=False, telegram_per_minute=0)
        from dailypapers.store import Store

        # Every timed delivery gets its own fresh store, built before the clock starts.
        paths = []
        for number in range(repeat + 1):
            path = work / f"db{number}.db"
            make_store(path, n=papers).close()
            paths.append(path)
        with Store(paths[-1]) as store:
            digest = store.load_digest(DATE)
        assert digest is not None
        # The baseline sends the very same HTML, composed up front, with no store at all.
        bodies = [item.body for item in TelegramChannel(settings).items(digest)]
        url = f"{tg.url}/bot{TOKEN}/sendMessage"

        def baseline() -> None:
            with httpx.Client() as client:
                for body in bodies:
                    client.post(url, json={"chat_id": "1", "text": body, "parse_mode": "HTML"})

        times = []
        for path in paths[:repeat]:
            with Store(path) as store:
                start = time.perf_counter()
                report = deliver_day(store, settings, DATE, channels=["telegram"])
                times.append(time.perf_counter() - start)
                assert report.status == "ok" and report.sent == len(bodies), report.line()
        full = statistics.median(times)
        base = median_time(baseline, repeat)
        messages = len(bodies)
        path = paths[0]
        rows.append((f"Telegram day, {papers} papers: deliver_day (records every send)",
                     messages, full, "bare POSTs, no store", base))
        with Store(path) as store:
            rerun = median_time(
                lambda: deliver_day(store, settings, DATE, channels=["telegram"]), repeat)
            assert deliver_day(store, settings, DATE, channels=["telegram"]).sent == 0
        rows.append(("re-run of a delivered day (nothing to send)", messages, rerun,
                     "bare POSTs, no store", base))
    return rows


def bench_speech(repeat: int) -> list[tuple[str, float, float, float]]:
    if shutil.which("espeak-ng") is None:
        print("espeak-ng missing: speech benchmark skipped (apt-get install espeak-ng)")
        return []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = make_store(work / "d.db", n=14)
        digest = store.load_digest(DATE)
        assert digest is not None
        settings = load_settings(work)
        script = tts.episode_script(digest, "Daily Papers", digest.entries)
        speaker = tts.get_speaker(settings)
        wav = speaker.speak(script)
        import io

        import soundfile as sf

        seconds = sf.info(io.BytesIO(wav)).duration
        synth = median_time(lambda: speaker.speak(script), repeat)
        rows = [("espeak-ng synthesis only (WAV)", seconds, synth, synth)]
        for fmt in ("ogg", "mp3"):
            target = work / f"ep.{fmt}"
            encode = median_time(lambda fmt=fmt, target=target: tts.encode(wav, target, fmt),
                                 repeat)
            rows.append((f"synthesis + encode to {fmt.upper()}", seconds, synth + encode, synth))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| what | messages | time | msg/s | baseline | baseline time | ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, count, took, base_name, base in bench_telegram(args.papers, args.repeat):
        print(f"| {name} | {count} | {took * 1000:.1f} ms | {count / took:,.0f} | {base_name} "
              f"| {base * 1000:.1f} ms | {took / base:.2f}x |")
    print()
    speech = bench_speech(args.repeat)
    if speech:
        print("| what | audio | time | audio s per s | baseline time | ratio |")
        print("|---|---|---|---|---|---|")
        for name, audio, took, base in speech:
            print(f"| {name} | {audio:.1f} s | {took:.2f} s | {audio / took:.0f} | "
                  f"{base:.2f} s | {took / base:.2f}x |")


if __name__ == "__main__":
    main()
