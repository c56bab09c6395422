"""The `openai` client as both providers use it: it never retries by itself, and every failure
of the model server becomes a message a person can read, retryable where another try may help
(real HTTP answers from the fake server, read by the real client)."""

from __future__ import annotations

import httpx
import openai
import pytest

from app.assistant.conversation import UserText
from app.assistant.events import RunRetrying
from app.assistant.providers.base import ProviderError, RetryableProviderError, TurnRequest
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.openai_client import (
    ClientConfig,
    as_provider_error,
    provider_errors,
)
from app.assistant.providers.responses import ResponsesProvider
from app.db.session import SessionFactory
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.model_harness import Harness, run_finished, streamed_text


@pytest.fixture(params=["chat", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    return request.param


async def _failure(fake: FakeOpenAI, api: str, **config: float) -> ProviderError:
    """What one turn of the provider raised (no retrying around it)."""
    settings = ClientConfig("test-key", "fake-model", fake.base_url, **config)
    provider = ChatCompletionsProvider(settings) if api == "chat" else ResponsesProvider(settings)
    with pytest.raises(ProviderError) as caught:
        async for _ in provider.stream_turn(TurnRequest("", (UserText("hi"),))):
            pass
    return caught.value


@pytest.mark.parametrize(
    ("turn", "retryable", "message", "retry_after_s"),
    [
        (
            Turn(status=429, retry_after="2"),
            True,
            "The model server is rate-limiting requests (429, fake-model).",
            2.0,
        ),
        (
            # An HTTP date is left to the backoff.
            Turn(status=429, retry_after="Wed, 21 Oct 2026 07:28:00 GMT"),
            True,
            "The model server is rate-limiting requests (429, fake-model).",
            None,
        ),
        (
            Turn(status=503, retry_after="1.5"),
            True,
            "The model server failed (503, fake-model).",
            1.5,
        ),
        (Turn(status=500), True, "The model server failed (500, fake-model).", None),
        (
            Turn(status=401),
            False,
            "The model server refused the API key (401); check HEARTH_API_KEY.",
            None,
        ),
        (
            Turn(status=404),
            False,
            "The model server does not know model 'fake-model' (404); check HEARTH_MODEL.",
            None,
        ),
        (
            Turn(status=400),
            False,
            "The model server rejected the request (400): Error code: 400 - fake error 400",
            None,
        ),
    ],
    ids=lambda value: str(value.status) if isinstance(value, Turn) else None,
)
async def test_each_refusal_is_one_request_and_a_message_that_says_what_to_do(
    fake: FakeOpenAI,
    api: str,
    turn: Turn,
    retryable: bool,
    message: str,
    retry_after_s: float | None,
) -> None:
    fake.script(turn)
    error = await _failure(fake, api)
    assert (str(error), isinstance(error, RetryableProviderError)) == (message, retryable)
    assert getattr(error, "retry_after_s", None) == retry_after_s
    # The client itself never tries again: retries are RetryingProvider's, and visible.
    assert len(fake.requests) == 1


async def test_a_server_too_slow_to_answer_is_worth_another_try(fake: FakeOpenAI, api: str) -> None:
    fake.script(Turn(text=["late"], delay_s=1.0))
    error = await _failure(fake, api, request_timeout_s=0.3)
    assert isinstance(error, RetryableProviderError)
    assert str(error) == "The model server did not answer in time (fake-model)."


async def test_a_server_that_is_not_there_is_worth_another_try(fake: FakeOpenAI, api: str) -> None:
    fake.stop()
    error = await _failure(fake, api)
    assert isinstance(error, RetryableProviderError)
    assert str(error) == "The connection to the model server failed."


def test_retry_after_in_milliseconds_comes_first() -> None:
    response = httpx.Response(
        429,
        headers={"retry-after-ms": "1500", "retry-after": "9"},
        request=httpx.Request("POST", "http://127.0.0.1/v1/responses"),
    )
    error = as_provider_error(openai.RateLimitError("slow down", response=response, body=None), "m")
    assert isinstance(error, RetryableProviderError) and error.retry_after_s == 1.5


async def test_errors_that_are_not_the_clients_pass_through_unchanged() -> None:
    with pytest.raises(KeyError, match="not a client error"):
        async with provider_errors("fake-model"):
            raise KeyError("not a client error")


async def test_429_then_success_honours_retry_after(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(status=429, retry_after="2"), Turn(text=["Fine."]))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    retries = [e for e in events if isinstance(e, RunRetrying)]
    assert [(r.attempt, r.max_attempts, r.delay_s) for r in retries] == [(2, 3, 2.0)]
    assert "rate-limiting" in retries[0].reason
    assert harness.delays == [2.0]
    assert (streamed_text(events), run_finished(events).status) == ("Fine.", "completed")


async def test_500_three_times_fails_with_the_reason(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(status=500), Turn(status=502), Turn(status=503))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = run_finished(events)
    assert finished.status == "failed"
    assert finished.error == "The model server failed (503, fake-model). Gave up after 3 attempts."
    assert len(harness.delays) == 2 and all(0 < d <= 20 for d in harness.delays)
    assert (await harness.assistant_message(events)).status == "failed"


async def test_cut_mid_text_keeps_the_text(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    # Chat: role chunk + 2 text chunks; Responses: 4 preamble events + 2 deltas.
    cut = 3 if api == "chat" else 6
    fake.script(Turn(text=["Partial ", "text ", "never"], cut_after=cut))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = run_finished(events)
    assert finished.status == "failed"
    assert finished.error == (
        "The connection to the model server failed. The reply was cut off; the text so far was kept."
    )
    message = await harness.assistant_message(events)
    assert message.parts == [{"type": "text", "text": "Partial text "}]
    assert message.status == "incomplete"
    assert len(fake.requests) == 1, "a reply that had started streaming was retried"


async def test_malformed_chunk_fails_the_turn(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    at = 2 if api == "chat" else 5
    fake.script(Turn(text=["Some ", "text ", "more"], malformed_at=at))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = run_finished(events)
    assert finished.status == "failed"
    assert finished.error == "The model server sent a malformed chunk; the reply was cut off."
    assert streamed_text(events) == "Some "
