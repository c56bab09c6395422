"""The OpenAPI description: a valid OpenAPI 3.1 document that describes every route, and
what the served API does (schemathesis; the stateful phase is left out for time); it is
served without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

from app.accounts.api_tokens import create_api_token
from app.api.openapi import openapi_document
from app.api.routes import build_api
from app.assistant.threads import create_thread
from app.db.session import SessionFactory
from tests.support.api_server import serve_api
from tests.support.people import person

# Every check schemathesis has but `positive_data_acceptance`: JSON Schema cannot say "what
# follows the last user message is empty or tool results", so a body the schema allows can
# still be refused (with a 400 that is described). test_openapi_agreement.py checks that
# acceptance, placing the messages it draws where they are read.
NOT_CHECKED = "positive_data_acceptance"


def test_the_description_is_valid_openapi() -> None:
    validate(openapi_document(1_000_000))


def test_every_route_and_method_is_described() -> None:
    paths = openapi_document(1_000_000)["paths"]
    served = {
        (route.path, method.lower())
        for route in build_api().routes
        if isinstance(route, Route) and route.include_in_schema
        for method in route.methods or ()
        if method != "HEAD"
    }
    described = {
        (path, method) for path, item in paths.items() for method in item if method != "parameters"
    }
    assert served == described


def test_both_request_shapes_and_stream_formats_are_named() -> None:
    document = openapi_document(5_000)
    chat = document["paths"]["/api/chat"]["post"]
    shapes = chat["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert [s["$ref"].rsplit("/", 1)[1] for s in shapes] == [
        "AssistantUiChatRequest",
        "UseChatRequest",
    ]
    assert set(chat["responses"]["200"]["content"]) == {"text/plain", "text/event-stream"}
    assert "5,000 bytes" in chat["description"]


# The coverage phase walks every boundary of every schema: for the chat body's (nested
# messages and parts) only its valid ones, or it takes minutes; fuzzing sends invalid ones.
CONFIG = """
[[operations]]
include-operation-id = "chat"
phases.coverage.generation.mode = "positive"
"""


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The API for real (uvicorn) on the test database, with the offline assistant."""
    with serve_api(
        {
            "HEARTH_DATABASE_URL": database_url,
            "HEARTH_API_MAX_BODY_BYTES": "20000",
            # Bodies the description calls valid start runs: answered at once, not typed out.
            "HEARTH_OFFLINE_CHUNK_DELAY_S": "0",
        },
        tmp_path / "api.log",
    ) as url:
        yield url


@pytest.fixture
async def token(sessions: SessionFactory) -> str:
    async with sessions() as session:
        alice = await person(session, "alice")
        await create_thread(session, alice, "Alice's")
        _, token = await create_api_token(session, alice, "schemathesis")
    return token


def test_the_server_does_what_the_description_says(served: str, token: str, tmp_path: Path) -> None:
    """Schemathesis, from the served description, with a real token: no 5xx, and every
    status, content type, header and body as described (a bounded number of examples)."""
    schemathesis = Path(sys.executable).parent / "schemathesis"
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    done = subprocess.run(
        [
            str(schemathesis),
            "--config-file",
            str(config),
            "run",
            f"{served}/api/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            NOT_CHECKED,
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "25",
            "--seed",
            "20261128",
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]


async def test_the_openapi_description_is_served_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    # It states the limit this deployment applies (HEARTH_API_MAX_BODY_BYTES=5000 here).
    assert "5,000 bytes" in document["paths"]["/api/chat"]["post"]["description"]
