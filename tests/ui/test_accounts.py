"""Accounts in a real browser: sign up, sign in, sign out, refusals, and two people apart."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.chat_page import PASSWORD, ChatPage

pytestmark = pytest.mark.browser


def _name() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def test_signed_out_visitors_are_sent_to_sign_in(page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    page.wait_for_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(app_url + "/chat/1")
    page.wait_for_url(re.compile(r"/login$"))


def test_sign_up_refusals_say_why_and_keep_what_was_typed(page: Page, app_url: str) -> None:
    page.goto(app_url + "/signup")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("'x' is not a valid username; use 3 to 40")
    expect(page.get_by_label("Username")).to_have_value("x")

    page.get_by_label("Username").fill(_name())
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("A password needs at least 8 characters")

    page.get_by_label("Password", exact=True).fill("12345678")
    page.get_by_label("Repeat the password").fill("12345678")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "That password is too easy to guess. This is a top-10 common password."
    )

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD + "!")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords differ")


def test_sign_up_sign_out_and_sign_in_again(page: Page, app_url: str) -> None:
    chat = ChatPage(page, app_url)
    name = chat.sign_up()
    expect(page.get_by_role("navigation", name="Threads")).to_be_visible()
    expect(page.locator(".account-name")).to_have_text(name)
    chat.ask("set the kitchen to 20")

    chat.sign_out()
    # The token is revoked on the server: going back shows nothing of hers.
    page.goto(app_url + "/")
    page.wait_for_url(re.compile(r"/login$"))

    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")

    chat.sign_in(name.upper())
    expect(chat.threads.get_by_role("link", name="set the kitchen to 20")).to_be_visible()


def test_two_people_see_only_their_own_threads(chat: ChatPage, browser: Browser) -> None:
    chat.open_new_thread()
    chat.ask("what's the temperature in the kitchen?")
    alice_thread = chat.thread_id

    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(20_000)
    try:
        bob = ChatPage(context.new_page(), chat.base_url)
        bob.sign_up()
        expect(bob.threads.get_by_role("link")).to_have_count(1)  # his own empty thread
        expect(bob.threads).not_to_contain_text("what's the temperature in the kitchen?")
        # Alice's thread by its address: refused, and Bob lands on his own.
        bob.page.goto(f"{chat.base_url}/chat/{alice_thread}")
        expect(bob.page.get_by_text(f"Thread {alice_thread} not found")).to_be_visible()
        bob.page.wait_for_url(
            lambda url: (
                re.search(r"/chat/\d+$", url) is not None
                and not url.endswith(f"/chat/{alice_thread}")
            )
        )
        expect(bob.page.locator("[data-role]")).to_have_count(0)
        assert bob.thread_id != alice_thread
    finally:
        context.close()
    expect(
        chat.threads.get_by_role("link", name="what's the temperature in the kitchen?")
    ).to_be_visible()


def test_a_non_admin_is_sent_away_from_admin(chat: ChatPage) -> None:
    expect(chat.page.get_by_role("link", name="Admin")).to_have_count(0)
    chat.page.goto(chat.base_url + "/admin")
    refusal = chat.page.get_by_text("Only admins can open the admin view.")
    expect(refusal).to_be_visible(timeout=10_000)
    chat.page.wait_for_url(re.compile(r"/chat/\d+$"))
    expect(chat.page.get_by_role("region", name="Room board")).to_have_count(0)
