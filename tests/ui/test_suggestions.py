"""Suggested next messages in a real browser: buttons under the newest reply that send their
text, kept across a reload, gone once answered, and never wider than a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.offline import help_examples
from tests.ui.chat_page import ChatPage

EXAMPLES = help_examples("hello")


pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def _offered(chat: ChatPage):
    return chat.page.get_by_role("group", name="Suggested messages")


def test_a_reply_not_understood_offers_its_examples_and_one_click_asks_one(
    chat: ChatPage,
) -> None:
    chat.open_new_thread()
    reply = chat.ask("hello")
    expect(reply).to_contain_text("Sorry, I didn't understand that.")
    offered = reply.get_by_role("group", name="Suggested messages")
    expect(offered.get_by_role("button")).to_have_text(list(EXAMPLES))
    # Stored with the reply: a reload shows them again.
    chat.page.reload()
    expect(_offered(chat).get_by_role("button")).to_have_count(len(EXAMPLES))
    chat.page.screenshot(path=str(RESULTS / "suggestions-1280.png"), full_page=True)

    _offered(chat).get_by_role("button", name="Which room is warmest?", exact=True).click()
    expect(chat.user_messages).to_have_text(["hello", "Which room is warmest?"])
    expect(chat.assistant_messages).to_have_count(2)
    answer = chat.wait_until_answered()
    # Whichever room earlier tests left warmest.
    expect(answer).to_contain_text(re.compile(r"The [a-z ]+ is the warmest room, at [\d.]+ °C\."))
    # The older reply offers nothing now, and the answer suggests nothing.
    expect(_offered(chat)).to_have_count(0)
    expect(chat.composer).to_have_value("")


def test_the_buttons_wrap_on_a_phone(browser: Browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    try:
        chat = ChatPage(context.new_page(), app_url)
        chat.sign_up()
        chat.open_new_thread()
        chat.ask("turn on the lights")
        buttons = _offered(chat).get_by_role("button")
        expect(buttons).to_have_count(len(EXAMPLES))
        chat.page.screenshot(path=str(RESULTS / "suggestions-390.png"), full_page=True)
        boxes = [buttons.nth(i).bounding_box() for i in range(len(EXAMPLES))]
        assert all(
            box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes
        ), boxes
        # More than one row: they wrap rather than run off the side.
        assert len({round(box["y"]) for box in boxes if box}) > 1, boxes
        sideways = chat.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways == 0, f"the page scrolls {sideways} px sideways at 390 px"
    finally:
        context.close()
