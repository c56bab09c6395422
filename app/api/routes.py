"""Hearth's HTTP endpoints, mounted in front of Reflex's own (they take priority)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from app.api.approvals import approval_endpoint
from app.api.chat import chat_endpoint
from app.api.health import health
from app.api.openapi import openapi_endpoint
from app.api.threads import delete_endpoint, list_endpoint, read_endpoint


def build_api() -> Starlette:
    """The Starlette app Reflex mounts itself under (`rx.App(api_transformer=...)`)."""
    return Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/api/openapi.json", openapi_endpoint, methods=["GET"]),
            Route("/api/chat", chat_endpoint, methods=["POST"]),
            Route("/api/approvals/{approval_id}", approval_endpoint, methods=["POST"]),
            Route("/api/threads", list_endpoint, methods=["GET"]),
            Route("/api/threads/{thread_id}", read_endpoint, methods=["GET"]),
            Route("/api/threads/{thread_id}", delete_endpoint, methods=["DELETE"]),
        ]
    )
