"""Server-sent events read off the client's raw stream: the splitting, the batches, the
errors, and what it saves the providers (a read's text as one piece, fewer reads), against the
fake server with the real `openai` client."""

from __future__ import annotations

import pytest

from app.assistant.conversation import UserText
from app.assistant.providers.base import (
    ProviderError,
    ProviderEvent,
    ProviderFinish,
    ProviderText,
    ProviderToolCall,
    ProviderToolInput,
    TurnRequest,
    Usage,
)
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.openai_client import ClientConfig, OpenAIClientProvider
from app.assistant.providers.responses import ResponsesProvider
from app.assistant.providers.sse import SseSplitter
from tests.fakes.openai_server import Call, FakeOpenAI, Turn

ASK = TurnRequest("", (UserText("hi"),))
WORDS = [f"w{i:03d} " for i in range(120)]


def test_events_split_across_chunks_come_whole() -> None:
    splitter = SseSplitter()
    assert splitter.feed(b'data: {"a": 1}\n\nda') == [(None, b'{"a": 1}')]
    assert splitter.feed(b"ta: [1,") == []
    assert splitter.feed(b"\ndata: 2]\n\nevent: x.y\ndata:{}\n\n") == [
        (None, b"[1,\n2]"),
        ("x.y", b"{}"),
    ]


def test_crlf_and_cr_end_lines_even_when_a_chunk_ends_between_them() -> None:
    splitter = SseSplitter()
    assert splitter.feed(b"data: 1\r\n\r") == []
    assert splitter.feed(b"\ndata: 2\r\rdata: 3\n\n") == [(None, b"1"), (None, b"2"), (None, b"3")]


def test_comments_ids_and_events_without_data_dispatch_nothing() -> None:
    splitter = SseSplitter()
    assert splitter.feed(b": keep-alive\n\nid: 7\nretry: 10\n\nevent: ping\n\n") == []
    assert splitter.feed(b"data: last") == []
    assert splitter.finish() == [(None, b"last")]


def _chat(fake: FakeOpenAI, read_interval_s: float = 0.0) -> ChatCompletionsProvider:
    return ChatCompletionsProvider(
        ClientConfig("test-key", "fake-model", fake.base_url, read_interval_s=read_interval_s)
    )


def _responses(fake: FakeOpenAI, read_interval_s: float = 0.0) -> ResponsesProvider:
    return ResponsesProvider(
        ClientConfig("test-key", "fake-model", fake.base_url, read_interval_s=read_interval_s)
    )


async def _events(provider: OpenAIClientProvider) -> list[ProviderEvent]:
    return [event async for event in provider.stream_turn(ASK)]  # type: ignore[attr-defined]


def _texts(events: list[ProviderEvent]) -> list[str]:
    return [e.text for e in events if isinstance(e, ProviderText)]


@pytest.mark.parametrize("api", [_chat, _responses])
async def test_text_read_together_is_passed_on_as_one_piece(fake: FakeOpenAI, api) -> None:
    # The whole answer is sent at once: it arrives in a few reads, not one per chunk.
    fake.script(Turn(text=WORDS, usage=(5, 120)))
    events = await _events(api(fake, read_interval_s=0.01))
    assert "".join(_texts(events)) == "".join(WORDS)
    # (One piece a chunk is what reading without batches gives; a busy machine splits more.)
    assert len(_texts(events)) < len(WORDS) / 2
    assert events[-1] == ProviderFinish("stop", Usage(5, 120))


@pytest.mark.parametrize("api", [_chat, _responses])
async def test_a_read_interval_reads_a_paced_stream_in_batches(fake: FakeOpenAI, api) -> None:
    # 120 chunks 3 ms apart (about 0.4 s) read at most every 50 ms after a wait.
    fake.script(Turn(text=WORDS, delay_s=0.003))
    events = await _events(api(fake, read_interval_s=0.05))
    texts = _texts(events)
    assert "".join(texts) == "".join(WORDS)
    assert len(texts) < len(WORDS) * 3 / 4, f"{len(texts)} pieces for {len(WORDS)} chunks"
    # The first words are not held back for an interval (a busy machine may read two at once).
    assert texts[0].startswith(WORDS[0]) and len(texts[0].split()) <= 3, texts[0]


@pytest.mark.parametrize("api", [_chat, _responses])
async def test_text_keeps_its_place_around_tool_input(fake: FakeOpenAI, api) -> None:
    call = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k", 4)
    fake.script(Turn(text=["Setting ", "it."], calls=[call]))
    events = await _events(api(fake, read_interval_s=0.01))
    kinds = [e.kind for e in events]
    # The text first (one piece, or two when the first words were read on their own), and
    # none after the call's input began.
    first_other = next(i for i, kind in enumerate(kinds) if kind != "text")
    assert 1 <= first_other <= 2 and "text" not in kinds[first_other:], kinds
    assert "".join(_texts(events)) == "Setting it."
    inputs = [e for e in events if isinstance(e, ProviderToolInput)]
    assert "".join(i.delta for i in inputs) == call.arguments
    assert ProviderToolCall("call_k", "set_room_temperature", call.arguments) in events


@pytest.mark.parametrize("api", [_chat, _responses])
async def test_a_malformed_chunk_ends_the_turn_with_a_clear_error(fake: FakeOpenAI, api) -> None:
    fake.script(Turn(text=["Hel", "lo"], malformed_at=3))
    with pytest.raises(ProviderError, match="malformed chunk"):
        await _events(api(fake, read_interval_s=0.02))


async def test_an_error_object_in_the_stream_ends_it_as_the_client_would(fake: FakeOpenAI) -> None:
    class ErrorInStream(FakeOpenAI):
        async def _sse(self, turn, frames, done):  # type: ignore[override]
            yield b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'

    with ErrorInStream() as failing:
        failing.script(Turn(text=["x"]))
        with pytest.raises(ProviderError, match="overloaded"):
            await _events(_chat(failing))
