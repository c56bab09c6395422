"""Edit, regenerate, the branch picker and Copy, as a person uses them in the browser."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from tests.ui.chat_page import ChatPage


def _picker(message: Locator) -> Locator:
    return message.locator(".branch-position")


def test_regenerate_in_place_switch_versions_live_and_copy_markdown(
    chat: ChatPage, second_tab: ChatPage, app_url: str
) -> None:
    chat.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    chat.open_new_thread()
    reply = chat.ask("/say Kept **as written**, with `code`.")
    expect(reply.locator("strong")).to_have_text("as written")
    reply.get_by_role("button", name="Copy").click()
    copied = chat.page.evaluate("navigator.clipboard.readText()")
    assert copied == "Kept **as written**, with `code`."

    second_tab.page.goto(f"{app_url}/chat/{chat.thread_id}")
    expect(second_tab.assistant_messages).to_have_count(1)

    reply.get_by_role("button", name="Regenerate").click()
    reply = chat.wait_until_answered()
    # In place: the question is not repeated, the reply is its second version.
    expect(chat.user_messages).to_have_count(1)
    expect(chat.assistant_messages).to_have_count(1)
    expect(_picker(chat.assistant_messages.last)).to_have_text("2/2")
    # The other tab follows the new version.
    expect(_picker(second_tab.assistant_messages.last)).to_have_text("2/2")

    chat.assistant_messages.last.get_by_role("button", name="Previous version").click()
    expect(_picker(chat.assistant_messages.last)).to_have_text("1/2")
    # Switching is live on the other tab too, and survives a reload.
    expect(_picker(second_tab.assistant_messages.last)).to_have_text("1/2")
    chat.page.reload()
    expect(_picker(chat.assistant_messages.last)).to_have_text("1/2")
    # Copy on the person's own message too.
    chat.user_messages.last.get_by_role("button", name="Copy").click()
    copied = chat.page.evaluate("navigator.clipboard.readText()")
    assert copied == "/say Kept **as written**, with `code`."


def test_edit_asks_before_leaving_a_change_behind_and_keeps_the_old_version(
    chat: ChatPage,
) -> None:
    chat.open_new_thread()
    before = chat.room_celsius("kitchen")
    first, second = before + 1.5, before + 2.5
    reply = chat.ask(f"set the kitchen to {first:g}")
    expect(reply.locator(".effect-card")).to_have_count(1)

    chat.user_messages.last.get_by_role("button", name="Edit").click()
    box = chat.page.get_by_role("textbox", name="Edit your message")
    expect(box).to_have_value(f"set the kitchen to {first:g}")
    box.fill(f"set the kitchen to {second:g}")
    chat.page.locator(".edit-box").get_by_role("button", name="Send").click()

    dialog = chat.page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"the kitchen from {before:g} to {first:g} °C")
    dialog.get_by_role("button", name="Undo them and send the edit").click()
    expect(dialog).to_have_count(0)
    expect(chat.page.get_by_text(f"Undone: the kitchen is back at {before:g} °C.")).to_be_visible()
    reply = chat.wait_until_answered()
    expect(chat.user_messages).to_have_count(1)
    expect(chat.user_messages.last.locator(".user-text")).to_have_text(
        f"set the kitchen to {second:g}"
    )
    expect(_picker(chat.user_messages.last)).to_have_text("2/2")
    expect(reply.locator(".effect-text")).to_contain_text(f"from {before:g} to {second:g}")

    # The first version is still there, its change marked undone.
    chat.user_messages.last.get_by_role("button", name="Previous version").click()
    expect(chat.user_messages.last.locator(".user-text")).to_have_text(
        f"set the kitchen to {first:g}"
    )
    expect(chat.assistant_messages.last.locator(".effect-card")).to_have_attribute(
        "data-undone", "true"
    )

    # Regenerating the kept version's reply leaves nothing behind (its change is undone):
    # no question asked.
    chat.assistant_messages.last.get_by_role("button", name="Regenerate").click()
    chat.wait_until_answered()
    expect(chat.page.get_by_role("alertdialog")).to_have_count(0)
    expect(_picker(chat.assistant_messages.last)).to_have_text("2/2")
