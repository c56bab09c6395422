"""Retries a provider's turn with exponential backoff and jitter, before its first output."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable

from app.assistant.providers.base import (
    Provider,
    ProviderError,
    ProviderEvent,
    ProviderRetry,
    RetryableProviderError,
    TurnRequest,
)

logger = logging.getLogger(__name__)


class RetryingProvider:
    """Wraps a provider: connection errors, timeouts, 429 and 5xx are retried while nothing
    has streamed yet, honouring Retry-After; after output a failure ends the turn (the text
    already streamed is kept by the engine)."""

    def __init__(
        self,
        inner: Provider,
        *,
        max_attempts: int = 3,
        base_delay_s: float = 0.5,
        max_delay_s: float = 20.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.suggests_follow_ups: bool = getattr(inner, "suggests_follow_ups", False)
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.sleep = sleep
        self.jitter = jitter

    def delay_for(self, attempt: int, retry_after_s: float | None) -> float:
        """Retry-After when the server gives one, else full-jitter exponential backoff."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_delay_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return ceiling * (0.5 + self.jitter() / 2)

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """The inner provider's turn, tried up to `max_attempts` times."""
        for attempt in range(1, self.max_attempts + 1):
            produced = False
            try:
                async for event in self.inner.stream_turn(request):
                    produced = True
                    yield event
                return
            except RetryableProviderError as exc:
                if produced:
                    raise ProviderError(
                        f"{exc} The reply was cut off; the text so far was kept."
                    ) from exc
                if attempt == self.max_attempts:
                    raise ProviderError(
                        f"{exc} Gave up after {self.max_attempts} attempts."
                    ) from exc
                delay = self.delay_for(attempt, exc.retry_after_s)
                logger.info(
                    "Provider attempt %s failed (%s); retrying in %.2fs", attempt, exc, delay
                )
                yield ProviderRetry(attempt + 1, self.max_attempts, delay, str(exc))
                await self.sleep(delay)
