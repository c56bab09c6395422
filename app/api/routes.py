"""Hearth's HTTP endpoints, mounted in front of Reflex's own (they take priority)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from app.api.health import health


def build_api() -> Starlette:
    """The Starlette app Reflex mounts itself under (`rx.App(api_transformer=...)`)."""
    return Starlette(routes=[Route("/api/health", health, methods=["GET"])])
