"""The sidebar: threads newest first, new, rename, delete (with confirmation)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.accounts.sessions import user_for_token
from app.assistant import threads
from app.assistant.errors import AssistantError
from app.db.models import User
from app.services import get_services
from app.ui.moments import iso_utc
from app.ui.state.auth import AuthState, signed_in


@dataclass
class ThreadRow:
    """One thread in the sidebar."""

    id: int
    title: str
    href: str
    # Last activity (ISO UTC), and the row above's: the page groups by day in its own zone.
    active_at: str = ""
    previous_active_at: str = ""


def thread_href(thread_id: int) -> str:
    """Where a thread lives."""
    return f"/chat/{thread_id}"


# The query parameter naming the message a thread opens at (scrolled to and marked).
JUMP_PARAMETER = "message"


def message_href(thread_id: int, message_id: int) -> str:
    """Where a thread opens at one of its messages (a search hit)."""
    return f"{thread_href(thread_id)}?{JUMP_PARAMETER}={message_id}"


async def _rows_for(session_token: str) -> list[ThreadRow]:
    """The sidebar rows of the person this token belongs to (none if signed out)."""
    async with get_services().sessions() as session:
        user = await user_for_token(session, session_token)
        if user is None:
            return []
        rows = await threads.list_threads(session, user.id or 0)
    moments = [iso_utc(t.updated_at) for t in rows]
    return [
        ThreadRow(t.id or 0, t.title, thread_href(t.id or 0), moment, previous)
        for t, moment, previous in zip(rows, moments, ["", *moments], strict=False)
    ]


class ThreadsState(AuthState):
    """The list of threads and the rename/delete dialogs."""

    threads: list[ThreadRow] = []
    renaming_id: int = 0
    rename_title: str = ""
    deleting_id: int = 0
    deleting_title: str = ""

    @rx.event(background=True)
    async def refresh(self):
        """Reload the person's thread list (read outside the state lock)."""
        async with self:
            token = self.session_token
        rows = await _rows_for(token)
        async with self:
            self.threads = rows

    async def _reload(self) -> None:
        """Reload the list inside a handler that already holds the lock."""
        self.threads = await _rows_for(self.session_token)

    @rx.event
    @signed_in
    async def new_thread(self, user: User):
        """Open an empty thread (reusing one that is still empty)."""
        async with get_services().sessions() as session:
            thread = await threads.open_empty_thread(session, user.id or 0)
        await self._reload()
        return rx.redirect(thread_href(thread.id or 0))

    @rx.event
    def start_rename(self, thread_id: int, title: str) -> None:
        """Open the rename dialog for a thread."""
        self.renaming_id, self.rename_title = thread_id, title

    @rx.event
    def set_rename_title(self, title: str) -> None:
        """Track the title being typed."""
        self.rename_title = title

    @rx.event
    def cancel_rename(self) -> None:
        """Close the rename dialog without changes."""
        self.renaming_id = 0

    @rx.event
    @signed_in
    async def confirm_rename(self, user: User, form_data: dict | None = None):
        """Save the new title; a bad one keeps the dialog open and says why."""
        title = (form_data or {}).get("title", self.rename_title)
        try:
            async with get_services().sessions() as session:
                await threads.rename_thread(session, self.renaming_id, user.id or 0, title)
        except AssistantError as exc:
            self.rename_title = title
            return rx.toast.error(str(exc))
        self.renaming_id = 0
        await self._reload()
        return None

    @rx.event
    def start_delete(self, thread_id: int, title: str) -> None:
        """Ask for confirmation before deleting a thread."""
        self.deleting_id, self.deleting_title = thread_id, title

    @rx.event
    def cancel_delete(self) -> None:
        """Keep the thread."""
        self.deleting_id = 0

    @rx.event
    @signed_in
    async def confirm_delete(self, user: User):
        """Delete the thread; if it was open, go to the newest remaining one."""
        deleted = self.deleting_id
        try:
            async with get_services().sessions() as session:
                await threads.delete_thread(session, deleted, user.id or 0)
        except AssistantError as exc:
            self.deleting_id = 0
            return rx.toast.error(str(exc))
        self.deleting_id = 0
        await self._reload()
        if self.router.url.path == thread_href(deleted):
            return rx.redirect("/")
        return rx.toast.success("Thread deleted.")
