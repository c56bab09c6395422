"""A streamed piece that never reaches the tab: the rest of the reply still shows as it
streams (the tab asks for the segment again; it does not wait forever for the gap)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import WebSocketRoute, expect

from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser

WORDS = [f"w{i}" for i in range(120)]


def test_a_lost_first_piece_does_not_leave_the_live_reply_empty(chat: ChatPage) -> None:
    dropped: list[str] = []

    def drop_the_first_text_piece(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message: str | bytes) -> None:
            if not dropped and isinstance(message, str) and '["text",' in message:
                dropped.append(message)  # lost on its way, as to a socket that just went
                return
            ws.send(message)

        server.on_message(to_page)

    chat.page.route_web_socket(re.compile(r"/_event"), drop_the_first_text_piece)
    chat.open_new_thread()  # a page load: its socket goes through the route
    chat.send("/say " + " ".join(WORDS))
    live = chat.page.locator(".live-text .hearth-stream-text")
    # While it still streams, the reply shows from its first word on.
    expect(live).to_contain_text("w40", timeout=15_000)
    assert live.inner_text().startswith("w0 w1 w2")
    assert dropped and '"w0' in dropped[0]
    expect(chat.wait_until_answered()).to_contain_text("w0 w1 w2")
