"""The description and the endpoints agree: a body the served description's schemas call
valid is accepted, and one they call invalid is refused with a 400 naming its field.

Schemathesis draws bodies (valid and invalid) from the description's own components; the
answer must match what `jsonschema` says of each. The one rule JSON Schema cannot say, where
in `messages` the new user message stands, is kept by placing what is drawn: a user message
alone, a following message between a user message and a tool's result, a whole body with a
user message after its (unread) history.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode

from app.api.approvals import MAX_BODY_BYTES as APPROVAL_BYTES
from app.api.routes import build_api
from app.services import get_services
from app.settings import get_settings
from tests.support.api_server import api_client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 30
MAX_BODY_BYTES = 5000  # conftest's api_settings
USER = {"role": "user", "content": "what's the kitchen at?"}
RESULT = {
    "role": "tool",
    "content": [
        {"type": "tool-result", "toolCallId": "c1", "output": {"type": "json", "value": 1}}
    ],
}
Document = dict[str, Any]


@pytest.fixture
async def served(
    api_settings: None, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Document]]:
    """The API in process, its offline assistant answering at once, and its description."""
    monkeypatch.setenv("HEARTH_OFFLINE_CHUNK_DELAY_S", "0")
    get_settings.cache_clear()
    get_services.cache_clear()
    async with api_client(build_api()) as client:
        yield client, (await client.get("/api/openapi.json")).json()


def _drawn(document: Document, schema: dict[str, Any], mode: GenerationMode) -> list[Any]:
    """Bodies schemathesis makes for `schema` (a request body of the description's), drawn in
    a process of its own (see tests/support/drawn_bodies.py)."""
    asked = {
        "components": document["components"],
        "schema": schema,
        "mode": mode.value,
        "examples": EXAMPLES,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.drawn_bodies"],
        input=json.dumps(asked),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return [
        base64.b64decode(body["bytes"]) if "bytes" in body else body["json"]
        for body in json.loads(done.stdout)
    ]


def _judge(document: Document, schema: dict[str, Any]) -> Callable[[Any], bool]:
    """Whether the description calls a value valid for `schema`."""
    validator = Draft202012Validator({**schema, "components": document["components"]})
    return validator.is_valid


def _sent(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


async def _agree(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    bodies: list[tuple[Any, bool, str]],
    max_bytes: int = MAX_BODY_BYTES,
) -> None:
    """Each (body, valid, field) within `max_bytes` (the size rule the description states
    in words) is accepted if valid, else refused with a 400 whose field starts with `field`."""
    sent = [(b, v, f) for b, v, f in bodies if len(_sent(b)) <= max_bytes]
    assert {v for _, v, _ in sent} == {True, False}, "drew only valid or only invalid bodies"
    for body, valid, field in sent:
        response = await client.post(
            url, content=_sent(body), headers={**headers, "Content-Type": "application/json"}
        )
        await response.aread()
        said = f"{body!r}: {response.status_code} {response.text[:300]}"
        if valid:
            assert response.status_code != 400, said
        else:
            assert response.status_code == 400, said
            assert response.json()["error"]["field"].startswith(field), said


def _both(document: Document, schema: dict[str, Any]) -> list[tuple[Any, bool]]:
    judge = _judge(document, schema)
    return [
        (body, judge(body))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for body in _drawn(document, schema, mode)
    ]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _placed(value: Any, *roles: str) -> bool:
    """Whether `value` can stand where a message does (raw bytes are whole bodies), and is
    not a message of one of `roles` (which would be read as another message)."""
    return not isinstance(value, bytes) and not (
        isinstance(value, dict) and value.get("role") in roles
    )


async def test_approval_answers(
    served: tuple[httpx.AsyncClient, Document], alice: dict[str, str]
) -> None:
    """No call waits under this id: an answer taken is a 404, one refused a 400."""
    client, document = served
    answers = [(body, valid, "") for body, valid in _both(document, _ref("ApprovalAnswer"))]
    await _agree(client, "/api/approvals/999999", alice, answers, APPROVAL_BYTES)


async def test_new_user_messages(
    served: tuple[httpx.AsyncClient, Document], alice: dict[str, str]
) -> None:
    client, document = served
    messages = [
        ({"messages": [message]}, valid, "messages")
        for message, valid in _both(document, _ref("UserMessage"))
        # An assistant or tool message there is no new message (tool results may follow).
        if _placed(message, "assistant", "tool")
    ]
    await _agree(client, "/api/chat", alice, messages)


async def test_messages_after_the_new_one(
    served: tuple[httpx.AsyncClient, Document], alice: dict[str, str]
) -> None:
    """Before a tool's result, for a thread there is none of: taken, it is a 404."""
    client, document = served
    messages = [
        ({"messages": [USER, message, RESULT], "threadId": "none-such"}, valid, "messages.1")
        for message, valid in _both(document, _ref("FollowingMessage"))
        # A user message there would be the new one.
        if _placed(message, "user")
    ]
    await _agree(client, "/api/chat", alice, messages)


async def test_whole_chat_bodies(
    served: tuple[httpx.AsyncClient, Document], alice: dict[str, str]
) -> None:
    """Each client's body, its history ended by a new user message."""
    client, document = served
    chat = document["paths"]["/api/chat"]["post"]["requestBody"]["content"]["application/json"]
    judge = _judge(document, chat["schema"])
    bodies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for body in _drawn(document, chat["schema"], mode):
            if isinstance(body, dict) and isinstance(body.get("messages"), list):
                body = {**body, "messages": [*body["messages"], USER]}
            bodies.append((body, judge(body), ""))
    await _agree(client, "/api/chat", alice, bodies)
