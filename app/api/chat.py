"""`POST /api/chat`: a run in one of the caller's threads, streamed in the client's format.

The run is the same as one started in the web UI: driven in this process, followed live by
any tab showing the thread (on any worker), stoppable from there. The client going away
(fetch aborted) cancels it like Stop: the text so far is kept.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from app.api.auth import authenticated
from app.api.bodies import read_json
from app.api.branch_request import replaced_message_id
from app.api.chat_files import discard_files, refused_file, store_files
from app.api.chat_request import ChatRequest, parse_chat
from app.api.errors import ApiError, bad_request, not_found
from app.api.wire.data_stream import DataStreamWriter
from app.api.wire.messages import message_ref
from app.api.wire.parts import Narrator
from app.api.wire.ui_message_stream import UiMessageStreamWriter
from app.assistant.client_tools import ClientContext
from app.assistant.errors import (
    AssistantError,
    InvalidAttachment,
    InvalidMessage,
    InvalidToolResults,
    NotOnBranch,
    RunAlreadyActive,
    ThreadNotFound,
    ThreadRefTaken,
)
from app.assistant.events import RunFinished
from app.assistant.runner import RunHandle
from app.assistant.threads import get_thread, thread_for_ref, thread_ref
from app.db.ids import is_number
from app.db.models import Thread, User
from app.services import Services, get_services


def _check_tool_names(services: Services, chat: ChatRequest) -> None:
    """A client's tool may not take the name of one of Hearth's."""
    own = {spec.name for spec in services.engine.tools.specs}
    for spec in chat.tools:
        if spec.name in own:
            raise bad_request(
                f"tools.{spec.name}",
                f"is the name of one of Hearth's own tools ({', '.join(sorted(own))}); "
                "give yours another name.",
            )


def _ref(chat: ChatRequest) -> str:
    """The thread the client names, or a new one's id."""
    return chat.thread_ref or f"api-{uuid.uuid4().hex[:16]}"


async def _start_run(services: Services, user_id: int, chat: ChatRequest) -> RunHandle:
    """A run from the new user message and its files (stored first, deleted again if no run
    starts)."""
    if chat.replacing is not None:
        # An edit keeps the files of the message it replaces (a client sends them again).
        return await _start_branch(services, user_id, chat)
    files = await store_files(services, user_id, chat.files)
    try:
        return await _start_run_with(services, user_id, chat, files)
    except BaseException:
        await asyncio.shield(discard_files(services, user_id, files))
        raise


async def _start_run_with(
    services: Services, user_id: int, chat: ChatRequest, files: list[int]
) -> RunHandle:
    """A run from the new user message; a thread the client names for the first time is made
    with the run, so a refused request leaves no empty thread behind."""
    client = ClientContext(chat.tools, chat.system)
    ref = _ref(chat)
    for _ in range(2):
        async with services.sessions() as session:
            try:
                thread = await thread_for_ref(session, user_id, ref)
            except ThreadNotFound:
                if is_number(ref):
                    raise
                thread = None
        runner = services.runner
        if thread is not None:
            return await runner.start_run(
                thread.id, chat.text, user_id=user_id, client=client, attachment_ids=files
            )
        try:
            return await runner.start_run(
                None,
                chat.text,
                user_id=user_id,
                client_id=ref,
                client=client,
                attachment_ids=files,
            )
        except ThreadRefTaken:
            continue  # Another request made it a moment ago: join that one.
    raise ThreadNotFound(ref)


async def _start_branch(services: Services, user_id: int, chat: ChatRequest) -> RunHandle:
    """An edit or a regeneration in a thread the client named before."""
    assert chat.replacing is not None
    async with services.sessions() as session:
        thread = await thread_for_ref(session, user_id, _ref(chat))
        replaced = await replaced_message_id(session, thread, chat.replacing)
    text = chat.text if chat.replacing.edit else ""
    return await services.runner.start_run(
        thread.id or 0,
        text,
        user_id=user_id,
        client=ClientContext(chat.tools, chat.system),
        replacing=replaced,
    )


async def _open_run(
    services: Services, user_id: int, chat: ChatRequest
) -> tuple[Thread, RunHandle]:
    """The thread and the run: a new user message, or a continuation from tool results."""
    try:
        if chat.tool_results:
            async with services.sessions() as session:
                thread = await thread_for_ref(session, user_id, _ref(chat))
            run = await services.runner.continue_run(
                thread.id or 0,
                chat.tool_results,
                user_id=user_id,
                client=ClientContext(chat.tools, chat.system),
            )
        else:
            run = await _start_run(services, user_id, chat)
        async with services.sessions() as session:
            thread = await get_thread(session, run.started.thread_id, user_id)
    except ThreadNotFound as exc:
        raise not_found(str(exc)) from exc
    except RunAlreadyActive as exc:
        raise ApiError(409, str(exc)) from exc
    except (InvalidMessage, InvalidToolResults) as exc:
        raise bad_request("messages", str(exc)) from exc
    except InvalidAttachment as exc:
        raise refused_file(exc) from exc
    except NotOnBranch as exc:
        raise bad_request("messageId", str(exc)) from exc
    except AssistantError as exc:
        raise bad_request("threadId", str(exc)) from exc
    return thread, run


async def _stream(
    run: RunHandle,
    client_tools: frozenset[str],
    writer: DataStreamWriter | UiMessageStreamWriter,
) -> AsyncIterator[str]:
    narrator = Narrator(client_tools)
    ended = False
    try:
        if opening := writer.opening():
            yield opening
        events = run.follow()
        async with aclosing(events):
            async for batch in events:
                if batch is None:
                    continue  # quiet: the run is driven here, so its end will come
                ended = isinstance(batch[-1], RunFinished)
                out = "".join(writer.write(p) for event in batch for p in narrator.take(event))
                if out:
                    yield out
                if ended:
                    break
        # The finish goes out at the run's end: a model's follow-ups, asked after it, are
        # read from `GET /api/threads/{id}/suggestions` (the offline assistant's came above,
        # inside the reply).
        yield "".join(writer.write(p) for p in narrator.end()) + writer.closing()
    finally:
        if not ended:
            # The client went away: stop the run as Stop would (its text is kept).
            run.stop()


@authenticated
async def chat_endpoint(request: Request, user: User) -> Response:
    """Start a run from the request's new user message (or carry one on from the results of
    the client's tools) and stream it back."""
    services = get_services()
    body = await read_json(
        request, services.settings.api_max_body_bytes, "a JSON object with `messages`"
    )
    chat = parse_chat(request, body)
    _check_tool_names(services, chat)
    thread, run = await _open_run(services, user.id or 0, chat)
    started = run.started
    reply_id = message_ref(started.assistant_message_id)
    metadata = {"threadId": thread_ref(thread), "runId": started.run_id}
    writer: DataStreamWriter | UiMessageStreamWriter
    if chat.protocol == "ui-message-stream":
        writer = UiMessageStreamWriter(reply_id, metadata, continues=bool(chat.tool_results))
    else:
        writer = DataStreamWriter(reply_id)
    headers = {
        **writer.headers,
        "x-hearth-thread-id": thread_ref(thread),
        "x-hearth-run-id": str(started.run_id),
    }
    # A front end on another origin (CORS: Reflex's `cors_allowed_origins`) must be able to
    # read the format header, or assistant-ui guesses the format.
    headers["access-control-expose-headers"] = ", ".join(headers)
    return StreamingResponse(
        _stream(run, ClientContext(chat.tools).tool_names, writer),
        media_type=writer.media_type,
        headers=headers,
    )
