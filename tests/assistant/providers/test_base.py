"""The provider interface's own values: usage that adds up over turns, and a retryable error
that carries the server's requested delay while still being a provider error."""

from __future__ import annotations

import pytest

from app.assistant.providers.base import (
    ProviderError,
    ProviderFinish,
    RetryableProviderError,
    Usage,
)


def test_usage_adds_up_turn_by_turn() -> None:
    assert Usage(12, 7) + Usage(30, 9) + Usage() == Usage(42, 16)


def test_a_finish_without_usage_counts_nothing() -> None:
    assert ProviderFinish("stop").usage == Usage(0, 0)


@pytest.mark.parametrize("retry_after_s", [None, 2.5])
def test_a_retryable_error_is_a_provider_error_with_its_delay(retry_after_s: float | None) -> None:
    error = RetryableProviderError("The model server failed (503, m).", retry_after_s)
    assert isinstance(error, ProviderError)
    assert (str(error), error.retry_after_s) == ("The model server failed (503, m).", retry_after_s)
