"""Pushes streamed text to one tab as a bare socket.io event on Reflex's own connection.

A Reflex frontend event (`rx.call_script`) costs ~120 bytes of envelope per flush; the bare
event `["text", key, text, offset]` costs ~30, so a reply's bytes stay close to its own length.
It rides the same socket as Reflex's updates, so it stays in order with them.
"""

from __future__ import annotations

import asyncio

import reflex as rx

# The socket.io event that carries streamed text; short, since every flush sends it.
TEXT_EVENT = "text"

_app: rx.App | None = None


def bind(app: rx.App) -> None:
    """Remember the app whose socket server carries the text (called once by app/app.py)."""
    global _app
    _app = app


async def push_text(client_token: str, stream_key: str, text: str, offset: int) -> bool:
    """Send text to a tab whose socket is on this worker; False if it is not connected here."""
    namespace = _app.event_namespace if _app is not None else None
    sid = namespace.token_to_sid.get(client_token) if namespace is not None else None
    if namespace is None or sid is None:
        return False
    await namespace.emit(TEXT_EVENT, (stream_key, text, offset), to=sid)
    # Let the websocket writer flush before the next chunk is computed.
    await asyncio.sleep(0)
    return True
