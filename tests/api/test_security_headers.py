"""The security headers middleware, around a small Starlette app: every HTTP response gets
the CSP and the static headers (HSTS only over https), a header the app set is kept, the
policy is built once from the build, and other ASGI traffic passes untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.api.content_policy import HSTS, STATIC_HEADERS
from app.api.security_headers import SecurityHeaders, is_https, security_headers
from tests.support.api_server import api_client

POLICY = "default-src 'self'"


async def _page(_request: Request) -> Response:
    return PlainTextResponse("hello")


async def _framed(_request: Request) -> Response:
    return PlainTextResponse("mine", headers={"X-Frame-Options": "SAMEORIGIN"})


def _app() -> Starlette:
    return Starlette(routes=[Route("/", _page), Route("/framed", _framed)])


async def test_every_response_gets_the_policy_and_the_static_headers() -> None:
    async with api_client(SecurityHeaders(_app(), lambda: POLICY)) as client:  # type: ignore[arg-type]
        for path in ("/", "/nowhere"):
            response = await client.get(path)
            assert response.headers["content-security-policy"] == POLICY
            for name, value in STATIC_HEADERS.items():
                assert response.headers[name] == value
            assert "strict-transport-security" not in response.headers


async def test_a_header_the_app_set_is_left_as_it_is() -> None:
    async with api_client(SecurityHeaders(_app(), lambda: POLICY)) as client:  # type: ignore[arg-type]
        response = await client.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]


@pytest.mark.parametrize(
    ("scope", "https"),
    [
        ({"scheme": "https", "headers": []}, True),
        ({"scheme": "wss", "headers": []}, True),
        ({"scheme": "http", "headers": [(b"x-forwarded-proto", b"HTTPS, http")]}, True),
        ({"scheme": "http", "headers": [(b"x-forwarded-proto", b"http, https")]}, False),
        ({"scheme": "http", "headers": []}, False),
    ],
)
def test_https_is_the_scheme_or_the_first_forwarded_proto(scope: Scope, https: bool) -> None:
    assert is_https(scope) is https


async def test_hsts_is_sent_over_https_only() -> None:
    async with api_client(SecurityHeaders(_app(), lambda: POLICY)) as client:  # type: ignore[arg-type]
        proxied = await client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["strict-transport-security"] == HSTS


async def test_what_is_not_http_passes_through_untouched() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        await send({"type": "lifespan.startup.complete"})

    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {"type": "lifespan.startup"}

    def no_policy() -> str:
        raise AssertionError("the policy was built for no response")

    await SecurityHeaders(app, no_policy)({"type": "lifespan"}, receive, send)  # type: ignore[arg-type]
    assert seen == [{"type": "lifespan"}] and sent == [{"type": "lifespan.startup.complete"}]


async def test_the_transformer_builds_the_policy_once_from_the_build(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<script>go()</script>")
    calls: list[Path] = []

    def build_dir() -> Path:
        calls.append(tmp_path)
        return tmp_path

    wrapped = security_headers(build_dir)(_app())
    async with api_client(wrapped) as client:  # type: ignore[arg-type]
        first, second = await client.get("/"), await client.get("/")
    policy = first.headers["content-security-policy"]
    assert "script-src" in policy and "'sha256-" in policy
    assert second.headers["content-security-policy"] == policy and calls == [tmp_path]
