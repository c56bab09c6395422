"""The API served in process (the real Starlette app over httpx's ASGI transport) on the
test database, and a person's token for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.accounts.api_tokens import create_api_token
from app.api.routes import build_api
from app.db.session import SessionFactory
from app.services import get_services
from app.settings import get_settings
from tests.support.api_server import api_client
from tests.support.people import person


@pytest.fixture
async def api_settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The app's settings and services on the test database (a 5,000-byte body limit)."""
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    monkeypatch.setenv("HEARTH_API_MAX_BODY_BYTES", "5000")
    get_settings.cache_clear()
    get_services.cache_clear()
    yield
    # Close the app's pool in this event loop (aiosqlite's threads outlive it otherwise).
    await get_services().sessions.kw["bind"].dispose()
    get_services.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
async def client(api_settings: None) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(build_api()) as client:
        yield client


@pytest.fixture
async def alice(sessions: SessionFactory) -> dict[str, str]:
    async with sessions() as session:
        _, token = await create_api_token(session, await person(session, "alice"), "tests")
    return {"Authorization": f"Bearer {token}"}
