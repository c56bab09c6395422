"""A fake OpenAI-compatible server: real HTTP and SSE, scripted per test, faults on demand.

It speaks `POST /v1/chat/completions` and `POST /v1/responses` with `stream: true` as
OpenAI does (chunk shapes, tool-call argument fragments, usage, `[DONE]`), so the real
`openai` client talks to it unchanged. Each request plays the next scripted `Turn`.
`POST /v1/audio/transcriptions` takes the multipart upload OpenAI takes and answers the next
scripted transcript (`script_transcripts`) as `{"text": ...}`.

    with FakeOpenAI() as fake:
        fake.script(Turn(text=["Hel", "lo"]))
        client = AsyncOpenAI(base_url=fake.base_url, api_key="test")
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Call:
    """A tool call the fake model makes; its arguments are sent in `fragments` pieces."""

    name: str
    arguments: str
    call_id: str = ""
    fragments: int = 3


@dataclass(frozen=True)
class Turn:
    """One scripted response, and the faults to put in it."""

    text: tuple[str, ...] | list[str] = ()
    calls: tuple[Call, ...] | list[Call] = ()
    usage: tuple[int, int] = (12, 7)
    status: int = 200
    retry_after: str | None = None
    cut_after: int | None = None  # close the connection after this many SSE events
    malformed_at: int | None = None  # send a non-JSON event at this index
    delay_s: float = 0.0  # before each event
    first_delay_s: float = 0.0  # before the first event too: a model's time to first token
    finish_reason: str | None = None  # override ("length", ...)


Fallback = Callable[[dict[str, Any]], Turn]


class _Cut(Exception):
    """Raised inside the stream to drop the connection mid-response."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fragments(text: str, count: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, count)))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _chat_chunks(turn: Turn, model: str, include_usage: bool) -> list[dict[str, Any]]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": piece}) for piece in turn.text]
    for index, call in enumerate(turn.calls):
        call_id = call.call_id or f"call_{index}"
        head = {"index": index, "id": call_id, "type": "function"}
        chunks.append(
            chunk({"tool_calls": [{**head, "function": {"name": call.name, "arguments": ""}}]})
        )
        for piece in _fragments(call.arguments, call.fragments):
            chunks.append(
                chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            )
    finish = turn.finish_reason or ("tool_calls" if turn.calls else "stop")
    chunks.append(chunk({}, finish))
    if include_usage:
        prompt, completion = turn.usage
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks


def _responses_events(turn: Turn, model: str) -> list[dict[str, Any]]:
    response = {
        "id": "resp_fake",
        "object": "response",
        "created_at": 1,
        "model": model,
        "status": "in_progress",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response},
        {"type": "response.in_progress", "response": response},
    ]
    output: list[dict[str, Any]] = []
    if turn.text:
        text = "".join(turn.text)
        item = {
            "id": "msg_fake",
            "type": "message",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        part = {"type": "output_text", "text": "", "annotations": []}
        where = {"item_id": "msg_fake", "output_index": 0, "content_index": 0}
        events.append({"type": "response.output_item.added", "output_index": 0, "item": item})
        events.append({"type": "response.content_part.added", **where, "part": part})
        events += [
            {"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []}
            for piece in turn.text
        ]
        events.append({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
        done_part = {**part, "text": text}
        events.append({"type": "response.content_part.done", **where, "part": done_part})
        done_item = {**item, "status": "completed", "content": [done_part]}
        events.append({"type": "response.output_item.done", "output_index": 0, "item": done_item})
        output.append(done_item)
    for call in turn.calls:
        index = len(output)
        call_id = call.call_id or f"call_{index}"
        item = {
            "id": f"fc_{index}",
            "type": "function_call",
            "status": "in_progress",
            "call_id": call_id,
            "name": call.name,
            "arguments": "",
        }
        where = {"item_id": f"fc_{index}", "output_index": index}
        events.append({"type": "response.output_item.added", "output_index": index, "item": item})
        events += [
            {"type": "response.function_call_arguments.delta", **where, "delta": piece}
            for piece in _fragments(call.arguments, call.fragments)
        ]
        events.append(
            {"type": "response.function_call_arguments.done", **where, "arguments": call.arguments}
        )
        done_item = {**item, "status": "completed", "arguments": call.arguments}
        events.append(
            {"type": "response.output_item.done", "output_index": index, "item": done_item}
        )
        output.append(done_item)
    prompt, completion = turn.usage
    usage = {
        "input_tokens": prompt,
        "output_tokens": completion,
        "total_tokens": prompt + completion,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    }
    status = "incomplete" if turn.finish_reason == "length" else "completed"
    final = {**response, "status": status, "output": output, "usage": usage}
    if status == "incomplete":
        final["incomplete_details"] = {"reason": "max_output_tokens"}
    events.append({"type": f"response.{status}", "response": final})
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return events


class FakeOpenAI:
    """The server: script turns, point the client at `base_url`, read `requests` afterwards."""

    def __init__(self, port: int | None = None, fallback: Fallback | None = None) -> None:
        self.port = port or _free_port()
        self.fallback = fallback
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.requests: list[dict[str, Any]] = []
        self._turns: deque[Turn] = deque()
        self._transcripts: deque[str | int] = deque()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def app_env(self) -> dict[str, str]:
        """The settings that point a running Hearth at this server (Chat Completions).
        Follow-ups after its replies are off (a request after each run that a script would
        have to answer); a test of them sets HEARTH_FOLLOW_UPS_TIMEOUT_S."""
        return {
            "HEARTH_PROVIDER": "chat",
            "HEARTH_BASE_URL": self.base_url,
            "HEARTH_API_KEY": "test-key",
            "HEARTH_MODEL": "fake-model",
            "HEARTH_FOLLOW_UPS_TIMEOUT_S": "0",
        }

    def script(self, *turns: Turn) -> None:
        """Queue turns; each request plays the next one."""
        self._turns.extend(turns)

    def script_transcripts(self, *answers: str | int) -> None:
        """Queue transcription answers: a text, or an HTTP status to fail with."""
        self._transcripts.extend(answers)

    async def _transcription(self, request: Request) -> Response:
        async with request.form() as form:
            upload = form.get("file")
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            if upload is None or isinstance(upload, str):
                error = {"message": "file: required", "type": "invalid_request_error"}
                return JSONResponse({"error": error}, 400)
            audio = await upload.read()
            fields.update(filename=upload.filename or "", content_type=upload.content_type or "")
        self.requests.append({"path": request.url.path, "body": fields, "audio": audio})
        if not self._transcripts:
            return JSONResponse({"error": {"message": "no transcript is scripted"}}, 500)
        answer = self._transcripts.popleft()
        if isinstance(answer, int):
            error = {"message": f"fake error {answer}", "type": "fake", "code": None}
            return JSONResponse({"error": error}, answer)
        return JSONResponse({"text": answer})

    @property
    def pending(self) -> int:
        """Turns scripted but never requested."""
        return len(self._turns)

    async def _handle(self, request: Request, kind: str) -> Response:
        body = await request.json()
        self.requests.append({"path": request.url.path, "body": body})
        if self._turns:
            turn = self._turns.popleft()
        elif self.fallback is not None:
            turn = self.fallback(body)
        else:
            return JSONResponse({"error": {"message": "the script has no more turns"}}, 500)
        if turn.status != 200:
            headers = {"retry-after": turn.retry_after} if turn.retry_after else {}
            error = {"message": f"fake error {turn.status}", "type": "fake", "code": None}
            return JSONResponse({"error": error}, turn.status, headers=headers)
        model = body.get("model", "fake-model")
        if kind == "chat":
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            frames = [(None, c) for c in _chat_chunks(turn, model, include_usage)]
        else:
            frames = [(e["type"], e) for e in _responses_events(turn, model)]
        return StreamingResponse(
            self._sse(turn, frames, done=kind == "chat"), media_type="text/event-stream"
        )

    async def _sse(
        self, turn: Turn, frames: list[tuple[str | None, dict[str, Any]]], done: bool
    ) -> AsyncIterator[bytes]:
        for index, (event, data) in enumerate(frames):
            if turn.cut_after is not None and index >= turn.cut_after:
                raise _Cut
            if index == 0 and turn.first_delay_s:
                await asyncio.sleep(turn.first_delay_s)
            if turn.delay_s:
                await asyncio.sleep(turn.delay_s)
            if turn.malformed_at == index:
                yield b"data: {this is not json\n\n"
                continue
            head = f"event: {event}\n" if event else ""
            yield f"{head}data: {json.dumps(data)}\n\n".encode()
        if done:
            yield b"data: [DONE]\n\n"

    def _app(self) -> Starlette:
        async def chat(request: Request) -> Response:
            return await self._handle(request, "chat")

        async def responses(request: Request) -> Response:
            return await self._handle(request, "responses")

        return Starlette(
            routes=[
                Route("/v1/chat/completions", chat, methods=["POST"]),
                Route("/v1/responses", responses, methods=["POST"]),
                Route("/v1/audio/transcriptions", self._transcription, methods=["POST"]),
            ]
        )

    def start(self) -> FakeOpenAI:
        """Serve on 127.0.0.1 in a background thread; returns once it accepts connections."""
        config = uvicorn.Config(
            # "critical": a deliberately cut stream is an exception uvicorn would log as an error.
            self._app(),
            host="127.0.0.1",
            port=self.port,
            log_level="critical",
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake OpenAI server did not start in 10 s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def echo_turn(body: dict[str, Any]) -> Turn:
    """A reply for running the app by hand: repeats the last user message, word by word."""
    messages = body.get("messages") or body.get("input") or []
    said = next(
        (m["content"] for m in reversed(messages) if m.get("role") == "user"), "nothing yet"
    )
    words = f"You said: {said}".split(" ")
    return Turn(text=[w + " " for w in words[:-1]] + words[-1:], delay_s=0.03)


def main() -> None:
    """Serve the fake by hand: `python -m tests.fakes.openai_server --port 8765`."""
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server (echo model).")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    fake = FakeOpenAI(port=args.port, fallback=echo_turn).start()
    sys.stdout.write(
        f"Fake OpenAI server at {fake.base_url}; try:\n"
        f"  HEARTH_PROVIDER=chat HEARTH_BASE_URL={fake.base_url} make run\n"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
