"""The admin view in a real browser, next to a person's chat: the live board, the ledger,
undo (and its conflict), ask-first approvals, and feedback."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, delete
from sqlmodel import Session

from app.db.models import AppSetting, ToolPolicy
from app.urls import to_sync_url
from tests.ui.chat_page import PASSWORD, ChatPage, expect_local_time, watch_for_csp_violations
from tests.ui.conftest import NEW_YORK

pytestmark = pytest.mark.browser


RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def _results(name: str) -> str:
    """Where a screenshot is kept for a person to look at."""
    RESULTS.mkdir(exist_ok=True)
    return str(RESULTS / name)


def _board(admin: ChatPage, room: str) -> Locator:
    return admin.page.locator(f'.board-room[data-room="{room}"] .room-celsius')


def _open_admin(admin: ChatPage, tab: str = "Home") -> None:
    if not admin.page.url.endswith("/admin"):
        admin.page.get_by_role("link", name="Admin").click()
        admin.page.wait_for_url(re.compile(r"/admin$"))
    admin.page.get_by_role("tab", name=tab).click()


def _ledger_row(admin: ChatPage, text: str) -> Locator:
    return admin.page.locator("tr[data-effect]", has_text=text)


@pytest.fixture
def ask_first(admin: ChatPage, app_database_url: str) -> Iterator[None]:
    """The admin sets set_room_temperature to "Ask first" (reset afterwards for other tests)."""
    _open_admin(admin, "Tools")
    policy = admin.page.get_by_role("radiogroup", name="Policy for set_room_temperature")
    policy.get_by_role("radio", name="Ask first").click()
    expect(admin.page.get_by_text("set_room_temperature will ask first.")).to_be_visible()
    yield
    engine = create_engine(to_sync_url(app_database_url))
    with Session(engine) as session:
        session.exec(delete(ToolPolicy))  # type: ignore[call-overload]
        session.commit()
    engine.dispose()


def test_the_board_follows_another_persons_chat_live(chat: ChatPage, admin: ChatPage) -> None:
    _open_admin(admin)
    chat.open_new_thread()
    target = 17 if chat.room_celsius("home office") != 17 else 18
    chat.ask(f"set the home office to {target}")
    # Nobody touches the admin page: the change arrives by itself.
    expect(_board(admin, "home office")).to_have_text(f"{target} °C", timeout=5_000)

    _open_admin(admin, "Ledger")
    row = _ledger_row(admin, f"set the home office to {target}")
    expect(row).to_contain_text(chat.username)
    expect(row).to_contain_text("set_room_temperature")
    expect(row).to_contain_text("assistant")
    row.get_by_role("link").click()
    admin.page.wait_for_url(re.compile(r"/admin/thread/\d+$"))
    expect(admin.page.get_by_text("by " + chat.username)).to_be_visible()
    expect(admin.page.locator(".effect-card")).to_contain_text("home office changed")


def test_undo_from_the_ledger_and_its_conflict(chat: ChatPage, admin: ChatPage) -> None:
    chat.open_new_thread()
    before = chat.room_celsius("living room")
    first = 16 if before != 16 else 15
    chat.ask(f"set the living room to {first}")
    chat.ask("set the living room to 24")

    _open_admin(admin, "Ledger")
    admin.page.get_by_role("combobox", name="Filter by room").click()
    admin.page.get_by_role("option", name="living room").click()
    older = _ledger_row(admin, f"→ {first} °C")
    # Undoing the older change would lose the newer one: refused, with the reason.
    older.get_by_role("button").click()
    expect(admin.page.get_by_text("Not undone: the living room is at 24 °C now")).to_be_visible()

    newer = _ledger_row(admin, f"{first} → 24 °C")
    newer.get_by_role("button").click()
    expect(admin.page.get_by_text(f"Undone: living room is back at {first} °C.")).to_be_visible()
    expect(newer).to_contain_text("undone by #")
    undo = _ledger_row(admin, f"24 → {first} °C")
    expect(undo).to_contain_text("undo")
    expect(undo).to_contain_text("root")
    # The person's chat shows the room back, and the card knows it was undone.
    chat.page.reload()
    expect(chat.page.locator('[data-room="living room"] .room-celsius')).to_have_text(f"{first} °C")
    expect(chat.page.locator('[data-effect][data-undone="true"]')).to_have_count(1)


def test_the_owner_undoes_from_the_effect_card(chat: ChatPage) -> None:
    chat.open_new_thread()
    before = chat.room_celsius("bathroom")
    target = 25 if before != 25 else 26
    reply = chat.ask(f"set the bathroom to {target}")
    reply.get_by_role("button", name=re.compile("^Undo: Temperature in bathroom")).click()
    expect(chat.page.get_by_text("Undone: bathroom is back at")).to_be_visible()
    expect(reply.locator("[data-effect]")).to_have_attribute("data-undone", "true")
    expect(reply.get_by_text("Undone", exact=True)).to_be_visible()
    assert chat.room_celsius("bathroom") == before


def test_ask_first_approve_survives_a_reload_and_works_from_another_tab(
    chat: ChatPage, second_tab: ChatPage, ask_first: None
) -> None:
    chat.open_new_thread()
    before = chat.room_celsius("kitchen")
    target = 18 if before != 18 else 17
    chat.send(f"set the kitchen to {target}")
    card = chat.page.locator('[data-tool="set_room_temperature"]')
    expect(card).to_have_attribute("data-status", "awaiting_approval")
    expect(card.get_by_role("button", name="Approve")).to_be_visible()
    chat.page.reload()
    expect(card).to_have_attribute("data-status", "awaiting_approval")
    assert chat.room_celsius("kitchen") == before

    second_tab.page.goto(chat.page.url)
    second_tab.page.locator('[data-tool="set_room_temperature"]').get_by_role(
        "button", name="Approve"
    ).click()
    expect(card).to_have_attribute("data-status", "done", timeout=10_000)
    reply = chat.wait_until_answered()
    expect(reply.locator("[data-effect] .effect-text")).to_contain_text(f"to {target}")
    expect(chat.page.locator('[data-room="kitchen"] .room-celsius')).to_have_text(f"{target} °C")


def test_ask_first_deny_is_told_to_the_assistant(chat: ChatPage, ask_first: None) -> None:
    chat.open_new_thread()
    before = chat.room_celsius("bedroom")
    chat.send("set the bedroom to 30")
    card = chat.page.locator('[data-tool="set_room_temperature"]')
    card.get_by_role("button", name="Deny").click()
    expect(card).to_have_attribute("data-status", "denied")
    reply = chat.wait_until_answered()
    expect(reply).to_contain_text("You denied this; nothing was changed.")
    # What the model is told to do next is for the model, never shown to the person.
    expect(reply).not_to_contain_text("Do not try it again")
    assert chat.room_celsius("bedroom") == before


def test_thumbs_are_stored_and_listed_for_the_admin(chat: ChatPage, admin: ChatPage) -> None:
    chat.open_new_thread()
    reply = chat.ask("what's the temperature in the bedroom?")
    down = reply.get_by_role("button", name="Bad reply")
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    chat.page.reload()
    expect(chat.assistant_messages.last.get_by_role("button", name="Bad reply")).to_have_attribute(
        "aria-pressed", "true"
    )

    _open_admin(admin, "Feedback")
    row = admin.page.locator('tr[data-rating="down"]', has_text=chat.username)
    expect(row).to_contain_text("The bedroom is at")


def test_rooms_are_added_validated_and_removed(chat: ChatPage, admin: ChatPage) -> None:
    _open_admin(admin, "Rooms")
    name = f"attic {chat.username[-4:]}"
    admin.page.get_by_label("New room name").fill("kitchen")
    admin.page.get_by_label("Temperature °C").fill("18")
    admin.page.get_by_role("button", name="Add room").click()
    expect(admin.page.get_by_text("There is already a room called 'kitchen'")).to_be_visible()

    admin.page.get_by_label("New room name").fill(name)
    admin.page.get_by_label("Temperature °C").fill("18")
    admin.page.get_by_role("button", name="Add room").click()
    expect(admin.page.get_by_text(f"Added the {name}.")).to_be_visible()

    admin.page.get_by_role("button", name=f"Edit {name}").click()
    dialog = admin.page.get_by_role("dialog")
    dialog.get_by_label("Highest °C").fill("16")
    dialog.get_by_role("button", name="Save").click()
    expect(admin.page.get_by_text(f"The {name} is at 18 °C now, outside 5–16 °C")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()

    # The person's assistant knows the new room at once.
    chat.page.reload()
    expect(chat.page.locator(f'[data-room="{name}"] .room-celsius')).to_have_text("18 °C")

    admin.page.get_by_role("button", name=f"Remove {name}").click()
    admin.page.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(admin.page.get_by_text(f"Removed the {name}")).to_be_visible()
    chat.page.reload()
    expect(chat.page.locator(f'[data-room="{name}"]')).to_have_count(0)


@pytest.fixture
def signup_reopened(app_database_url: str) -> Iterator[None]:
    """Sign-up open again after the test (other tests sign people up)."""
    yield
    engine = create_engine(to_sync_url(app_database_url))
    with Session(engine) as session:
        session.exec(delete(AppSetting))  # type: ignore[call-overload]
        session.commit()
    engine.dispose()


def test_admins_close_sign_up_create_people_and_read_the_activity(
    admin: ChatPage, page: Page, app_url: str, signup_reopened: None
) -> None:
    _open_admin(admin, "People")
    switch = admin.page.get_by_role("switch", name="Anyone can sign up")
    expect(switch).to_be_checked()
    switch.click()
    expect(
        admin.page.get_by_text("Sign-up is closed: only admins create accounts.")
    ).to_be_visible()

    page.goto(app_url + "/signup")
    expect(page.get_by_role("status")).to_contain_text("Sign-up is closed; ask an admin")
    expect(page.get_by_role("button", name="Sign up")).to_be_hidden()
    page.goto(app_url + "/login")
    expect(page.get_by_text("Ask an admin of this Hearth for an account.")).to_be_visible()

    name = f"n{uuid.uuid4().hex[:8]}"
    admin.page.get_by_label("Username").fill(name)
    admin.page.get_by_label("First password").fill(PASSWORD)
    admin.page.get_by_role("button", name="Create", exact=True).click()
    expect(admin.page.get_by_text(f"Created user '{name}'")).to_be_visible()
    person = admin.page.locator(f'[data-person="{name}"]')
    expect(person).to_be_visible()

    # The new person's first try is wrong: the admin sees it, with where it came from.
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")

    person.get_by_role("radio", name="admin").click()
    expect(admin.page.get_by_text(f"{name} is now an admin.")).to_be_visible()
    _open_admin(admin, "Activity")
    rows = admin.page.locator("tr[data-kind]")
    expect(rows.nth(0)).to_contain_text("role changed")
    expect(rows.nth(0)).to_contain_text("user → admin")
    expect(rows.nth(1)).to_contain_text("signin failed")
    expect(rows.nth(1)).to_contain_text("127.0.0.1")
    expect(rows.nth(2)).to_contain_text("account created")
    expect(rows.nth(3)).to_contain_text("signup closed")
    expect(admin.page.get_by_text("not the password")).to_have_count(0)


def test_times_are_local_the_chart_has_a_time_axis_and_ratings_are_icons(
    chat: ChatPage, admin_in_new_york: ChatPage
) -> None:
    admin = admin_in_new_york
    violations = watch_for_csp_violations(admin.page)
    chat.open_new_thread()
    before = chat.room_celsius("bathroom")
    first = 20 if before not in (20, 23) else 21
    chat.ask(f"set the bathroom to {first}")
    reply = chat.ask("set the bathroom to 23")
    reply.get_by_role("button", name="Good reply").click()

    # The ledger: each moment in the reader's zone (New York), the zone on hover.
    _open_admin(admin, "Ledger")
    expect(admin.page.get_by_role("columnheader", name="Time", exact=True)).to_be_visible()
    change = _ledger_row(admin, f"{first} → 23 °C")
    at = expect_local_time(change.first.locator("time"), NEW_YORK)
    # From / To are read in the reader's zone too.
    since = admin.page.get_by_label("From", exact=True)
    since.fill((at - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    expect(change).not_to_have_count(0)
    since.fill((at + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"))
    expect(change).to_have_count(0)
    admin.page.get_by_role("button", name="Clear").click()
    expect(change).not_to_have_count(0)

    # Feedback: icons (no emoji font needed) with words for screen readers.
    _open_admin(admin, "Feedback")
    rated = admin.page.locator('tr[data-rating="up"]', has_text=chat.username)
    expect(rated.locator("svg")).to_have_count(1)
    expect(rated).to_contain_text("Thumbs up")
    expect(rated).not_to_contain_text("👍")
    expect_local_time(rated.locator("time"), NEW_YORK)

    # The history chart: a time axis whose labels never repeat, a y-axis fitted to the data.
    _open_admin(admin, "Home")
    admin.page.get_by_role("combobox", name="Room to chart").click()
    admin.page.get_by_role("option", name="bathroom").click()
    chart = admin.page.locator(".history-chart .recharts-surface")
    expect(chart).to_be_visible()
    x_ticks = chart.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value")
    expect(x_ticks.first).to_be_visible()
    labels = x_ticks.all_text_contents()
    assert labels and len(set(labels)) == len(labels), labels
    assert all(re.search(r"\d:\d\d", label) for label in labels), labels
    y_ticks = chart.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
    lowest = min(float(t.replace("°C", "").strip()) for t in y_ticks.all_text_contents())
    assert lowest >= min(first, before) - 1.5, f"the y-axis starts at {lowest}, not near the data"
    admin.page.locator(".history-chart").screenshot(path=_results("history-chart.png"))
    assert violations == []


def test_an_approval_expires_at_the_readers_local_time(
    chat_in_new_york: ChatPage, ask_first: None
) -> None:
    chat = chat_in_new_york
    chat.open_new_thread()
    chat.send("set the bathroom to 19")
    approval = chat.page.get_by_role("group", name="Approval for: Set the bathroom to 19 °C")
    expect(approval).to_contain_text("Expires")
    expect_local_time(approval.locator("time"), NEW_YORK)
    approval.get_by_role("button", name="Deny").click()
    chat.wait_until_answered()
