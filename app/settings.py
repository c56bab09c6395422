"""Hearth's settings: one typed object read from the environment (prefix ``HEARTH_``)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.urls import to_origin, to_origins, to_sync_url

_DEFAULT_DATABASE_URL = "sqlite:///data/hearth.db"
# Docker and compose mount secrets here, one file per variable (e.g. HEARTH_API_KEY).
_SECRETS_DIR = os.environ.get("HEARTH_SECRETS_DIR", "/run/secrets")


class Settings(BaseSettings):
    """Everything Hearth reads from its environment; defaults need no set-up at all."""

    model_config = SettingsConfigDict(
        env_prefix="HEARTH_",
        extra="ignore",
        secrets_dir=_SECRETS_DIR if Path(_SECRETS_DIR).is_dir() else None,
    )

    database_url: str = Field(
        default=_DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path or postgresql://user@host/db.",
    )
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("HEARTH_REDIS_URL", "REFLEX_REDIS_URL"),
        description="redis://host:6379/0: Reflex's state and the live feed of runs, shared by "
        "every worker. Needed for more than one worker.",
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Backend worker processes (`python -m app.deploy serve`); default one per "
        "CPU core with Redis, else 1.",
    )
    public_url: str = Field(
        default="",
        validation_alias=AliasChoices("HEARTH_PUBLIC_URL", "REFLEX_API_URL"),
        description="Where browsers reach Hearth, e.g. https://hearth.example.com (baked into "
        "the frontend when it is built).",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Other origins whose pages may call the API and open the websocket, "
        "comma-separated (e.g. https://chat.example.com,http://localhost:5173); the app's own "
        "origin always may.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="json: one JSON object per line on stderr, for a host."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The lowest level logged."
    )
    db_pool_size: int = Field(
        default=10, ge=1, le=200, description="Database connections each worker keeps open."
    )
    db_max_overflow: int = Field(
        default=20, ge=0, le=200, description="Extra connections a busy worker may open."
    )
    provider: Literal["auto", "offline", "hybrid", "chat", "responses"] = Field(
        default="auto",
        description="Who answers: offline (the built-in assistant, no network), hybrid (the "
        "offline assistant answers what it understands at once, the model the rest, over "
        "one thread), chat (Chat Completions, any OpenAI-compatible server), responses "
        "(OpenAI's Responses API); auto = hybrid with a key or URL, else offline.",
    )
    model_api: Literal["auto", "chat", "responses"] = Field(
        default="auto",
        description="How hybrid speaks to the model: chat (Chat Completions) or responses; "
        "auto = chat with HEARTH_BASE_URL (any OpenAI-compatible server), responses without "
        "(OpenAI itself).",
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("HEARTH_API_KEY", "OPENAI_API_KEY"),
        description="API key of the model server (HEARTH_API_KEY, or OPENAI_API_KEY).",
    )
    base_url: str | None = Field(
        default=None, description="OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1."
    )
    model: str = Field(default="gpt-4.1-mini", min_length=1, description="Model name.")
    request_timeout_s: float = Field(default=60, gt=0, description="Per request, in seconds.")
    connect_timeout_s: float = Field(default=10, gt=0, description="To connect, in seconds.")
    model_read_interval_s: float = Field(
        default=0.05,
        ge=0,
        le=0.5,
        description="How often a model's streamed answer is read off the socket once it flows "
        "(0: as it comes); what arrives meanwhile is read, decoded and passed on at once. "
        "The default is the flush interval's: text reaches the page at most that often anyway.",
    )
    retry_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries per model turn before a failure is final."
    )
    retry_base_delay_s: float = Field(default=0.5, ge=0, description="First backoff delay.")
    retry_max_delay_s: float = Field(default=20, ge=0, description="Longest backoff delay.")
    provider_factory: str = Field(
        default="",
        description="Import path 'module:function' of a provider factory (settings, sessions); "
        "replaces `provider` for benchmarks and manual testing.",
    )
    language: str = Field(
        default="en",
        description="Language the offline assistant understands and answers in (en, de).",
    )
    max_steps: int = Field(default=8, ge=1, le=50, description="Model turns allowed per run.")
    checkpoint_interval_s: float = Field(
        default=1.0,
        gt=0,
        le=10,
        description="How often a live run's heartbeat is written (with its text so far).",
    )
    save_text_within_s: float = Field(
        default=0.15,
        gt=0,
        le=10,
        description="Streamed text is saved at most this long after it arrives.",
    )
    stream_flush_interval_s: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="How often streamed text is pushed to the browser.",
    )
    stop_poll_interval_s: float = Field(
        default=0.2,
        gt=0,
        le=5,
        description="How often a worker asks the database whether a run it drives was "
        "stopped (from another worker) or an approval answered.",
    )
    stop_fallback_poll_s: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="A Stop recorded on another worker is heard at once on the change feed; "
        "the database is still asked this often, for a notice lost on the way.",
    )
    redis_send_interval_s: float = Field(
        default=0.2, gt=0, le=5, description="How often a run's events go to other workers."
    )
    ended_feed_keep_s: float = Field(
        default=60, gt=0, le=3600, description="How long an ended run's feed stays readable."
    )
    follow_idle_s: float = Field(
        default=1.0, gt=0, le=10, description="A quiet live run is looked up after this long."
    )
    max_context_chars: int = Field(
        default=60_000,
        ge=1000,
        description="History sent to a model (about 4 characters a token); older turns drop.",
    )
    api_max_body_bytes: int = Field(
        default=1_000_000,
        ge=1000,
        description="Largest request body the HTTP API accepts (a whole conversation).",
    )
    max_message_chars: int = Field(
        default=8000, ge=1, description="Longest message a person may send."
    )
    attachment_max_bytes: int = Field(
        default=5_000_000,
        ge=1000,
        le=50_000_000,
        description="Largest file a person may attach to a message (bytes; stored in the "
        "database).",
    )
    attachment_max_files: int = Field(
        default=4, ge=1, le=20, description="Most files one message may carry."
    )
    # A dead worker's run is expired within run_stale_after_s + sweep_interval_s (12 s);
    # a live one beats every checkpoint_interval_s (1 s), ten times inside that window.
    run_stale_after_s: float = Field(
        default=10, gt=0, description="A run with no heartbeat for this long is expired."
    )
    sweep_interval_s: float = Field(
        default=2, gt=0, description="How often stale runs are looked for."
    )
    approval_timeout_s: float = Field(
        default=300,
        gt=0,
        le=86_400,
        description='How long an "ask first" tool waits for Approve or Deny before the run '
        "expires.",
    )
    follow_ups_timeout_s: float = Field(
        default=8,
        ge=0,
        le=60,
        description="How long the model is given, after a reply it wrote, to suggest "
        "follow-ups (the reply's end never waits; 0: no follow-ups after a model's reply).",
    )
    admin_username: str = Field(
        default="", description="With HEARTH_ADMIN_PASSWORD: an admin created at start if missing."
    )
    admin_password: SecretStr | None = Field(
        default=None, description="The password of HEARTH_ADMIN_USERNAME (never logged)."
    )
    signup: Literal["open", "closed"] = Field(
        default="open",
        description="Whether anyone may create an account (closed: admins create them in "
        "/admin). The switch in /admin wins once used. The first account is the admin.",
    )
    trusted_proxy_hops: int = Field(
        default=0,
        ge=0,
        le=5,
        description="Reverse proxies in front of Hearth that append to X-Forwarded-For (1 "
        "behind the compose file's nginx). 0: the header is ignored and the peer's address is "
        "the client's (a client could write the header itself).",
    )
    offline_chunk_delay_s: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="Pause between the offline assistant's chunks.",
    )
    dictation: Literal["auto", "offline", "server", "off"] = Field(
        default="auto",
        description="Who writes down what the microphone button hears: offline (PocketSphinx "
        "on this machine, English), server (HEARTH_TRANSCRIPTION_BASE_URL, or OpenAI with "
        "a key), off; auto = server when HEARTH_TRANSCRIPTION_BASE_URL is set, else offline.",
    )
    transcription_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible server with /audio/transcriptions (Whisper), e.g. "
        "http://127.0.0.1:8000/v1.",
    )
    transcription_api_key: SecretStr | None = Field(
        default=None, description="Its API key (default: HEARTH_API_KEY)."
    )
    transcription_model: str = Field(
        default="whisper-1", min_length=1, description="Its transcription model."
    )
    # The recording crosses the websocket as base64, whose messages Reflex caps at 1 MB.
    dictation_max_s: float = Field(
        default=15, ge=1, le=20, description="Longest dictation, in seconds (at most 20)."
    )

    @field_validator("redis_url")
    @classmethod
    def _redis_url_has_a_scheme(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("language")
    @classmethod
    def _language_is_supported(cls, value: str) -> str:
        # Imported here: the list is the sentence files the assistant ships.
        from app.assistant.understanding.languages import supported_languages

        supported = supported_languages()
        if value not in supported:
            raise ValueError(f"must be one of {', '.join(supported)}")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_is_an_origin(cls, value: str) -> str:
        return to_origin(value) if value else ""

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _cors_origins_are_origins(cls, value: object) -> tuple[str, ...]:
        return to_origins(value)

    @model_validator(mode="after")
    def _several_workers_share_redis(self) -> Settings:
        if (self.workers or 1) > 1 and not self.redis_url:
            raise ValueError(
                f"HEARTH_WORKERS={self.workers} needs HEARTH_REDIS_URL (or REFLEX_REDIS_URL): "
                "without Redis each worker would keep its own state"
            )
        return self

    @property
    def worker_count(self) -> int:
        """How many backend workers to run."""
        if self.workers:
            return self.workers
        return (os.cpu_count() or 1) if self.redis_url else 1

    @model_validator(mode="after")
    def _model_server_is_reachable(self) -> Settings:
        needs_model = self.provider in ("hybrid", "chat", "responses")
        if needs_model and self.api_key is None and not self.base_url:
            raise ValueError(
                f"HEARTH_PROVIDER={self.provider} needs HEARTH_API_KEY (or OPENAI_API_KEY), "
                "or HEARTH_BASE_URL of a server that needs no key"
            )
        return self

    @model_validator(mode="after")
    def _transcription_server_is_reachable(self) -> Settings:
        if (
            self.dictation == "server"
            and not self.transcription_base_url
            and not (self.transcription_api_key or self.api_key)
        ):
            raise ValueError(
                "HEARTH_DICTATION=server needs HEARTH_TRANSCRIPTION_BASE_URL, or an API key "
                "(HEARTH_TRANSCRIPTION_API_KEY or HEARTH_API_KEY) for OpenAI's"
            )
        return self

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Origins other than the one a request arrived at that CORS and the websocket let
        in: the public address (behind a proxy) and HEARTH_CORS_ORIGINS."""
        public = (self.public_url,) if self.public_url else ()
        return tuple(dict.fromkeys((*public, *self.cors_origins)))

    @property
    def resolved_provider(self) -> Literal["offline", "hybrid", "chat", "responses"]:
        """The provider in use: `auto` picks offline without a key or URL, else hybrid."""
        if self.provider != "auto":
            return self.provider
        if self.api_key is None and not self.base_url:
            return "offline"
        return "hybrid"

    @property
    def resolved_model_api(self) -> Literal["chat", "responses"]:
        """How hybrid's model is spoken to: `auto` picks chat for a server at a URL."""
        if self.model_api != "auto":
            return self.model_api
        return "chat" if self.base_url else "responses"

    @property
    def redis_prefix(self) -> str:
        """Hearth's Redis keys, one namespace per database: two deployments (or test apps)
        sharing a Redis never read each other's runs, whose ids overlap."""
        digest = hashlib.sha256(self.sync_database_url.encode()).hexdigest()[:12]
        return f"hearth:{digest}:"

    @property
    def sync_database_url(self) -> str:
        """The URL for sync engines (Alembic, Reflex's health check)."""
        return to_sync_url(self.database_url)


class SettingsError(ValueError):
    """Settings that cannot be used; the message names each variable and what is wrong."""


def load_settings() -> Settings:
    """Read the environment, or fail naming the variables that are wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            if not field:
                problems.append(error["msg"].removeprefix("Value error, "))
                continue
            name = field.upper() if field.isupper() else f"HEARTH_{field.upper()}"
            shown = "" if "key" in field.lower() else f" (got {error.get('input')!r})"
            problems.append(f"{name}: {error['msg']}{shown}")
        raise SettingsError("Hearth's settings are wrong:\n  " + "\n  ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()
