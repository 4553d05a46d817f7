"""Settings: defaults < ``dailypapers.toml`` in the working dir < environment < CLI flags.

Environment variables are ``DAILYPAPERS_<FIELD>`` (``DAILYPAPERS_HF_URL``...). In the TOML
file a table flattens into its fields: ``[telegram] chat_id = 1`` sets ``telegram_chat_id``.
Secrets never live here: see :mod:`dailypapers.secrets`.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from .errors import ConfigError

CONFIG_FILE = "dailypapers.toml"
# Names that may not appear in the config file: secrets come from the environment only.
_SECRET_WORDS = ("token", "api_key", "password", "secret")
# Top-level tables kept whole rather than flattened into fields.
_TABLES = ("profiles",)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DAILYPAPERS_", extra="ignore")

    # --- working directory and outputs
    dir: Path = Path(".")
    database: str = "dailypapers.db"
    cache_dir: str = "cache"
    readme_days: int = 7
    max_authors: int = 5
    min_papers: int = 3
    site_url: str = ""
    site_title: str = "Daily Papers"
    site: bool = True  # build the static site and feeds in publish
    site_feed_days: int = 3  # days in the main Atom/RSS feeds
    site_tag_min_papers: int = 3  # a keyword gets a tag page once this many papers share it
    site_workers: int = 0  # processes for a full site build; 0 = one per CPU

    # --- remote services (every base URL is a setting)
    hf_url: str = "https://huggingface.co"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_url: str = "https://arxiv.org"
    # arXiv asks for one request every 3 s on a single connection.
    arxiv_delay: float = 3.0
    user_agent: str = "dailypapers/0.1 (https://pypi.org/project/dailypapers/)"
    http_timeout: float = 30.0
    http_retries: int = 4
    retry_max_wait: float = 60.0

    # --- stages
    source: str = "hf-daily"
    hf_page_size: int = 100
    summarizer: str = "extractive"
    fulltext: bool = True
    pdf_max_bytes: int = 60_000_000
    # Seconds one PDF may take to extract before its worker process is killed.
    pdf_timeout: float = 120.0

    # --- LLM summarizers
    openai_base_url: str | None = None
    model: str | None = None
    fallback_models: list[str] = []
    concurrency: int = 8
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    request_timeout: float = 120.0
    max_tokens_budget: int | None = None
    max_cost: float | None = None
    prompt_file: str | None = None
    context_chars: int = 60_000
    gemini_base_url: str | None = None
    # Sampling temperature sent to the model; None leaves the server's default (some
    # reasoning models reject any other value).
    llm_temperature: float | None = None
    # Prices for cost accounting and max_cost: "MODEL=INPUT,OUTPUT" in USD per 1M tokens.
    llm_prices: list[str] = []
    # First backoff step for LLM retries without Retry-After (doubles each attempt).
    retry_base_wait: float = 1.0

    # --- delivery
    channels: Annotated[list[str], NoDecode] = []
    telegram_url: str = "https://api.telegram.org"
    telegram_chat_id: str | None = None
    telegram_top_n: int | None = None
    telegram_audio: bool = True
    # One voice note per paper as well as the day's episode (off: it doubles the messages).
    telegram_voice: bool = False
    # Telegram allows about 20 messages a minute in a group chat.
    telegram_per_minute: float = 20.0
    telegram_photos: bool = True  # the paper's picture (from its PDF) before its message
    email_from: str | None = None
    # A list in TOML; in the environment JSON or comma-separated ("a@x.org, b@y.org").
    email_to: Annotated[list[str], NoDecode] = []
    # List-Unsubscribe target (https: URL or mailto:); default mailto:<email_from>.
    email_unsubscribe: str | None = None
    webhook_kind: str = "slack"
    tts: str = "espeak"  # espeak | openai | none
    tts_voice: str | None = None  # espeak voice (en-us) or OpenAI voice (alloy)
    tts_model: str = "gpt-4o-mini-tts"
    tts_rate: int = 175  # words per minute (espeak)
    # Write spoken summaries and the podcast feed under site/ on every delivery.
    podcast: bool = False
    alert_channel: str | None = None

    # --- faults: locks, bounds and deadlines (issue 16); ranges checked in _check_ranges
    lock_wait: float = 0.0  # seconds a command waits for another to leave the directory
    claim_stale_after: float = 3600.0  # a delivery claim from another host goes stale
    http_deadline: float = 300.0  # seconds for one whole answer (not one read)
    download_deadline: float = 600.0  # seconds for one whole PDF/HTML download
    stage_deadline: float = 3600.0  # seconds for the full-text stage of a run
    max_response_bytes: int = 50_000_000  # a JSON/XML answer larger than this is refused
    json_max_depth: int = 64
    hf_max_pages: int = 50  # pages of hf_page_size items; more is reported, not read
    max_title_chars: int = 1_000
    max_abstract_chars: int = 20_000
    max_author_count: int = 2_000  # names kept per paper
    max_author_chars: int = 300
    max_url_chars: int = 2_048
    max_text_chars: int = 3_000_000  # extracted text kept per paper
    pdf_max_memory: int = 1 << 30  # bytes of address space for the extraction worker
    llm_max_field_chars: int = 6_000  # characters kept per summary field from a model
    max_messages_per_paper: int = 4  # chat messages one paper may take

    @model_validator(mode="after")
    def _check_ranges(self) -> Settings:
        bad = []
        for name, low, strict in _RANGES:
            value = getattr(self, name)
            if value is None:
                continue
            if value < low or (strict and value == low):
                bad.append(f"{name}={value} (must be {'>' if strict else '>='} {low})")
        if bad:
            raise ValueError("out of range: " + ", ".join(bad))
        return self

    # --- arxiv-new source, interest profiles, ranking (issue 12; see dailypapers.foryou)
    arxiv_rss_url: str = "https://rss.arxiv.org"
    # Categories of the arxiv-new source when no --input is given ("cs.CL, cs.LG").
    arxiv_categories: Annotated[list[str], NoDecode] = []
    arxiv_replacements: bool = False  # also list replaced (new version) papers
    # [profiles.NAME] tables, read by dailypapers.foryou.profiles (kept as tables).
    profiles: dict[str, dict[str, Any]] = {}
    # [[readers]]: a channel target that receives one profile's ranked selection.
    readers: list[dict[str, Any]] = []
    zotero_url: str = "https://api.zotero.org"
    embeddings_url: str | None = None  # an OpenAI-compatible base URL, e.g. http://x/v1
    embeddings_model: str = "text-embedding-3-small"
    rank_half_life_days: float = 365.0  # an example paper counts half after this many days

    @field_validator("telegram_chat_id", mode="before")
    @classmethod
    def _chat_id_text(cls, value: Any) -> Any:
        # TOML users write chat_id = -1001234567890; the API takes it as text either way.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("email_to", "channels", "arxiv_categories", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"not a JSON list: {exc}") from exc
            return [part.strip() for part in text.split(",") if part.strip()]
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
        # Environment beats the file values passed as init kwargs; flags are applied after.
        return (env_settings, init_settings)


# (setting, lowest value, strictly above it): numbers that make no sense are refused.
_RANGES: tuple[tuple[str, float, bool], ...] = (
    ("http_timeout", 0, True), ("http_retries", 1, False), ("retry_max_wait", 0, False),
    ("arxiv_delay", 0, False), ("readme_days", 1, False), ("max_authors", 1, False),
    ("min_papers", 0, False), ("site_feed_days", 1, False), ("site_tag_min_papers", 1, False),
    ("site_workers", 0, False), ("hf_page_size", 1, False), ("pdf_max_bytes", 1, False),
    ("pdf_timeout", 0, True), ("concurrency", 1, False), ("requests_per_minute", 0, True),
    ("tokens_per_minute", 0, True), ("request_timeout", 0, True),
    ("max_tokens_budget", 0, False), ("max_cost", 0, False), ("context_chars", 1, False),
    ("retry_base_wait", 0, False), ("telegram_per_minute", 0, False), ("tts_rate", 1, False),
    ("lock_wait", 0, False), ("claim_stale_after", 0, True), ("http_deadline", 0, True),
    ("download_deadline", 0, True), ("stage_deadline", 0, True),
    ("max_response_bytes", 1, False), ("json_max_depth", 1, False), ("hf_max_pages", 1, False),
    ("max_title_chars", 1, False), ("max_abstract_chars", 1, False),
    ("max_author_count", 1, False), ("max_author_chars", 1, False),
    ("max_url_chars", 16, False), ("max_text_chars", 1, False),
    ("pdf_max_memory", 64 << 20, False), ("llm_max_field_chars", 100, False),
    ("max_messages_per_paper", 1, False),
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


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    secret = [k for k in data if any(w in k for w in _SECRET_WORDS)]
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


def load_settings(directory: Path | str | None = None, **flags: Any) -> Settings:
    """Build settings for a working directory; ``flags`` (CLI options) win over everything."""
    flags = {k: v for k, v in flags.items() if v is not None}
    root = Path(directory) if directory is not None else None
    if root is None:
        env_dir = Settings().dir
        root = env_dir
    file_values = read_config_file(root / CONFIG_FILE)
    file_values["dir"] = root
    try:
        settings = Settings(**file_values)
        if flags:
            settings = settings.model_copy(update=flags)
            Settings.model_validate(settings.model_dump())
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
    return settings
