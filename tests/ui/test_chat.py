"""The chat in a real browser: stream, tools, cards, stop, reload, threads, inert input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import FloatRect, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.db.models import Message, Thread, User
from app.home.temperatures import format_celsius
from app.ui.transcript import PAGE_SIZE
from app.urls import to_sync_url
from tests.ui.chat_page import ChatPage, watch_for_csp_violations

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "test-results" / "chat.png"


def test_first_visit_flow(chat: ChatPage) -> None:
    thread_id = chat.open_new_thread()
    kitchen = chat.room_celsius("kitchen")
    bedroom = chat.room_celsius("bedroom")

    reply = chat.ask("What's the temperature in the kitchen?")
    expect(reply).to_contain_text(f"The kitchen is at {format_celsius(kitchen)} °C.")
    card = reply.locator('[data-tool="get_room_temperature"]')
    expect(card).to_have_attribute("data-status", "done")
    # A card reads as a sentence; the raw call is folded under Details until opened.
    expect(card.locator(".tool-summary")).to_have_text(
        f"Read the kitchen: {format_celsius(kitchen)} °C"
    )
    expect(card.locator(".tool-status")).to_have_text("Done")
    raw = card.get_by_text('{"room": "kitchen"}', exact=True)
    expect(raw).to_be_hidden()
    card.get_by_text("Details", exact=True).click()
    expect(raw).to_be_visible()
    expect(card.get_by_text("get_room_temperature", exact=True)).to_be_visible()

    reply = chat.ask("set the kitchen to 19")
    card = reply.locator('[data-tool="set_room_temperature"][data-status="done"]')
    expect(card).to_be_visible()
    expect(card.locator(".tool-summary")).to_have_text("Set the kitchen to 19 °C")
    expect(card.get_by_text("set_room_temperature", exact=True)).to_be_hidden()
    effect = reply.locator("[data-effect] .effect-text")
    expect(effect).to_have_text(
        f"Temperature in kitchen changed from {format_celsius(kitchen)} to 19"
    )
    expect(chat.page.locator('[data-room="kitchen"] .room-celsius')).to_have_text("19 °C")

    reply = chat.ask("make the bedroom 2 degrees warmer")
    expect(reply.locator("[data-effect] .effect-text")).to_have_text(
        f"Temperature in bedroom changed from {format_celsius(bedroom)} to "
        f"{format_celsius(bedroom + 2)}"
    )
    assert chat.room_celsius("bedroom") == bedroom + 2

    reply = chat.ask("which room is warmest?")
    expect(reply).to_contain_text(re.compile(r"warmest room|warmest rooms"))
    expect(reply.locator('[data-tool="list_rooms"]')).to_have_attribute("data-status", "done")
    expect(reply.locator('[data-tool="list_rooms"] .tool-summary')).to_have_text(
        re.compile(r"^Read \d+ rooms$")
    )

    link = chat.threads.get_by_role("link", name="What's the temperature in the kitchen?")
    expect(link).to_have_attribute("href", f"/chat/{thread_id}")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    chat.page.screenshot(path=str(SCREENSHOT))

    chat.page.reload()
    expect(chat.user_messages).to_have_count(4)
    expect(chat.assistant_messages).to_have_count(4)
    expect(chat.page.locator("[data-effect]")).to_have_count(2)
    expect(chat.page.locator('[data-tool][data-status="done"]')).to_have_count(5)
    expect(chat.assistant_messages.nth(1)).to_contain_text("Done: the kitchen is now 19 °C")


def test_streamed_text_arrives_in_pieces_and_is_announced_by_sentence(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.send("tell me a joke")
    live = chat.page.locator(".live-text .hearth-stream-text")
    expect(live).to_contain_text("Sorry")
    partial = live.inner_text()
    assert 0 < len(partial) < 100, "the reply arrived whole instead of streaming"
    announcer = chat.page.locator("#hearth-announcer[aria-live='polite']")
    expect(announcer).to_have_text("Sorry, I didn't understand that.")
    status = chat.page.get_by_role("status").filter(has_text="Hearth is answering")
    expect(status).to_have_text("Hearth is answering… (Esc stops)")
    reply = chat.wait_until_answered()
    expect(chat.page.locator(".composer-status")).to_have_text("")
    expect(reply).to_contain_text("Rooms I know: bathroom, bedroom, home office, kitchen")


def test_a_streaming_reply_is_drawn_as_markdown_without_stray_markers(chat: ChatPage) -> None:
    chat.open_new_thread()
    words = " ".join(f"w{i:02d}" for i in range(40))
    chat.send(f"/say Done: **kitchen** is *warm* and `cosy`, then *{words}* and more.")
    live = chat.page.locator(".live-text .hearth-stream-text")
    expect(live.locator("strong")).to_have_text("kitchen")
    expect(live.locator("code")).to_have_text("cosy")
    # While the last emphasis is still open, no marker shows: it is mended, not drawn raw.
    expect(live).to_contain_text("w05")
    for _ in range(5):
        text = live.inner_text() if live.count() else ""
        assert "*" not in text and "`" not in text, text
        chat.page.wait_for_timeout(150)
    reply = chat.wait_until_answered()
    expect(reply.locator(".markdown em").last).to_contain_text("w39")


def test_stop_mid_stream_keeps_the_partial_text(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.send("sing me something")
    live = chat.page.locator(".live-text .hearth-stream-text")
    expect(live).to_contain_text("I can read")
    chat.page.get_by_role("button", name="Stop").click()
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("Stopped. The text so far was kept.")
    kept = reply.locator(".markdown").inner_text()
    assert kept.startswith("Sorry, I didn't understand that. I can read")
    assert "Rooms I know" not in kept
    expect(reply.get_by_role("button", name="Retry")).to_be_visible()

    chat.page.reload()
    reply = chat.assistant_messages.last
    expect(reply).to_contain_text("Stopped. The text so far was kept.")
    assert reply.locator(".markdown").inner_text() == kept


def test_a_reply_stopped_mid_example_shows_no_half_written_markup(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.send("hum a tune")
    live = chat.page.locator(".live-text .hearth-stream-text")
    # Stopped while the example's emphasis is open: live, the marker is already mended away.
    expect(live).to_contain_text("for example:")
    assert "*" not in live.inner_text()
    chat.page.get_by_role("button", name="Stop").click()
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("Stopped. The text so far was kept.")
    kept = reply.locator(".markdown").inner_text()
    assert kept.startswith("Sorry, I didn't understand that.")
    assert "*" not in kept, f"a stray marker in the stopped reply: {kept!r}"
    chat.page.reload()
    assert "*" not in chat.assistant_messages.last.locator(".markdown").inner_text()


def test_escape_stops_and_retry_answers_again(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.send("what's the weather")
    expect(chat.page.locator(".live-text .hearth-stream-text")).to_contain_text("Sorry")
    chat.page.keyboard.press("Escape")
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("Stopped.")
    reply.get_by_role("button", name="Retry").click()
    # In place: a second version of the reply; the question is not sent again.
    expect(chat.assistant_messages.last.locator(".branch-position")).to_have_text("2/2")
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("Rooms I know")
    expect(reply.get_by_role("button", name="Retry")).to_have_count(0)
    expect(chat.assistant_messages).to_have_count(1)
    expect(chat.user_messages).to_have_count(1)
    expect(chat.user_messages.last.locator(".user-text")).to_have_text("what's the weather")


def test_switching_threads_mid_reply_keeps_each_thread_its_own(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.ask("list the rooms")
    first = chat.thread_id
    second = chat.new_thread()
    assert second != first
    chat.send("recite a poem")
    expect(chat.page.locator(".live-text .hearth-stream-text")).to_contain_text("Sorry")

    chat.threads.locator(f'a[href="/chat/{first}"]').click()
    chat.page.wait_for_url(f"**/chat/{first}")
    chat.page.wait_for_timeout(1500)  # the other thread's reply goes on streaming meanwhile
    expect(chat.user_messages).to_have_text(["list the rooms"])
    expect(chat.page.get_by_text("Rooms I know")).to_have_count(0)

    chat.threads.locator(f'a[href="/chat/{second}"]').click()
    chat.page.wait_for_url(f"**/chat/{second}")
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("Rooms I know: bathroom, bedroom")
    expect(chat.user_messages).to_have_text(["recite a poem"])


def test_long_threads_page_in_earlier_messages(chat: ChatPage, app_database_url: str) -> None:
    engine = create_engine(to_sync_url(app_database_url))
    with Session(engine) as session:
        owner = session.exec(select(User).where(User.username == chat.username)).one()
        thread = Thread(title="A long thread", user_id=owner.id)
        session.add(thread)
        session.flush()
        for index in range(60):
            role = "user" if index % 2 == 0 else "assistant"
            text = f"message number {index}"
            session.add(
                Message(thread_id=thread.id, role=role, parts=[{"type": "text", "text": text}])
            )
        session.commit()
        thread_id = thread.id
    engine.dispose()

    chat.page.goto(f"{chat.base_url}/chat/{thread_id}")
    expect(chat.page.locator("[data-role]")).to_have_count(PAGE_SIZE)
    expect(chat.page.get_by_text("message number 10", exact=True)).to_have_count(1)
    expect(chat.page.get_by_text("message number 9", exact=True)).to_have_count(0)
    transcript = chat.page.locator(".transcript")
    transcript.evaluate("el => { el.scrollTop = 0; }")
    chat.page.get_by_role("button", name="Show earlier messages").click()
    expect(chat.page.locator("[data-role]")).to_have_count(60)
    # Earlier messages are read from the top: the view is not sent to the bottom.
    assert transcript.evaluate(_DISTANCE_FROM_BOTTOM) > 48
    expect(chat.page.get_by_role("button", name="Show earlier messages")).to_have_count(0)
    expect(chat.page.locator("[data-role]").first).to_contain_text("message number 0")


def test_a_second_question_uses_the_first(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.ask("what's the temperature in the kitchen?")
    bedroom = chat.room_celsius("bedroom")
    reply = chat.ask("and the bedroom?")
    expect(reply).to_contain_text(f"The bedroom is at {format_celsius(bedroom)} °C.")


def test_shift_enter_breaks_the_line_and_enter_sends(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.composer.click()
    chat.composer.press_sequentially("list the rooms")
    chat.composer.press("Shift+Enter")
    chat.composer.press_sequentially("please")
    expect(chat.composer).to_have_value("list the rooms\nplease")
    chat.composer.press("Enter")
    expect(chat.user_messages).to_have_count(1)
    expect(chat.composer).to_have_value("")
    chat.wait_until_answered()


def test_rename_and_delete_a_thread(chat: ChatPage) -> None:
    thread_id = chat.open_new_thread()
    chat.ask("show all rooms")
    link = chat.threads.get_by_role("link", name="show all rooms")
    expect(link).to_be_visible()

    chat.threads.get_by_role("button", name="Rename show all rooms").click()
    title = chat.page.get_by_role("textbox", name="Thread title")
    title.fill("   ")
    chat.page.get_by_role("button", name="Save").click()
    expect(chat.page.get_by_text("A thread title cannot be empty")).to_be_visible()
    title.fill("Room survey")
    expect(title).to_have_value("Room survey")
    chat.page.get_by_role("button", name="Save").click()
    expect(chat.threads.get_by_role("link", name="Room survey")).to_be_visible()
    chat.page.reload()
    expect(chat.threads.get_by_role("link", name="Room survey")).to_be_visible()

    chat.threads.get_by_role("button", name="Delete Room survey").click()
    dialog = chat.page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("“Room survey” will disappear from your threads.")
    dialog.get_by_role("button", name="Delete").click()
    expect(chat.threads.get_by_role("link", name="Room survey")).to_have_count(0)
    chat.page.wait_for_url(
        lambda url: re.search(r"/chat/\d+$", url) and not url.endswith(f"/chat/{thread_id}")
    )
    chat.page.goto(f"{chat.base_url}/chat/{thread_id}")
    expect(chat.page.get_by_text(f"Thread {thread_id} not found")).to_be_visible()


def test_markup_typed_as_a_message_renders_as_text(chat: ChatPage) -> None:
    chat.open_new_thread()
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>**bold**'
    chat.ask(payload)
    expect(chat.user_messages.last).to_have_text(payload)
    assert chat.page.evaluate("window.__xss") is None
    assert chat.page.locator('[data-role="user"] img').count() == 0


def test_assistant_markdown_renders_but_raw_html_and_script_links_do_not(chat: ChatPage) -> None:
    chat.open_new_thread()
    reply = chat.ask(
        '/say **bold** <img src=x onerror="window.__xss=1"> '
        "<script>window.__xss=2</script> [click](javascript:window.__xss=3)"
    )
    expect(reply.locator("strong")).to_have_text("bold")
    assert reply.locator("img, script, iframe").count() == 0
    link = reply.get_by_role("link", name="click")
    assert not (link.get_attribute("href") or "").startswith("javascript:")
    link.click()
    assert chat.page.evaluate("window.__xss") is None


def test_a_starter_suggestion_asks_it(chat: ChatPage) -> None:
    chat.open_new_thread()
    chat.page.get_by_role("button", name="Which room is warmest?").click()
    expect(chat.user_messages).to_have_text(["Which room is warmest?"])
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("warmest")


def _overlaps(a: FloatRect | None, b: FloatRect | None) -> bool:
    assert a and b
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_long_paste_is_kept_counted_and_refused_by_a_toast_clear_of_send(
    chat: ChatPage,
) -> None:
    chat.open_new_thread()
    page = chat.page
    # No maxlength: a longer paste is kept whole, not cut silently.
    assert chat.composer.get_attribute("maxlength") is None
    counter = page.locator("#composer-count")
    expect(counter).to_have_attribute("aria-live", "polite")
    chat.type("x" * 100)
    expect(counter).to_have_text("")
    chat.type("x" * 7412)
    expect(counter).to_have_text("7,412 / 8,000 characters")
    chat.type("x" * 8000)
    expect(counter).to_have_text("8,000 / 8,000 characters: the message is at its limit.")
    text = "x" * 8412
    chat.type(text)
    expect(counter).to_contain_text("8,412 / 8,000 characters: 412 too many to send.")
    send = page.get_by_role("button", name="Send")
    expect(send).to_be_disabled()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        chat.composer.press("Enter")
        toast = page.locator("[data-sonner-toast]").filter(
            has_text="A message can be at most 8,000 characters"
        )
        expect(toast.first).to_be_visible()
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-sonner-toast]')]"
            ".every(t => getComputedStyle(t).opacity === '1')"
        )
        box = toast.first.bounding_box()
        assert not _overlaps(box, send.bounding_box()), f"at {width}px the toast covers Send"
        expect(chat.composer).to_have_value(text)
    expect(chat.user_messages).to_have_count(0)
    _screenshot(chat, "too-long-refused")


def test_a_message_hearth_cannot_store_is_refused_and_kept(chat: ChatPage) -> None:
    """A NUL character (Postgres cannot store it): a toast says so, the text stays."""
    chat.open_new_thread()
    text = "kitchen\x00 to 19"
    chat.type(text)
    chat.composer.press("Enter")
    expect(chat.page.get_by_text("contains a NUL character (U+0000) at position 7")).to_be_visible()
    expect(chat.composer).to_have_value(text)
    expect(chat.user_messages).to_have_count(0)
    _screenshot(chat, "nul-refused")


def test_a_thread_number_no_thread_can_have_says_so(chat: ChatPage) -> None:
    chat.page.goto(chat.base_url + "/chat/99999999999999999999")
    expect(chat.page.get_by_text("Thread numbers go from 1 to 2,147,483,647")).to_be_visible()
    chat.page.wait_for_url(re.compile(r"/chat/\d{1,10}$"))
    _screenshot(chat, "huge-thread-number")


def _screenshot(chat: ChatPage, name: str) -> None:
    """Kept in test-results/ for a person to look at (once the toasts have faded in)."""
    chat.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-sonner-toast]')]"
        ".every(t => getComputedStyle(t).opacity === '1')"
    )
    SCREENSHOT.parent.mkdir(exist_ok=True)
    chat.page.screenshot(path=str(SCREENSHOT.parent / f"{name}.png"))


def _seed_thread(database_url: str, username: str, title: str, messages: int = 0) -> int:
    """A thread of `messages` short messages, made in the database (no UI makes long ones)."""
    engine = create_engine(to_sync_url(database_url))
    with Session(engine) as session:
        owner = session.exec(select(User).where(User.username == username)).one()
        thread = Thread(title=title, user_id=owner.id)
        session.add(thread)
        session.flush()
        for index in range(messages):
            role = "user" if index % 2 == 0 else "assistant"
            text = f"message number {index}"
            session.add(
                Message(thread_id=thread.id, role=role, parts=[{"type": "text", "text": text}])
            )
        session.commit()
        thread_id = thread.id or 0
    engine.dispose()
    return thread_id


_DISTANCE_FROM_BOTTOM = "el => el.scrollHeight - el.scrollTop - el.clientHeight"
SAID = " ".join(f"Sentence {n} has a few words in it." for n in range(1, 9)) + " And a tail"


def test_the_view_follows_a_reply_only_at_the_bottom_and_jumps_to_latest(
    chat: ChatPage, app_database_url: str
) -> None:
    thread_id = _seed_thread(app_database_url, chat.username, "A long thread", messages=40)
    violations = watch_for_csp_violations(chat.page)
    chat.page.goto(f"{chat.base_url}/chat/{thread_id}")
    transcript = chat.page.locator(".transcript")
    expect(chat.page.get_by_text("message number 39", exact=True)).to_be_visible()
    jump = chat.page.get_by_role("button", name="Jump to latest")
    expect(jump).to_have_count(0)

    chat.send("/say " + SAID)
    live = chat.page.locator(".live-text .hearth-stream-text")
    expect(live).to_contain_text("Sentence 1")
    assert transcript.evaluate(_DISTANCE_FROM_BOTTOM) <= 48, "the reply was not followed"
    # Scrolled up, the view stays where the reader put it while the reply streams on.
    transcript.evaluate("el => { el.scrollTop = 0; }")
    expect(jump).to_be_visible()
    expect(live).to_contain_text("Sentence 4")
    assert transcript.evaluate("el => el.scrollTop") == 0, "the stream pulled the view down"
    _screenshot(chat, "jump-to-latest")
    jump.click()
    expect(jump).to_have_count(0)
    chat.wait_until_answered()
    expect(chat.assistant_messages.last).to_contain_text("And a tail")
    assert transcript.evaluate(_DISTANCE_FROM_BOTTOM) <= 48, "back at the bottom, not followed"
    # Sending from higher up brings the view down to the new message.
    transcript.evaluate("el => { el.scrollTop = 0; }")
    expect(jump).to_be_visible()
    chat.ask("/say Down here.")
    expect(jump).to_have_count(0)
    assert transcript.evaluate(_DISTANCE_FROM_BOTTOM) <= 48, "sending left the view up"
    assert violations == []


def test_a_reply_is_announced_once_sentence_by_sentence_never_again(chat: ChatPage) -> None:
    chat.open_new_thread()
    announcer = chat.page.locator("#hearth-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    chat.page.evaluate(
        """() => {
          window.__said = [];
          const region = document.getElementById("hearth-announcer");
          new MutationObserver(() => window.__said.push(region.textContent)).observe(
            region, { childList: true, subtree: true, characterData: true });
        }"""
    )
    chat.send("/say " + SAID)
    chat.wait_until_answered()
    expect(chat.assistant_messages.last).to_contain_text("And a tail")
    # The saved message replacing the live text is not read again.
    chat.assistant_messages.last.wait_for()
    said = [s for s in chat.page.evaluate("() => window.__said") if s]
    assert " ".join(said) == SAID, said
    assert len(said) == len(set(said)), f"something was said twice: {said}"
    assert all(s.endswith(".") for s in said[:-1]) and said[-1].endswith("And a tail"), said
    chat.new_thread()
    assert [s for s in chat.page.evaluate("() => window.__said") if s] == said


def test_threads_are_grouped_by_day_with_their_time(chat: ChatPage, app_database_url: str) -> None:
    now = datetime.now(UTC)
    ages = {"Today": timedelta(0), "Yesterday": timedelta(days=1)}
    ages |= {"Previous 7 days": timedelta(days=3), "Earlier": timedelta(days=40)}
    engine = create_engine(to_sync_url(app_database_url))
    with Session(engine) as session:
        owner = session.exec(select(User).where(User.username == chat.username)).one()
        for group, age in ages.items():
            session.add(Thread(title=f"from {group}", user_id=owner.id, updated_at=now - age))
        session.commit()
    engine.dispose()
    chat.page.reload()
    groups = chat.threads.locator(".day-group")
    expect(groups).to_have_text(list(ages))
    for group in ages:
        item = chat.threads.locator(".thread-item", has_text=f"from {group}")
        expect(item.locator("time")).to_have_attribute("title", re.compile(r"\(UTC[+-]\d\d:\d\d\)"))
    _screenshot(chat, "thread-groups")
