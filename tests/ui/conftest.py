"""The real app in production mode on a free port, and headless Debian Chromium driving it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.fakes.openai_server import FakeOpenAI
from tests.support.app_server import database_url_for, start_app, stop_app
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui.chat_page import PASSWORD, ChatPage

# A front end elsewhere that the browser tests' app lets in (HEARTH_CORS_ORIGINS).
LISTED_ORIGIN = "http://assistant-ui.test:5173"


@pytest.fixture(scope="session")
def app_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests' app keeps its database and log."""
    return tmp_path_factory.mktemp("app")


@pytest.fixture(scope="session")
def app_database_url(app_folder: Path) -> str:
    """The app's own database, for tests that set up what a UI cannot (long threads)."""
    return database_url_for(app_folder)


@pytest.fixture(scope="session")
def app_url(app_folder: Path, app_database_url: str) -> Iterator[str]:
    """The app, with the offline assistant slowed enough to press Stop mid-reply, and its
    admin made first (so people signing up in the tests are never the first account)."""
    url, proc = start_app(
        app_folder,
        {
            "HEARTH_OFFLINE_CHUNK_DELAY_S": "0.06",
            "HEARTH_PROVIDER_FACTORY": "tests.fakes.echo_provider:build",
            "HEARTH_CORS_ORIGINS": LISTED_ORIGIN,
        },
    )
    try:
        _create_admin(app_database_url, ADMIN)
        yield url
    finally:
        stop_app(proc)


ADMIN = "root"


def _create_admin(database_url: str, name: str) -> None:
    """An admin made the way a host can make one: the create-admin command."""
    env = {**os.environ, "HEARTH_DATABASE_URL": database_url, "HEARTH_NEW_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "app.accounts.cli", "create-admin", name]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert f"Created admin '{name}'" in done.stdout


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server for a module's own app (see `FakeOpenAI.app_env`)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; one per module, because Playwright's sync API keeps an
    event loop running while it is started, and async tests in later modules need their own."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own tab storage) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def chat(page: Page, app_url: str) -> ChatPage:
    """The chat page of a person who has just signed up."""
    chat = ChatPage(page, app_url)
    chat.sign_up()
    return chat


@pytest.fixture
def second_tab(browser: Browser, chat: ChatPage, app_url: str) -> Iterator[ChatPage]:
    """Another tab of the same signed-in person (its own tab state, the same session)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 860}, storage_state=chat.page.context.storage_state()
    )
    context.set_default_timeout(20_000)
    other = ChatPage(context.new_page(), app_url)
    other.username = chat.username
    yield other
    context.close()


@pytest.fixture(scope="session")
def admin_name(app_url: str) -> str:
    """The app's admin (made by the create-admin command when the app started)."""
    return ADMIN


@pytest.fixture
def admin(browser: Browser, app_url: str, admin_name: str) -> Iterator[ChatPage]:
    """A second browser, signed in as the admin."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    tab = ChatPage(context.new_page(), app_url)
    tab.sign_in(admin_name)
    yield tab
    context.close()


# A zone away from UTC (the server's), for tests of times shown in the reader's own zone.
NEW_YORK = "America/New_York"


@pytest.fixture
def admin_in_new_york(browser: Browser, app_url: str, admin_name: str) -> Iterator[ChatPage]:
    """The admin, signed in from a browser whose time zone is New York's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id=NEW_YORK)
    context.set_default_timeout(20_000)
    tab = ChatPage(context.new_page(), app_url)
    tab.sign_in(admin_name)
    yield tab
    context.close()


@pytest.fixture
def chat_in_new_york(browser: Browser, app_url: str) -> Iterator[ChatPage]:
    """A person who has just signed up, from a browser whose time zone is New York's."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, timezone_id=NEW_YORK)
    context.set_default_timeout(20_000)
    chat = ChatPage(context.new_page(), app_url)
    chat.sign_up()
    yield chat
    context.close()
