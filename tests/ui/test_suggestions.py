"""Suggested next messages in a real browser: buttons under the newest reply that send their
text, kept across a reload, gone once answered, and never wider than a phone; follow-ups
after every reply that do what they say, and a model's that arrive after its reply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from app.assistant.providers.offline.replies import Replies
from tests.fakes.echo_provider import ECHO_FOLLOW_UPS
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
    # The older reply offers nothing now: only the answer does, its own follow-ups.
    expect(_offered(chat)).to_have_count(1)
    expect(_offered(chat).get_by_role("button")).to_have_text(
        ["Which room is coldest?", "Show all the temperatures"]
    )
    expect(chat.composer).to_have_value("")


def test_follow_ups_after_a_change_do_what_they_say(chat: ChatPage) -> None:
    chat.open_new_thread()
    # The starters name the home's rooms, as the rooms panel lists them.
    expect(chat.page.locator("[data-room]").first).to_be_attached()
    rooms = chat.page.locator("[data-room]").evaluate_all("els => els.map(e => e.dataset.room)")
    expect(chat.page.locator(".suggestion")).to_have_text(Replies("en").starters(rooms))
    reply = chat.ask("Set the bedroom to 24.5")
    buttons = reply.get_by_role("group", name="Suggested messages").get_by_role("button")
    further = re.compile(r"^Make it 1 degree (warmer|cooler)$")
    expect(buttons).to_have_text(["Undo that", further, "How warm is the home office?"])
    direction = buttons.nth(1).inner_text().rsplit(" ", 1)[-1]
    buttons.nth(1).click()
    answer = chat.wait_until_answered()
    moved = "25.5" if direction == "warmer" else "23.5"
    expect(answer).to_contain_text(f"the bedroom is now {moved} °C, 1 degree {direction}")
    answer.get_by_role("button", name="Undo that", exact=True).click()
    expect(chat.assistant_messages).to_have_count(3)
    undone = chat.wait_until_answered()
    expect(undone).to_contain_text(f"Undone: the bedroom is back at 24.5 °C (it was {moved} °C).")
    expect(chat.page.locator('[data-room="bedroom"] .room-celsius')).to_contain_text("24.5")


def test_a_models_follow_ups_appear_after_its_reply_has_ended(chat: ChatPage) -> None:
    chat.open_new_thread()
    reply = chat.ask("/offer Here you go.")
    expect(reply).to_contain_text("Here you go.")
    # Asked once the run ended (the composer is free already); shown when they come.
    buttons = reply.get_by_role("group", name="Suggested messages").get_by_role("button")
    expect(buttons).to_have_text(list(ECHO_FOLLOW_UPS))
    buttons.first.click()
    answer = chat.wait_until_answered()
    expect(answer).to_contain_text("is the warmest room")


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
