"""`/api/threads`: the caller's threads, listed, read and deleted (another person's is 404)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.auth import api_user
from app.api.errors import ApiError, bad_request, not_found
from app.api.wire.messages import content_message, ui_message
from app.assistant.errors import AssistantError, ThreadNotFound
from app.assistant.threads import (
    delete_thread,
    list_messages,
    list_threads,
    thread_for_ref,
    thread_ref,
)
from app.db.models import Thread
from app.services import get_services

_FORMATS = {"ui": ui_message, "content": content_message}


def thread_json(thread: Thread) -> dict[str, Any]:
    """A thread as the API shows it."""
    return {
        "id": thread_ref(thread),
        "number": thread.id,
        "title": thread.title,
        "createdAt": thread.created_at.isoformat(),
        "updatedAt": thread.updated_at.isoformat(),
    }


async def _thread(session: AsyncSession, user_id: int, ref: str) -> Thread:
    try:
        return await thread_for_ref(session, user_id, ref)
    except ThreadNotFound as exc:
        raise not_found(str(exc)) from exc
    except AssistantError as exc:
        raise bad_request("thread_id", str(exc)) from exc


async def list_endpoint(request: Request) -> Response:
    """`GET /api/threads`: the caller's threads, most recently active first."""
    try:
        user = await api_user(request)
        async with get_services().sessions() as session:
            threads = await list_threads(session, user.id or 0)
    except ApiError as exc:
        return exc.response()
    return JSONResponse({"threads": [thread_json(t) for t in threads]})


async def read_endpoint(request: Request) -> Response:
    """`GET /api/threads/{id}?format=ui|content`: a thread and its messages."""
    try:
        user = await api_user(request)
        shape = request.query_params.get("format", "ui")
        if shape not in _FORMATS:
            raise bad_request(
                "format", f"is 'ui' (useChat) or 'content' (assistant-ui), not {shape!r}."
            )
        async with get_services().sessions() as session:
            thread = await _thread(session, user.id or 0, request.path_params["thread_id"])
            messages = await list_messages(session, thread.id or 0)
    except ApiError as exc:
        return exc.response()
    convert = _FORMATS[shape]
    return JSONResponse({"thread": thread_json(thread), "messages": [convert(m) for m in messages]})


async def delete_endpoint(request: Request) -> Response:
    """`DELETE /api/threads/{id}`: hide the thread (its effects stay in the ledger)."""
    try:
        user = await api_user(request)
        async with get_services().sessions() as session:
            thread = await _thread(session, user.id or 0, request.path_params["thread_id"])
            await delete_thread(session, thread.id or 0, user.id or 0)
    except ApiError as exc:
        return exc.response()
    return Response(status_code=204)
