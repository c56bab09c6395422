"""Search in a real browser, on a desktop and on a phone (where the threads are a drawer):
type, see the hits with the matching words marked, open one and land on its message (far
back in a long thread), marked for a moment; Esc and ✕ clear; a message's markup shows as
text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.db.models import Message, Thread, User
from app.home.temperatures import format_celsius
from app.ui.transcript import PAGE_SIZE
from app.urls import to_sync_url
from tests.ui.chat_page import ChatPage
from tests.ui.layout_checks import (
    assert_controls_in_sight,
    assert_no_sideways_scroll,
    serious_accessibility_violations,
    settle,
)

pytestmark = pytest.mark.browser

SCREENS = {"phone": (390, 844), "desktop": (1280, 860)}


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def person(browser: Browser, app_url: str, screen: str) -> Iterator[ChatPage]:
    """Someone who has just signed up, on `screen`."""
    width, height = SCREENS[screen]
    # The CSP is bypassed only so axe-core can be injected (an inline script).
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    context.set_default_timeout(20_000)
    chat = ChatPage(context.new_page(), app_url)
    chat.sign_up()
    yield chat
    context.close()


def _add_messages(database_url: str, username: str, thread_id: int | None, *texts: str) -> int:
    """Messages stored in a thread of `username` (a new one if None); the thread's id."""
    engine = create_engine(to_sync_url(database_url))
    with Session(engine) as session:
        if thread_id is None:
            owner = session.exec(select(User).where(User.username == username)).one()
            thread = Thread(title="Seeded", user_id=owner.id)
            session.add(thread)
            session.flush()
            thread_id = thread.id
        for index, text in enumerate(texts):
            role = "user" if index % 2 == 0 else "assistant"
            session.add(
                Message(thread_id=thread_id, role=role, parts=[{"type": "text", "text": text}])
            )
        session.commit()
    engine.dispose()
    assert thread_id is not None
    return thread_id


def _search_box(chat: ChatPage):
    """The search field (opening the threads drawer first on a narrow screen)."""
    page = chat.page
    if page.get_by_role("button", name="Threads", exact=True).is_visible():
        # The drawer may be sliding shut (a thread just opened): wait until it is shut.
        layout = page.locator(".layout")
        if layout.get_attribute("data-threads-open") != "true":
            settle(page)
            page.get_by_role("button", name="Threads", exact=True).click()
        expect(layout).to_have_attribute("data-threads-open", "true")
        settle(page)
    box = page.get_by_role("searchbox", name="Search your threads")
    expect(box).to_be_visible()
    return box


def _results(page: Page):
    return page.get_by_role("region", name="Search results")


def test_search_marks_the_words_and_opens_the_thread_at_the_message(
    person: ChatPage, screen: str, app_database_url: str
) -> None:
    page = person.page
    thread_id = person.open_new_thread()
    target = 23.5 if person.room_celsius("kitchen") != 23.5 else 22.5
    value = format_celsius(target)
    person.ask(f"set the kitchen to {value}")
    # Enough after it that it is no longer among the newest messages a thread opens with.
    _add_messages(
        app_database_url,
        person.username,
        thread_id,
        *[f"filler {n}" for n in range(PAGE_SIZE + 10)],
    )
    person.new_thread()

    box = _search_box(person)
    box.fill(f"kitchen {value}")
    results = _results(page)
    expect(results.get_by_role("status")).to_have_text("2 messages found")
    reply = results.locator('.search-hit[data-hit-role="assistant"]')
    expect(reply).to_have_count(1)
    marks = reply.locator("mark")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) == {"kitchen", value}, marks.all_inner_texts()
    expect(reply).to_contain_text("Temperature in kitchen changed from")
    expect(person.threads).to_have_count(0)  # the hits show in place of the threads
    if screen == "phone":
        assert_no_sideways_scroll(page, "search hits on a phone")
        assert_controls_in_sight(page, "search hits on a phone")
    assert serious_accessibility_violations(page) == []

    message_id = int(reply.get_attribute("data-hit-message-id") or 0)
    reply.click()
    page.wait_for_url(re.compile(rf"/chat/{thread_id}\?message={message_id}$"))
    landed = page.locator(f'.message[data-message-id="{message_id}"]')
    expect(landed).to_have_attribute("data-jumped", "true")
    expect(landed).to_be_in_viewport()
    expect(landed).to_contain_text(f"the kitchen is now {value}")
    # The page stays at the message (the newest ones are far below), and the mark fades.
    expect(page.get_by_text(f"filler {PAGE_SIZE + 9}", exact=True)).not_to_be_in_viewport()
    expect(page.get_by_role("button", name="Jump to latest")).to_be_visible()
    expect(landed).not_to_have_attribute("data-jumped", "true", timeout=6_000)
    if screen == "phone":
        expect(person.threads).to_be_hidden()  # the drawer closed as the thread opened

    # The search is still there; Esc clears it (and leaves the drawer open on a phone).
    box = _search_box(person)
    expect(box).to_have_value(f"kitchen {value}")
    box.press("Escape")
    expect(box).to_have_value("")
    expect(_results(page)).to_have_count(0)
    expect(person.threads).to_be_visible()
    # ✕ clears too. (The last word is a prefix until a space ends it: 3, 30, 31, ...)
    box.fill("filler 3")
    expect(_results(page).locator(".search-hit")).to_have_count(11)
    box.fill("filler 3 ")
    expect(_results(page).locator(".search-hit")).to_have_count(1)
    page.get_by_role("button", name="Clear search").click()
    expect(box).to_have_value("")
    expect(person.threads).to_be_visible()


def test_a_messages_markup_shows_as_text_in_a_hit(chat: ChatPage, app_database_url: str) -> None:
    page = chat.page
    attack = '<img src=x onerror="window.__searched=1"><b>boiler</b> service'
    _add_messages(app_database_url, chat.username, None, attack, "The boiler is fine.")
    box = _search_box(chat)
    box.fill("boiler")
    hits = _results(page).locator(".search-hit")
    expect(hits).to_have_count(2)
    question = _results(page).locator('.search-hit[data-hit-role="user"]')
    expect(question).to_contain_text('<img src=x onerror="window.__searched=1"><b>')
    expect(question.locator("mark")).to_have_text(["boiler"])
    expect(_results(page).locator("img, b")).to_have_count(0)
    assert page.evaluate("window.__searched === undefined")
