"""Attachments over the HTTP API, through the clients' own code: useChat's `file` parts and
assistant-ui's attachments are accepted, reach the model (the fake server records it), and
come back from `GET /api/threads/{id}` as each client loads history. Limits and types are
refused with 413 and 415 naming what is allowed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from app.accounts.api_tokens import create_api_token
from app.db.models import Attachment
from app.db.session import SessionFactory
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.api_server import run_client, serve_api
from tests.support.files import PNG, ROOM_TARGETS_CSV
from tests.support.people import person

FILES = [("room.png", "image/png", PNG), ("targets.csv", "text/csv", ROOM_TARGETS_CSV)]
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
CSV_URL = "data:text/csv;base64," + base64.b64encode(ROOM_TARGETS_CSV).decode()
CSV_TEXT = "[Attached file targets.csv (text/csv)]\n" + ROOM_TARGETS_CSV.decode()


@pytest.fixture
def api(database_url: str, fake: FakeOpenAI, tmp_path: Path) -> Iterator[str]:
    env = {
        "HEARTH_DATABASE_URL": database_url,
        "HEARTH_ATTACHMENT_MAX_BYTES": "2000",
        "HEARTH_ATTACHMENT_MAX_FILES": "2",
        **fake.app_env(),
    }
    with serve_api(env, tmp_path / "api.log") as url:
        yield url


@pytest.fixture
async def token(sessions: SessionFactory) -> str:
    async with sessions() as session:
        _, token = await create_api_token(session, await person(session, "alice"), "tests")
    return token


def _model_saw(fake: FakeOpenAI) -> list[dict]:
    return fake.requests[-1]["body"]["messages"][-1]["content"]


def _check_history(api: str, token: str, thread: str, said: str, image: str) -> None:
    """Both clients load the thread with its files, through their own code."""
    loaded = run_client("history", api, token, thread)
    ui_user = loaded["ui"][0]
    assert ui_user["role"] == "user"
    assert ui_user["parts"] == [
        {"type": "text", "text": said},
        {"type": "file", "mediaType": "image/png", "filename": image, "url": PNG_URL},
        {"type": "file", "mediaType": "text/csv", "filename": "targets.csv", "url": CSV_URL},
    ]
    content_user = loaded["content"][0]
    assert content_user["role"] == "user"
    assert content_user["content"][1:] == [
        {"type": "image", "image": PNG_URL, "filename": image},
        {"type": "file", "data": CSV_URL, "mimeType": "text/csv", "filename": "targets.csv"},
    ]


async def test_use_chat_sends_files_that_reach_the_model_and_come_back(
    api: str, token: str, fake: FakeOpenAI
) -> None:
    fake.script(Turn(text=["A ", "room."]))
    out = run_client("use-chat-attach", api, token, "files-1", say="What is here?", files=FILES)
    assert out["error"] is None and out["chatStatus"] == "ready"
    assert [m["role"] for m in out["messages"]] == ["user", "assistant"]
    assert _model_saw(fake) == [
        {"type": "text", "text": "What is here?"},
        {"type": "image_url", "image_url": {"url": PNG_URL}},
        {"type": "text", "text": CSV_TEXT},
    ]
    _check_history(api, token, "files-1", "What is here?", "room.png")


async def test_assistant_ui_attachments_reach_the_model_and_come_back(
    api: str, token: str, fake: FakeOpenAI
) -> None:
    fake.script(Turn(text=["Seen."]))
    out = run_client("assistant-ui-attach", api, token, "files-2", say="Look", files=FILES)
    assert out["status"] == 200 and out["message"]["status"]["type"] == "complete"
    assert _model_saw(fake) == [
        {"type": "text", "text": "Look"},
        {"type": "image_url", "image_url": {"url": PNG_URL}},
        {"type": "text", "text": CSV_TEXT},
    ]
    # assistant-ui's image adapter sends no name: the type's ending names it.
    _check_history(api, token, "files-2", "Look", "attachment.png")


def _file(url: str, media_type: str = "text/csv", name: str = "t.csv") -> dict:
    return {"type": "file", "mediaType": media_type, "filename": name, "url": url}


@pytest.mark.parametrize(
    ("files", "status", "says"),
    [
        (
            [_file("data:text/csv;base64," + base64.b64encode(b"a,1\n" * 600).decode())],
            413,
            "t.csv is 2.4 KB; a file can be at most 2 KB. Nothing was attached.",
        ),
        (
            [_file(CSV_URL)] * 3,
            413,
            "A message can carry at most 2 files; this one has 3. Remove some and send again.",
        ),
        (
            [_file("data:image/png;base64,TVqQAAMAAAAEAAAA", "image/png", "x.png")],
            415,
            "x.png is not a file Hearth can read (checked from its content, not its name); "
            "allowed: images (PNG, JPEG, WebP, GIF) and documents (plain text, Markdown, CSV, "
            "JSON, PDF).",
        ),
    ],
)
async def test_files_past_a_limit_or_of_another_type_are_refused_and_nothing_is_kept(
    api: str, token: str, sessions: SessionFactory, files: list, status: int, says: str
) -> None:
    body = {"id": "files-3", "messages": [{"role": "user", "parts": files}]}
    response = httpx.post(
        f"{api}/api/chat", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, response.json()["error"]["message"]) == (status, says)
    async with sessions() as session:
        assert (await session.exec(select(Attachment))).all() == []


async def test_a_file_that_is_no_data_url_is_refused_naming_the_field(api: str, token: str) -> None:
    body = {"messages": [{"role": "user", "parts": [_file("https://example.com/t.csv")]}]}
    response = httpx.post(
        f"{api}/api/chat", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "messages.0.parts.0.url"
    assert "must be a base64 `data:` URL" in error["message"]
