"""The Responses API, stateless: Hearth sends the history; text and function calls stream back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
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
    """Streams a turn from `/responses` with `store=False`: no server-side objects."""

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
            stream = await self.client.responses.create(**kwargs)
            async for event in stream:
                match event.type:
                    case "response.output_text.delta":
                        yield ProviderText(event.delta)
                    case "response.output_item.added" if event.item.type == "function_call":
                        opened[event.item.id or ""] = (event.item.call_id, event.item.name)
                    case "response.function_call_arguments.delta" if event.delta:
                        call_id, name = opened.get(event.item_id, ("", ""))
                        if call_id:
                            yield ProviderToolInput(call_id, name, event.delta)
                    case "response.output_item.done" if event.item.type == "function_call":
                        item = event.item
                        calls.append(ProviderToolCall(item.call_id, item.name, item.arguments))
                    case "response.completed" | "response.incomplete":
                        response = event.response
                        usage = Usage()
                        if response.usage is not None:
                            usage = Usage(response.usage.input_tokens, response.usage.output_tokens)
                        reason = "length" if event.type == "response.incomplete" else "stop"
                        finished = ProviderFinish("tool_calls" if calls else reason, usage)
                    case "response.failed" | "error":
                        raise ProviderError(f"The model failed to answer: {_error_text(event)}")
        if finished is None:
            raise ProviderError("The model's stream ended before the reply was finished.")
        for call in calls:
            yield call
        yield finished


def _error_text(event: Any) -> str:
    error = getattr(getattr(event, "response", None), "error", None) or event
    return str(getattr(error, "message", None) or "unknown error")
