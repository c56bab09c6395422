"""Hearth's settings: one typed object read from the environment (prefix ``HEARTH_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_DEFAULT_DATABASE_URL = "sqlite:///data/hearth.db"


class Settings(BaseSettings):
    """Everything Hearth reads from its environment; defaults need no set-up at all."""

    model_config = SettingsConfigDict(env_prefix="HEARTH_", extra="ignore")

    database_url: str = Field(
        default=_DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path or postgresql://user@host/db.",
    )
    provider: Literal["offline"] = Field(
        default="offline",
        description="Which model answers: the built-in offline assistant.",
    )
    provider_factory: str = Field(
        default="",
        description="Import path 'module:function' of a provider factory (settings, sessions); "
        "replaces `provider` for benchmarks and manual testing.",
    )
    language: str = Field(default="en", description="Language of the offline assistant.")
    max_steps: int = Field(default=8, ge=1, le=50, description="Model turns allowed per run.")
    checkpoint_interval_s: float = Field(
        default=1.0, gt=0, le=10, description="How often streaming text is saved."
    )
    stream_flush_interval_s: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="How often streamed text is pushed to the browser.",
    )
    max_message_chars: int = Field(
        default=8000, ge=1, description="Longest message a person may send."
    )
    run_stale_after_s: float = Field(
        default=60, gt=0, description="A run with no heartbeat for this long is expired."
    )
    sweep_interval_s: float = Field(
        default=30, gt=0, description="How often stale runs are looked for."
    )
    offline_chunk_delay_s: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="Pause between the offline assistant's chunks.",
    )

    @property
    def sync_database_url(self) -> str:
        """The URL for sync engines (Alembic, Reflex's health check)."""
        return to_sync_url(self.database_url)

    @property
    def async_database_url(self) -> str:
        """The URL for the async engine the app runs on."""
        return to_async_url(self.database_url)


def to_sync_url(url: str) -> str:
    """Name the sync driver explicitly (psycopg 3 for Postgres)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite+aiosqlite://"):
        return "sqlite://" + url.split("://", 1)[1]
    return url


def to_async_url(url: str) -> str:
    """Map a database URL to its asyncio driver (aiosqlite, psycopg async)."""
    sync = to_sync_url(url)
    if sync.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + sync.split("://", 1)[1]
    return sync


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
