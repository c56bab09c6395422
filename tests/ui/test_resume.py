"""A reply keeps streaming through a reload and into a second tab; Stop works from either."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser

# About 10 s at the test app's pace (60 ms a word): long enough to reload, even on a slow
# machine with two workers, and every prefix of it is distinguishable.
FULL_REPLY = " ".join(f"w{i:03d}" for i in range(170))


def _live_text(chat: ChatPage) -> str:
    live = chat.page.locator(".live-text .hearth-stream-text")
    return live.inner_text() if live.count() else ""


def _watch_prefixes(chat: ChatPage, samples: int) -> str:
    """Sample the live text: each sample must be a prefix of the reply (no gap, no repeat)."""
    seen = ""
    for _ in range(samples):
        text = _live_text(chat)
        assert FULL_REPLY.startswith(text), f"live text is not a prefix of the reply: {text!r}"
        assert len(text) >= len(seen) or text == "", "live text went backwards"
        seen = text or seen
        chat.page.wait_for_timeout(100)
    return seen


def test_reload_mid_reply_shows_the_text_so_far_and_follows_to_the_end(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.send("/say " + FULL_REPLY)
    expect(chat.page.locator(".live-text .hearth-stream-text")).to_contain_text("w010")
    chat.page.reload()
    expect(chat.page.locator(".live-text .hearth-stream-text")).to_contain_text("w020")
    _watch_prefixes(chat, samples=8)
    reply = chat.wait_until_answered()
    expect(reply.locator(".markdown")).to_have_count(1)
    expect(reply.locator(".markdown")).to_have_text(FULL_REPLY)


def test_a_second_tab_follows_live_and_can_stop_the_run(
    chat: ChatPage, second_tab: ChatPage
) -> None:
    thread_id = chat.open_new_thread()
    chat.send("/say " + FULL_REPLY)
    expect(chat.page.locator(".live-text .hearth-stream-text")).to_contain_text("w005")

    second_tab.page.goto(f"{second_tab.base_url}/chat/{thread_id}")
    expect(second_tab.page.locator(".live-text .hearth-stream-text")).to_contain_text("w015")
    followed = _watch_prefixes(second_tab, samples=4)
    assert len(followed) > len(FULL_REPLY[: FULL_REPLY.index("w015")])

    second_tab.page.get_by_role("button", name="Stop").click()
    for tab in (chat, second_tab):
        reply = tab.wait_until_answered()
        expect(reply).to_contain_text("Stopped. The text so far was kept.")
    kept = chat.assistant_messages.last.locator(".markdown").inner_text()
    assert kept == second_tab.assistant_messages.last.locator(".markdown").inner_text()
    assert kept.startswith("w000 w001") and "w169" not in kept
