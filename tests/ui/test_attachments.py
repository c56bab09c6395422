"""Attachments in the browser: attach by button, drag and drop and paste, see them before
sending, remove one, send; the model's request (the fake OpenAI server records it) carries
them; the sent message shows them. Limits and types are refused with what is allowed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.app_server import separate_web_dir, start_app, stop_app
from tests.support.files import PNG, ROOM_TARGETS_CSV
from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser

MAX_BYTES = 20_000


@pytest.fixture(scope="module")
def model_url(model: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app answered by the fake model (Chat Completions), with a small file limit."""
    env = {**model.app_env(), "HEARTH_ATTACHMENT_MAX_BYTES": str(MAX_BYTES)}
    folder: Path = tmp_path_factory.mktemp("attachments")
    url, proc = start_app(folder, env, web_dir=separate_web_dir("attachments"))
    try:
        yield url
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def chat(browser, model_url: str) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(20_000)
    chat = ChatPage(context.new_page(), model_url)
    chat.sign_up()
    chat.open_new_thread()
    yield chat
    context.close()


def _drop(page: Page, name: str, text: str, media_type: str) -> None:
    """Drop a file on the composer, as a person drags one from their desktop."""
    transfer = page.evaluate_handle(
        """([name, text, type]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type }));
            return transfer;
        }""",
        [name, text, media_type],
    )
    page.dispatch_event(".attach-drop", "drop", {"dataTransfer": transfer})


def _paste(page: Page, name: str, text: str, media_type: str) -> None:
    """Paste a file into the composer (a copied file on the clipboard)."""
    page.locator("#composer").evaluate(
        """(box, [name, text, type]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type }));
            box.dispatchEvent(
                new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true })
            );
        }""",
        [name, text, media_type],
    )


def _pending(page: Page):
    return page.locator("#attachments .attach-pending")


def test_attached_files_reach_the_model_with_the_message(chat: ChatPage, model: FakeOpenAI) -> None:
    page = chat.page
    page.locator(".attach-button input[type=file]").set_input_files(
        [{"name": "room.png", "mimeType": "image/png", "buffer": PNG}]
    )
    expect(_pending(page)).to_have_count(1)
    # An image is previewed from its own bytes.
    expect(_pending(page).locator("img")).to_have_attribute(
        "src", "data:image/png;base64," + base64.b64encode(PNG).decode()
    )
    _drop(page, "targets.csv", ROOM_TARGETS_CSV.decode(), "text/csv")
    # (One upload at a time per drop zone, as Reflex sends them: a person's pace.)
    expect(_pending(page)).to_have_count(2)
    _paste(page, "notes.txt", "remove me", "text/plain")
    expect(_pending(page)).to_have_count(3)
    expect(_pending(page).locator(".attach-name")).to_have_text(
        ["room.png", "targets.csv", "notes.txt"]
    )
    page.get_by_role("button", name="Remove notes.txt").click()
    expect(_pending(page)).to_have_count(2)

    model.script(Turn(text=["A ", "room ", "and ", "targets."]))
    chat.ask("What is in these?")
    expect(_pending(page)).to_have_count(0)
    shown = chat.user_messages.last.locator(".message-file")
    expect(shown).to_have_count(2)
    expect(shown.first).to_contain_text("room.png")
    expect(shown.last).to_contain_text("targets.csv")

    content = model.requests[-1]["body"]["messages"][-1]["content"]
    assert content == [
        {"type": "text", "text": "What is in these?"},
        {
            "type": "image_url",
            "image_url": {"url": "data:image/png;base64," + base64.b64encode(PNG).decode()},
        },
        {
            "type": "text",
            "text": "[Attached file targets.csv (text/csv)]\n" + ROOM_TARGETS_CSV.decode(),
        },
    ]
    # What was sent stays with the thread.
    page.reload()
    expect(chat.user_messages.last.locator(".message-file")).to_have_count(2)


def test_a_file_too_big_or_of_another_type_is_refused_saying_what_is_allowed(
    chat: ChatPage,
) -> None:
    page = chat.page
    page.locator(".attach-button input[type=file]").set_input_files(
        [
            {"name": "big.csv", "mimeType": "text/csv", "buffer": b"a,1\n" * 10_000},
            {"name": "tool.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00\x03binary"},
        ]
    )
    expect(page.get_by_text("big.csv is 40 KB; a file can be at most 20 KB.")).to_be_visible()
    expect(
        page.get_by_text("tool.png is not a file Hearth can read (checked from its content")
    ).to_be_visible()
    expect(_pending(page)).to_have_count(0)
