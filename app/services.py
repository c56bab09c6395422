"""The composition root: builds the engine and its collaborators from settings, once."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Literal

from app.assistant.change_feed import ChangeFeed, build_change_feed
from app.assistant.config import EngineConfig
from app.assistant.engine import RunEngine
from app.assistant.feed import FeedConfig, RunFeed, build_feed
from app.assistant.instructions import build_instructions
from app.assistant.providers.base import Provider
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.hybrid import HybridProvider, understood_offline
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.providers.openai_client import ClientConfig
from app.assistant.providers.responses import ResponsesProvider
from app.assistant.providers.retrying import RetryingProvider
from app.assistant.runner import Runner
from app.assistant.tools import home_tool_registry
from app.assistant.understanding.parser import Understanding
from app.db.session import SessionFactory, create_engine_async, create_session_factory
from app.home.rooms import list_rooms
from app.settings import Settings, get_settings


@dataclass(frozen=True)
class Services:
    """What the UI and API share in one process: runs start, are followed and stop through
    `runner` (its engine and feed are here for what else they offer); what commits is told
    through `changes`."""

    settings: Settings
    sessions: SessionFactory
    engine: RunEngine
    feed: RunFeed
    runner: Runner
    changes: ChangeFeed


def build_provider(settings: Settings, sessions: SessionFactory) -> Provider:
    """The provider the settings name."""
    if settings.provider_factory:
        module_name, _, attribute = settings.provider_factory.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ValueError(
                f"HEARTH_PROVIDER_FACTORY={settings.provider_factory!r} cannot be loaded ({exc}); "
                "give 'module:function', e.g. 'bench.scripted:build'."
            ) from exc
        return factory(settings, sessions)

    async def room_names() -> list[str]:
        async with sessions() as session:
            return [room.name for room in await list_rooms(session)]

    resolved = settings.resolved_provider
    if resolved == "chat" or resolved == "responses":
        return model_provider(settings, resolved)
    offline = OfflineProvider(
        Understanding(settings.language), room_names, chunk_delay_s=settings.offline_chunk_delay_s
    )
    if resolved == "offline":
        return offline
    model = model_provider(settings, settings.resolved_model_api)
    return HybridProvider(offline, model, understood_offline(offline), sessions)


def model_provider(settings: Settings, api: Literal["chat", "responses"]) -> Provider:
    """The model server, spoken to through `api`, with retries."""
    config = client_config(settings)
    model: Provider = (
        ChatCompletionsProvider(config) if api == "chat" else ResponsesProvider(config)
    )
    return RetryingProvider(
        model,
        max_attempts=settings.retry_attempts,
        base_delay_s=settings.retry_base_delay_s,
        max_delay_s=settings.retry_max_delay_s,
    )


def client_config(settings: Settings) -> ClientConfig:
    """How the OpenAI providers reach their server."""
    # Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    return ClientConfig(
        api_key=key,
        model=settings.model,
        base_url=settings.base_url,
        request_timeout_s=settings.request_timeout_s,
        connect_timeout_s=settings.connect_timeout_s,
        read_interval_s=settings.model_read_interval_s,
    )


def build_services(settings: Settings) -> Services:
    """Wire sessions, provider, tools and engine for these settings."""
    engine_async = create_engine_async(
        settings.database_url, settings.db_pool_size, settings.db_max_overflow
    )
    changes = build_change_feed(settings.redis_url, settings.redis_prefix)
    sessions = create_session_factory(engine_async, changes.publish)
    engine = RunEngine(
        sessions,
        build_provider(settings, sessions),
        home_tool_registry(),
        instructions=partial(build_instructions, language=settings.language),
        config=EngineConfig.from_settings(settings),
    )
    feed = build_feed(
        settings.redis_url,
        settings.redis_prefix,
        FeedConfig(
            ended_keep_s=settings.ended_feed_keep_s,
            redis_interval_s=settings.redis_send_interval_s,
        ),
    )
    return Services(settings, sessions, engine, feed, Runner(engine, feed, changes), changes)


@lru_cache(maxsize=1)
def get_services() -> Services:
    """This process's services, built on first use."""
    return build_services(get_settings())
