"""The body of `POST /api/chat`, as each client sends it: the messages (see chat_messages),
the thread, a system prompt, and tools the client runs itself."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import ConfigDict, Field, JsonValue, PrivateAttr, StringConstraints, model_validator
from pydantic.functional_validators import AfterValidator, BeforeValidator

from app.api.chat_messages import Conversation, read_conversation
from app.api.refusals import (
    COMPONENTS,
    ApiModel,
    Described,
    by_kind,
    choice,
    drop_when,
    read_without,
    refusal,
    says,
)
from app.api.threads import THREAD_REF
from app.assistant.providers.base import ToolSpec
from app.db.ids import MAX_ROW_ID

MAX_SYSTEM_CHARS = 4000
MAX_TOOLS = 32
MAX_TOOL_NAME_CHARS = 64
TOOL_NAME = f"^[A-Za-z0-9_-]{{1,{MAX_TOOL_NAME_CHARS}}}$"
# The names Hearth's own tools take are refused too: the description says which (ToolName).
_NAME = {"allOf": [{"$ref": f"{COMPONENTS}ToolName"}]}
_SCHEMA_OBJECT = "must be a JSON schema object."


def _name_rule(name: Any) -> str:
    got = f"{name[:40]!r} ({len(name):,} characters)" if isinstance(name, str) else "none"
    return (
        f"needs a name of 1 to {MAX_TOOL_NAME_CHARS} ASCII letters, digits, '_' or '-' "
        f"(what a model's function name may be); got {got}."
    )


def _is_name(name: Any) -> bool:
    return isinstance(name, str) and re.fullmatch(TOOL_NAME[1:-1], name) is not None


JsonSchemaObject = Annotated[
    dict[str, JsonValue], says(_SCHEMA_OBJECT), Field(description="A JSON schema.")
]


class Tool(ApiModel):
    """A tool the client runs: offered to the model; a call to it is streamed to the client,
    whose result comes back in the next request."""

    not_an_object = "must be an object with `parameters` (a JSON schema)."
    model_config = ConfigDict(json_schema_extra=read_without("inputSchema", "parameters"))

    parameters: JsonSchemaObject = None
    input_schema: JsonSchemaObject = None
    description: Annotated[str, says("must be a string.")] = ""

    @model_validator(mode="before")
    @classmethod
    def _parameters_first(cls, data: Any) -> Any:
        return drop_when(data, "inputSchema", "parameters")

    def spec(self, name: str) -> ToolSpec:
        """The tool as the engine offers it."""
        given = self.model_fields_set
        parameters = (
            self.parameters
            if "parameters" in given
            else self.input_schema
            if "input_schema" in given
            else None
        )
        return ToolSpec(
            name, self.description, {"type": "object"} if parameters is None else parameters
        )


class NamedTool(Tool):
    """A tool in a list: its name with it."""

    name: Annotated[str, Field(pattern=TOOL_NAME), Described(_NAME, instead=True)]

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        name = data.get("name") if isinstance(data, dict) else None
        if not _is_name(name):
            raise refusal(_name_rule(name))
        return data


def _at_most(tools: Any) -> Any:
    if len(tools) > MAX_TOOLS:
        raise refusal(f"has {len(tools)} tools; at most {MAX_TOOLS} are allowed.")
    return tools


def _named_well(tools: dict[str, Any]) -> dict[str, Any]:
    for name in tools:
        if not _is_name(name):
            raise refusal(_name_rule(name))
    return tools


_ToolsByName = Annotated[
    dict[str, Tool],
    BeforeValidator(_named_well),
    BeforeValidator(_at_most),
    Described({"propertyNames": _NAME, "maxProperties": MAX_TOOLS}),
]
_ToolList = Annotated[
    list[NamedTool], BeforeValidator(_at_most), Described({"maxItems": MAX_TOOLS})
]
_Tools = by_kind(
    "must be an object of tools by name (or a list of tools).",
    object=_ToolsByName,
    array=_ToolList,
    null=None,
)


def _thread_ref(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value % 1 == 0:
        return "<number>"
    return "<id>" if isinstance(value, str) else "<none>" if value is None else None


# The engine refuses an id no thread can have (the schema says which, as for the path's).
_ThreadRef = choice(
    _thread_ref,
    "must be a string: your id for the thread (or Hearth's thread number).",
    **{
        "<id>": Annotated[
            str, Described({"anyOf": [THREAD_REF, {"const": ""}]}, instead=True)
        ],  # "": a new thread, as none
        # Read as its digits: a number up to the largest thread number, or (negative) an id.
        # JSON Schema (and JavaScript) cannot tell 7.0 from 7: both are thread 7.
        "<number>": Annotated[
            int,
            BeforeValidator(int),
            Described({"type": "integer", "minimum": 1 - 10**99, "maximum": MAX_ROW_ID}),
        ],
        "<none>": None,
    },
)
_System = choice(
    lambda v: "<text>" if isinstance(v, str) else "<none>" if not v else None,
    "must be a string.",
    **{
        "<text>": Annotated[
            str,
            StringConstraints(max_length=MAX_SYSTEM_CHARS),
            says(lambda v: f"is {len(v)} characters; at most {MAX_SYSTEM_CHARS}."),
        ],
        "<none>": Annotated[JsonValue, Described({"enum": [None, False, 0, [], {}]}, instead=True)],
    },
)


def _readable(messages: list[Any]) -> list[Any]:
    read_conversation(messages)  # refuses, at the message at fault
    return messages


class ChatBody(ApiModel):
    """What both clients send."""

    not_an_object = "must be a JSON object with `messages`."
    model_config = ConfigDict(json_schema_extra=read_without("id", "threadId"))

    messages: Annotated[
        list[JsonValue],
        Field(min_length=1),
        says("must be a non-empty list of messages."),
        AfterValidator(_readable),
        Field(
            description="The whole conversation; Hearth reads its end: the new user message "
            "(`UserMessage`), or after it the results of the calls the client's tools were "
            "asked to run (`FollowingMessage`s; the reply being written may be there too, "
            "empty). Earlier messages are not read: Hearth keeps the history."
        ),
    ]
    thread_id: _ThreadRef = Field(
        None, description="The thread: your id for it, or Hearth's number."
    )
    id: _ThreadRef = Field(None, description="The thread, when there is no `threadId`.")
    system: _System = Field(
        None, description="Instructions added to Hearth's own (empty values: none)."
    )
    tools: _Tools = Field(
        None,
        description="Frontend tools, by name (or a list of tools with `name`): offered to the "
        "model; a call to one is streamed to the client to run, and its result comes back in "
        "the next request. Names may not be those of Hearth's own tools.",
    )
    _conversation: Conversation = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _thread_id_first(cls, data: Any) -> Any:
        return drop_when(data, "id", "threadId")

    @model_validator(mode="after")
    def _read(self) -> ChatBody:
        self._conversation = read_conversation(self.messages)
        return self

    @property
    def conversation(self) -> Conversation:
        """The new message, or the tool results after it."""
        return self._conversation

    def thread_ref(self) -> str:
        """The thread the client names ("" for none)."""
        ref = self.thread_id if "thread_id" in self.model_fields_set else self.id
        return "" if ref is None else str(ref)

    def system_text(self) -> str:
        """The system prompt ("" for none)."""
        return self.system if isinstance(self.system, str) else ""

    def tool_specs(self) -> tuple[ToolSpec, ...]:
        """The client's tools."""
        if isinstance(self.tools, dict):
            return tuple(tool.spec(name) for name, tool in self.tools.items())
        return tuple(tool.spec(tool.name) for tool in self.tools or ())


class AssistantUiChatRequest(ChatBody):
    """What assistant-ui's `useDataStreamRuntime` sends: messages with `content`, and
    `threadId`."""


class UseChatRequest(ChatBody):
    """What the AI SDK's `useChat` (DefaultChatTransport) sends: messages with `parts`, the
    thread as `id`; frontend tools go in the transport's `body` as `tools`."""

    trigger: JsonValue = Field(None, description="'submit-message' or 'regenerate-message'.")
    message_id: JsonValue = Field(None, description="The message to regenerate.")
