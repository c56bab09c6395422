"""The search box at the top of the threads, and the hits shown in place of the threads while
something is typed: each hit its thread's title, when, and the words around the match with
the matching ones marked (as text: a message's own markup is never rendered)."""

from __future__ import annotations

import reflex as rx

from app.ui.components.local_time import local_time
from app.ui.state.layout import LayoutState
from app.ui.state.search import SearchHitRow, SearchState, SnippetPart

SEARCH_ID = "thread-search"


def search_box() -> rx.Component:
    """Type to search (the hits follow a pause in the typing); Esc or ✕ clears."""
    return rx.box(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            rx.cond(
                SearchState.is_open,
                rx.input.slot(
                    rx.icon_button(
                        rx.icon("x", size=14),
                        size="1",
                        variant="ghost",
                        aria_label="Clear search",
                        on_click=SearchState.clear,
                    )
                ),
            ),
            value=SearchState.query,
            on_change=SearchState.set_query,
            # Esc here clears the search; it must not also close the drawer or stop a reply.
            on_key_down=lambda key, _info: [
                rx.stop_propagation,
                rx.cond(key == "Escape", SearchState.clear, rx.noop()),
            ],
            type="search",
            placeholder="Search your threads",
            aria_label="Search your threads",
            auto_complete=False,
            id=SEARCH_ID,
            width="100%",
        ),
        role="search",
        class_name="search-box",
    )


def _snippet_part(part: SnippetPart) -> rx.Component:
    return rx.cond(part.is_match, rx.el.mark(part.text), rx.el.span(part.text))


def _hit(hit: SearchHitRow) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.hstack(
                rx.text(hit.thread_title, class_name="search-hit-title"),
                rx.spacer(),
                rx.text(local_time(hit.created_at, "auto"), size="1", class_name="search-hit-when"),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.el.div(rx.foreach(hit.snippet, _snippet_part), class_name="search-snippet"),
            href=hit.href,
            class_name="search-hit",
            underline="none",
            # Not data-message-id / data-role: those mark the transcript's messages.
            data_hit_message_id=hit.message_id,
            data_hit_role=hit.role,
            # On a narrow screen the drawer closes as the thread opens.
            on_click=LayoutState.close_panels,
        )
    )


def search_results() -> rx.Component:
    """What the search found (or why it could not search), as a list of links."""
    return rx.el.section(
        rx.text(
            SearchState.summary,
            size="1",
            role="status",
            aria_live="polite",
            class_name="search-summary",
        ),
        rx.el.ul(rx.foreach(SearchState.hits, _hit), class_name="search-hits"),
        aria_label="Search results",
        class_name="search-results",
    )
