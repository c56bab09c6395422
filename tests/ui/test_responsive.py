"""Hearth on a phone (390×844), a tablet (820×1180) and a desktop (1280×860): the main flows
(chat and a change to the home, undo, approval, the admin board, API tokens) with nothing
scrolling sideways and every control in sight; the threads drawer and the rooms sheet on
narrow screens; dark mode; axe-core's accessibility rules; installing and the offline page.

With HEARTH_SCREENSHOTS=docs/screenshots the tests also write the README's screenshots.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import create_engine, delete
from sqlmodel import Session

from app.db.models import ToolPolicy
from app.urls import to_sync_url
from tests.ui.chat_page import ChatPage, watch_for_csp_violations
from tests.ui.layout_checks import (
    assert_controls_in_sight,
    assert_no_sideways_scroll,
    assert_reachable,
    serious_accessibility_violations,
    settle,
)

pytestmark = pytest.mark.browser

SCREENS = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1280, 860)}
NARROW = {"phone", "tablet"}
SCREENSHOTS = os.environ.get("HEARTH_SCREENSHOTS", "")


def _context(browser: Browser, screen: str, **options: object) -> BrowserContext:
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(20_000)
    return context


def _screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        settle(page)
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        # Without the passing toasts (a welcome, an undo), which would cover the composer.
        toasts = "[data-sonner-toaster] { display: none !important; }"
        page.screenshot(path=Path(SCREENSHOTS) / f"{name}.png", style=toasts)


def _fits(page: Page, where: str) -> None:
    assert_no_sideways_scroll(page, where)
    assert_controls_in_sight(page, where)


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    """One of the three screen sizes."""
    return request.param


@pytest.fixture
def person(browser: Browser, app_url: str, screen: str) -> Iterator[ChatPage]:
    """Someone who has just signed up, on `screen`."""
    context = _context(browser, screen)
    chat = ChatPage(context.new_page(), app_url)
    chat.sign_up()
    yield chat
    context.close()


@pytest.fixture
def admin_tab(browser: Browser, app_url: str, admin_name: str, screen: str) -> Iterator[ChatPage]:
    """The admin, signed in on `screen`."""
    context = _context(browser, screen)
    tab = ChatPage(context.new_page(), app_url)
    tab.sign_in(admin_name)
    yield tab
    context.close()


def _open_threads(chat: ChatPage) -> None:
    chat.page.get_by_role("button", name="Threads").click()
    expect(chat.threads).to_be_visible()


def test_chat_a_change_and_its_undo_fit_the_screen(person: ChatPage, screen: str) -> None:
    page = person.page
    narrow = screen in NARROW
    _fits(page, f"an empty thread on a {screen}")
    assert_reachable(person.composer)
    assert_reachable(page.get_by_role("button", name="Send"))
    # The composer spans the conversation's column (on a phone, the screen), its text box
    # all of it but the Send button.
    form, column = page.locator("form.composer").bounding_box(), page.locator(".chat-main")
    box, text = column.bounding_box(), person.composer.bounding_box()
    assert form is not None and box is not None and text is not None
    assert form["width"] >= box["width"] - 40, f"composer {form} in a column {box}"
    assert text["width"] >= form["width"] - 120, f"message box {text} in a composer {form}"
    if narrow:
        assert box["width"] >= SCREENS[screen][0] - 1, f"the column is {box} on a {screen}"
    if narrow:
        # The threads and rooms wait behind their buttons.
        expect(person.threads).to_be_hidden()
        expect(page.get_by_role("complementary", name="Rooms")).to_be_hidden()
        assert_reachable(page.get_by_role("button", name="Threads"))
        assert_reachable(page.get_by_role("button", name="Rooms"))
    else:
        expect(person.threads).to_be_visible()
        expect(page.get_by_role("complementary", name="Rooms")).to_be_visible()
        expect(page.get_by_role("button", name="Threads")).to_be_hidden()

    before = person.room_celsius("kitchen")
    target = 18 if before != 18 else 19
    reply = person.ask(f"set the kitchen to {target}")
    expect(reply.locator(".effect-card")).to_contain_text(f"to {target}")
    assert_reachable(reply.locator('.tool-card[data-tool="set_room_temperature"]'))
    _fits(page, f"a reply with its cards on a {screen}")
    _screenshot(page, f"chat-{screen}")

    undo = reply.get_by_role("button", name=re.compile("^Undo: Temperature in kitchen"))
    assert_reachable(undo)
    undo.click()
    expect(page.get_by_text("Undone: kitchen is back at")).to_be_visible()
    if narrow:
        _clear_of_the_top_bar(page, page.locator("[data-sonner-toast]").first)
    expect(reply.locator("[data-effect]")).to_have_attribute("data-undone", "true")
    _fits(page, f"an undone change on a {screen}")

    rooms = page.get_by_role("complementary", name="Rooms")
    if narrow:
        page.get_by_role("button", name="Rooms").click()
        expect(rooms).to_be_visible()
        expect(page.get_by_role("button", name="Close rooms")).to_be_focused()
        _focus_stays_in(page, rooms)
        assert_reachable(rooms.locator('[data-room="kitchen"]'))
        expect(rooms.locator('[data-room="kitchen"] .room-celsius')).to_have_text(f"{before:g} °C")
        _fits(page, f"the rooms sheet on a {screen}")
        _screenshot(page, f"rooms-{screen}")
        page.get_by_role("button", name="Close rooms").click()
        expect(rooms).to_be_hidden()
        expect(page.get_by_role("button", name="Rooms")).to_be_focused()
    else:
        assert_reachable(rooms.locator('[data-room="kitchen"]'))

    first = person.thread_id
    if narrow:
        # Esc closes the drawer too.
        _open_threads(person)
        expect(page.get_by_role("button", name="Close threads")).to_be_focused()
        page.keyboard.press("Escape")
        expect(person.threads).to_be_hidden()
        expect(page.get_by_role("button", name="Threads")).to_be_focused()
        _open_threads(person)
        _focus_stays_in(page, page.locator(".sidebar"))
        _fits(page, f"the threads drawer on a {screen}")
        _screenshot(page, f"threads-{screen}")
    assert_reachable(page.get_by_role("button", name="New thread"))
    page.get_by_role("button", name="New thread").click()
    page.wait_for_url(re.compile(r"/chat/\d+$"))
    expect(page.get_by_text("What can I do for your home?")).to_be_visible()
    assert person.thread_id != first
    if narrow:
        expect(person.threads).to_be_hidden()
        _open_threads(person)
    link = person.threads.get_by_role("link", name=f"set the kitchen to {target}")
    assert_reachable(link)
    link.click()
    page.wait_for_url(re.compile(rf"/chat/{first}$"))
    expect(person.user_messages).to_have_count(1)
    if narrow:
        # Opening a thread closes the drawer.
        expect(person.threads).to_be_hidden()
    _fits(page, f"a thread opened from the list on a {screen}")


def _clear_of_the_top_bar(page: Page, toast: Locator) -> None:
    """A notification, once it has slid in, does not cover the bar's Threads and Rooms."""
    expect(toast).to_be_visible()
    settled = """() => {
      const bar = document.querySelector(".top-bar").getBoundingClientRect();
      const toast = document.querySelector("[data-sonner-toast]").getBoundingClientRect();
      return toast.top >= bar.bottom;
    }"""
    try:
        page.wait_for_function(settled, timeout=3_000)
    except PlaywrightTimeoutError:
        box = toast.bounding_box()
        raise AssertionError(f"a notification covers the top bar: {box}") from None


def _focus_stays_in(page: Page, panel: Locator, presses: int = 8) -> None:
    """Tab and Shift+Tab never reach the page behind an open drawer or sheet (it is inert,
    as behind a dialog). Past the panel's last control focus may leave the page, or reach the
    notifications, which are the app's, not the page's."""
    for key in ["Tab"] * presses + ["Shift+Tab"] * presses:
        page.keyboard.press(key)
        where = panel.evaluate(
            """(p) => {
              const active = document.activeElement;
              const behind = p.closest('.layout').contains(active) && !p.contains(active);
              return behind ? active.outerHTML.slice(0, 160) : "";
            }"""
        )
        assert not where, f"{key} reached the page behind the panel: {where}"


@pytest.fixture
def ask_first(app_database_url: str) -> Iterator[None]:
    """set_room_temperature back to its default policy after the test."""
    yield
    engine = create_engine(to_sync_url(app_database_url))
    with Session(engine) as session:
        session.exec(delete(ToolPolicy))  # type: ignore[call-overload]
        session.commit()
    engine.dispose()


def test_approval_and_the_admin_tabs_fit_the_screen(
    admin_tab: ChatPage, person: ChatPage, screen: str, ask_first: None
) -> None:
    admin = admin_tab.page
    admin.goto(admin_tab.base_url + "/admin")
    for name in ("Home", "Ledger", "Rooms", "Tools", "Feedback", "People", "Activity"):
        tab = admin.get_by_role("tab", name=name)
        assert_reachable(tab)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        _fits(admin, f"the admin's {name} tab on a {screen}")
    admin.get_by_role("tab", name="Tools").click()
    policy = admin.get_by_role("radiogroup", name="Policy for set_room_temperature")
    assert_reachable(policy)
    policy.get_by_role("radio", name="Ask first").click()
    expect(admin.get_by_text("set_room_temperature will ask first.")).to_be_visible()

    page = person.page
    target = 17 if person.room_celsius("bedroom") != 17 else 16
    person.send(f"set the bedroom to {target}")
    card = page.locator('.tool-card[data-tool="set_room_temperature"]')
    expect(card).to_have_attribute("data-status", "awaiting_approval")
    approve = card.get_by_role("button", name="Approve")
    assert_reachable(approve)
    assert_reachable(card.get_by_role("button", name="Deny"))
    _fits(page, f"a change waiting for approval on a {screen}")
    _screenshot(page, f"approval-{screen}")
    approve.click()
    reply = person.wait_until_answered()
    expect(reply.locator(".effect-card")).to_contain_text(f"to {target}")


def test_the_admin_board_fits_the_screen(admin_tab: ChatPage, screen: str) -> None:
    page = admin_tab.page
    page.goto(admin_tab.base_url + "/admin")
    board = page.locator(".board-room")
    expect(board.first).to_be_visible()
    assert board.count() >= 5
    for room in board.all():
        assert_reachable(room)
        celsius = room.get_by_role("spinbutton")
        box = celsius.bounding_box()
        assert box is not None and box["width"] >= 50, f"a Set input is {box} on a {screen}"
        assert_reachable(room.get_by_role("button", name="Set"))
    _fits(page, f"the admin board on a {screen}")
    _screenshot(page, f"admin-{screen}")

    bathroom = page.locator('.board-room[data-room="bathroom"]')
    now = float(bathroom.locator(".room-celsius").inner_text().replace("°C", ""))
    target = 21 if now != 21 else 22
    bathroom.get_by_role("spinbutton").fill(str(target))
    bathroom.get_by_role("button", name="Set").click()
    expect(bathroom.locator(".room-celsius")).to_have_text(f"{target} °C")


def test_api_tokens_fit_the_screen(person: ChatPage, screen: str) -> None:
    page = person.page
    page.goto(person.base_url + "/tokens")
    expect(page.get_by_role("button", name="Create token")).to_be_visible()
    _fits(page, f"the API tokens page on a {screen}")
    page.get_by_label("Name", exact=True).fill("kitchen tablet app")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Copy it now")).to_be_visible()
    _fits(page, f"a new API token on a {screen}")
    assert_reachable(page.get_by_role("button", name="Copy"))
    revoke = page.get_by_role("button", name="Revoke kitchen tablet app")
    assert_reachable(revoke)
    revoke.click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()


@pytest.mark.parametrize(
    ("screen", "scheme"), [("phone", "light"), ("desktop", "light"), ("desktop", "dark")]
)
def test_no_serious_accessibility_violations(
    browser: Browser, app_url: str, admin_name: str, screen: str, scheme: str
) -> None:
    # axe goes in as an inline script, which the pages' CSP rightly refuses: this context
    # alone ignores the CSP (the CSP itself is tested in test_page_security).
    context = _context(browser, screen, bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(app_url + "/login")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        found = {"sign-in": serious_accessibility_violations(page)}
        chat = ChatPage(page, app_url)
        chat.sign_in(admin_name)
        if screen in NARROW:
            _open_threads(chat)
        chat.new_thread()
        chat.ask("set the kitchen to 20")
        found["chat"] = serious_accessibility_violations(page)
        if screen in NARROW:
            _open_threads(chat)
            found["threads drawer"] = serious_accessibility_violations(page)
        page.goto(app_url + "/admin")
        expect(page.locator(".board-room").first).to_be_visible()
        found["admin"] = serious_accessibility_violations(page)
        page.get_by_role("tab", name="Ledger").click()
        expect(page.locator("tr[data-effect]").first).to_be_visible()
        found["admin ledger"] = serious_accessibility_violations(page)
    finally:
        context.close()
    assert not any(found.values()), json.dumps(found, indent=1)


def test_dark_mode_follows_the_system(browser: Browser, app_url: str) -> None:
    context = _context(browser, "phone", color_scheme="dark")
    try:
        chat = ChatPage(context.new_page(), app_url)
        chat.sign_up()
        page = chat.page
        expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
        # Hearth's own surfaces (the layout, the bar, the drawer) are dark too.
        for selector in (".layout", ".top-bar"):
            color = _background(page, selector)
            assert _brightness(color) < 3 * 60, f"{selector} is {color} in dark mode"
        _open_threads(chat)
        color = _background(page, ".sidebar")
        assert _brightness(color) < 3 * 60, f".sidebar is {color} in dark mode"
        _screenshot(page, "threads-phone-dark")
    finally:
        context.close()


def _background(page: Page, selector: str) -> str:
    """The background colour of what `selector` shows now. (React may swap the element for a new
    one while the page settles; a detached element's computed style is empty, so this asks again
    until the element is in the page.)"""
    color = page.wait_for_function(
        """s => {
          const e = document.querySelector(s);
          return (e && e.isConnected && getComputedStyle(e).backgroundColor) || null;
        }""",
        arg=selector,
    )
    return str(color.json_value())


def _brightness(color: str) -> int:
    red, green, blue = (int(c) for c in re.findall(r"\d+", color)[:3])
    return red + green + blue


def test_installable_with_an_offline_page(browser: Browser, app_url: str) -> None:
    context = _context(browser, "phone")
    page = context.new_page()
    csp_violations = watch_for_csp_violations(page)
    try:
        page.goto(app_url + "/login")
        manifest_href = page.locator('link[rel="manifest"]').get_attribute("href")
        manifest = page.request.get(app_url + str(manifest_href)).json()
        assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
        assert manifest["theme_color"] and manifest["background_color"]
        sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
        for icon in manifest["icons"]:
            image = page.request.get(app_url + icon["src"])
            assert image.ok and image.body()[:8] == b"\x89PNG\r\n\x1a\n", icon["src"]
        assert page.locator('meta[name="theme-color"]').count() == 2

        # The service worker registers under the CSP and takes the page over.
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == app_url + "/"
        assert not csp_violations, csp_violations
        # Online, a page comes from the server as ever (the app, not a cached copy).
        page.reload()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        context.set_offline(True)
        page.goto(app_url + "/chat/1")
        expect(page.get_by_role("heading", name="Hearth can't be reached")).to_be_visible()
        assert_no_sideways_scroll(page, "the offline page")
        _screenshot(page, "offline-phone")
        context.set_offline(False)
        page.get_by_role("link", name="Try again").click()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    finally:
        context.close()


def test_the_checks_catch_a_page_wider_than_the_screen(browser: Browser) -> None:
    context = _context(browser, "phone")
    try:
        page = context.new_page()
        page.set_content(
            '<body style="margin:0"><p>fits</p>'
            '<div style="width:600px"><button style="margin-left:450px">Far</button></div>'
        )
        with pytest.raises(AssertionError, match="600 px wide in a 390 px window"):
            assert_no_sideways_scroll(page, "a wide page")
        with pytest.raises(AssertionError, match=r"Far at x 450\.\.\d+"):
            assert_controls_in_sight(page, "a wide page")
    finally:
        context.close()
