"""What every page's head carries to be installable: the web manifest, the icons, the theme
colour (light and dark), and the service worker's registration (an external script under
the pages' CSP: `'self'`, no inline code)."""

from __future__ import annotations

import reflex as rx

# The browser's bar above the page: the page's own background, light or dark (Radix sand-2).
THEME_COLORS = {"light": "#f9f9f8", "dark": "#191918"}


def head_components() -> list[rx.Component]:
    """The tags `rx.App(head_components=...)` puts in every page's head."""
    return [
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        *[
            rx.el.meta(name="theme-color", content=color, media=f"(prefers-color-scheme: {scheme})")
            for scheme, color in THEME_COLORS.items()
        ],
        rx.el.link(rel="icon", href="/icons/icon-192.png", type="image/png", sizes="192x192"),
        rx.el.link(rel="apple-touch-icon", href="/icons/apple-touch-icon.png"),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),
        rx.el.script(src="/register-sw.js", async_=True),
        # Pasting files attaches them (the composer's drop zone takes them).
        rx.el.script(src="/hearth_attach.js", defer=True),
    ]
