"""Settings: defaults < ``dailypapers.toml`` in the working dir < environment < CLI flags.

Environment variables are ``DAILYPAPERS_<FIELD>`` (``DAILYPAPERS_HF_URL``...). In the TOML
file a table flattens into its fields: ``[telegram] chat_id = 1`` sets ``telegram_chat_id``.
Secrets never live here: see :mod:`dailypapers.secrets`.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from .errors import ConfigError

log = logging.getLogger(__name__)

CONFIG_FILE = "dailypapers.toml"
ENV_PREFIX = "DAILYPAPERS_"
# DAILYPAPERS_* variables that are not settings (secrets are added from secrets.py).
EXTRA_ENV = ("DAILYPAPERS_KEY_FILE",)
_READ_ENV: ContextVar[bool] = ContextVar("dailypapers_read_env", default=True)
# Names that may not appear in the config file: secrets come from the environment only.
_SECRET_WORDS = ("token", "password", "secret", "key")
# Top-level tables kept whole rather than flattened into fields.
_TABLES = ("profiles", "plugins")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    # --- working directory and outputs
    dir: Path = Path(".")
    database: str = "dailypapers.db"
    cache_dir: str = "cache"
    readme_days: Annotated[int, Field(ge=1, le=3650)] = 7
    # A generated README, day page or feed is kept under this many bytes, still whole: the
    # README keeps fewer days, a feed its newest entries, a day page cuts its long texts.
    max_file_bytes: Annotated[int, Field(ge=10_000, le=1_000_000_000)] = 10_000_000
    max_authors: Annotated[int, Field(ge=1, le=1000)] = 5
    min_papers: Annotated[int, Field(ge=0, le=10_000)] = 3
    site_url: str = ""
    site_title: str = "Daily Papers"
    site: bool = True  # build the static site and feeds in publish
    site_feed_days: Annotated[int, Field(ge=1, le=3650)] = 3  # days in the main Atom/RSS feeds
    # a keyword gets a tag page once this many papers share it
    site_tag_min_papers: Annotated[int, Field(ge=1)] = 3
    # processes for a full site build; 0 = one per CPU
    site_workers: Annotated[int, Field(ge=0, le=256)] = 0
    # the newest N papers (by first published day) show a picture on the site; older ones
    # none (no broken image). Bounds the pictures' share of the site: ~20 KB each, at most
    # 60 KB (bench/README.md, "Picture sizes"); 0 = no pictures on the site. 5,000 (about a
    # year of the daily list, ~95 MB) keeps a 100,000-paper site (~820 MB) under Pages' 1 GB.
    site_pictures: Annotated[int, Field(ge=0)] = 5_000
    # A picture whose PDF and cached copy are gone, and that site/ does not hold, is taken
    # back from the published site (site_url) over HTTP: for a site that lives in the cache
    # (the --pages workflow sets it). Off by default: a build then makes no request.
    site_pictures_fetch: bool = False

    # --- remote services (every base URL is a setting)
    hf_url: str = "https://huggingface.co"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_url: str = "https://arxiv.org"
    # arXiv asks for one request every 3 s on a single connection.
    arxiv_delay: Annotated[float, Field(ge=0, le=600)] = 3.0
    user_agent: str = "dailypapers/0.1 (https://pypi.org/project/dailypapers/)"
    http_timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0
    http_retries: Annotated[int, Field(ge=1, le=20)] = 4  # attempts, the first included
    retry_max_wait: Annotated[float, Field(ge=0, le=3600)] = 60.0

    # --- stages
    source: str = "hf-daily"
    hf_page_size: Annotated[int, Field(ge=1, le=1000)] = 100
    summarizer: str = "extractive"
    fulltext: bool = True
    pdf_max_bytes: Annotated[int, Field(ge=1)] = 60_000_000
    # Seconds one PDF may take to extract before its worker process is killed.
    pdf_timeout: Annotated[float, Field(gt=0, le=86_400)] = 120.0

    # --- LLM summarizers
    openai_base_url: str | None = None
    model: str | None = None
    fallback_models: Annotated[list[str], NoDecode] = []
    concurrency: Annotated[int, Field(ge=1, le=1024)] = 8
    requests_per_minute: Annotated[float, Field(gt=0)] | None = None
    tokens_per_minute: Annotated[float, Field(gt=0)] | None = None
    request_timeout: Annotated[float, Field(gt=0, le=86_400)] = 120.0
    # One whole LLM answer (connection, headers, body) must end within this many seconds.
    llm_deadline: Annotated[float, Field(gt=0, le=86_400)] = 600.0
    # Output tokens a model may write per request (thinking included, where it counts).
    llm_max_output_tokens: Annotated[int, Field(ge=256, le=1_000_000)] = 8192
    max_tokens_budget: Annotated[int, Field(ge=1)] | None = None
    max_cost: Annotated[float, Field(ge=0)] | None = None
    prompt_file: str | None = None
    context_chars: Annotated[int, Field(ge=1000)] = 60_000
    gemini_base_url: str | None = None
    # Sampling temperature sent to the model; None leaves the server's default (some
    # reasoning models reject any other value).
    llm_temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    # Prices for cost accounting and max_cost: "MODEL=INPUT,OUTPUT" in USD per 1M tokens.
    llm_prices: Annotated[list[str], NoDecode] = []
    # First backoff step for LLM retries without Retry-After (doubles each attempt).
    retry_base_wait: Annotated[float, Field(ge=0, le=600)] = 1.0

    # --- delivery
    channels: Annotated[list[str], NoDecode] = []
    telegram_url: str = "https://api.telegram.org"
    telegram_chat_id: str | None = None
    telegram_top_n: Annotated[int, Field(ge=1)] | None = None
    telegram_audio: bool = True
    # One voice note per paper as well as the day's episode (off: it doubles the messages).
    telegram_voice: bool = False
    # Telegram allows about 20 messages a minute in a group chat (0: no pacing).
    telegram_per_minute: Annotated[float, Field(ge=0)] = 20.0
    telegram_photos: bool = True  # the paper's picture (from its PDF) before its message
    email_from: str | None = None
    # A list in TOML; in the environment JSON or comma-separated ("a@x.org, b@y.org").
    email_to: Annotated[list[str], NoDecode] = []
    # List-Unsubscribe target (https: URL or mailto:); default mailto:<email_from>.
    email_unsubscribe: str | None = None
    webhook_kind: Literal["slack", "discord"] = "slack"
    tts: Literal["espeak", "openai", "none"] = "espeak"
    tts_voice: str | None = None  # espeak voice (en-us) or OpenAI voice (alloy)
    tts_model: str = "gpt-4o-mini-tts"
    tts_rate: Annotated[int, Field(ge=80, le=450)] = 175  # words per minute (espeak)
    # Write spoken summaries and the podcast feed under site/ on every delivery.
    podcast: bool = False
    # What podcast apps show and Apple Podcasts asks for (owner email: where it verifies).
    podcast_owner_name: str = ""  # "" = site_title
    podcast_owner_email: str = ""
    podcast_category: str = "Technology"  # an Apple Podcasts category
    podcast_explicit: bool = False
    alert_channel: str | None = None

    # --- faults: locks, bounds and deadlines (issue 16)
    # Seconds a command waits for another to leave the directory.
    lock_wait: Annotated[float, Field(ge=0)] = 0.0
    # A delivery claim from another host goes stale.
    claim_stale_after: Annotated[float, Field(gt=0)] = 3600.0
    # Seconds for one whole answer (not one read).
    http_deadline: Annotated[float, Field(gt=0)] = 300.0
    # Seconds for one whole PDF/HTML download.
    download_deadline: Annotated[float, Field(gt=0)] = 600.0
    # Seconds for the full-text stage of a run.
    stage_deadline: Annotated[float, Field(gt=0)] = 3600.0
    # A JSON/XML answer larger than this is refused.
    max_response_bytes: Annotated[int, Field(ge=1)] = 50_000_000
    json_max_depth: Annotated[int, Field(ge=1)] = 64
    # Pages of hf_page_size items; more is reported, not read.
    hf_max_pages: Annotated[int, Field(ge=1)] = 50
    max_title_chars: Annotated[int, Field(ge=1)] = 1_000
    max_abstract_chars: Annotated[int, Field(ge=1)] = 20_000
    max_author_count: Annotated[int, Field(ge=1)] = 2_000  # names kept per paper
    max_author_chars: Annotated[int, Field(ge=1)] = 300
    max_url_chars: Annotated[int, Field(ge=16)] = 2_048
    max_text_chars: Annotated[int, Field(ge=1)] = 3_000_000  # extracted text kept per paper
    # Bytes of address space for the extraction worker.
    pdf_max_memory: Annotated[int, Field(ge=64 << 20)] = 1 << 30
    # Characters kept per summary field from a model.
    llm_max_field_chars: Annotated[int, Field(ge=100)] = 6_000
    max_messages_per_paper: Annotated[int, Field(ge=1)] = 4  # chat messages one paper may take

    # --- arxiv-new source, interest profiles, ranking (issue 12; see dailypapers.foryou)
    arxiv_rss_url: str = "https://rss.arxiv.org"
    # Categories of the arxiv-new source when no --input is given ("cs.CL, cs.LG").
    arxiv_categories: Annotated[list[str], NoDecode] = []
    arxiv_replacements: bool = False  # also list replaced (new version) papers
    # [profiles.NAME] tables, read by dailypapers.foryou.profiles (kept as tables).
    profiles: dict[str, dict[str, Any]] = {}
    # Third-party plugins' own settings: the [<plugin id>] tables of dailypapers.toml, read
    # and validated by the plugin (dailypapers.plugins.plugin_options).
    plugins: dict[str, dict[str, Any]] = {}
    # [[readers]]: a channel target that receives one profile's ranked selection.
    readers: list[dict[str, Any]] = []
    zotero_url: str = "https://api.zotero.org"
    embeddings_url: str | None = None  # an OpenAI-compatible base URL, e.g. http://x/v1
    embeddings_model: str = "text-embedding-3-small"
    # An example paper counts half after this many days (0: examples never age).
    rank_half_life_days: Annotated[float, Field(ge=0)] = 365.0

    @field_validator("telegram_chat_id", mode="before")
    @classmethod
    def _chat_id_text(cls, value: Any) -> Any:
        # TOML users write chat_id = -1001234567890; the API takes it as text either way.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("*", mode="before")
    @classmethod
    def _split_list(cls, value: Any, info: ValidationInfo) -> Any:
        # Lists take one documented form everywhere: a TOML array, or in the environment a
        # JSON array ('["a", "b"]') or comma-separated text ("a, b").
        if info.field_name in _LIST_FIELDS and isinstance(value, str):
            return split_list(value)
        name = info.field_name or ""
        if name.endswith("_url") and isinstance(value, str) and value.strip() and \
                not value.strip().lower().startswith(("http://", "https://")):
            # Every remote base URL is a setting; none may be file:, ftp: or a bare host.
            raise ValueError("not an http:// or https:// URL")
        if info.field_name in _DICT_FIELDS and isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON object ({exc.msg})") from exc
        return value

    @property
    def root(self) -> Path:
        return self.dir.expanduser()

    @property
    def db_path(self) -> Path:
        return self.root / self.database

    @property
    def cache_path(self) -> Path:
        return self.root / self.cache_dir

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Settings(...) alone reads the environment over its arguments; load_settings merges
        # file < environment < flags itself (to name the origin of a bad value) and turns
        # the environment source off.
        return (env_settings, init_settings) if _READ_ENV.get() else (init_settings,)


_LIST_FIELDS = frozenset(
    name for name, info in Settings.model_fields.items()
    if getattr(info.annotation, "__origin__", None) is list
)
_DICT_FIELDS = frozenset(
    name for name, info in Settings.model_fields.items()
    if getattr(info.annotation, "__origin__", None) is dict
)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}".replace("-", "_")
        if isinstance(value, dict) and name not in _TABLES:
            flat.update(_flatten(value, f"{name}_"))
        else:
            flat[name] = value
    return flat


def _plugin_tables(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Pop the tables named after an installed plugin that has no built-in settings.

    ``[telegram]`` flattens into ``telegram_*`` settings as always; ``[my-channel]``, for a
    plugin registered as ``my-channel``, is kept whole for that plugin to validate.
    """
    known = set(Settings.model_fields)
    candidates = [k for k, v in raw.items() if isinstance(v, dict)
                  and not set(_flatten({k: v})) <= known]
    if not candidates:
        return {}
    from .plugins import all_ids

    ids = all_ids()
    return {key: raw.pop(key) for key in candidates if key in ids}


def _looks_secret(name: str) -> bool:
    words = name.lower().split("_")
    return "api_key" in name.lower() or any(w in _SECRET_WORDS for w in words)


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    tables = _plugin_tables(raw)
    data = _flatten(raw)
    if tables:
        data["plugins"] = {**data.get("plugins", {}), **tables}
    secret = [k for k in data if _looks_secret(k)]
    secret += [f"{t}.{k}" for t, table in tables.items() for k in _flatten(table)
               if _looks_secret(k)]
    if secret:
        raise ConfigError(
            f"{path}: secrets do not belong in the config file ({', '.join(sorted(secret))})",
            hint="set them in the environment or a key file (DAILYPAPERS_KEY_FILE)",
        )
    known = set(Settings.model_fields)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown settings: {', '.join(unknown)}")
    return data


def split_list(text: str) -> list[Any]:
    """A list setting from text: a JSON array, else comma-separated items."""
    text = text.strip()
    if text.startswith(("[", "{")):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list ({exc.msg})") from exc
        if not isinstance(value, list):
            raise ValueError("not a JSON list")
        return value
    return [part.strip() for part in text.split(",") if part.strip()]


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def _env_values() -> dict[str, str]:
    """``{field: raw text}`` for every DAILYPAPERS_<FIELD> set in the environment."""
    fields = set(Settings.model_fields)
    values: dict[str, str] = {}
    for name, value in os.environ.items():
        upper = name.upper()
        if upper.startswith(ENV_PREFIX) and upper[len(ENV_PREFIX):].lower() in fields:
            values[upper[len(ENV_PREFIX):].lower()] = value
    return values


def unknown_env() -> list[str]:
    """One warning line per DAILYPAPERS_* variable that is neither a setting nor a known key."""
    known = {env_name(f) for f in Settings.model_fields} | set(EXTRA_ENV)
    strays = [n for n in sorted(os.environ)
              if n.upper().startswith(ENV_PREFIX) and n.upper() not in known]
    if not strays:
        return []
    # Only now: the plugins' declared secrets (DAILYPAPERS_SMTP_URL...) load every plugin.
    from .secrets import known_secrets

    known |= {name for name in known_secrets() if name.startswith(ENV_PREFIX)}
    lines = []
    for name in strays:
        upper = name.upper()
        if upper in known:
            continue
        close = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.75)
        guess = f" (did you mean {close[0]}?)" if close else ""
        lines.append(f"{name} is not a dailypapers setting; ignored{guess}")
    return lines


_warned: set[str] = set()


def _warn_unknown_env() -> None:
    for line in unknown_env():
        if line not in _warned:
            _warned.add(line)
            log.warning("%s", line)


def _describe(error: Any, origin: dict[str, str]) -> str:
    """One clause for one validation error, naming where the bad value came from."""
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    field = str(error["loc"][0]) if error.get("loc") else "settings"
    shown = repr(error.get("input"))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{_where(field, origin)}={shown}: {message}"


def _where(field: str, origin: dict[str, str]) -> str:
    return origin.get(field, field) if field in Settings.model_fields else field


def _config_error(exc: ValidationError, origin: dict[str, str]) -> ConfigError:
    errors = exc.errors(include_url=False)
    parts = [_describe(e, origin) for e in errors]
    first = parts[0] if parts else str(exc).splitlines()[0]
    more = f" (and {len(parts) - 1} more: {'; '.join(parts[1:])})" if len(parts) > 1 else ""
    return ConfigError(f"invalid setting {first}{more}",
                       hint="see dailypapers.toml written by `dailypapers init` for every setting")


def load_settings(directory: Path | str | None = None, **flags: Any) -> Settings:
    """Build settings for a working directory; ``flags`` (CLI options) win over everything.

    Every value is validated once, whatever it came from; a bad one raises one
    :class:`ConfigError` naming the environment variable, the file's key or the flag.
    """
    _warn_unknown_env()
    flags = {k: v for k, v in flags.items() if v is not None}
    env = _env_values()
    root = Path(directory) if directory is not None else Path(env.get("dir") or ".")
    config = root / CONFIG_FILE
    file_values = read_config_file(config)
    origin = {f: f"{config.name}: {f}" for f in file_values}
    origin.update({f: env_name(f) for f in env})
    origin.update({f: f"--{f.replace('_', '-')}" for f in flags})
    values: dict[str, Any] = {**file_values, **env, **flags, "dir": root}
    token = _READ_ENV.set(False)  # environment values are in ``values`` already
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise _config_error(exc, origin) from None
    finally:
        _READ_ENV.reset(token)
