"""ASGI middleware putting Hearth's security headers on every response, whatever serves it:
the static pages, the API and Reflex's own endpoints (`/ping`, `/_health`, `/_event`).

(Granian sends a websocket's `101 Switching Protocols` with no headers of the app's; nothing
is rendered from it, and a refused handshake is an ordinary response that gets them.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.content_policy import (
    HSTS,
    STATIC_HEADERS,
    built_script_hashes,
    content_security_policy,
)

_Headers = list[tuple[bytes, bytes]]


def is_https(scope: Scope) -> bool:
    """Whether the browser reached us over TLS: directly, or through a proxy saying so."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-proto":
            return value.split(b",")[0].strip().lower() == b"https"
    return False


class SecurityHeaders:
    """Adds the headers to each response; a header the app already set is left as it is. The
    CSP is built on first use (the build exists by then)."""

    def __init__(self, app: ASGIApp, policy: Callable[[], str]) -> None:
        self.app = app
        self.policy = policy

    def _headers(self, scope: Scope) -> _Headers:
        headers = {"Content-Security-Policy": self.policy(), **STATIC_HEADERS}
        if is_https(scope):
            headers["Strict-Transport-Security"] = HSTS
        return [(name.lower().encode(), value.encode()) for name, value in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in extra if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(build_dir: Callable[[], Path]) -> Callable[[ASGIApp], ASGIApp]:
    """An `api_transformer` for `rx.App`: wraps the whole app (pages, API, websocket)."""

    @cache
    def policy() -> str:
        return content_security_policy(built_script_hashes(build_dir()))

    return lambda app: SecurityHeaders(app, policy)
