"""Every answer under /api is JSON, a wrong method included: a 405 lists in `Allow` every
method the path takes; a path that is no endpoint is a JSON 404."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from app.api.routes import build_api
from app.services import get_services
from app.settings import get_settings
from tests.support.api_server import api_client


async def _reflex(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands in for Reflex's app, which answers everything it is given (pages, 404s)."""
    await PlainTextResponse("Reflex", status_code=404)(scope, receive, send)


@pytest.fixture
async def mounted(api_settings: None) -> AsyncIterator[httpx.AsyncClient]:
    """The API as `rx.App(api_transformer=...)` runs it: Reflex's app mounted at "" under it."""
    api = build_api()
    api.mount("", _reflex)
    async with api_client(api) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/api/threads/1", {"GET", "HEAD", "DELETE"}),
        ("PUT", "/api/threads/1", {"GET", "HEAD", "DELETE"}),
        ("GET", "/api/chat", {"POST"}),
        ("DELETE", "/api/approvals/1", {"POST"}),
        ("POST", "/api/threads", {"GET", "HEAD"}),
        ("QUERY", "/api/health", {"GET", "HEAD"}),
    ],
)
async def test_a_wrong_method_is_a_json_405_with_allow(
    mounted: httpx.AsyncClient, alice: dict[str, str], method: str, path: str, allowed: set[str]
) -> None:
    response = await mounted.request(method, path, headers=alice)
    assert response.status_code == 405, response.text
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
    message = response.json()["error"]["message"]
    assert method in message and all(m in message for m in allowed - {"HEAD"})


@pytest.mark.parametrize("path", ["/api/approvals/", "/api/threads/", "/api/nope", "/api/x/y"])
@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS", "PUT", "QUERY"])
async def test_a_path_that_is_no_endpoint_is_a_json_404(
    mounted: httpx.AsyncClient, alice: dict[str, str], path: str, method: str
) -> None:
    response = await mounted.request(method, path, headers=alice)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/json"
    assert "/api/openapi.json" in response.json()["error"]["message"]


async def test_what_is_not_under_api_is_left_to_reflex(mounted: httpx.AsyncClient) -> None:
    for method in ("GET", "OPTIONS"):
        response = await mounted.request(method, "/chat/nope")
        assert response.status_code == 404 and response.text == "Reflex"


async def test_a_database_that_does_not_answer_is_a_503_not_a_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing listens on port 1: every request that needs the database is told to retry."""
    monkeypatch.setenv("HEARTH_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    get_services.cache_clear()
    try:
        async with api_client(build_api()) as client:
            response = await client.get(
                "/api/threads", headers={"Authorization": "Bearer hearth_whatever"}
            )
    finally:
        get_services.cache_clear()
        get_settings.cache_clear()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "database is not answering" in response.json()["error"]["message"]
