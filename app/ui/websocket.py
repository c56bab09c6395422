"""Who may open the app's websocket (Reflex's `/_event`)."""

from __future__ import annotations

import reflex as rx

from app.api.origins import OriginPolicy


def admit_origins(app: rx.App, listed: tuple[str, ...]) -> None:
    """Let in the app's own origin and the listed ones, and refuse every other page.

    Reflex hands socket.io its `cors_allowed_origins`, which never names the app's own origin
    when no public address is set (`make run`), and admits every origin when it is empty.
    """
    if app.sio is None:
        raise RuntimeError("the app has no websocket to guard (rx.App(enable_state=False)?)")
    app.sio.eio.cors_allowed_origins = OriginPolicy(listed)
