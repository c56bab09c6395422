"""Server-sent events read straight off the `openai` client's raw streaming response.

The client's own stream builds a pydantic model for every chunk (and decodes every line
through a general SSE parser): about half a millisecond a token. Here the body is split into
events with bytes operations, each event's JSON is parsed with jiter (the client's own JSON
parser), and the events of one network read come as one batch, so a provider can pass a
read's text on as one piece. The client still makes the request, and its errors (status,
timeout, connection) stay its own: a status error is raised by `with_streaming_response`
before the body is read; errors while reading are raised as the client's stream raises them.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import httpx2
import jiter
import openai

# What one read of the body holds: (event name or None, the event's JSON), in order.
EventBatch = list[tuple[str | None, Any]]

_TIMEOUTS = (httpx2.TimeoutException, httpx.TimeoutException)
_REQUEST_ERRORS = (httpx2.RequestError, httpx.RequestError, ssl.SSLError, anyio.EndOfStream)


class SseSplitter:
    """Cuts a byte stream into SSE events (the WHATWG rules for `event:` and `data:`; `id:`,
    `retry:` and comments are read past), keeping an unfinished event for the next chunk."""

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, chunk: bytes) -> list[tuple[str | None, bytes]]:
        """The events this chunk completes: (event name or None, data)."""
        buffer = self._rest + chunk if self._rest else chunk
        held = b""
        if b"\r" in buffer:
            # CRLF and CR end lines too; a CR at the very end may be half of a CRLF.
            if buffer.endswith(b"\r"):
                buffer, held = buffer[:-1], b"\r"
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *blocks, rest = buffer.split(b"\n\n")
        self._rest = rest + held
        return [e for b in blocks if (e := _event(b)) is not None]

    def finish(self) -> list[tuple[str | None, bytes]]:
        """The last event, if the stream ended without its blank line."""
        rest, self._rest = self._rest.rstrip(b"\r"), b""
        event = _event(rest.replace(b"\r\n", b"\n").replace(b"\r", b"\n")) if rest else None
        return [event] if event is not None else []


def _event(block: bytes) -> tuple[str | None, bytes] | None:
    name: str | None = None
    data: list[bytes] = []
    for line in block.split(b"\n"):
        if line.startswith(b"data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(b" ") else value)
        elif line.startswith(b"event:"):
            value = line[6:]
            name = (value[1:] if value.startswith(b" ") else value).decode()
    if not data:
        return None  # no data: nothing is dispatched
    return name, data[0] if len(data) == 1 else b"\n".join(data)


def _parse(data: bytes) -> Any:
    try:
        return jiter.from_json(data)
    except ValueError as exc:  # the client's stream raises json's error: keep its type
        raise json.JSONDecodeError(str(exc), data.decode(errors="replace"), 0) from exc


def _raise_if_error(data: Any, request: httpx2.Request) -> None:
    """An `error` object in a chunk ends the stream, as the client's own stream ends it."""
    if isinstance(data, dict) and data.get("error"):
        error = data["error"]
        message = error.get("message") if isinstance(error, dict) else None
        if not message or not isinstance(message, str):
            message = "An error occurred during streaming"
        raise openai.APIError(message=message, request=request, body=error)


async def read_events(
    response: httpx2.Response, read_interval_s: float = 0.0
) -> AsyncIterator[EventBatch]:
    """The response's events until `[DONE]` (or its end), a batch for whatever was read while
    this generator's consumer was busy.

    With `read_interval_s`, the socket is read at most that often while text flows (after its
    first interval): after a read that had to wait for the network, the reader waits that
    long, so what arrives meanwhile is taken in one read (a token costs a share of a read,
    not a read of its own). Without, each chunk is passed on as it comes.
    """
    splitter, done = SseSplitter(), False
    try:
        async for chunks in _chunk_batches(response, read_interval_s):
            if done:
                continue  # after [DONE]: read to the end, so the connection can be reused
            batch: EventBatch = []
            for chunk in chunks:
                for name, data in splitter.feed(chunk):
                    if data.startswith(b"[DONE]"):
                        done = True
                        break
                    batch.append((name, _checked(data, response.request)))
                if done:
                    break
            if batch:
                yield batch
        if not done:
            batch = []
            for name, data in splitter.finish():
                if data.startswith(b"[DONE]"):
                    break
                batch.append((name, _checked(data, response.request)))
            if batch:
                yield batch
    except _TIMEOUTS as exc:
        raise openai.APITimeoutError(request=response.request) from exc
    except _REQUEST_ERRORS as exc:
        raise openai.APIConnectionError(request=response.request) from exc


def _checked(data: bytes, request: httpx2.Request) -> Any:
    parsed = _parse(data)
    _raise_if_error(parsed, request)
    return parsed


# A read that took longer than this waited for the network (one that the client's buffer
# answers takes microseconds).
_WAITED_S = 0.001


async def _chunk_batches(
    response: httpx2.Response, read_interval_s: float
) -> AsyncIterator[list[bytes]]:
    """The body's chunks, those read while the consumer was busy together."""
    if read_interval_s <= 0:
        async for chunk in response.aiter_bytes():
            yield [chunk]
        return
    chunks: list[bytes] = []
    arrived = asyncio.Event()
    failure: list[BaseException] = []
    ended: list[bool] = []
    loop = asyncio.get_running_loop()

    async def read() -> None:
        try:
            body = response.aiter_bytes()
            # The first interval is read as it comes: the first words are never held back.
            throttle_from = rested_at = loop.time() + read_interval_s
            while True:
                started = loop.time()
                try:
                    chunk = await anext(body)
                except StopAsyncIteration:
                    return
                chunks.append(chunk)
                arrived.set()
                now = loop.time()
                # After a read that waited for the network, or a fifth of an interval of
                # reads that each came at once (a busy machine's short waits look alike).
                waited = now - started > _WAITED_S or now - rested_at >= read_interval_s / 5
                if waited and now >= throttle_from:
                    await asyncio.sleep(read_interval_s)
                    rested_at = loop.time()
        except Exception as exc:  # raised by the consumer, in its own task
            failure.append(exc)
        finally:
            ended.append(True)
            arrived.set()

    reader = asyncio.create_task(read())
    try:
        while True:
            if not chunks and not ended:
                arrived.clear()
                await arrived.wait()
            if chunks:
                taken = chunks[:]
                chunks.clear()
                yield taken
            elif ended:
                if failure:
                    raise failure[0]
                return
    finally:
        if not reader.done():
            reader.cancel()
        await asyncio.wait([reader])
