"""Hybrid mode in the browser: each reply says whether this device or the model answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.app_server import separate_web_dir, start_app, stop_app
from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hybrid_url(model: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in hybrid mode, its model the fake server."""
    env = {**model.app_env(), "HEARTH_PROVIDER": "hybrid", "HEARTH_OFFLINE_CHUNK_DELAY_S": "0"}
    folder: Path = tmp_path_factory.mktemp("hybrid")
    url, proc = start_app(folder, env, web_dir=separate_web_dir("hybrid"))
    try:
        yield url
    finally:
        stop_app(proc)


def test_each_reply_says_who_answered(page: Page, hybrid_url: str, model: FakeOpenAI) -> None:
    chat = ChatPage(page, hybrid_url)
    chat.sign_up()
    chat.open_new_thread()
    local = chat.ask("set the kitchen to 19")
    expect(local.locator(".answered-by")).to_have_text("Answered on this device")
    assert model.requests == []

    model.script(Turn(text=["Quite ", "cosy."]))
    remote = chat.ask("is it cosy at home?")
    expect(remote.locator(".answered-by")).to_have_text("Answered by the model")
    # The model was asked with the local turn in the thread.
    [request] = model.requests
    roles = [m["role"] for m in request["body"]["messages"] if m["role"] != "system"]
    assert roles == ["user", "assistant", "tool", "assistant", "user"]

    page.reload()
    expect(chat.assistant_messages.locator(".answered-by")).to_have_text(
        ["Answered on this device", "Answered by the model"]
    )
