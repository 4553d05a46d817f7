"""The command line: flags checked while parsing, the quickstart's day and closing lines,
read-only commands that create nothing, logging, Ctrl-C, start-up imports."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakes.replay import json_response, serve_hf_days
from pytest_httpserver import HTTPServer
from selfmade.hf import hf_day
from werkzeug import Request, Response

from dailypapers.cli import main

DAY = "2025-01-15"
BIN = Path(sys.executable).parent / "dailypapers"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def process(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=cwd, check=False)


@pytest.fixture
def hf(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> str:
    url = serve_hf_days(httpserver, None, days={DAY: hf_day(5, day=DAY)})
    monkeypatch.setenv("DAILYPAPERS_HF_URL", url)
    return url


# ------------------------------------------------------------------ the quickstart's day


def test_run_without_a_date_takes_the_latest_day_with_a_list(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    today = datetime.now(UTC).date()
    latest = (today - timedelta(days=2)).isoformat()
    older = (today - timedelta(days=4)).isoformat()
    days = {latest: hf_day(5, day=latest), older: hf_day(4, day=older)}
    monkeypatch.setenv("DAILYPAPERS_HF_URL", serve_hf_days(httpserver, None, days=days))
    result = cli("run", "--no-fulltext", "--dir", "out")
    assert result.exit_code == 0, result.output
    assert f"No --date given: running {latest}, the latest day with a list." in result.stderr
    assert result.stdout.startswith(f"Done: {latest}: 5 papers, 5 summarized")
    year, month, day = latest.split("-")
    assert (isolated_env / "out" / "archive" / year / month / f"{day}.md").is_file()
    assert not (isolated_env / "out" / "archive" / older[:4] / older[5:7] / f"{older[8:]}.md"
                ).exists()
    # The closing lines say where the result is and how to look at it.
    assert f"Site: {Path('out') / 'site' / 'index.html'}" in result.stdout
    assert "dailypapers serve --dir out" in result.stdout
    assert (isolated_env / "out" / "site" / "index.html").is_file()


def test_run_without_a_date_and_no_recent_list_is_empty(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    monkeypatch.setenv("DAILYPAPERS_HF_URL", serve_hf_days(httpserver, None, days={}))
    result = cli("run", "--no-fulltext")
    assert result.exit_code == 4
    assert "no papers listed from" in result.output and "--date" in result.output
    assert not (isolated_env / "archive").exists()


def test_run_json_prints_the_closing_counts(hf: str, isolated_env: Path) -> None:
    result = cli("run", "--date", DAY, "--no-fulltext", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["date"] == DAY and report["status"] == "ok" and report["exit"] == 0
    assert report["papers"] == 5 and report["summarized"] == 5 and report["failed"] == 0
    assert report["backfilled"] == []
    again = json.loads(cli("run", "--date", DAY, "--no-fulltext", "--json").stdout)
    assert again["cached"] == 5 and again["summarized"] == 0


# ------------------------------------------------------------------------ bad flags


@pytest.mark.parametrize(("args", "expected"), [
    (["run", "--date", "2025-13-01"], "'2025-13-01' is not a date"),
    (["site", "--date", "2025-13-01"], "'2025-13-01' is not a date"),
    (["status", "--date", "tomorrow"], "'tomorrow' is not a date"),
    (["run", "--concurrency", "0"], "0 is not in the range 1<=x<=1024"),
    (["run", "--backfill", "-1"], "-1 is not in the range 0<=x<=366"),
    (["run", "--source", "nope"], "unknown source 'nope' (choose from: arxiv, "),
    (["summarize", "--summarizer", "nope"], "unknown summarizer 'nope' (choose from: abstract"),
    (["send", "--channel", "pigeon"], "unknown channel 'pigeon' (choose from: email, telegram"),
    (["search", "--limit", "0", "x"], "0 is not in the range"),
    (["serve", "--port", "70000"], "70000 is not in the range"),
])
def test_bad_flags_exit_2_and_say_what_is_accepted(
    args: list[str], expected: str, isolated_env: Path
) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert list(isolated_env.iterdir()) == []  # nothing created


def test_shell_completion_offers_the_choices(isolated_env: Path) -> None:
    def complete(line: str) -> list[str]:
        words = line.split(" ")
        done = process(env={"_DAILYPAPERS_COMPLETE": "bash_complete", "COMP_WORDS": line,
                            "COMP_CWORD": str(len(words) - 1)})
        assert done.returncode == 0, done.stderr
        return [row.split(",", 1)[1] for row in done.stdout.splitlines()]

    assert {"arxiv", "file", "hf-daily", "ids"} <= set(complete("dailypapers run --source "))
    assert "extractive" in complete("dailypapers run --summarizer ")
    assert complete("dailypapers send --channel te") == ["telegram"]
    assert complete("dailypapers run --date to") == ["today"]


def test_verbosity_after_the_subcommand(hf: str, isolated_env: Path) -> None:
    quiet = process("run", "--date", DAY, "--no-fulltext", "-q", "--dir", "a")
    loud = process("run", "--no-fulltext", "--dir", "b", "-v", "--date", DAY)
    debug = process("-v", "run", "--no-fulltext", "--dir", "c", "-v", "--date", DAY)
    for done in (quiet, loud, debug):
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"Done: {DAY}: 5 papers")
    stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "  # not a terminal: timestamps
    assert quiet.stderr == ""
    assert re.search(stamp + r"INFO dailypapers\.", loud.stderr, re.M), loud.stderr
    # Libraries stay quiet at -v; everything speaks at -vv.
    assert not re.search(r"^\S+ (DEBUG|INFO) (?!dailypapers)", loud.stderr, re.M), loud.stderr
    assert re.search(stamp + r"(DEBUG|INFO) (?!dailypapers)", debug.stderr, re.M), debug.stderr


def test_ctrl_c_exits_130_without_a_traceback(
    httpserver: HTTPServer, isolated_env: Path
) -> None:
    arrived, release = threading.Event(), threading.Event()

    def slow(request: Request) -> Response:
        arrived.set()
        release.wait(20)
        return json_response([])

    httpserver.expect_request("/api/daily_papers").respond_with_handler(slow)
    env = {**os.environ, "DAILYPAPERS_HF_URL": httpserver.url_for("/").rstrip("/"),
           "DAILYPAPERS_HTTP_TIMEOUT": "60"}
    # A shell that starts jobs in the background hands them SIGINT ignored, and Python
    # then installs no handler: give the child the default, as a terminal would.
    proc = subprocess.Popen([str(BIN), "run", "--date", DAY], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert arrived.wait(60), "the run never asked for the list"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "Interrupted." in err and "Traceback" not in err


# ------------------------------------------------------------ read-only commands


@pytest.mark.parametrize("args", [
    ["status"], ["status", "--date", DAY], ["search", "anything"], ["site"], ["publish"],
    ["fetch"], ["summarize"], ["send"],
])
def test_reading_commands_on_a_missing_dir_create_nothing(
    args: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nonexistent"
    result = cli(*args, "--dir", str(missing))
    assert result.exit_code == 1, result.output
    assert f"Error: no database: no such working directory: {missing}" in result.output
    assert "Hint: check --dir" in result.output
    assert not missing.exists()


def test_reading_commands_on_an_empty_dir_say_there_is_no_database(isolated_env: Path) -> None:
    result = cli("status")
    assert result.exit_code == 1
    assert "no database in" in result.output and "dailypapers run" in result.output
    assert list(isolated_env.iterdir()) == []
    serve = cli("serve")
    assert serve.exit_code == 5 and "dailypapers run" in serve.output


def test_status_of_a_missing_dir_as_a_process(tmp_path: Path) -> None:
    done = process("status", "--dir", str(tmp_path / "nonexistent"))
    assert done.returncode == 1 and "Hint:" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "nonexistent").exists()


# --------------------------------------------------------------------- files and keys


def test_published_files_get_the_umask_mode(hf: str, isolated_env: Path) -> None:
    from dailypapers import files

    files._umask.cache_clear()
    old = os.umask(0o027)
    try:
        assert cli("run", "--date", DAY, "--no-fulltext").exit_code == 0
    finally:
        os.umask(old)
        files._umask.cache_clear()
    written = [isolated_env / "README.md", isolated_env / "archive/2025/01/15.md",
               isolated_env / "site/index.html"]
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o640, path


def test_key_file_lives_under_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dailypapers.secrets import get_secret, key_file

    monkeypatch.delenv("DAILYPAPERS_KEY_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert key_file() == tmp_path / "conf" / "dailypapers" / "keys.env"
    key_file().parent.mkdir(parents=True)
    key_file().write_text("export HF_TOKEN='hf_from_the_key_file'\n")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert get_secret("HF_TOKEN") == "hf_from_the_key_file"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert key_file() == tmp_path / "home" / ".config" / "dailypapers" / "keys.env"


def test_key_file_is_read_once_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every redacted log record asks for every secret: the file is parsed again only when
    it changed (its size, times or inode), and a file that went away has no keys."""
    from dailypapers import secrets

    path = tmp_path / "keys.env"
    monkeypatch.setenv("DAILYPAPERS_KEY_FILE", str(path))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    parsed: list[Path] = []
    parse = secrets._parse_key_file
    monkeypatch.setattr(secrets, "_parse_key_file", lambda p: parsed.append(p) or parse(p))
    path.write_text("HF_TOKEN=first\n")
    assert [secrets.get_secret("HF_TOKEN") for _ in range(3)] == ["first"] * 3
    assert len(parsed) == 1
    path.write_text("HF_TOKEN=second-value\n")
    assert secrets.get_secret("HF_TOKEN") == "second-value"
    assert len(parsed) == 2
    os.utime(path, ns=(1, 1))  # same size, another mtime: read again
    path.write_text("HF_TOKEN=third-value\n")
    os.utime(path, ns=(2, 2))
    assert secrets.get_secret("HF_TOKEN") == "third-value"
    path.unlink()
    assert secrets.get_secret("HF_TOKEN") is None


# ------------------------------------------------------------------------- start-up


@pytest.mark.parametrize("modules", [
    "dailypapers.cli",
    # What the group does for every command, --help included: log redaction.
    "dailypapers.cli, dailypapers.secrets",
    # `text PDF` and the extraction worker process: PDFium and the cleaner, no HTTP stack.
    "dailypapers.cli, dailypapers.fulltext.pdf, dailypapers.fulltext.worker",
])
def test_the_cli_imports_no_library_module_it_does_not_need(modules: str) -> None:
    heavy = ["pydantic", "pydantic_settings", "httpx2", "httpx", "jinja2", "sqlite3",
             "markdown_it", "tenacity", "http.server", "dailypapers.config",
             "dailypapers.pipeline", "dailypapers.store", "dailypapers.http"]
    if "fulltext" not in modules:
        heavy += ["dailypapers.fulltext", "pypdfium2"]
    code = (f"import sys, {modules}\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_text_of_an_id_caches_in_the_user_cache_dir(
    httpserver: HTTPServer, tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selfmade.pdfs import make_paper

    facts = make_paper(tmp_path / "paper.pdf")
    httpserver.expect_request("/pdf/2501.00001").respond_with_data(
        facts.path.read_bytes(), content_type="application/pdf")
    monkeypatch.setenv("DAILYPAPERS_ARXIV_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    result = cli("text", "2501.00001", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"] == "pdf"
    assert list(isolated_env.iterdir()) == []  # nothing in the current directory
    cached = list((tmp_path / "xdg" / "dailypapers").rglob("*.pdf"))
    assert cached and cached[0].read_bytes() == facts.path.read_bytes()
    # With --dir, the working directory's cache is used instead.
    again = cli("text", "2501.00001", "--dir", "work")
    assert again.exit_code == 0 and "capacity factor" in again.stdout
    assert list((isolated_env / "work" / "cache").rglob("*.pdf"))
