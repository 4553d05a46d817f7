"""``dailypapers init``: a working directory in one step, optionally with a daily schedule.

Writes ``dailypapers.toml`` (every setting, commented out at its default, so the file
documents itself and stays in step with :class:`~dailypapers.config.Settings`), a
``.gitignore`` (the database and caches out: they are rebuilt from the durable files), and
with ``--github-actions`` a weekday workflow at the repository root (``workflow.py``).
Existing files are kept unless ``force`` is given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config import CONFIG_FILE, Settings
from .workflow import running_install_spec, workflow_text

WORKFLOW_PATH = Path(".github/workflows/dailypapers.yml")
DEFAULT_BACKFILL = 3

# One line of help per setting users most often change; the rest speak for themselves.
_HELP = {
    "source": "hf-daily (Hugging Face Daily Papers), arxiv, ids or file",
    "summarizer": "extractive (offline, no key), openai (any OpenAI-compatible server), gemini",
    "model": "model name for LLM summarizers, e.g. gpt-4o-mini",
    "openai_base_url": "OpenAI-compatible endpoint (Ollama, vLLM, Gemini...); key: OPENAI_API_KEY",
    "site_url": "public URL of the published site (links in messages and feeds)",
    "min_papers": "a day with fewer papers is reported as suspicious",
    "channels": 'where to deliver: ["telegram", "email", "webhook"]',
    "telegram_chat_id": "chat or channel id; the bot token comes from TELEGRAM_BOT_TOKEN",
    "telegram_top_n": "send only the N most upvoted papers (unset: all)",
    "telegram_audio": "also send the day's spoken episode (needs tts)",
    "telegram_voice": "also send one voice note per paper",
    "email_to": "recipients; the server comes from DAILYPAPERS_SMTP_URL (smtp://user:pass@host:587)",
    "webhook_kind": "slack or discord; the URL comes from DAILYPAPERS_WEBHOOK_URL",
    "tts": "espeak (offline, apt-get install espeak-ng), openai, or none",
    "podcast": "write spoken summaries and site/podcast.xml on every delivery",
    "alert_channel": "channel id that hears about failed or empty days",
}
# Settings that make no sense in the file (where the file is) or are internal.
_SKIP = {"dir"}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        return json.dumps(str(value))
    # JSON strings and lists of strings are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def config_text() -> str:
    """A dailypapers.toml with every setting commented out at its default."""
    lines = [
        "# dailypapers settings. Every line is a default: uncomment to change it.",
        "# Environment variables win over this file (DAILYPAPERS_<NAME>, e.g.",
        "# DAILYPAPERS_SUMMARIZER=openai). Secrets never go here: keys and tokens come from",
        "# the environment (OPENAI_API_KEY, TELEGRAM_BOT_TOKEN, DAILYPAPERS_SMTP_URL, ...).",
        "",
    ]
    for name, info in Settings.model_fields.items():
        if name in _SKIP:
            continue
        if name in _HELP:
            lines.append(f"# {_HELP[name]}")
        default = info.get_default(call_default_factory=True)
        if default is None:
            lines.append(f"# {name} =")
        else:
            lines.append(f"# {name} = {_toml_value(default)}")
    return "\n".join(lines) + "\n"


GITIGNORE = """\
# dailypapers: the database and caches are rebuilt from the durable files (data/, ledger/),
# which go in git with archive/ and site/.
dailypapers.db
cache/
*.db-wal
*.db-shm
*.db-journal
.venv/
__pycache__/
"""


def _repo_root(directory: Path) -> Path | None:
    for candidate in [directory, *directory.parents]:
        if (candidate / ".git").exists():
            return candidate
    return None


def _extend_gitignore(path: Path) -> bool:
    present = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    missing = [line for line in GITIGNORE.splitlines()
               if line and not line.startswith("#") and line not in present]
    if not missing:
        return False
    text = path.read_text(encoding="utf-8")
    prefix = "" if text.endswith("\n") or not text else "\n"
    path.write_text(text + prefix + "# added by dailypapers init\n" + "\n".join(missing) + "\n",
                    encoding="utf-8")
    return True


def init_directory(
    directory: Path, *, github_actions: bool = False, force: bool = False,
    package: str | None = None, pages: bool = False,
) -> tuple[list[Path], list[Path]]:
    """Create the working directory's files; returns (written, kept because they exist).

    ``package`` is what the workflow installs; by default the dailypapers running now
    (see :func:`~dailypapers.scaffold.workflow.running_install_spec`).
    """
    directory = directory.expanduser().resolve()
    planned: list[tuple[Path, str]] = [
        (directory / CONFIG_FILE, config_text()),
        (directory / ".gitignore", GITIGNORE),
    ]
    if github_actions:
        root = _repo_root(directory) or directory
        workdir = directory.relative_to(root).as_posix() or "."
        spec = package or running_install_spec(root)
        planned.append((root / WORKFLOW_PATH, workflow_text(
            workdir, package=spec, backfill=DEFAULT_BACKFILL, pages=pages)))
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    kept: list[Path] = []
    for path, text in planned:
        if path.name == ".gitignore" and path.exists() and not force:
            # An existing repository's .gitignore gets our missing lines, nothing removed.
            if _extend_gitignore(path):
                written.append(path)
            else:
                kept.append(path)
            continue
        if path.exists() and not force:
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written, kept
