"""`GET /api/openapi.json`: the OpenAPI 3.1 description of Hearth's HTTP API.

Written out by hand (the routes are plain Starlette): the request bodies both clients send,
the two streamed answers, approvals, the thread endpoints, the errors. `tests/api/test_openapi.py`
validates it and checks that every route is described.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.api.bodies import MAX_DEPTH
from app.api.chat_body import MAX_SYSTEM_CHARS, MAX_TOOL_NAME_CHARS, MAX_TOOLS
from app.api.chat_request import PROTOCOLS
from app.api.wire.ui_message_stream import CHUNK_TYPES
from app.db.ids import MAX_ROW_ID
from app.services import get_services

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


_UNAUTHORIZED = _error("No API token, not a bearer token, or an unknown or revoked one.")
_NOT_FOUND = _error("No such thread of the caller's (another person's is 404 too).")
_BAD_THREAD_ID = _error(
    f"A thread id that is neither a thread number (1 to {MAX_ROW_ID:,}, ASCII digits) nor "
    "1-100 letters, digits, '-' or '_'."
)
_NOT_JSON = _error("The body was not sent with `Content-Type: application/json`.")

_APPROVAL_ID = {
    "name": "approval_id",
    "in": "path",
    "required": True,
    "description": "The id the stream gave: `approvalId` of a `tool-approval-request` chunk, or "
    "`approval_id` of an `approval` data part.",
    "schema": {"type": "string", "pattern": "^[0-9]{1,10}$"},
}

_THREAD_ID = {
    "name": "thread_id",
    "in": "path",
    "required": True,
    "description": "Hearth's thread number (digits) or the client's own id for the thread.",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,100}$"},
}

# Both clients send the whole conversation; Hearth reads its last user message (or the tool
# results after it). Every user message is described as a new one would be.
_USER_TEXT = {"type": "string", "pattern": "\\S"}
_PARTS = {
    "type": "array",
    "items": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
}
_TEXT_PARTS = {
    **_PARTS,
    "contains": {
        "type": "object",
        "required": ["type", "text"],
        "properties": {"type": {"const": "text"}, "text": _USER_TEXT},
    },
}
_USER_CONTENT = {
    "type": "object",
    "required": ["role", "content"],
    "properties": {"role": {"const": "user"}, "content": {"anyOf": [_USER_TEXT, _TEXT_PARTS]}},
}
_USER_PARTS = {
    "type": "object",
    "required": ["role", "parts"],
    "properties": {"role": {"const": "user"}, "parts": _TEXT_PARTS},
}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "message": {
                        "type": "string",
                        "description": "What was wrong and what is allowed.",
                    },
                    "field": {
                        "type": "string",
                        "description": "The body field at fault, as a dotted path (400 only).",
                        "examples": ["messages.0.content"],
                    },
                },
            }
        },
    },
    "Tools": {
        "type": "object",
        "description": "Frontend tools: offered to the model; a call to one is streamed to the "
        "client to run, and its result comes back in the next request. Names may not be "
        f"those of Hearth's own tools; at most {MAX_TOOLS}.",
        "maxProperties": MAX_TOOLS,
        "propertyNames": {"pattern": f"^[A-Za-z0-9_-]{{1,{MAX_TOOL_NAME_CHARS}}}$"},
        "additionalProperties": {
            "type": "object",
            "properties": {
                "description": {"type": "string"},
                "parameters": {"type": "object", "description": "A JSON schema."},
            },
        },
    },
    "AssistantUiChatRequest": {
        "type": "object",
        "description": "What assistant-ui's `useDataStreamRuntime` sends. The messages end "
        "with the new user message, or after it with the results of the client's tool calls "
        "(`tool` messages of `tool-result` parts); earlier messages are not read: Hearth keeps "
        "the history.",
        "required": ["messages"],
        "properties": {
            "messages": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "anyOf": [
                        _USER_CONTENT,
                        {
                            "type": "object",
                            "required": ["role"],
                            "properties": {
                                "role": {"enum": ["assistant", "tool", "system"]},
                                "content": {"anyOf": [{"type": "string"}, _PARTS]},
                            },
                        },
                    ]
                },
            },
            "threadId": {"type": "string"},
            "system": {"type": "string", "maxLength": MAX_SYSTEM_CHARS},
            "tools": _ref("Tools"),
        },
    },
    "UseChatRequest": {
        "type": "object",
        "description": "What the AI SDK's `useChat` (DefaultChatTransport) sends; frontend "
        "tools go in the transport's `body` as `tools`. The messages end with the new user "
        "message, or with the assistant message whose `tool-*` parts carry the client's "
        "results (`output-available` or `output-error`).",
        "required": ["messages"],
        "properties": {
            "id": {"type": "string", "description": "The thread."},
            "messages": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "anyOf": [
                        _USER_PARTS,
                        {
                            "type": "object",
                            "required": ["role", "parts"],
                            "properties": {
                                "id": {"type": "string"},
                                "role": {"enum": ["assistant", "system"]},
                                "parts": _PARTS,
                            },
                        },
                    ]
                },
            },
            "trigger": {"type": "string"},
            "messageId": {"type": "string"},
            "system": {"type": "string", "maxLength": MAX_SYSTEM_CHARS},
            "tools": _ref("Tools"),
        },
    },
    "UiMessageStreamEvent": {
        "type": "object",
        "description": "One server-sent event of the UI message stream: a JSON chunk, or "
        "`[DONE]` at the end.",
        "required": ["data"],
        "properties": {
            "data": {
                "anyOf": [
                    {"const": "[DONE]"},
                    {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": _ref("UiMessageChunk"),
                    },
                ]
            },
            "event": {"type": "string"},
            "id": {"type": "string"},
        },
    },
    "UiMessageChunk": {
        "type": "object",
        "description": "A chunk of the AI SDK's UI message stream.",
        "required": ["type"],
        "properties": {
            "type": {
                "anyOf": [
                    {"enum": list(CHUNK_TYPES)},
                    {"type": "string", "pattern": "^data-", "description": "A data part."},
                ]
            }
        },
    },
    "Thread": {
        "type": "object",
        "required": ["id", "number", "title", "createdAt", "updatedAt"],
        "properties": {
            "id": {"type": "string", "description": "The client's id, or the number as text."},
            "number": {"type": "integer", "description": "Hearth's thread number."},
            "title": {"type": "string"},
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
        },
    },
    "ApprovalAnswer": {
        "type": "object",
        "required": ["approved"],
        "properties": {"approved": {"type": "boolean", "description": "false denies."}},
    },
    "ApprovalAnswered": {
        "type": "object",
        "required": ["approvalId", "approved"],
        "properties": {"approvalId": {"type": "string"}, "approved": {"type": "boolean"}},
    },
    "ThreadMessages": {
        "type": "object",
        "required": ["thread", "messages"],
        "properties": {
            "thread": _ref("Thread"),
            "messages": {
                "type": "array",
                "description": "`UIMessage`s (format=ui) or assistant-ui `ThreadMessageLike`s "
                "(format=content).",
                "items": {"type": "object"},
            },
        },
    },
}


def _chat_operation(max_body_bytes: int) -> dict[str, Any]:
    protocol = {"type": "string", "enum": list(PROTOCOLS)}
    return {
        "operationId": "chat",
        "summary": "Send a message (or tool results) and stream the reply",
        "description": "Starts a run in the caller's thread and streams it. The format is "
        "chosen by, in order: the `protocol` query parameter, the `x-hearth-protocol` header, "
        "then the body's shape (messages with `parts`, or a `trigger`, mean useChat's UI "
        "message stream; otherwise the data stream protocol). Closing the connection stops "
        f"the run and keeps its text. Bodies are at most {max_body_bytes:,} bytes.",
        "parameters": [
            {"name": "protocol", "in": "query", "schema": protocol},
            {"name": "x-hearth-protocol", "in": "header", "schema": protocol},
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"anyOf": [_ref("AssistantUiChatRequest"), _ref("UseChatRequest")]},
                    "examples": {
                        "assistant-ui": {
                            "summary": "assistant-ui: a new message (data stream answer)",
                            "value": {
                                "messages": [{"role": "user", "content": "kitchen to 19"}],
                                "threadId": "kitchen-chat",
                            },
                        },
                        "useChat": {
                            "summary": "useChat: a new message (UI message stream answer)",
                            "value": {
                                "id": "kitchen-chat-2",
                                "messages": [
                                    {
                                        "id": "m1",
                                        "role": "user",
                                        "parts": [
                                            {"type": "text", "text": "what's the kitchen at?"}
                                        ],
                                    }
                                ],
                                "trigger": "submit-message",
                            },
                        },
                    },
                }
            },
        },
        "responses": {
            "200": {
                "description": "The reply as it is written: text, tool calls with streamed "
                "arguments, tool results, effects (data parts), steps with usage, errors, and "
                "the finish with the total usage.",
                "headers": {
                    "x-vercel-ai-data-stream": {
                        "description": "`v1` for the data stream protocol.",
                        "schema": {"type": "string"},
                    },
                    "x-vercel-ai-ui-message-stream": {
                        "description": "`v1` for the UI message stream.",
                        "schema": {"type": "string"},
                    },
                    "x-hearth-thread-id": {
                        "description": "The thread (new threads get one here).",
                        "schema": {"type": "string"},
                    },
                    "x-hearth-run-id": {"schema": {"type": "string"}},
                },
                "content": {
                    "text/plain": {
                        "schema": {
                            "type": "string",
                            "description": "Data stream protocol: one `CODE:JSON` line per part.",
                        }
                    },
                    "text/event-stream": {"schema": _ref("UiMessageStreamEvent")},
                },
            },
            "400": _error(
                "A body that is not JSON, has a wrong shape, or is too large; a number that is "
                f"not finite; nesting deeper than {MAX_DEPTH} levels; text with a NUL "
                "character or a lone surrogate; a thread id no thread can have."
            ),
            "401": _UNAUTHORIZED,
            "404": _NOT_FOUND,
            "409": _error("The thread is still answering; one run at a time per thread."),
            "415": _NOT_JSON,
        },
    }


def openapi_document(max_body_bytes: int) -> dict[str, Any]:
    """The whole description."""
    public: list[dict[str, list[str]]] = []
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hearth",
            "version": "1",
            "description": "The HTTP API of Hearth, a home assistant chat: a back end for "
            "assistant-ui's `useDataStreamRuntime` and the AI SDK's `useChat`. Authenticate "
            "with a per-person API token (created under API tokens in the app).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/chat": {"post": _chat_operation(max_body_bytes)},
            "/api/threads": {
                "get": {
                    "operationId": "listThreads",
                    "summary": "The caller's threads, most recently active first",
                    "responses": {
                        "200": {
                            "description": "The threads.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "threads": {"type": "array", "items": _ref("Thread")}
                                        },
                                    }
                                }
                            },
                        },
                        "401": _UNAUTHORIZED,
                    },
                }
            },
            "/api/threads/{thread_id}": {
                "parameters": [_THREAD_ID],
                "get": {
                    "operationId": "readThread",
                    "summary": "A thread and its messages, in either client's history format",
                    "parameters": [
                        {
                            "name": "format",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": ["ui", "content"],
                                "default": "ui",
                            },
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The thread and its messages.",
                            "content": {"application/json": {"schema": _ref("ThreadMessages")}},
                        },
                        "400": _error("An unknown format, or a thread id no thread can have."),
                        "401": _UNAUTHORIZED,
                        "404": _NOT_FOUND,
                    },
                },
                "delete": {
                    "operationId": "deleteThread",
                    "summary": "Delete a thread (its effects stay in the ledger)",
                    "responses": {
                        "204": {"description": "Deleted."},
                        "400": _BAD_THREAD_ID,
                        "401": _UNAUTHORIZED,
                        "404": _NOT_FOUND,
                    },
                },
            },
            "/api/approvals/{approval_id}": {
                "parameters": [_APPROVAL_ID],
                "post": {
                    "operationId": "answerApproval",
                    "summary": 'Approve or deny an "ask first" tool call while its run waits',
                    "description": "The run waiting for this answer sees it within a second and "
                    "carries on in its open stream (`tool-approval-response`, then the tool's "
                    "output, or `tool-output-denied`). Only the thread's owner can answer, "
                    "once; a request not answered in time ends the run.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("ApprovalAnswer")}},
                    },
                    "responses": {
                        "200": {
                            "description": "Answered.",
                            "content": {"application/json": {"schema": _ref("ApprovalAnswered")}},
                        },
                        "400": _error("`approved` is missing or not a boolean."),
                        "401": _UNAUTHORIZED,
                        "404": _error("No such approval in the caller's threads."),
                        "409": _error("Answered already, or no longer waiting."),
                        "415": _NOT_JSON,
                    },
                },
            },
            "/api/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether this worker can serve (database schema, Redis)",
                    "security": public,
                    "responses": {
                        "200": {"description": "Healthy."},
                        "503": {"description": "Not ready; the body says which check failed."},
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description",
                    "security": public,
                    "responses": {"200": {"description": "The OpenAPI document."}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`hth_…`) from the API tokens page.",
                }
            },
            "schemas": _SCHEMAS,
        },
    }


async def openapi_endpoint(_request: Request) -> JSONResponse:
    """`GET /api/openapi.json` (no token needed)."""
    return JSONResponse(openapi_document(get_services().settings.api_max_body_bytes))
