"""`GET /api/health`: whether this worker can serve: database reachable and migrated, Redis up.

A host's health check (compose, a load balancer) polls it; 200 when everything answers,
503 naming what does not. Reflex's own `/_health` checks reachability only.
"""

from __future__ import annotations

import asyncio
import os
from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.assistant.feed import RedisFeed
from app.db.migrate import alembic_config
from app.services import get_services

_CHECK_TIMEOUT_S = 3.0


@lru_cache(maxsize=1)
def _head_revision() -> str:
    config = alembic_config("sqlite://")
    return ScriptDirectory.from_config(config).get_current_head() or ""


async def _database() -> str:
    async with get_services().sessions() as session:
        connection = await session.connection()
        await connection.execute(text("SELECT 1"))
        try:
            version = await connection.execute(text("SELECT version_num FROM alembic_version"))
            revision = version.scalar()
        except Exception:
            revision = None
    head = _head_revision()
    if revision != head:
        return f"schema at {revision or 'nothing'}, code expects {head}: run the deploy command"
    return "ok"


async def _redis() -> str:
    feed = get_services().feed
    if not isinstance(feed, RedisFeed):
        return "not used"
    return "ok" if await feed.ping() else "unreachable"


async def _check(probe) -> str:
    try:
        return await asyncio.wait_for(probe(), _CHECK_TIMEOUT_S)
    except TimeoutError:
        return f"no answer in {_CHECK_TIMEOUT_S:.0f} s"
    except Exception as exc:  # a health check reports failures, it does not raise them
        return f"error: {type(exc).__name__}: {exc}"


async def health(_request: Request) -> JSONResponse:
    """The database and Redis, checked now."""
    database, redis = await asyncio.gather(_check(_database), _check(_redis))
    healthy = database == "ok" and redis in ("ok", "not used")
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "redis": redis,
        "worker": os.getpid(),
    }
    return JSONResponse(body, status_code=200 if healthy else 503)
