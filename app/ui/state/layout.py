"""Which side panel is open on a narrow screen: the threads drawer or the rooms sheet.

On a wide screen both panels are always in view and these flags change nothing (the CSS
only reads them below its narrow breakpoint).
"""

from __future__ import annotations

import reflex as rx

# The buttons focus moves between as a panel opens and closes.
THREADS_OPEN_ID, THREADS_CLOSE_ID = "threads-open", "threads-close"
ROOMS_OPEN_ID, ROOMS_CLOSE_ID = "rooms-open", "rooms-close"

# Focus once the element shows: the panel becomes visible only when the browser has rendered
# the new state, which can be after this event's reply arrives (tried for about half a second).
_FOCUS_WHEN_SHOWN = """(function focus(tries) {
  const el = document.getElementById(%r);
  if (el && getComputedStyle(el).visibility === "visible" && el.offsetParent !== null) el.focus();
  else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
})(30)"""


def focus_when_shown(element_id: str) -> rx.event.EventSpec:
    """Move the keyboard focus to an element as soon as it is shown."""
    return rx.call_script(_FOCUS_WHEN_SHOWN % element_id)


class LayoutState(rx.State):
    """At most one panel open at a time; navigating anywhere closes it."""

    threads_open: bool = False
    rooms_open: bool = False

    @rx.event
    def open_threads(self) -> rx.event.EventSpec:
        """Slide the threads drawer in (closing the rooms sheet); focus moves into it."""
        self.threads_open, self.rooms_open = True, False
        return focus_when_shown(THREADS_CLOSE_ID)

    @rx.event
    def open_rooms(self) -> rx.event.EventSpec:
        """Slide the rooms sheet in (closing the threads drawer); focus moves into it."""
        self.threads_open, self.rooms_open = False, True
        return focus_when_shown(ROOMS_CLOSE_ID)

    @rx.event
    def close_panels(self) -> None:
        """Close whichever panel is open (on navigating: focus goes where the page puts it)."""
        self.threads_open, self.rooms_open = False, False

    @rx.event
    def dismiss_panels(self) -> rx.event.EventSpec | None:
        """Close the open panel (✕, Esc, a tap beside it); focus returns to its button."""
        opener = THREADS_OPEN_ID if self.threads_open else ROOMS_OPEN_ID
        was_open = self.threads_open or self.rooms_open
        self.threads_open, self.rooms_open = False, False
        return focus_when_shown(opener) if was_open else None
