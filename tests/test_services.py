"""The composition root: the provider the settings name (offline, or a model server reached
with retries), and services whose runner answers on the configured database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from app.assistant.conversation import UserText
from app.assistant.feed import LocalFeed, RedisFeed
from app.assistant.providers.base import (
    ProviderEvent,
    ProviderRetry,
    ProviderText,
    TurnRequest,
)
from app.assistant.providers.hybrid import HybridProvider
from app.assistant.providers.openai_client import ClientConfig
from app.db.models import Effect, Room
from app.db.session import SessionFactory
from app.home.rooms import add_room
from app.services import Services, build_provider, build_services, client_config, get_services
from app.settings import Settings, get_settings
from tests.conftest import HOSTED_REDIS_URL
from tests.fakes.echo_provider import EchoOrOffline
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.assistant import run_in
from tests.support.people import owned_thread


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.startswith("HEARTH_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)


async def _turn(provider, text: str) -> list[ProviderEvent]:
    return [event async for event in provider.stream_turn(TurnRequest("", (UserText(text),)))]


def _said(events: list[ProviderEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, ProviderText))


async def test_without_a_model_server_the_offline_assistant_knows_this_homes_rooms(
    sessions: SessionFactory,
) -> None:
    provider = build_provider(Settings(offline_chunk_delay_s=0), sessions)
    assert provider.name == "offline"
    async with sessions() as session:
        await add_room(session, "guest room", 18)
    said = _said(await _turn(provider, "open the garage"))
    assert said.endswith(
        "Rooms I know: bathroom, bedroom, guest room, home office, kitchen and living room."
    )


@pytest.mark.parametrize(
    ("api", "path"), [("chat", "/v1/chat/completions"), ("responses", "/v1/responses")]
)
async def test_a_model_server_is_reached_as_configured_with_retries(
    sessions: SessionFactory, fake: FakeOpenAI, api: str, path: str
) -> None:
    settings = Settings(
        provider=api,
        base_url=fake.base_url,
        model="house-model",
        retry_attempts=2,
        retry_base_delay_s=0,
    )
    fake.script(Turn(status=503), Turn(text=["Hi ", "there."]))
    provider = build_provider(settings, sessions)
    events = await _turn(provider, "hi")
    assert provider.name == api
    assert [e for e in events if isinstance(e, ProviderRetry)] == [
        ProviderRetry(2, 2, 0.0, "The model server failed (503, house-model).")
    ]
    assert _said(events) == "Hi there."
    assert [(r["path"], r["body"]["model"]) for r in fake.requests] == [
        (path, "house-model"),
        (path, "house-model"),
    ]


@pytest.mark.parametrize(
    ("env", "path"),
    [
        ({}, "/v1/chat/completions"),
        ({"HEARTH_MODEL_API": "responses"}, "/v1/responses"),
    ],
)
async def test_with_a_model_server_auto_answers_locally_first(
    sessions: SessionFactory,
    fake: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    path: str,
) -> None:
    monkeypatch.setenv("HEARTH_BASE_URL", fake.base_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    provider = build_provider(Settings(offline_chunk_delay_s=0, retry_base_delay_s=0), sessions)
    assert isinstance(provider, HybridProvider)
    events = await _turn(provider, "list the rooms")
    assert [e.kind for e in events] == ["tool_call", "finish"]
    assert fake.requests == []
    fake.script(Turn(status=503), Turn(text=["Hello."]))
    assert _said(await _turn(provider, "hello there")) == "Hello."
    assert [r["path"] for r in fake.requests] == [path, path]


def test_the_client_config_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    local = Settings(
        provider="chat",
        base_url="http://127.0.0.1:11434/v1",
        model="llama3",
        request_timeout_s=5,
        connect_timeout_s=2,
        model_read_interval_s=0.02,
    )
    # A local server needs no key, but the client insists on one.
    assert client_config(local) == ClientConfig(
        "not-needed", "llama3", "http://127.0.0.1:11434/v1", 5, 2, 0.02
    )
    monkeypatch.setenv("HEARTH_API_KEY", "sk-test")
    assert client_config(Settings()) == ClientConfig("sk-test", "gpt-4.1-mini", None, 60, 10, 0.05)


async def test_a_provider_factory_replaces_the_provider(sessions: SessionFactory) -> None:
    settings = Settings(provider_factory="tests.fakes.echo_provider:build", offline_chunk_delay_s=0)
    provider = build_provider(settings, sessions)
    assert isinstance(provider, EchoOrOffline)
    assert _said(await _turn(provider, "/say verbatim words")) == "verbatim words"


@pytest.mark.parametrize(
    ("factory", "why"),
    [
        ("tests.fakes.no_such_module:build", "No module named 'tests.fakes.no_such_module'"),
        (
            "tests.fakes.echo_provider:nothing",
            "module 'tests.fakes.echo_provider' has no attribute 'nothing'",
        ),
    ],
)
def test_a_factory_that_cannot_be_loaded_says_what_to_give(
    sessions: SessionFactory, factory: str, why: str
) -> None:
    with pytest.raises(ValueError) as refused:
        build_provider(Settings(provider_factory=factory), sessions)
    assert str(refused.value) == (
        f"HEARTH_PROVIDER_FACTORY={factory!r} cannot be loaded ({why}); "
        "give 'module:function', e.g. 'bench.scripted:build'."
    )


@pytest.fixture
async def services(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    if HOSTED_REDIS_URL:
        monkeypatch.setenv("HEARTH_REDIS_URL", HOSTED_REDIS_URL)
    built = build_services(Settings(database_url=database_url, offline_chunk_delay_s=0))
    yield built
    await built.feed.close()
    await built.sessions.kw["bind"].dispose()


async def test_the_services_answer_and_act_on_the_configured_database(
    services: Services, sessions: SessionFactory
) -> None:
    assert isinstance(services.feed, RedisFeed if HOSTED_REDIS_URL else LocalFeed)
    async with services.sessions() as session:
        thread = await owned_thread(session)
    events = [e async for e in run_in(services.runner, thread.id or 0, "set the kitchen to 19")]
    assert events[-1].kind == "run_finished" and events[-1].status == "completed"
    # Seen through the test's own connection: the services wrote to this database.
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        effect = (await session.exec(select(Effect))).one()
    assert (kitchen.celsius, effect.thread_id) == (19, thread.id)


async def test_the_process_builds_its_services_once(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    get_settings.cache_clear()
    get_services.cache_clear()
    try:
        services = get_services()
        assert services is get_services()
        assert services.settings.database_url == database_url
        await services.sessions.kw["bind"].dispose()
    finally:
        get_services.cache_clear()
        get_settings.cache_clear()
