"""Drive Reflex event handlers through Reflex's own event processor, as a browser would,
but with any arguments at all: how the isolation and admin checks are tested."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import reflex as rx
from reflex.event import Event
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event.processor import BaseStateEventProcessor

from app.ui.state.auth import AuthState
from app.ui.state.chat import ChatState

# How long a chain that goes on (a watcher) runs before it is cut off: long enough for the
# event's own work on a busy machine (two cores shared with everything else).
SETTLE_S = 2.0


class _Frontend:
    """Stands in for the websocket namespace: keeps what the server sends each tab."""

    def __init__(self) -> None:
        self.events: dict[str, list[Event]] = {}

    async def emit_update(self, update: Any, token: str) -> None:
        self.events.setdefault(token, []).extend(update.events)


class Browser:
    """One browser tab (a client token) sending events with a given session token."""

    def __init__(
        self,
        processor: BaseStateEventProcessor,
        manager: StateManagerMemory,
        frontend: _Frontend,
        name: str,
    ) -> None:
        self.processor, self.manager, self.token = processor, manager, f"tab-{name}"
        self._frontend = frontend

    def frontend_events(self) -> list[Event]:
        """The events the server sent this tab to run in the browser (toasts, redirects)."""
        return list(self._frontend.events.get(self.token, []))

    def toasts(self) -> list[str]:
        """The toasts shown in this tab, as the script that shows each."""
        return [
            e.payload["function"]
            for e in self.frontend_events()
            if e.name == "_call_function" and "__toast" in str(e.payload.get("function"))
        ]

    def redirects(self) -> list[str]:
        """The paths this tab was sent to."""
        return [e.payload["path"] for e in self.frontend_events() if e.name == "_redirect"]

    async def sign_in_with(self, session_token: str) -> None:
        """What the browser's local storage holds (any token, valid or not)."""
        # The first event of a tab builds its state afresh (hydration): connect first.
        await self.send(ChatState.set_prompt(""))
        auth = await self.state(AuthState)
        auth.session_token = session_token

    async def state(self, cls: type[rx.State]) -> Any:
        root = await self.manager.get_state(rx.BaseStateToken(ident=self.token, cls=rx.State))
        return await root.get_state(cls)

    async def send(
        self,
        event: Any,
        path: str = "/",
        client_ip: str = "",
        settle_s: float = SETTLE_S,
        **params: str,
    ) -> list[dict[str, Any]]:
        """Send one event (an `EventSpec` such as `ChatState.undo(7)`) and wait for its whole
        chain, or for `settle_s` when the chain goes on (a tab watching a run), after which
        the chain is cancelled as a closed tab's is; returns the deltas. `client_ip` is the
        address Reflex gives `router.session.client_ip`."""
        (spec,) = Event.from_event_type(event)
        routed = Event(
            name=spec.name,
            payload=spec.payload,
            router_data={"pathname": path, "query": params, "asPath": path, "ip": client_ip},
        )
        deltas: list[dict[str, Any]] = []
        stream = self.processor.enqueue_stream_delta(self.token, routed)
        try:
            async with asyncio.timeout(settle_s):
                async for delta in stream:
                    deltas.append(delta)
        except TimeoutError:
            pass
        finally:
            await stream.aclose()
        return deltas


@asynccontextmanager
async def browsers() -> AsyncIterator[Any]:
    """A factory of browser tabs sharing one in-memory state manager."""
    manager, frontend = StateManagerMemory(), _Frontend()
    processor = BaseStateEventProcessor().configure(
        state_manager=manager,
        event_namespace=frontend,  # type: ignore[arg-type]
    )
    async with processor:
        yield lambda name: Browser(processor, manager, frontend, name)
