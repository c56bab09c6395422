"""Hearth's Reflex app: pages and start-up tasks (wiring only)."""

from __future__ import annotations

import reflex as rx

from app.assistant.sweeper import sweep_stale_runs
from app.services import get_services
from app.ui import live_text
from app.ui.components.stream import hearth_stream_root
from app.ui.pages.chat import chat_page
from app.ui.state.chat import ChatState


async def _sweep_stale_runs() -> None:
    services = get_services()
    await sweep_stale_runs(
        services.sessions, services.settings.run_stale_after_s, services.settings.sweep_interval_s
    )


app = rx.App(
    stylesheets=["/hearth.css"],
    # In the root, not in a page: streamed text can arrive before a page's code has loaded.
    extra_app_wraps={(50, "HearthStreamRoot"): lambda _stateful: hearth_stream_root()},
)
app.add_page(chat_page, route="/", on_load=ChatState.open_home, title="Hearth")
app.add_page(chat_page, route="/chat/[thread_id]", on_load=ChatState.load_thread, title="Hearth")
app.register_lifespan_task(_sweep_stale_runs)
live_text.bind(app)
