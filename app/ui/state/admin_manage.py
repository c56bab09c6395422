"""What admins change besides temperatures: rooms, tool policies; and the feedback they read."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.assistant.approvals import set_tool_mode, tool_modes
from app.assistant.errors import AssistantError
from app.assistant.feedback import list_feedback
from app.assistant.threads import any_thread
from app.db.ids import MAX_ROW_ID, parse_row_id
from app.db.models import User
from app.db.statuses import ToolMode
from app.home.errors import HomeError
from app.home.rooms import add_room, remove_room, rename_room, set_room_bounds
from app.services import get_services
from app.ui.moments import iso_utc
from app.ui.state.admin import AdminState
from app.ui.state.auth import admin_only
from app.ui.transcript import TranscriptMessage, load_transcript

FEEDBACK_ROWS = 100
THREAD_MESSAGES = 200


class RoomsAdminState(AdminState):
    """Add, rename, remove rooms and set their bounds."""

    editing: str = ""
    removing: str = ""

    @rx.event
    @admin_only
    async def add(self, user: User, form_data: dict):
        """Add a room from the form (name, temperature, bounds)."""
        try:
            async with get_services().sessions() as session:
                room = await add_room(
                    session,
                    str(form_data.get("name", "")),
                    form_data.get("celsius", ""),
                    form_data.get("min_celsius") or 5,
                    form_data.get("max_celsius") or 35,
                )
        except HomeError as exc:
            return rx.toast.error(str(exc))
        await self._load_all()
        return rx.toast.success(f"Added the {room.name}.")

    @rx.event
    @admin_only
    async def start_edit(self, user: User, name: str):
        """Open the edit dialog for a room."""
        self.editing = name
        return

    @rx.event
    def cancel_edit(self) -> None:
        """Close the edit dialog."""
        self.editing = ""

    @rx.event
    @admin_only
    async def save_edit(self, user: User, form_data: dict):
        """Rename and re-bound the room being edited; a refusal keeps the dialog open."""
        try:
            async with get_services().sessions() as session:
                room = await set_room_bounds(
                    session,
                    self.editing,
                    form_data.get("min_celsius", ""),
                    form_data.get("max_celsius", ""),
                )
                room = await rename_room(session, room.name, str(form_data.get("name", "")))
        except HomeError as exc:
            return rx.toast.error(str(exc))
        self.editing = ""
        await self._load_all()
        return rx.toast.success(f"Saved the {room.name}.")

    @rx.event
    @admin_only
    async def start_remove(self, user: User, name: str):
        """Ask before removing a room."""
        self.removing = name
        return

    @rx.event
    def cancel_remove(self) -> None:
        """Keep the room."""
        self.removing = ""

    @rx.event
    @admin_only
    async def confirm_remove(self, user: User):
        """Remove the room; its history stays in the ledger."""
        name, self.removing = self.removing, ""
        try:
            async with get_services().sessions() as session:
                await remove_room(session, name)
        except HomeError as exc:
            return rx.toast.error(str(exc))
        if self.chart_room == name:
            self.chart_room = ""
        await self._load_all()
        return rx.toast.success(f"Removed the {name}; its changes stay in the ledger.")


@dataclass
class ToolRow:
    """A tool and how it runs."""

    name: str
    description: str
    mode: str


class ToolsAdminState(AdminState):
    """Per tool: run automatically, or ask the thread's owner first."""

    tools: list[ToolRow] = []

    @rx.event
    @admin_only
    async def load_tools(self, user: User):
        """Read every tool's policy."""
        async with get_services().sessions() as session:
            modes = await tool_modes(session)
        self.tools = [
            ToolRow(spec.name, spec.description, modes.get(spec.name, ToolMode.auto))
            for spec in get_services().engine.tools.specs
        ]
        return

    @rx.event
    @admin_only
    async def set_mode(self, user: User, tool: str, mode: str):
        """Change a tool's policy (runs waiting already keep waiting)."""
        known = [spec.name for spec in get_services().engine.tools.specs]
        try:
            async with get_services().sessions() as session:
                await set_tool_mode(session, tool, mode, known, user.id or 0)
        except AssistantError as exc:
            return rx.toast.error(str(exc))
        await self.load_tools()
        label = "ask first" if mode == ToolMode.ask else "run automatically"
        return rx.toast.success(f"{tool} will {label}.")


@dataclass
class FeedbackView:
    """One rating, formatted."""

    id: int
    when: str
    user: str
    thread: str
    thread_href: str
    rating: str
    excerpt: str


class FeedbackAdminState(AdminState):
    """Thumbs up and down on replies, newest first."""

    feedback: list[FeedbackView] = []

    @rx.event
    @admin_only
    async def load_feedback(self, user: User):
        """Read the newest ratings."""
        async with get_services().sessions() as session:
            rows = await list_feedback(session, limit=FEEDBACK_ROWS)
        self.feedback = [
            FeedbackView(
                r.id,
                iso_utc(r.created_at),
                r.username,
                r.thread_title,
                f"/admin/thread/{r.thread_id}",
                r.rating,
                r.excerpt,
            )
            for r in rows
        ]
        return


class AdminThreadState(AdminState):
    """A thread read by an admin from the ledger (read-only; deleted threads too)."""

    thread_title: str = ""
    thread_owner: str = ""
    thread_deleted: bool = False
    thread_messages: list[TranscriptMessage] = []

    @rx.event
    @admin_only
    async def open_thread(self, user: User):
        """`/admin/thread/[admin_thread_id]`."""
        thread_id = parse_row_id(str(self.admin_thread_id))
        if thread_id is None:
            self.thread_messages = []
            return rx.toast.error(
                f"{str(self.admin_thread_id)[:40]!r} is not a thread number (1 to {MAX_ROW_ID:,})."
            )
        async with get_services().sessions() as session:
            try:
                thread = await any_thread(session, thread_id)
            except AssistantError as exc:
                self.thread_messages = []
                return rx.toast.error(str(exc))
            owner = await session.get(User, thread.user_id) if thread.user_id else None
            page = await load_transcript(session, thread_id, limit=THREAD_MESSAGES)
        self.thread_title = thread.title
        self.thread_owner = owner.username if owner else "—"
        self.thread_deleted = thread.deleted_at is not None
        self.thread_messages = page.messages
        return None
