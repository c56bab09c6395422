"""A scrolling box that follows new content only while the reader is at its bottom."""

from __future__ import annotations

import reflex as rx


class FollowScroll(rx.Component):
    """Follows growth at the bottom; scrolled up, offers "Jump to latest" (see
    assets/hearth_follow.jsx). A new `follow_key` (another thread) starts at the bottom; a
    new `jump_to` ("<message id>:<nonce>") scrolls that message into view and marks it."""

    library = "$/public/hearth_follow.jsx"
    tag = "FollowScroll"
    follow_key: rx.Var[str]
    jump_to: rx.Var[str]


follow_scroll = FollowScroll.create
