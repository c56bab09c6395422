"""Safety with a real model (the fake OpenAI server) in the running app: a change the model
makes in answer to a question waits on its card with the reason, and a reply that claims a
change no effect made is marked "No change was made"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.app_server import separate_web_dir, start_app, stop_app
from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser

SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k")
REASON = "You asked a question; change the kitchen to 19 °C?"


@pytest.fixture(scope="module")
def app_url(model: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, its model the fake server."""
    url, proc = start_app(
        tmp_path_factory.mktemp("safety"), model.app_env(), web_dir=separate_web_dir("safety")
    )
    try:
        yield url
    finally:
        stop_app(proc)


def _fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _inside(inner: Locator, outer: Locator) -> bool:
    box, edge = inner.bounding_box(), outer.bounding_box()
    assert box and edge
    return box["x"] + box["width"] <= edge["x"] + edge["width"] + 0.5


def test_a_change_asked_for_by_a_question_waits_for_approve_or_deny(
    chat: ChatPage, model: FakeOpenAI, tmp_path: Path
) -> None:
    page = chat.page
    chat.open_new_thread()
    model.script(Turn(calls=[SET_KITCHEN]), Turn(text=["I left the kitchen as it was."]))
    chat.send("What's the temperature in the kitchen?")
    card = page.locator('.tool-card[data-status="awaiting_approval"]')
    expect(card.locator(".approval-reason")).to_have_text(REASON)
    expect(card.locator(".tool-summary")).to_have_text("Set the kitchen to 19 °C")
    expect(card.locator(".tool-status")).to_have_text("Waiting for your approval")
    assert chat.room_celsius("kitchen") == 22
    # The run waits for the person, and the composer says so; sending says so too.
    expect(page.get_by_role("status").filter(has_text="approval")).to_have_text(
        "Waiting for your approval above"
    )
    chat.type("and the bedroom?")
    chat.composer.press("Enter")
    expect(page.get_by_text("Hearth is waiting for your approval above")).to_be_visible()
    expect(page.get_by_text("still answering")).to_have_count(0)
    expect(chat.composer).to_have_value("and the bedroom?")
    chat.type("")
    page.screenshot(path=tmp_path / "held-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(card.get_by_role("button", name="Deny")).to_be_visible()
    assert _fits_the_width(page), "the held card scrolls sideways at 390 px"
    assert _inside(card.locator(".tool-status"), card), "the status runs past the card's edge"
    page.screenshot(path=tmp_path / "held-390.png", full_page=True)
    # A reload shows the same card with its reason: both are stored.
    page.reload()
    expect(card.locator(".approval-reason")).to_have_text(REASON)
    card.get_by_role("button", name="Deny").click()
    reply = chat.wait_until_answered()
    denied = reply.locator('.tool-card[data-status="denied"]')
    expect(denied).to_have_count(1)
    expect(denied.locator(".tool-status")).to_have_text("Denied")
    expect(denied.locator(".tool-note")).to_have_text("You denied this; nothing was changed.")
    # What the model was told to do next is for the model, even under Details.
    denied.get_by_text("Details", exact=True).click()
    expect(denied).not_to_contain_text("Do not try it again")
    expect(reply).to_contain_text("I left the kitchen as it was.")
    assert chat.room_celsius("kitchen") == 22

    model.script(Turn(calls=[SET_KITCHEN]), Turn(text=["The kitchen is now 19 °C."]))
    chat.send("Is it warm in the kitchen?")
    expect(card.locator(".approval-reason")).to_have_text(REASON)
    card.get_by_role("button", name="Approve").click()
    reply = chat.wait_until_answered()
    expect(reply.locator(".effect-card")).to_contain_text(
        "Temperature in kitchen changed from 22 to 19"
    )
    expect(reply.locator(".no-change")).to_have_count(0)
    expect(page.locator('[data-room="kitchen"] .room-celsius')).to_contain_text("19")


def test_a_reply_claiming_a_change_no_effect_made_is_marked(
    chat: ChatPage, model: FakeOpenAI, tmp_path: Path
) -> None:
    page = chat.page
    chat.open_new_thread()
    before = chat.room_celsius("bedroom")
    model.script(Turn(text=["Done, the bedroom is at 17"]))
    reply = chat.ask("set the bedroom to 17")
    expect(reply.locator(".no-change")).to_have_text("No change was made to the bedroom.")
    expect(reply.locator(".effect-card")).to_have_count(0)
    assert chat.room_celsius("bedroom") == before
    page.screenshot(path=tmp_path / "claim-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(chat.assistant_messages.last.locator(".no-change")).to_have_text(
        "No change was made to the bedroom."
    )
    assert _fits_the_width(page), "the marked reply scrolls sideways at 390 px"
    page.screenshot(path=tmp_path / "claim-390.png", full_page=True)
    # The model hears of it on its next turn.
    model.script(Turn(text=["Sorry, I have not changed it."]))
    chat.ask("did it work?")
    sent = model.requests[-1]["body"]["messages"]
    assert any("no tool call changed it" in str(m.get("content")) for m in sent)
