"""What a person does on the chat page, as steps the browser tests share."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import ConsoleMessage, Locator, Page, expect

PASSWORD = "a long password"


def watch_for_csp_violations(page: Page) -> list[str]:
    """Every Content-Security-Policy violation the page reports from now on (the console's
    messages, and the DOM's `securitypolicyviolation` events written to the console)."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + "
        "e.blockedURI));"
    )
    return seen


class ChatPage:
    """The chat page, driven through its accessible names."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.username = ""

    def sign_up(self, username: str = "", password: str = PASSWORD) -> str:
        """Create an account through the sign-up form; lands on a thread. Returns the name."""
        username = username or f"u{uuid.uuid4().hex[:12]}"
        self.page.goto(self.base_url + "/signup")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_label("Repeat the password").fill(password)
        self.page.get_by_role("button", name="Sign up").click()
        self.page.wait_for_url(re.compile(r"/chat/\d+$"))
        self.username = username
        return username

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        """Sign in through the form; lands on a thread."""
        self.page.goto(self.base_url + "/login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r"/chat/\d+$"))
        self.username = username

    def sign_out(self) -> None:
        """Press Sign out; lands on the sign-in page."""
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url(re.compile(r"/login$"))

    @property
    def composer(self) -> Locator:
        return self.page.get_by_role("textbox", name="Message")

    @property
    def threads(self) -> Locator:
        return self.page.get_by_role("navigation", name="Threads")

    @property
    def assistant_messages(self) -> Locator:
        return self.page.locator('[data-role="assistant"]')

    @property
    def user_messages(self) -> Locator:
        return self.page.locator('[data-role="user"]')

    def open_new_thread(self) -> int:
        """Start from `/`, then open a fresh thread; returns its id."""
        self.page.goto(self.base_url + "/")
        self.page.wait_for_url(re.compile(r"/chat/\d+$"))
        return self.new_thread()

    def new_thread(self) -> int:
        """Press New thread (in the threads drawer on a narrow screen) and wait for the empty
        thread; returns its id."""
        new = self.page.get_by_role("button", name="New thread", exact=True)
        if not new.is_visible():
            self.page.get_by_role("button", name="Threads", exact=True).click()
        new.click()
        expect(self.page.locator("[data-role]")).to_have_count(0)
        expect(self.page.get_by_text("What can I do for your home?")).to_be_visible()
        return self.thread_id

    @property
    def thread_id(self) -> int:
        match = re.search(r"/chat/(\d+)$", self.page.url)
        assert match, f"not on a thread page: {self.page.url}"
        return int(match.group(1))

    def type(self, text: str) -> None:
        """Type into the composer and wait until the app has it."""
        self.composer.fill(text)
        expect(self.composer).to_have_value(text)

    def send(self, text: str) -> None:
        """Type and press Enter; returns once the user's message is shown."""
        before = self.user_messages.count()
        self.type(text)
        self.composer.press("Enter")
        expect(self.user_messages).to_have_count(before + 1)

    def wait_until_answered(self) -> Locator:
        """Wait for the run to end (Send is back); returns the newest assistant message."""
        expect(self.page.get_by_role("button", name="Send")).to_be_visible(timeout=30_000)
        expect(self.page.locator(".live-text")).to_have_count(0)
        return self.assistant_messages.last

    def ask(self, text: str) -> Locator:
        """Send and wait for the whole answer."""
        before = self.assistant_messages.count()
        self.send(text)
        expect(self.assistant_messages).to_have_count(before + 1)
        return self.wait_until_answered()

    def room_celsius(self, room: str) -> float:
        """The temperature the rooms panel shows for a room (also while the panel waits,
        closed, behind its button on a narrow screen: hence the text, not the rendered text)."""
        cell = self.page.locator(f'[data-room="{room}"] .room-celsius')
        return float((cell.text_content() or "").replace("°C", "").strip())


def expect_local_time(moment: Locator, zone: str) -> datetime:
    """A `<time>` shows its moment in `zone` (as en-US Intl writes it) and names the zone on
    hover; returns the moment."""
    expect(moment).to_have_attribute(
        "title", re.compile(re.escape(zone) + r" \(UTC[+-]\d\d:\d\d\)")
    )
    at = datetime.fromisoformat(moment.get_attribute("datetime") or "").astimezone(ZoneInfo(zone))
    clock = at.strftime("%I:%M")
    text = moment.inner_text()
    assert clock in text, f"{text!r} does not show {clock}, the time in {zone} of {at.isoformat()}"
    assert text.count(":") >= 1 and "UTC" not in text
    return at
