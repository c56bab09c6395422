"""Which side panel is open on a narrow screen: the threads drawer or the rooms sheet.

On a wide screen both panels are always in view and these flags change nothing (the CSS
only reads them below its narrow breakpoint).
"""

from __future__ import annotations

import reflex as rx


class LayoutState(rx.State):
    """At most one panel open at a time; navigating anywhere closes it."""

    threads_open: bool = False
    rooms_open: bool = False

    @rx.event
    def open_threads(self) -> None:
        """Slide the threads drawer in (closing the rooms sheet)."""
        self.threads_open, self.rooms_open = True, False

    @rx.event
    def open_rooms(self) -> None:
        """Slide the rooms sheet in (closing the threads drawer)."""
        self.threads_open, self.rooms_open = False, True

    @rx.event
    def close_panels(self) -> None:
        """Close whichever panel is open."""
        self.threads_open, self.rooms_open = False, False
