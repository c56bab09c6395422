"""Attachments reach each API as it wants them (the real `openai` client, the fake server's
recorded requests): Chat Completions `image_url` and text parts, Responses `input_image`
and `input_file`; and they count in the context budget."""

from __future__ import annotations

import base64

import pytest

from app.assistant.conversation import AssistantText, UserText, fit_to_budget
from app.assistant.files.message import IMAGE_BUDGET_CHARS, AttachedFile
from app.assistant.files.store import DEFAULT_LIMITS, add_attachment
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.openai_client import ClientConfig
from app.assistant.providers.responses import ResponsesProvider
from app.db.session import SessionFactory
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.assistant import build_runner, run_events
from tests.support.files import PNG, ROOM_TARGETS_CSV, pdf_with_text
from tests.support.people import owned_thread

PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


async def _ask_with_files(sessions: SessionFactory, fake: FakeOpenAI, api: str) -> dict:
    config = ClientConfig("test-key", "fake-model", fake.base_url)
    provider = ChatCompletionsProvider(config) if api == "chat" else ResponsesProvider(config)
    runner = build_runner(sessions, provider)
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = thread.user_id or 0
        files = [
            await add_attachment(session, owner, name, data, DEFAULT_LIMITS)
            for name, data in (
                ("room.png", PNG),
                ("targets.csv", ROOM_TARGETS_CSV),
                ("plan.pdf", pdf_with_text("Bedroom 17")),
            )
        ]
    fake.script(Turn(text=["Seen."]))
    run = await runner.start_run(
        thread.id, "What is here?", user_id=owner, attachment_ids=[f.id or 0 for f in files]
    )
    events = await run_events(run)
    assert events[-1].kind == "run_finished" and events[-1].status == "completed"
    return fake.requests[0]["body"]


async def test_chat_completions_get_an_image_url_and_the_documents_text(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    body = await _ask_with_files(sessions, fake, "chat")
    user = body["messages"][-1]
    assert user["role"] == "user"
    assert user["content"][:2] == [
        {"type": "text", "text": "What is here?"},
        {"type": "image_url", "image_url": {"url": PNG_URL}},
    ]
    assert user["content"][2] == {
        "type": "text",
        "text": "[Attached file targets.csv (text/csv)]\n" + ROOM_TARGETS_CSV.decode(),
    }
    assert user["content"][3]["text"].startswith("[Attached file plan.pdf (application/pdf)]\n")
    assert "Bedroom 17" in user["content"][3]["text"]


async def test_responses_get_input_image_and_input_file(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    body = await _ask_with_files(sessions, fake, "responses")
    user = body["input"][-1]
    csv_url = "data:text/csv;base64," + base64.b64encode(ROOM_TARGETS_CSV).decode()
    assert user["content"][:3] == [
        {"type": "input_text", "text": "What is here?"},
        {"type": "input_image", "image_url": PNG_URL, "detail": "auto"},
        {"type": "input_file", "filename": "targets.csv", "file_data": csv_url},
    ]
    pdf = user["content"][3]
    assert pdf["type"] == "input_file" and pdf["filename"] == "plan.pdf"
    assert pdf["file_data"].startswith("data:application/pdf;base64,JVBERi0")


@pytest.mark.parametrize(
    ("file", "chars"),
    [
        (AttachedFile("a.png", "image/png", PNG), IMAGE_BUDGET_CHARS),
        (AttachedFile("t.csv", "text/csv", b"x" * 5000, "x" * 5000), 5000 + len("t.csv")),
    ],
)
def test_files_count_in_the_context_budget(file: AttachedFile, chars: int) -> None:
    old = [UserText("a" * 100), AssistantText("b" * 100)]
    new = [UserText("see", files=(file,))]
    budget = 200 + 3 + chars
    assert fit_to_budget([*old, *new], budget) == [*old, *new]
    assert fit_to_budget([*old, *new], budget - 1) == new
