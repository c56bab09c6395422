"""The `openai` client for Hearth's providers, and its errors as provider errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import openai

from app.assistant.providers.base import ProviderError, RetryableProviderError


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to reach an OpenAI-compatible server."""

    api_key: str
    model: str
    base_url: str | None = None
    request_timeout_s: float = 60.0
    connect_timeout_s: float = 10.0
    # The response body is read at most this often once it streams (0: as it comes); what
    # arrives meanwhile comes as one read, its text as one piece.
    read_interval_s: float = 0.0


def make_client(config: ClientConfig) -> openai.AsyncOpenAI:
    """An async client that never retries by itself (RetryingProvider does, visibly)."""
    return openai.AsyncOpenAI(
        api_key=config.api_key,
        base_url=config.base_url,
        timeout=httpx.Timeout(config.request_timeout_s, connect=config.connect_timeout_s),
        max_retries=0,
    )


class OpenAIClientProvider:
    """What both OpenAI providers share: where the server is, and the client that reaches it
    (`client` for tests that bring their own)."""

    # A model: asked for follow-ups after its replies (app/assistant/follow_ups.py).
    suggests_follow_ups = True

    def __init__(self, config: ClientConfig, client: openai.AsyncOpenAI | None = None) -> None:
        self.config = config
        self.client = client or make_client(config)


def _retry_after_s(response: httpx.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("retry-after-ms")
    if value:
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to backoff


def as_provider_error(exc: Exception, model: str) -> ProviderError:
    """A message a person can read, retryable where another try may help."""
    if isinstance(exc, openai.APITimeoutError):
        return RetryableProviderError(f"The model server did not answer in time ({model}).")
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return RetryableProviderError("The connection to the model server failed.")
    if isinstance(exc, openai.RateLimitError):
        return RetryableProviderError(
            f"The model server is rate-limiting requests (429, {model}).",
            _retry_after_s(exc.response),
        )
    if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
        return RetryableProviderError(
            f"The model server failed ({exc.status_code}, {model}).", _retry_after_s(exc.response)
        )
    if isinstance(exc, openai.AuthenticationError):
        return ProviderError("The model server refused the API key (401); check HEARTH_API_KEY.")
    if isinstance(exc, openai.NotFoundError):
        return ProviderError(
            f"The model server does not know model '{model}' (404); check HEARTH_MODEL."
        )
    if isinstance(exc, openai.APIStatusError):
        return ProviderError(
            f"The model server rejected the request ({exc.status_code}): {exc.message}"
        )
    if isinstance(exc, json.JSONDecodeError):
        return ProviderError("The model server sent a malformed chunk; the reply was cut off.")
    if isinstance(exc, openai.APIError):
        return ProviderError(f"The model server reported an error: {exc.message}")
    raise exc


@asynccontextmanager
async def provider_errors(model: str) -> AsyncIterator[None]:
    """Turn the client's exceptions inside the block into provider errors."""
    try:
        yield
    except (openai.OpenAIError, httpx.HTTPError, json.JSONDecodeError) as exc:
        raise as_provider_error(exc, model) from exc
