"""API tokens in a real browser: create one (shown once), use it over HTTP, revoke it."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.api_server import run_client
from tests.ui.chat_page import ChatPage, expect_local_time
from tests.ui.conftest import NEW_YORK

pytestmark = pytest.mark.browser


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _clipboard_when_settled(page: Page, timeout_s: float = 5.0) -> str:
    """The clipboard's text once it is no longer empty (the write is asynchronous)."""
    deadline = time.monotonic() + timeout_s
    text = ""
    while not text and time.monotonic() < deadline:
        text = page.evaluate("navigator.clipboard.readText()")
        if not text:
            page.wait_for_timeout(100)
    return text


def test_create_use_and_revoke_a_token(chat: ChatPage, app_url: str) -> None:
    page = chat.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url(re.compile(r"/tokens$"))
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    # No name: refused, saying what to do.
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the token a name")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Name").fill("kitchen tablet")
    page.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("status").filter(has_text="Copy it now")
    expect(shown).to_contain_text("kitchen tablet")
    token = page.locator(".new-token").inner_text()
    assert re.fullmatch(r"hth_[A-Za-z0-9_-]{43}", token), token
    shown.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Token copied.")).to_be_visible()
    assert _clipboard_when_settled(page) == token
    row = page.locator('[data-token="kitchen tablet"]')
    expect(row).to_contain_text(token[:12] + "…")
    expect(row).to_contain_text("never")
    expect(row).to_contain_text("no expiry")

    # The token works for both clients' own code against the running app (the offline
    # assistant behind it), and the runs land in this person's threads.
    # (Reading only: the other browser tests share this app's rooms.)
    said = run_client("use-chat", app_url, token, "tablet-1", say="how warm is the bedroom?")
    tool = next(p for p in said["messages"][-1]["parts"] if p["type"].startswith("tool-"))
    assert (tool["type"], tool["state"]) == ("tool-get_room_temperature", "output-available")
    assert tool["output"]["room"] == "bedroom"
    shown = run_client("assistant-ui", app_url, token, "tablet-2", say="/say Hello from the tablet")
    assert shown["protocol"] == "data-stream"
    content = shown["message"]["content"]
    assert [(p["type"], p["text"]) for p in content] == [("text", "Hello from the tablet")]

    # Shown once: after a reload only the start of it is listed, now with a last use.
    page.reload()
    expect(page.locator(".new-token")).to_have_count(0)
    expect(row).not_to_contain_text("never")
    page.get_by_role("link", name="Back to chat").click()
    expect(chat.threads).to_contain_text("Hello from the tablet")
    expect(chat.threads).to_contain_text("how warm is the bedroom?")
    page.goto(app_url + "/tokens")

    # Revoke asks first; Cancel keeps it.
    row.get_by_role("button", name="Revoke kitchen tablet").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Apps using “kitchen tablet” will be refused")
    dialog.get_by_role("button", name="Cancel").click()
    expect(row).to_be_visible()
    row.get_by_role("button", name="Revoke kitchen tablet").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Revoked “kitchen tablet”")).to_be_visible()
    expect(row).to_have_count(0)
    with httpx.Client(base_url=app_url, timeout=30) as client:
        refused = client.get("/api/threads", headers=_bearer(token))
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]


def test_signed_out_visitors_cannot_see_tokens(chat: ChatPage, app_url: str) -> None:
    chat.sign_out()
    chat.page.goto(app_url + "/tokens")
    chat.page.wait_for_url(re.compile(r"/login$"))


def test_a_token_made_to_expire_lists_when_in_the_readers_zone(
    chat_in_new_york: ChatPage, app_url: str
) -> None:
    page = chat_in_new_york.page
    page.goto(app_url + "/tokens")
    page.get_by_label("Name").fill("for a month")
    page.get_by_label("Expires after").select_option("Expires in 30 days")
    page.get_by_role("button", name="Create token").click()
    row = page.locator('[data-token="for a month"]')
    expect(row).not_to_contain_text("no expiry")
    expect(row.locator("time")).to_have_count(2)
    created, expires = row.locator("time").all()
    made = expect_local_time(created, NEW_YORK)
    assert abs(expect_local_time(expires, NEW_YORK) - made - timedelta(days=30)) < timedelta(
        minutes=1
    )
    expect(page.get_by_role("columnheader", name="Expires", exact=True)).to_be_visible()
