"""`/api/threads`: the caller's threads, listed, read and deleted (another person's is 404),
and the follow-ups offered after a thread's latest reply."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.auth import authenticated
from app.api.errors import bad_request, not_found
from app.api.refusals import ApiAnswer, Described
from app.api.wire.messages import content_message, message_ref, ui_message
from app.assistant.branches import branch_messages
from app.assistant.errors import AssistantError, ThreadNotFound
from app.assistant.files.message import files_of
from app.assistant.providers.hybrid import answerers
from app.assistant.threads import (
    delete_thread,
    list_threads,
    thread_for_ref,
    thread_ref,
)
from app.db.ids import MAX_ROW_ID
from app.db.models import Thread as ThreadRow
from app.db.models import User
from app.db.statuses import Role
from app.services import get_services

_FORMATS = {"ui": ui_message, "content": content_message}


def _numbers_up_to(limit: int) -> str:
    """A regular expression for the ASCII numbers from 0 to `limit` (leading zeros allowed)."""
    digits = str(limit)
    shorter = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    below = [
        f"{digits[:i]}[0-{int(d) - 1}]"
        + (f"[0-9]{{{len(digits) - i - 1}}}" if i < len(digits) - 1 else "")
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return f"^0*({'|'.join([*shorter, *below, digits])})$"


# What a thread id may be: Hearth's number, or the client's own id (what thread_for_ref takes).
THREAD_REF: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": _numbers_up_to(MAX_ROW_ID)},
        {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,100}$", "not": {"pattern": "^[0-9]+$"}},
    ]
}
_TIME = Described({"format": "date-time"})


class Thread(ApiAnswer):
    """A thread as the API shows it."""

    id: str = Field(description="The client's id, or the number as text.")
    number: int = Field(description="Hearth's thread number.")
    title: str
    created_at: Annotated[str, _TIME]
    updated_at: Annotated[str, _TIME]

    @classmethod
    def of(cls, thread: ThreadRow) -> Thread:
        """The API's view of a stored thread."""
        return cls(
            id=thread_ref(thread),
            number=thread.id or 0,
            title=thread.title,
            created_at=thread.created_at.isoformat(),
            updated_at=thread.updated_at.isoformat(),
        )


class ThreadList(ApiAnswer):
    """The caller's threads, most recently active first."""

    threads: list[Thread]


class Suggestions(ApiAnswer):
    """What the person might send next, offered after the reply at the end of the thread's
    branch (the offline assistant's inside its reply; a model's asked once the reply has
    ended, which this waits for, within `HEARTH_FOLLOW_UPS_TIMEOUT_S`)."""

    message_id: str | None = Field(description="The reply they follow (`msg-12`); null if none.")
    texts: list[str] = Field(description="At most three; empty when none are offered.")


class ThreadMessages(ApiAnswer):
    """A thread and its messages."""

    thread: Thread
    messages: list[dict[str, Any]] = Field(
        description="`UIMessage`s (format=ui) or assistant-ui `ThreadMessageLike`s "
        "(format=content); attached files inline as base64 `data:` URLs (`file` parts; "
        "assistant-ui: `image` and `file` content). In hybrid mode a reply says who "
        "answered it, `device` or `model` (`metadata.answeredBy`, or "
        "`metadata.custom.answeredBy`)."
    )


def _json(model: ApiAnswer, status: int = 200) -> JSONResponse:
    return JSONResponse(model.model_dump(by_alias=True), status_code=status)


async def _thread(session: AsyncSession, user_id: int, ref: str) -> ThreadRow:
    try:
        return await thread_for_ref(session, user_id, ref)
    except ThreadNotFound as exc:
        raise not_found(str(exc)) from exc
    except AssistantError as exc:
        raise bad_request("thread_id", str(exc)) from exc


@authenticated
async def list_endpoint(_request: Request, user: User) -> Response:
    """`GET /api/threads`: the caller's threads, most recently active first."""
    async with get_services().sessions() as session:
        threads = await list_threads(session, user.id or 0)
    return _json(ThreadList(threads=[Thread.of(t) for t in threads]))


@authenticated
async def read_endpoint(request: Request, user: User) -> Response:
    """`GET /api/threads/{id}?format=ui|content`: a thread and its messages."""
    shape = request.query_params.get("format", "ui")
    if shape not in _FORMATS:
        raise bad_request(
            "format", f"is 'ui' (useChat) or 'content' (assistant-ui), not {shape!r}."
        )
    async with get_services().sessions() as session:
        thread = await _thread(session, user.id or 0, request.path_params["thread_id"])
        messages = await branch_messages(session, thread)  # the branch shown
        answered = await answerers(session, [m.run_id for m in messages if m.run_id])
        files = await files_of(session, messages)
    convert = _FORMATS[shape]
    shaped = [
        convert(m, answered.get(m.run_id or 0, "") if m.role == Role.assistant else "", files)
        for m in messages
    ]
    return _json(ThreadMessages(thread=Thread.of(thread), messages=shaped))


@authenticated
async def suggestions_endpoint(request: Request, user: User) -> Response:
    """`GET /api/threads/{id}/suggestions`: the follow-ups after the thread's latest reply,
    once they are offered (or known not to be)."""
    services = get_services()
    async with services.sessions() as session:
        thread = await _thread(session, user.id or 0, request.path_params["thread_id"])
        messages = await branch_messages(session, thread)
    reply = next((m for m in reversed(messages) if m.role == Role.assistant), None)
    if reply is None or reply.id is None or reply.run_id is None:
        return _json(Suggestions(message_id=None, texts=[]))
    texts = await services.runner.follow_ups(reply.id, reply.run_id)
    return _json(Suggestions(message_id=message_ref(reply.id), texts=list(texts)))


@authenticated
async def delete_endpoint(request: Request, user: User) -> Response:
    """`DELETE /api/threads/{id}`: hide the thread (its effects stay in the ledger)."""
    async with get_services().sessions() as session:
        thread = await _thread(session, user.id or 0, request.path_params["thread_id"])
        await delete_thread(session, thread.id or 0, user.id or 0)
    return Response(status_code=204)
