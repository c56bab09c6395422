"""Chat Completions (any OpenAI-compatible server): streamed text and tool calls."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from app.assistant.conversation import AssistantText, ToolCallItem, ToolResultItem, UserText
from app.assistant.providers.base import (
    FinishReason,
    ProviderError,
    ProviderEvent,
    ProviderFinish,
    ProviderText,
    ProviderToolCall,
    ProviderToolInput,
    TurnRequest,
    Usage,
)
from app.assistant.providers.file_inputs import chat_user_content
from app.assistant.providers.openai_client import OpenAIClientProvider, provider_errors

logger = logging.getLogger(__name__)

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "length": "length",
    "content_filter": "content_filter",
}


def chat_messages(request: TurnRequest) -> list[dict[str, Any]]:
    """The conversation as Chat Completions messages (assistant text and calls merged)."""
    messages: list[dict[str, Any]] = []
    if request.instructions:
        messages.append({"role": "system", "content": request.instructions})
    for item in request.items:
        previous = messages[-1] if messages else None
        match item:
            case UserText():
                messages.append({"role": "user", "content": chat_user_content(item)})
            case AssistantText(text=text):
                messages.append({"role": "assistant", "content": text})
            case ToolCallItem(call_id=call_id, name=name, arguments=arguments):
                call = {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
                if previous is not None and previous["role"] == "assistant":
                    previous.setdefault("tool_calls", []).append(call)
                else:
                    messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
            case ToolResultItem(call_id=call_id, output=output):
                messages.append({"role": "tool", "tool_call_id": call_id, "content": output})
    return messages


@dataclass
class _PartialCall:
    call_id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ChatCompletionsProvider(OpenAIClientProvider):
    """Streams a turn from `/chat/completions`: text and tool arguments as they arrive."""

    name = "chat"

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Text as it arrives; calls after the stream ends; then the finish."""
        kwargs: dict[str, Any] = {
            "model": self.config.model,
            "messages": chat_messages(request),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in request.tools
            ]
        calls: dict[int, _PartialCall] = {}
        finish: FinishReason | None = None
        usage = Usage()
        async with provider_errors(self.config.model):
            stream = await self.client.chat.completions.create(**kwargs)
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    if choice.delta.content:
                        yield ProviderText(choice.delta.content)
                    # Arguments arrive in fragments keyed by index: shown as they come, used
                    # only once complete.
                    for fragment in choice.delta.tool_calls or []:
                        call = calls.setdefault(fragment.index, _PartialCall())
                        call.call_id = fragment.id or call.call_id or f"call_{fragment.index}"
                        if fragment.function is not None:
                            call.name = fragment.function.name or call.name
                            if fragment.function.arguments:
                                call.arguments.append(fragment.function.arguments)
                                yield ProviderToolInput(
                                    call.call_id, call.name, fragment.function.arguments
                                )
                    if choice.finish_reason:
                        finish = _FINISH.get(choice.finish_reason, "stop")
        if finish is None:
            raise ProviderError("The model's stream ended before the reply was finished.")
        for index in sorted(calls):
            call = calls[index]
            yield ProviderToolCall(call.call_id, call.name, "".join(call.arguments))
        yield ProviderFinish("tool_calls" if calls else finish, usage)
