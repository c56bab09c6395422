"""Backoff: exponential with jitter, capped, Retry-After first; never after output."""

from __future__ import annotations

import pytest

from app.assistant.providers.base import (
    ProviderError,
    ProviderFinish,
    ProviderRetry,
    ProviderText,
    RetryableProviderError,
    TurnRequest,
)
from app.assistant.providers.retrying import RetryingProvider
from tests.fakes.scripted_provider import Fail, ScriptedProvider


def _provider(jitter: float, **kwargs) -> RetryingProvider:
    return RetryingProvider(
        ScriptedProvider([]), base_delay_s=0.5, max_delay_s=4, jitter=lambda: jitter, **kwargs
    )


@pytest.mark.parametrize(
    ("attempt", "jitter", "delay"),
    [(1, 0.0, 0.25), (1, 1.0, 0.5), (2, 1.0, 1.0), (3, 1.0, 2.0), (5, 1.0, 4.0), (9, 0.0, 2.0)],
)
def test_backoff_doubles_with_jitter_up_to_the_cap(
    attempt: int, jitter: float, delay: float
) -> None:
    assert _provider(jitter).delay_for(attempt, None) == delay


@pytest.mark.parametrize(("retry_after", "delay"), [(3.0, 3.0), (60.0, 4.0), (-1.0, 0.0)])
def test_retry_after_wins_within_the_cap(retry_after: float, delay: float) -> None:
    assert _provider(1.0).delay_for(1, retry_after) == delay


async def test_no_retry_once_output_has_streamed() -> None:
    inner = ScriptedProvider(
        [
            [ProviderText("half"), Fail(RetryableProviderError("Connection lost."))],
            [ProviderFinish("stop")],
        ]
    )
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    provider = RetryingProvider(inner, sleep=sleep)
    seen = []
    with pytest.raises(ProviderError, match=r"Connection lost\. The reply was cut off"):
        async for event in provider.stream_turn(TurnRequest("", ())):
            seen.append(event)
    assert seen == [ProviderText("half")]
    assert slept == [] and len(inner.requests) == 1


async def test_retries_are_announced_then_succeed() -> None:
    inner = ScriptedProvider(
        [[Fail(RetryableProviderError("Busy.", 1.5))], [ProviderText("ok"), ProviderFinish("stop")]]
    )

    async def sleep(_seconds: float) -> None:
        return None

    events = [
        e async for e in RetryingProvider(inner, sleep=sleep).stream_turn(TurnRequest("", ()))
    ]
    assert events == [ProviderRetry(2, 3, 1.5, "Busy."), ProviderText("ok"), ProviderFinish("stop")]
