"""Hearth's Reflex app: pages and start-up tasks (wiring only)."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.api.routes import build_api
from app.api.security_headers import security_headers
from app.assistant.sweeper import sweep_stale_runs
from app.assistant.understanding.parser import Understanding
from app.logs import configure_logging
from app.services import get_services
from app.settings import get_settings
from app.ui import live_runs
from app.ui.components.stream import hearth_stream_root
from app.ui.frontend import built_frontend_dir
from app.ui.head import head_components
from app.ui.pages.admin import admin_page, admin_thread_page
from app.ui.pages.chat import chat_page
from app.ui.pages.login import login_page, signup_page
from app.ui.pages.tokens import tokens_page
from app.ui.state.admin import AdminState
from app.ui.state.admin_manage import AdminThreadState
from app.ui.state.auth import LOGIN_ROUTE, SIGNUP_ROUTE, LoginState
from app.ui.state.chat import ChatState
from app.ui.state.layout import LayoutState
from app.ui.state.tokens import TOKENS_ROUTE, TokensState
from app.ui.state_locks import make_state_locks_cancel_safe
from app.ui.websocket import admit_origins


async def _sweep_stale_runs() -> None:
    services = get_services()
    await sweep_stale_runs(
        services.sessions, services.settings.run_stale_after_s, services.settings.sweep_interval_s
    )


async def _warm_up_understanding() -> None:
    # In a thread: loading the sentences takes about a second of CPU.
    await asyncio.to_thread(Understanding(get_settings().language).warm_up)


configure_logging(get_settings())
make_state_locks_cancel_safe()

app = rx.App(
    # Hearth's routes first, then the headers around everything (pages, API, websocket).
    api_transformer=[build_api(), security_headers(built_frontend_dir)],
    stylesheets=["/hearth.css"],
    # Top centre: clear of the composer's Send and Stop (bottom right) at every width.
    toaster=rx.toast.provider(position="top-center"),
    # Installable: manifest, icons, theme colour, the offline page's service worker.
    head_components=head_components(),
    # In the root, not in a page: streamed text can arrive before a page's code has loaded.
    extra_app_wraps={(50, "HearthStreamRoot"): lambda _stateful: hearth_stream_root()},
)
# A narrow screen's drawer or sheet is closed on every arrival (a thread link, Back).
app.add_page(
    chat_page, route="/", on_load=[ChatState.open_home, LayoutState.close_panels], title="Hearth"
)
app.add_page(
    chat_page,
    route="/chat/[thread_id]",
    on_load=[ChatState.load_thread, LayoutState.close_panels],
    title="Hearth",
)
app.add_page(login_page, route=LOGIN_ROUTE, on_load=LoginState.open_form, title="Sign in · Hearth")
app.add_page(
    signup_page, route=SIGNUP_ROUTE, on_load=LoginState.open_form, title="Sign up · Hearth"
)
app.add_page(admin_page, route="/admin", on_load=AdminState.open_admin, title="Admin · Hearth")
app.add_page(
    admin_thread_page,
    route="/admin/thread/[admin_thread_id]",
    on_load=AdminThreadState.open_thread,
    title="Thread · Hearth admin",
)
app.add_page(
    tokens_page, route=TOKENS_ROUTE, on_load=TokensState.open_tokens, title="API tokens · Hearth"
)
admit_origins(app, get_settings().allowed_origins)
app.register_lifespan_task(_sweep_stale_runs)
app.register_lifespan_task(_warm_up_understanding)
live_runs.bind(app)
