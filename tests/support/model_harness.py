"""An engine on a real database whose provider talks to the fake OpenAI server."""

from __future__ import annotations

from collections.abc import AsyncIterator

from app.assistant.events import RunEvent, RunFinished, TextDelta
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.openai_client import ClientConfig
from app.assistant.providers.responses import ResponsesProvider
from app.assistant.providers.retrying import RetryingProvider
from app.db.models import Message
from app.db.session import SessionFactory
from tests.fakes.openai_server import FakeOpenAI
from tests.support.assistant import build_runner, run_in
from tests.support.people import owned_thread


def _instructions(_rooms) -> str:
    return "You are Hearth."


class Harness:
    """An engine on the real database whose provider talks to the fake server."""

    def __init__(
        self,
        sessions: SessionFactory,
        fake: FakeOpenAI,
        api: str,
        request_timeout_s: float = 60.0,
        **engine_config: float,
    ) -> None:
        config = ClientConfig(
            api_key="test-key",
            model="fake-model",
            base_url=fake.base_url,
            request_timeout_s=request_timeout_s,
        )
        inner = ChatCompletionsProvider(config) if api == "chat" else ResponsesProvider(config)
        self.delays: list[float] = []
        self.provider = RetryingProvider(inner, max_attempts=3, sleep=self._sleep)
        self.sessions, self.fake, self.api = sessions, fake, api
        self.runner = build_runner(
            sessions, self.provider, instructions=_instructions, **engine_config
        )

    async def _sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def ask_stream(self, text: str) -> AsyncIterator[RunEvent]:
        """Ask in a new thread, event by event."""
        async with self.sessions() as session:
            thread = await owned_thread(session)
        async for event in run_in(self.runner, thread.id or 0, text):
            yield event

    async def ask(self, text: str) -> list[RunEvent]:
        """Ask in a new thread and collect every event."""
        return [event async for event in self.ask_stream(text)]

    def body(self, index: int) -> dict:
        return self.fake.requests[index]["body"]

    def conversation(self, index: int) -> list[dict]:
        body = self.body(index)
        return body["messages"] if self.api == "chat" else body["input"]

    async def assistant_message(self, events: list[RunEvent]) -> Message:
        """The stored reply of the run these events came from."""
        async with self.sessions() as session:
            message = await session.get(Message, events[0].assistant_message_id)
        assert message is not None
        return message


def streamed_text(events: list[RunEvent]) -> str:
    """The text the run streamed, joined."""
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def run_finished(events: list[RunEvent]) -> RunFinished:
    """The run's last event, which must be its end."""
    last = events[-1]
    assert isinstance(last, RunFinished), f"the run did not end; last event: {last}"
    return last
