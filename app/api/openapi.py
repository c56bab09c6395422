"""`GET /api/openapi.json`: the OpenAPI 3.1 description of Hearth's HTTP API.

The schemas come from the models the endpoints validate with (openapi_schemas); what is
written here is the prose: the operations, their parameters, the two streamed answers.
`tests/api/test_openapi.py` checks the description is valid, describes every route, and that
the endpoints accept what it calls valid and refuse what it does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.api.bodies import MAX_DEPTH
from app.api.chat_request import PROTOCOLS
from app.api.openapi_schemas import component_schemas
from app.api.refusals import COMPONENTS
from app.api.threads import THREAD_REF
from app.assistant.search import DEFAULT_HITS, MAX_HITS, RANKED_NEWEST
from app.assistant.search_query import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from app.db.ids import MAX_ROW_ID
from app.services import get_services


def _ref(name: str) -> dict[str, str]:
    return {"$ref": COMPONENTS + name}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


_UNAUTHORIZED = _error("No API token, not a bearer token, or an unknown or revoked one.")
_NOT_FOUND = _error("No such thread of the caller's (another person's is 404 too).")
_NOT_JSON = _error("The body was not sent with `Content-Type: application/json`.")
_THREAD_ID = {
    "name": "thread_id",
    "in": "path",
    "required": True,
    "description": f"Hearth's thread number (ASCII digits, up to {MAX_ROW_ID:,}) or the "
    "client's own id for the thread (1-100 letters, digits, '-' or '_').",
    "schema": THREAD_REF,
}
_APPROVAL_ID = {
    "name": "approval_id",
    "in": "path",
    "required": True,
    "description": "The id the stream gave: `approvalId` of a `tool-approval-request` chunk, or "
    "`approval_id` of an `approval` data part.",
    "schema": {"type": "string", "pattern": "^[0-9]{1,10}$"},
}
_EXAMPLES = {
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
                    "parts": [{"type": "text", "text": "what's the kitchen at?"}],
                }
            ],
            "trigger": "submit-message",
        },
    },
}
_STREAM_HEADERS = {
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
        f"the run and keeps its text. Bodies are at most {max_body_bytes:,} bytes, nest at "
        f"most {MAX_DEPTH} levels, and hold no NUL character or lone surrogate in any text. "
        "Of the messages, Hearth reads the end: either the last user message "
        "(`UserMessage`), followed by nothing or by the empty reply being written; or, "
        "after it, `FollowingMessage`s that carry the results of the client's tools.",
        "parameters": [
            {"name": "protocol", "in": "query", "schema": protocol},
            {"name": "x-hearth-protocol", "in": "header", "schema": protocol},
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"anyOf": [_ref("AssistantUiChatRequest"), _ref("UseChatRequest")]},
                    "examples": _EXAMPLES,
                }
            },
        },
        "responses": {
            "200": {
                "description": "The reply as it is written: text, tool calls with streamed "
                "arguments, tool results, effects (data parts), steps with usage, errors, and "
                "the finish with the total usage.",
                "headers": _STREAM_HEADERS,
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
            "413": _error(
                "An attached file is bigger than HEARTH_ATTACHMENT_MAX_BYTES, or the message "
                "carries more than HEARTH_ATTACHMENT_MAX_FILES files (the limit is named)."
            ),
            "415": _error(
                "The body was not sent with `Content-Type: application/json`, or an attached "
                "file's content is none of the types Hearth reads (images: PNG, JPEG, WebP, "
                "GIF; documents: plain text, Markdown, CSV, JSON, PDF)."
            ),
        },
    }


_THREADS = {
    "get": {
        "operationId": "listThreads",
        "summary": "The caller's threads, most recently active first",
        "responses": {"200": _json(_ref("ThreadList"), "The threads."), "401": _UNAUTHORIZED},
    }
}
_THREAD = {
    "parameters": [_THREAD_ID],
    "get": {
        "operationId": "readThread",
        "summary": "A thread and its messages, in either client's history format",
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "schema": {"type": "string", "enum": ["ui", "content"], "default": "ui"},
            }
        ],
        "responses": {
            "200": _json(_ref("ThreadMessages"), "The thread and its messages."),
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
            "400": _error("A thread id no thread can have."),
            "401": _UNAUTHORIZED,
            "404": _NOT_FOUND,
        },
    },
}
_SUGGESTIONS = {
    "parameters": [_THREAD_ID],
    "get": {
        "operationId": "readSuggestions",
        "summary": "The follow-ups offered after the thread's latest reply",
        "description": "What the person might send next, as buttons. The offline assistant "
        "offers them inside its reply (a `suggestions` data part); a model is asked for them "
        "once its reply has ended, so the reply's stream does not wait: ask here after the "
        "finish (assistant-ui: its suggestion adapter; useChat: `onFinish`). This waits while "
        "they are being asked, at most `HEARTH_FOLLOW_UPS_TIMEOUT_S` (8 s) past the reply's "
        "end, and answers an empty list when none are offered.",
        "responses": {
            "200": _json(_ref("Suggestions"), "The reply's id and its follow-ups."),
            "400": _error("A thread id no thread can have."),
            "401": _UNAUTHORIZED,
            "404": _NOT_FOUND,
        },
    },
}
_TRANSCRIPTIONS = {
    "post": {
        "operationId": "transcribe",
        "summary": "The words said in a WAV recording (dictation), as OpenAI's endpoint answers",
        "description": "The same shape as OpenAI's `/audio/transcriptions`: any client of that "
        "API can dictate through Hearth's transcriber (offline, or the server "
        "`HEARTH_TRANSCRIPTION_BASE_URL` names). `model` and the form's other fields are "
        "read and ignored. The recording: 16-bit PCM WAV, mono or stereo, 8,000-48,000 Hz, "
        "at most `HEARTH_DICTATION_MAX_S` seconds.",
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "model": {"type": "string"},
                        },
                    }
                }
            },
        },
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}},
                },
                "The words said (empty when nothing was understood).",
            ),
            "400": _error("No `file`, or one that is not a WAV recording Hearth can read."),
            "401": _UNAUTHORIZED,
            "411": _error("No Content-Length header."),
            "413": _error("Longer than dictation allows (the limit is named)."),
            "415": _error("Not sent as multipart/form-data."),
            "502": _error("The transcription server failed or refused."),
            "503": _error("Dictation is switched off here, or has no model for the language."),
        },
    }
}
_SEARCH = {
    "get": {
        "operationId": "search",
        "summary": "The caller's messages that match some words, best first",
        "description": "Searches the text of the caller's own threads (deleted ones left out) "
        "and the changes to the home their replies made (`kitchen 19` finds the reply that set "
        f"the kitchen to 19). The newest {RANKED_NEWEST} matches are ranked by relevance.",
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "required": True,
                "description": "The words to search for, each of which must match, case and "
                "diacritics aside (`kuche` finds `Küche`). Words typed together (`19.5`, "
                "`living-room`) must follow each other in that order; the last word also "
                "matches the longer words it begins, unless the text ends with a space. "
                "Anything but letters and digits separates words: quotes and operators are "
                f"not syntax. At most {MAX_QUERY_WORDS} words.",
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
            },
            {
                "name": "limit",
                "in": "query",
                "description": "At most this many hits.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_HITS,
                    "default": DEFAULT_HITS,
                },
            },
        ],
        "responses": {
            "200": _json(_ref("SearchResults"), "The hits (none is an empty list)."),
            "400": _error(
                "No `q`, or one with no letters or digits, over "
                f"{MAX_QUERY_CHARS} characters or over {MAX_QUERY_WORDS} words; a `limit` "
                f"that is not a number from 1 to {MAX_HITS}."
            ),
            "401": _UNAUTHORIZED,
        },
    }
}
_APPROVAL = {
    "parameters": [_APPROVAL_ID],
    "post": {
        "operationId": "answerApproval",
        "summary": 'Approve or deny an "ask first" tool call while its run waits',
        "description": "The run waiting for this answer sees it within a second and carries on "
        "in its open stream (`tool-approval-response`, then the tool's output, or "
        "`tool-output-denied`). Only the thread's owner can answer, once; a request not "
        "answered in time ends the run.",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref("ApprovalAnswer")}},
        },
        "responses": {
            "200": _json(_ref("ApprovalAnswered"), "Answered."),
            "400": _error("`approved` is missing or not a boolean."),
            "401": _UNAUTHORIZED,
            "404": _error("No such approval in the caller's threads."),
            "409": _error("Answered already, or no longer waiting."),
            "415": _NOT_JSON,
        },
    },
}
# Two endpoints anyone may call.
_PUBLIC: list[dict[str, list[str]]] = []
_HEALTH = {
    "get": {
        "operationId": "health",
        "summary": "Whether this worker can serve (database schema, Redis)",
        "security": _PUBLIC,
        "responses": {
            "200": {"description": "Healthy."},
            "503": {"description": "Not ready; the body says which check failed."},
        },
    }
}
_OPENAPI = {
    "get": {
        "operationId": "openapi",
        "summary": "This description",
        "security": _PUBLIC,
        "responses": {"200": {"description": "The OpenAPI document."}},
    }
}


def openapi_document(max_body_bytes: int, own_tools: Sequence[str] = ()) -> dict[str, Any]:
    """The whole description: `max_body_bytes`, the body limit; `own_tools`, the names of
    Hearth's own tools (which a client's tools may not take)."""
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
            "/api/threads": _THREADS,
            "/api/threads/{thread_id}": _THREAD,
            "/api/threads/{thread_id}/suggestions": _SUGGESTIONS,
            "/api/search": _SEARCH,
            "/api/audio/transcriptions": _TRANSCRIPTIONS,
            "/api/approvals/{approval_id}": _APPROVAL,
            "/api/health": _HEALTH,
            "/api/openapi.json": _OPENAPI,
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`hth_…`) from the API tokens page.",
                }
            },
            "schemas": component_schemas(own_tools),
        },
    }


async def openapi_endpoint(_request: Request) -> JSONResponse:
    """`GET /api/openapi.json` (no token needed)."""
    services = get_services()
    own_tools = [spec.name for spec in services.engine.tools.specs]
    return JSONResponse(openapi_document(services.settings.api_max_body_bytes, own_tools))
