"""`GET /api/health`: 200 when the database is migrated and Redis answers, 503 naming what is not."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from app.api.routes import build_api
from app.db.migrate import alembic_config
from app.services import get_services
from app.settings import get_settings
from app.urls import to_sync_url
from tests.conftest import REDIS_URL


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch):
    """Point the app's settings at a database (and maybe Redis); yields an HTTP client."""

    def apply(database_url: str, redis_url: str | None = None) -> httpx.AsyncClient:
        monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
        if redis_url:
            monkeypatch.setenv("HEARTH_REDIS_URL", redis_url)
        get_settings.cache_clear()
        get_services.cache_clear()
        transport = httpx.ASGITransport(app=build_api())
        return httpx.AsyncClient(transport=transport, base_url="http://hearth.test")

    yield apply
    get_services.cache_clear()
    get_settings.cache_clear()


async def _get(client: httpx.AsyncClient) -> httpx.Response:
    async with client:
        response = await client.get("/api/health")
    await get_services().feed.close()
    return response


async def test_a_migrated_database_without_redis_is_healthy(configure, database_url: str) -> None:
    response = await _get(configure(database_url))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["redis"] == "not used"


async def test_with_redis_both_are_checked(configure, database_url: str) -> None:
    response = await _get(configure(database_url, REDIS_URL))
    assert response.status_code == 200, response.json()
    assert response.json()["redis"] == "ok"


async def test_redis_down_is_unhealthy(configure, database_url: str) -> None:
    response = await _get(configure(database_url, "redis://127.0.0.1:1/0"))
    assert response.status_code == 503
    assert response.json() | {"worker": 0} == {
        "status": "unavailable",
        "database": "ok",
        "redis": "unreachable",
        "worker": 0,
    }


async def test_an_unmigrated_database_says_to_run_the_deploy_command(
    configure, tmp_path: Path
) -> None:
    response = await _get(configure(f"sqlite:///{tmp_path / 'empty.db'}"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("schema at nothing, code expects ")
    assert response.json()["database"].endswith("run the deploy command")


async def test_a_database_behind_the_code_is_unhealthy(configure, database_url: str) -> None:
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    engine.dispose()
    response = await _get(configure(database_url))
    assert response.status_code == 503
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert response.json()["database"].startswith(f"schema at 0002, code expects {head}")


async def test_an_unreachable_database_is_unhealthy(configure, tmp_path: Path) -> None:
    response = await _get(configure("postgresql://nobody@127.0.0.1:1/none"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("error: OperationalError")
