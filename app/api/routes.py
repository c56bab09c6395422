"""Hearth's HTTP endpoints, mounted in front of Reflex's own (they take priority).

Every answer under `/api` is JSON: a path that is no endpoint is a 404 pointing at the
description, a method a path does not take a 405 whose `Allow` lists the ones it does.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Route

from app.api.approvals import approval_endpoint
from app.api.chat import chat_endpoint
from app.api.errors import ApiError, answer_api_error, not_found
from app.api.health import health
from app.api.openapi import openapi_endpoint
from app.api.search import search_endpoint
from app.api.threads import (
    delete_endpoint,
    list_endpoint,
    read_endpoint,
    suggestions_endpoint,
)
from app.api.transcriptions import transcription_endpoint

logger = logging.getLogger(__name__)

_DESCRIBED = "the endpoints are described at /api/openapi.json"


async def _thread_endpoint(request: Request) -> Response:
    """`/api/threads/{id}`: one route for its methods, so a 405 lists them all in `Allow`."""
    if request.method == "DELETE":
        return await delete_endpoint(request)
    return await read_endpoint(request)


def _fallback(routes: list[Route]) -> Route:
    """Anything else under /api (Reflex would answer it with a page): a 405 for a path an
    endpoint has, in a method it does not take, otherwise a 404."""

    async def no_endpoint(request: Request) -> Response:
        for route in routes:
            if route.matches(request.scope)[0] is Match.PARTIAL:
                raise HTTPException(405, headers={"Allow": ", ".join(sorted(route.methods or ()))})
        raise not_found(f"There is no endpoint {request.url.path}; {_DESCRIBED}.")

    fallback = Route("/api/{path:path}", no_endpoint, include_in_schema=False)
    # Every method: a function endpoint takes GET alone, and a request this route turned
    # away would go on to Reflex's app (mounted after it), which answers in plain text.
    fallback.methods = None
    return fallback


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals under /api (a method a route does not take), as JSON; those
    of Reflex's app mounted beneath (its static files) as Starlette makes them."""
    assert isinstance(exc, HTTPException)
    if not request.url.path.startswith("/api/"):
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        shown = ", ".join(m for m in allowed.split(", ") if m != "HEAD")
        message = f"{request.method} is not allowed on {request.url.path}; use {shown}."
    else:
        message = f"{exc.detail}; {_DESCRIBED}."
    response = ApiError(exc.status_code, message).response()
    response.headers.update(exc.headers or {})
    return response


# How long a client is asked to wait before trying again when the database cannot answer.
_BUSY_RETRY_AFTER_S = 5


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    """The database not answering (down, or a lock not granted in time) is no bug of the
    request: 503 with Retry-After, saying so, rather than a 500 and a traceback."""
    logger.warning("%s %s: the database did not answer: %s", request.method, request.url.path, exc)
    return ApiError(
        503,
        "Hearth's database is not answering right now (it may be busy or restarting); "
        f"nothing was changed. Try again in {_BUSY_RETRY_AFTER_S} seconds.",
        retry_after_s=_BUSY_RETRY_AFTER_S,
    ).response()


def build_api() -> Starlette:
    """The Starlette app Reflex mounts itself under (`rx.App(api_transformer=...)`)."""
    endpoints = [
        Route("/api/health", health, methods=["GET"]),
        Route("/api/openapi.json", openapi_endpoint, methods=["GET"]),
        Route("/api/chat", chat_endpoint, methods=["POST"]),
        Route("/api/approvals/{approval_id}", approval_endpoint, methods=["POST"]),
        Route("/api/threads", list_endpoint, methods=["GET"]),
        Route("/api/threads/{thread_id}", _thread_endpoint, methods=["GET", "DELETE"]),
        Route("/api/threads/{thread_id}/suggestions", suggestions_endpoint, methods=["GET"]),
        Route("/api/search", search_endpoint, methods=["GET"]),
        Route("/api/audio/transcriptions", transcription_endpoint, methods=["POST"]),
    ]
    api = Starlette(
        routes=[*endpoints, _fallback(endpoints)],
        exception_handlers={
            ApiError: answer_api_error,
            HTTPException: _http_error,
            OperationalError: _database_unavailable,
        },
    )
    api.router.redirect_slashes = False
    return api
