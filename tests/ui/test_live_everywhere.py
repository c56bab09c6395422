"""Live everywhere, in a real browser: a second tab of the same person follows every new turn
of the thread it shows (nothing clicked there), the thread lists follow creates, renames and
deletes, and a change made on the admin board reaches an open chat's Rooms panel."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser

# About 3 s at the test app's pace (60 ms a word).
REPLY = " ".join(f"v{i:02d}" for i in range(50))


def test_a_second_tab_follows_each_new_turn_without_being_touched(
    chat: ChatPage, second_tab: ChatPage
) -> None:
    thread_id = chat.open_new_thread()
    second_tab.page.goto(f"{second_tab.base_url}/chat/{thread_id}")
    expect(second_tab.page.get_by_text("What can I do for your home?")).to_be_visible()

    # A turn sent from the first tab: the question, the streaming reply, Stop, the end.
    chat.send("/say " + REPLY)
    expect(second_tab.user_messages).to_have_count(1)
    expect(second_tab.user_messages.last).to_contain_text("/say v00 v01")
    expect(second_tab.page.locator(".live-text .hearth-stream-text")).to_contain_text("v05")
    expect(second_tab.page.get_by_role("button", name="Stop")).to_be_visible()
    reply = second_tab.wait_until_answered()
    expect(reply.locator(".markdown")).to_have_text(REPLY)

    # A turn that changes the home: its cards and the new temperature, in both tabs.
    target = 18 if chat.room_celsius("kitchen") != 18 else 19
    chat.send(f"set the kitchen to {target}")
    expect(second_tab.user_messages).to_have_count(2)
    expect(second_tab.assistant_messages.last.locator(".effect-card")).to_contain_text(
        "kitchen", timeout=15_000
    )
    expect(second_tab.page.locator('[data-room="kitchen"] .room-celsius')).to_have_text(
        f"{target} °C"
    )
    second_tab.wait_until_answered()
    assert second_tab.assistant_messages.count() == chat.assistant_messages.count() == 2

    # And the other way round: the second tab asks, the first follows.
    second_tab.send("/say " + REPLY)
    expect(chat.user_messages).to_have_count(3)
    expect(chat.page.get_by_role("button", name="Stop")).to_be_visible()
    chat.page.get_by_role("button", name="Stop").click()
    for tab in (chat, second_tab):
        expect(tab.assistant_messages.last).to_contain_text("Stopped. The text so far was kept.")


_PRESS_SEND_AT = """at => setTimeout(() => {
  [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Send").click();
}, at - Date.now())"""


def test_two_tabs_sending_at_once_both_show_the_one_that_went_first(
    chat: ChatPage, second_tab: ChatPage
) -> None:
    """One run at a time per thread: when two tabs press Enter together, the later Send is
    refused, its text goes back into its box, and that tab shows the earlier turn as it
    streams (its watcher had left that run to the Send, which used to leave it unshown)."""
    thread_id = chat.open_new_thread()
    second_tab.page.goto(f"{second_tab.base_url}/chat/{thread_id}")
    expect(second_tab.page.get_by_text("What can I do for your home?")).to_be_visible()
    texts = {chat: "/say alpha " + REPLY, second_tab: "/say beta " + REPLY}
    for tab, text in texts.items():
        tab.type(text)
    # Both Sends pressed at the same moment (one clock, one machine), not one after the other.
    at = chat.page.evaluate("Date.now()") + 500
    for tab in texts:
        tab.page.evaluate(_PRESS_SEND_AT, at)
    for tab in texts:
        expect(tab.user_messages).to_have_count(1)
    shown = chat.user_messages.first.inner_text()
    later = second_tab if "/say alpha" in shown else chat
    first = texts[chat if later is second_tab else second_tab]
    expect(later.page.get_by_text("Hearth is answering a message sent here")).to_be_visible()
    expect(later.composer).to_have_value(texts[later])
    for tab in texts:
        expect(tab.user_messages.first).to_contain_text(first)
        expect(tab.page.locator(".live-text .hearth-stream-text")).to_contain_text("v05")
    for tab in texts:
        reply = tab.wait_until_answered()
        expect(reply.locator(".markdown")).to_have_text(first.removeprefix("/say "))


def test_thread_lists_follow_creates_renames_and_deletes(
    chat: ChatPage, second_tab: ChatPage
) -> None:
    first = chat.open_new_thread()
    chat.ask("show all rooms")
    second_tab.page.goto(f"{second_tab.base_url}/chat/{first}")
    expect(second_tab.threads.get_by_role("link", name="show all rooms")).to_be_visible()

    # A new thread that gets its title from its first message.
    chat.new_thread()
    chat.ask("how warm is the bedroom")
    expect(second_tab.threads.get_by_role("link", name="how warm is the bedroom")).to_be_visible()

    # A rename.
    chat.threads.get_by_role("button", name="Rename how warm is the bedroom").click()
    chat.page.get_by_role("textbox", name="Thread title").fill("Bedroom")
    chat.page.get_by_role("button", name="Save").click()
    expect(second_tab.threads.get_by_role("link", name="Bedroom", exact=True)).to_be_visible()

    # The thread the second tab shows is deleted in the first: it leaves it, and says why.
    chat.page.goto(f"{chat.base_url}/chat/{first}")
    chat.threads.get_by_role("button", name="Delete show all rooms").click()
    chat.page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(second_tab.page.get_by_text("This thread was deleted.")).to_be_visible()
    second_tab.page.wait_for_url(
        lambda url: re.search(r"/chat/\d+$", url) and not url.endswith(f"/chat/{first}")
    )
    expect(second_tab.threads.get_by_role("link", name="show all rooms")).to_have_count(0)


def test_a_change_on_the_admin_board_reaches_an_open_chat(chat: ChatPage, admin: ChatPage) -> None:
    chat.open_new_thread()
    target = 21.5 if chat.room_celsius("bedroom") != 21.5 else 22
    admin.page.goto(admin.base_url + "/admin")
    admin.page.get_by_label("New temperature for bedroom").fill(str(target))
    admin.page.locator('.board-room[data-room="bedroom"]').get_by_role("button", name="Set").click()
    # Nothing is done in the chat: the panel shows the change by itself.
    expect(chat.page.locator('[data-room="bedroom"] .room-celsius')).to_have_text(
        f"{target:g} °C", timeout=5_000
    )
    expect(chat.page.locator('[data-room="bedroom"]')).to_have_class(re.compile("changed"))
