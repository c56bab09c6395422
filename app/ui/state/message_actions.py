"""What a person does to a message on screen: approve or deny a call, undo a change, rate a
reply, ask again. A mixin of `ChatState`, whose thread, messages and run it reads."""

from __future__ import annotations

import reflex as rx

from app.assistant import approvals
from app.assistant.errors import AssistantError
from app.assistant.feedback import rate_message
from app.assistant.undo import undo_in_thread
from app.db.models import User
from app.home.errors import HomeError
from app.home.temperatures import format_celsius
from app.services import get_services
from app.ui.state.auth import signed_in
from app.ui.state.rooms import RoomsState
from app.ui.transcript import first_id, hide_streaming_text, load_transcript, merge_page


class MessageActions(rx.State, mixin=True):
    """Approve / Deny, Undo and the thumbs, each followed by the screen read again; Retry."""

    async def _reload_screen(self, user_id: int) -> None:
        """What is on screen, read again (the streaming reply's text stays live)."""
        async with get_services().sessions() as session:
            page = await load_transcript(
                session, self.current_thread_id, since_id=first_id(self.messages), user_id=user_id
            )
        self.messages = merge_page(self.messages, page)
        if self.running_run_id:
            self.messages = hide_streaming_text(self.messages, self.live_message_id)

    @rx.event
    @signed_in
    async def decide(self, user: User, call_row_id: int, approve: bool):
        """Approve or Deny an "ask first" tool call in one of the person's threads."""
        try:
            async with get_services().sessions() as session:
                await approvals.decide(session, call_row_id, user.id or 0, approve)
        except AssistantError as exc:
            await self._reload_screen(user.id or 0)
            return rx.toast.error(str(exc))
        await self._reload_screen(user.id or 0)
        return rx.toast.success("Approved." if approve else "Denied; Hearth will be told.")

    @rx.event
    @signed_in
    async def undo(self, user: User, effect_id: int):
        """Undo a change this thread's assistant made (or explain why it cannot be)."""
        try:
            async with get_services().sessions() as session:
                undo = await undo_in_thread(session, effect_id, user.id or 0)
        except HomeError as exc:
            return rx.toast.error(str(exc))
        await self._reload_screen(user.id or 0)
        return [
            rx.toast.success(
                f"Undone: {undo.room_name} is back at {format_celsius(undo.new_celsius)} °C."
            ),
            RoomsState.refresh(undo.room_name),
        ]

    @rx.event
    @signed_in
    async def rate(self, user: User, message_id: int, rating: str):
        """Thumbs up or down on a reply; the same thumb again takes it back."""
        current = next((m.rating for m in self.messages if m.id == message_id), "")
        try:
            async with get_services().sessions() as session:
                await rate_message(
                    session, user.id or 0, message_id, None if rating == current else rating
                )
        except AssistantError as exc:
            return rx.toast.error(str(exc))
        await self._reload_screen(user.id or 0)
        return None

    @rx.event
    @signed_in
    async def retry(self, user: User, message_id: int):
        """Ask again in place: a failed, cancelled or cut-off reply regenerated (a new
        version of it; the question is not repeated)."""
        return await self._replace(user, message_id, "")
