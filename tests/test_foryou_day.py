"""A 2,000-paper arXiv day with two profiles, end to end through the real command: the
announcement feed, an OpenAI-compatible LLM and Telegram are loopback stand-ins.

The run happens in a child process (so its peak memory is its own) that replays the feed's
day as today."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fakes.arxiv_feeds import rss_feed, serve_feeds, synthetic_items
from fakes.llm import Answer, FakeLLM, chat_body, serve
from fakes.telegram import TOKEN, TelegramStandIn
from pytest_httpserver import HTTPServer

from dailypapers.store import Store

DAY = "2025-08-20"
# What the stand-in LLM writes: plain words, so the number check has nothing to flag.
PLAIN = {"one_line": "The paper studies a method for the topic of its title.",
         "objective": "It asks whether the proposed method helps.",
         "method": "It combines the ideas named in the title.",
         "results": "It reports gains on standard benchmarks.",
         "implication": "Practitioners may try the method.", "keywords": ["method"]}
RUNNER = """
import datetime, json, resource, sys
from dailypapers.sources import arxiv_new
arxiv_new.utc_today = lambda: datetime.date(2025, 8, 21)
from dailypapers.cli import main
try:
    main(sys.argv[1:])
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
with open("run-result.json", "w") as handle:
    json.dump({"code": code, "peak_mb": peak}, handle)
"""


def _run(work: Path, env: dict[str, str]) -> dict[str, int]:
    proc = subprocess.run([sys.executable, "-c", RUNNER, "run", "--date", DAY], cwd=work,
                          env=env, capture_output=True, text=True, timeout=600)
    out = work / "run-result.json"
    assert out.exists(), proc.stdout + proc.stderr
    result: dict[str, int] = json.loads(out.read_text())
    out.unlink()
    result["stdout"] = proc.stdout + proc.stderr  # type: ignore[assignment]
    return result


def test_two_thousand_papers_two_profiles(isolated_env: Path, httpserver: HTTPServer) -> None:
    items = synthetic_items(2000)
    base = serve_feeds(httpserver, {"cs.CL": rss_feed("cs.CL", DAY, items)})
    work = isolated_env
    fake = FakeLLM(lambda seen: Answer(body=chat_body(PLAIN)))
    with serve(fake) as llm, TelegramStandIn() as telegram:
        (work / "dailypapers.toml").write_text(f"""
source = "arxiv-new"
summarizer = "openai"
openai_base_url = "{llm.url}/v1"
model = "m1"
retry_base_wait = 0.01
fulltext = false
arxiv_delay = 0
telegram_url = "{telegram.url}"
telegram_per_minute = 0
site_workers = 1

[arxiv]
rss_url = "{base}"
categories = ["cs.CL"]

[profiles.alice]
keywords = {{ "speculative decoding" = 2, "KV cache" = 1 }}
top_n = 10

[profiles.bob]
keywords = ["diffusion model", "image generation"]
negative = ["speculative decoding"]
top_n = 10

[[readers]]
channel = "telegram"
target = "111"
profile = "alice"

[[readers]]
channel = "telegram"
target = "222"
profile = "bob"
""", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(OPENAI_API_KEY="sk-test", TELEGRAM_BOT_TOKEN=TOKEN)
        first = _run(work, env)
        assert first["code"] == 0, first["stdout"]
        assert first["peak_mb"] < 400, first
        assert len(llm.seen) == 20  # the two top-10 selections, nothing else
        sent = [m for m in telegram.messages if m.method == "sendMessage"]
        by_chat = {chat: [m for m in sent if m.chat_id == chat] for chat in ("111", "222")}
        assert set(by_chat) == {m.chat_id for m in sent}
        for chat, profile, topic in (("111", "alice", "speculative decoding"),
                                     ("222", "bob", "diffusion model")):
            messages = by_chat[chat]
            assert len(messages) == 11, [m.text[:60] for m in messages]  # header + 10 papers
            assert f"for {profile}, top 10 of 2,000" in messages[0].text
            for message in messages[1:]:
                assert "Why: matches: " in message.text and topic in message.text.lower()
        second = _run(work, env)
        assert second["code"] == 0, second["stdout"]
        assert len(llm.seen) == 20  # nothing summarized twice
        assert len([m for m in telegram.messages if m.method == "sendMessage"]) == 22

    with Store(work / "dailypapers.db") as store:
        digest = store.load_digest(DAY)
    assert digest is not None and len(digest.entries) == 2000
    backends = [e.summary.backend for e in digest.entries if e.summary]
    assert len(backends) == 2000
    assert backends.count("openai") == 20 and backends.count("extractive") == 1980
    data = json.loads((work / "data" / "2025" / "08" / "20.json").read_text("utf-8"))
    assert len(data["papers"]) == 2000
    pages = list((work / "site").rglob("2508.1*"))
    assert len({p.name.split(".html")[0] for p in pages}) >= 2000
