"""Edit, regenerate and the branch picker, as a person does them on screen. A mixin of
`ChatState`, whose thread, messages, run and `_send_text` it uses.

Replacing a turn whose run changed the home asks first (`branch_prompt`): undo those changes
(through the ledger's undo, with its conflict check) or keep them; either way the person is
told what stays changed.
"""

from __future__ import annotations

import reflex as rx

from app.assistant.branches import changes_left_behind, show_branch
from app.assistant.errors import AssistantError
from app.assistant.undo import undo_in_thread
from app.db.models import Effect, User
from app.home.errors import HomeError
from app.home.temperatures import format_celsius
from app.services import get_services
from app.ui.state.auth import signed_in
from app.ui.state.rooms import RoomsState
from app.ui.transcript import load_transcript

_STILL_ANSWERING = "Hearth is still answering; press Stop (or Esc) first."


def _changes(effects: list[Effect]) -> str:
    """ "the kitchen from 22 to 19 °C and the bedroom from 18 to 20 °C" (a room changed twice
    reads from its first value to its last)."""
    rooms: dict[str, tuple[float, float]] = {}
    for effect in effects:
        first = rooms.get(effect.room_name, (effect.old_celsius, 0.0))[0]
        rooms[effect.room_name] = (first, effect.new_celsius)
    return " and ".join(
        f"the {room} from {format_celsius(old)} to {format_celsius(new)} °C"
        for room, (old, new) in rooms.items()
    )


def _stays(effects: list[Effect]) -> str:
    """ "The kitchen stays at 19 °C." for changes kept."""
    last = {e.room_name: e.new_celsius for e in effects}
    rooms = " and ".join(f"the {room} at {format_celsius(c)} °C" for room, c in last.items())
    return f"Kept: {rooms}."


class BranchActions(rx.State, mixin=True):
    """Edit a message, regenerate a reply, switch between versions; ask before leaving
    changes to the home behind."""

    # The message being edited in place, and its text so far.
    editing_message_id: int = 0
    edit_text: str = ""
    # What the ask-first dialog says ("" while it is closed).
    branch_prompt: str = ""
    branch_prompt_action: str = ""
    _branch_pending: tuple[int, str] | None = None
    _branch_effect_ids: list[int] = []

    @rx.event
    @signed_in
    async def regenerate(self, user: User, message_id: int):
        """A new version of a reply (the question is not repeated); the old one stays."""
        return await self._replace(user, message_id, "")

    @rx.event
    def start_edit(self, message_id: int, text: str) -> None:
        """Open a message of the person's for editing, with its text."""
        self.editing_message_id, self.edit_text = message_id, text

    @rx.event
    def set_edit_text(self, text: str) -> None:
        """Track the edited text."""
        self.edit_text = text

    @rx.event
    def cancel_edit(self) -> None:
        """Close the edit; the message stays as it was."""
        self.editing_message_id, self.edit_text = 0, ""

    @rx.event
    @signed_in
    async def save_edit(self, user: User):
        """Send the edited message as a new version of it (the old one stays a branch)."""
        text = self.edit_text.strip()
        if not text:
            return rx.toast.error(
                "An edited message cannot be empty; type something, or press Cancel to keep "
                "it as it was."
            )
        return await self._replace(user, self.editing_message_id, text)

    async def _replace(self, user: User, message_id: int, text: str):
        """Edit (`text`) or regenerate `message_id`, asking first if that leaves changes to
        the home behind."""
        if self.running_run_id or self.starting:
            return rx.toast.info(_STILL_ANSWERING)
        try:
            async with get_services().sessions() as session:
                effects = await changes_left_behind(
                    session, self.current_thread_id, user.id or 0, message_id, text
                )
        except AssistantError as exc:
            return rx.toast.error(str(exc))
        if not effects:
            return await self._begin_branch(message_id, text)
        self._branch_pending = (message_id, text)
        self._branch_effect_ids = [e.id or 0 for e in effects]
        which = "Your edit replaces a turn that" if text else "This reply"
        self.branch_prompt = f"{which} changed {_changes(effects)}. Undo that first?"
        self.branch_prompt_action = "send the edit" if text else "regenerate"
        return None

    async def _begin_branch(self, message_id: int, text: str):
        self.editing_message_id, self.edit_text = 0, ""
        return await self._send_text(text, replacing=message_id)

    @rx.event
    def cancel_branch_prompt(self) -> None:
        """Neither: nothing is undone and nothing replaced."""
        self.branch_prompt, self._branch_pending, self._branch_effect_ids = "", None, []

    @rx.event
    @signed_in
    async def answer_branch_prompt(self, user: User, undo: bool):
        """Undo the replaced turns' changes (newest first, each with the ledger's conflict
        check) or keep them, say what stays changed, then edit or regenerate."""
        pending, effect_ids = self._branch_pending, self._branch_effect_ids
        self.branch_prompt, self._branch_pending, self._branch_effect_ids = "", None, []
        if pending is None:
            return None
        notices: list = []
        kept: list[Effect] = []
        async with get_services().sessions() as session:
            effects = [e for i in effect_ids if (e := await session.get(Effect, i)) is not None]
        for effect in reversed(effects):
            if not undo:
                kept.insert(0, effect)
                continue
            try:
                async with get_services().sessions() as session:
                    done = await undo_in_thread(session, effect.id or 0, user.id or 0)
            except HomeError as exc:
                notices.append(rx.toast.warning(f"{exc} It stays changed."))
                continue
            back = format_celsius(done.new_celsius)
            notices.append(rx.toast.success(f"Undone: the {done.room_name} is back at {back} °C."))
        if kept:
            notices.append(rx.toast.info(_stays(kept)))
        if undo:
            notices.append(RoomsState.refresh)
        started = await self._begin_branch(*pending)
        return [*notices, started]

    @rx.event
    @signed_in
    async def show_branch(self, user: User, message_id: int):
        """Show another version (`‹ 1/2 ›`), to the end of its branch; every tab showing the
        thread follows."""
        if self.running_run_id or self.starting:
            return rx.toast.info(_STILL_ANSWERING)
        try:
            async with get_services().sessions() as session:
                await show_branch(session, self.current_thread_id, user.id or 0, message_id)
        except AssistantError as exc:
            return rx.toast.error(str(exc))
        await self._read_branch(user.id or 0)
        return None

    async def _read_branch(self, user_id: int) -> None:
        async with get_services().sessions() as session:
            page = await load_transcript(session, self.current_thread_id, user_id=user_id)
        self.messages, self.has_earlier = page.messages, page.has_earlier
        self.editing_message_id, self.edit_text = 0, ""

    def _stop_editing_if_gone(self) -> None:
        """An edit of a message no longer on screen (another tab switched versions) ends."""
        if self.editing_message_id not in {m.id for m in self.messages}:
            self.editing_message_id, self.edit_text = 0, ""
