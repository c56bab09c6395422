"""The Responses API, stateless: Hearth sends the history; text and function calls stream back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from app.assistant.conversation import AssistantText, ToolCallItem, ToolResultItem, UserText
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
from app.assistant.providers.file_inputs import responses_user_content
from app.assistant.providers.openai_client import OpenAIClientProvider, provider_errors
from app.assistant.providers.sse import read_events

logger = logging.getLogger(__name__)


def response_input(request: TurnRequest) -> list[dict[str, Any]]:
    """The conversation as Responses input items (calls and their outputs by call_id)."""
    items: list[dict[str, Any]] = []
    for item in request.items:
        match item:
            case UserText():
                items.append({"role": "user", "content": responses_user_content(item)})
            case AssistantText(text=text):
                items.append({"role": "assistant", "content": text})
            case ToolCallItem(call_id=call_id, name=name, arguments=arguments):
                items.append(
                    {
                        "type": "function_call",
                        "call_id": call_id,
                        "name": name,
                        "arguments": arguments,
                    }
                )
            case ToolResultItem(call_id=call_id, output=output):
                items.append({"type": "function_call_output", "call_id": call_id, "output": output})
    return items


class ResponsesProvider(OpenAIClientProvider):
    """Streams a turn from `/responses` with `store=False`: no server-side objects (the events
    read as JSON off the client's raw stream: `sse.py`)."""

    name = "responses"

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Text and function arguments as they arrive; each call once its arguments are done."""
        kwargs: dict[str, Any] = {
            "model": self.config.model,
            "input": response_input(request),
            "stream": True,
            "store": False,
        }
        if request.instructions:
            kwargs["instructions"] = request.instructions
        if request.tools:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                    "strict": False,
                }
                for t in request.tools
            ]
        calls: list[ProviderToolCall] = []
        # Function calls being written, by item id: their call id and name.
        opened: dict[str, tuple[str, str]] = {}
        finished: ProviderFinish | None = None
        async with provider_errors(self.config.model):
            create = self.client.responses.with_streaming_response.create
            async with (
                create(**kwargs) as response,
                aclosing(
                    read_events(response.http_response, self.config.read_interval_s)
                ) as events,
            ):
                async for batch in events:
                    # A read's text is passed on as one piece (anything else comes between).
                    text: list[str] = []
                    for _name, event in batch:
                        kind = event.get("type")
                        if kind == "response.output_text.delta":
                            text.append(event.get("delta") or "")
                            continue
                        if text:
                            yield ProviderText("".join(text))
                            text = []
                        item = event.get("item") or {}
                        match kind:
                            case "response.output_item.added" if (
                                item.get("type") == "function_call"
                            ):
                                opened[item.get("id") or ""] = (item["call_id"], item["name"])
                            case "response.function_call_arguments.delta" if event.get("delta"):
                                call_id, name = opened.get(event.get("item_id") or "", ("", ""))
                                if call_id:
                                    yield ProviderToolInput(call_id, name, event["delta"])
                            case "response.output_item.done" if item.get("type") == "function_call":
                                calls.append(
                                    ProviderToolCall(
                                        item["call_id"], item["name"], item["arguments"]
                                    )
                                )
                            case "response.completed" | "response.incomplete":
                                usage = _usage(event.get("response") or {})
                                reason = "length" if kind == "response.incomplete" else "stop"
                                finished = ProviderFinish("tool_calls" if calls else reason, usage)
                            case "response.failed" | "error":
                                raise ProviderError(
                                    f"The model failed to answer: {_error_text(event)}"
                                )
                    if text:
                        yield ProviderText("".join(text))
        if finished is None:
            raise ProviderError("The model's stream ended before the reply was finished.")
        for call in calls:
            yield call
        yield finished


def _usage(response: dict[str, Any]) -> Usage:
    usage = response.get("usage") or {}
    return Usage(usage.get("input_tokens") or 0, usage.get("output_tokens") or 0)


def _error_text(event: dict[str, Any]) -> str:
    error = (event.get("response") or {}).get("error") or event
    return str(error.get("message") or "unknown error")
