"""The messages of a chat request that Hearth reads: the new user message, or after it the
results of the calls the client's own tools were asked to run. Earlier messages are not
read: Hearth keeps each thread's history itself.

assistant-ui sends `content` (a string or parts; attachments as `file` parts with `data`)
and its tools' results as `tool` messages of `tool-result` parts; useChat sends `parts`
(files as `file` parts with `url`), its results as the assistant message's `tool-*` parts
in state `output-available` or `output-error`. A message with both is read by `parts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, model_validator
from pydantic.functional_validators import AfterValidator

from app.api.file_parts import FilePart, InlineFile
from app.api.refusals import (
    ApiModel,
    Described,
    by_kind,
    choice,
    drop_when,
    fail_at,
    is_typed,
    read_without,
    refusal,
    says,
    validated_at,
)
from app.api.tool_results import UNTYPED, FollowingPart, ToolResult, UiToolResult
from app.assistant.client_tools import ClientToolResult


class TextPart(ApiModel):
    """Text the person wrote."""

    type: Literal["text"]
    text: Annotated[str, says("must be a string.")]


class UnreadUserPart(ApiModel):
    """Any other part of a user message: not read."""

    model_config = ConfigDict(
        json_schema_extra={"not": {"properties": {"type": {"enum": ["text", "file"]}}}}
    )
    type: str


def _has_text(parts: list[Any]) -> list[Any]:
    if not any(isinstance(part, TextPart | FilePart) for part in parts):
        raise refusal("has no text or file part; Hearth reads text and attached files.")
    return parts


_UserPart = choice(
    lambda v: (
        ("<text>" if v["type"] == "text" else "<file>" if v["type"] == "file" else "<unread>")
        if is_typed(v)
        else None
    ),
    UNTYPED,
    **{"<text>": TextPart, "<file>": FilePart, "<unread>": UnreadUserPart},
)
# Whitespace alone is no message: the engine refuses it (as it does in the web UI).
_SAID = {"type": "string", "pattern": "\\S"}
UserParts = Annotated[
    list[_UserPart],
    AfterValidator(_has_text),
    Described(
        {
            "anyOf": [
                {
                    "contains": {
                        "type": "object",
                        "properties": {"type": {"const": "text"}, "text": _SAID},
                    }
                },
                {"contains": {"type": "object", "properties": {"type": {"const": "file"}}}},
            ]
        }
    ),
]
_PARTS = "must be a list of parts."


_UserContent = by_kind(
    _PARTS, string=Annotated[str, Described(_SAID, instead=True)], array=UserParts
)


def _content_or_parts(schema: dict[str, Any]) -> None:
    read_without("content", "parts")(schema)
    schema["anyOf"] = [{"required": ["parts"]}, {"required": ["content"]}]


class UserMessage(ApiModel):
    """The new message: its text parts (or its `content` string) are what the person said."""

    model_config = ConfigDict(json_schema_extra=_content_or_parts)

    role: Literal["user"]
    content: _UserContent = None
    parts: Annotated[UserParts, says(_PARTS)] = None

    @model_validator(mode="before")
    @classmethod
    def _parts_first(cls, data: Any) -> Any:
        return drop_when(data, "content", "parts")

    @model_validator(mode="after")
    def _has_content(self) -> UserMessage:
        if not {"content", "parts"} & self.model_fields_set:
            raise refusal("has neither `content` nor `parts`.")
        return self

    def text(self) -> str:
        """What the person wrote: the text parts, one a line."""
        pieces = self.parts if "parts" in self.model_fields_set else self.content
        if isinstance(pieces, str):
            return pieces
        return "\n".join(part.text for part in pieces or () if isinstance(part, TextPart))

    def files(self) -> tuple[InlineFile, ...]:
        """The files the person attached, in order."""
        pieces = self.parts if "parts" in self.model_fields_set else self.content
        if isinstance(pieces, str):
            return ()
        return tuple(part.inline() for part in pieces or () if isinstance(part, FilePart))


_FollowingParts = by_kind(
    "must be a string or a list of parts.", string=str, null=None, array=list[FollowingPart]
)


class FollowingMessage(ApiModel):
    """A message after the new one: the reply being written (assistant-ui sends it, empty),
    or the client's tools' results."""

    not_an_object = None
    model_config = ConfigDict(json_schema_extra=read_without("content", "parts"))

    role: Annotated[
        Literal["assistant", "tool"],
        says(lambda v: f"must be 'user', 'assistant' or 'tool', not {v!r}."),
    ]
    content: _FollowingParts = None
    parts: _FollowingParts = None

    @model_validator(mode="before")
    @classmethod
    def _parts_first(cls, data: Any) -> Any:
        return drop_when(data, "content", "parts")

    def results(self) -> tuple[ClientToolResult, ...]:
        """The tools' results it carries."""
        pieces = self.parts if "parts" in self.model_fields_set else self.content
        if not isinstance(pieces, list):
            return ()
        return tuple(p.taken() for p in pieces if isinstance(p, ToolResult | UiToolResult))


@dataclass(frozen=True)
class Conversation:
    """What a request's messages ask: a new message, or the results of the client's tools."""

    text: str  # "" when the request carries tool results instead
    tool_results: tuple[ClientToolResult, ...] = ()
    files: tuple[InlineFile, ...] = ()


def read_conversation(messages: list[Any]) -> Conversation:
    """The new user message, or the tool results after it; inside a validator, a refusal at
    the first message that is wrong."""
    users = [i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"]
    last_user = users[-1] if users else -1
    tail = messages[last_user + 1 :]
    following = [
        validated_at(FollowingMessage, message, last_user + 1 + offset)
        for offset, message in enumerate(tail)
    ]
    results = tuple(result for message in following for result in message.results())
    if results:
        return Conversation("", results)
    if last_user < 0:
        raise refusal("has no user message; end it with the new message, role 'user'.")
    if any(m.get("parts", m.get("content")) for m in tail):
        fail_at(
            (len(messages) - 1,),
            "must be the new user message, or the results of the calls your tools were "
            "asked to run.",
        )
    new = validated_at(UserMessage, messages[last_user], last_user)
    return Conversation(new.text(), files=new.files())
