"""Every answer under /api is JSON, a wrong method included: a 405 lists in `Allow` every
method the path takes; a path that is no endpoint is a JSON 404."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/api/threads/1", {"GET", "HEAD", "DELETE"}),
        ("PUT", "/api/threads/1", {"GET", "HEAD", "DELETE"}),
        ("GET", "/api/chat", {"POST"}),
        ("DELETE", "/api/approvals/1", {"POST"}),
        ("POST", "/api/threads", {"GET", "HEAD"}),
    ],
)
async def test_a_wrong_method_is_a_json_405_with_allow(
    client: httpx.AsyncClient, alice: dict[str, str], method: str, path: str, allowed: set[str]
) -> None:
    response = await client.request(method, path, headers=alice)
    assert response.status_code == 405, response.text
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
    message = response.json()["error"]["message"]
    assert method in message and all(m in message for m in allowed - {"HEAD"})


@pytest.mark.parametrize("path", ["/api/approvals/", "/api/threads/", "/api/nope", "/api/x/y"])
async def test_a_path_that_is_no_endpoint_is_a_json_404(
    client: httpx.AsyncClient, alice: dict[str, str], path: str
) -> None:
    response = await client.get(path, headers=alice)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/json"
    assert "/api/openapi.json" in response.json()["error"]["message"]
