"""Which thread a tab shows: `/` opens the newest, `/chat/[thread_id]` loads one (and starts
watching it), earlier pages load on demand, and a thread that is gone is left with a word.
A mixin of `ChatState`, whose messages and run it sets."""

from __future__ import annotations

import uuid

import reflex as rx

from app.assistant.errors import InvalidThreadRef, ThreadNotFound
from app.assistant.runs import active_run
from app.assistant.threads import get_thread, list_threads, open_empty_thread, thread_number
from app.db.ids import parse_row_id
from app.db.models import User
from app.services import get_services
from app.ui.live_changes import start_watching
from app.ui.state.auth import signed_in
from app.ui.state.rooms import RoomsState
from app.ui.state.threads import JUMP_PARAMETER, ThreadsState, thread_href
from app.ui.transcript import first_id, load_transcript, load_transcript_at


class ThreadPages(rx.State, mixin=True):
    """Opening, loading and leaving threads (the watcher and follower are `ChatState`'s:
    `type(self)` names them)."""

    @rx.event
    @signed_in
    async def open_home(self, user: User):
        """`/`: open the person's newest thread, or a fresh one."""
        async with get_services().sessions() as session:
            newest = await list_threads(session, user.id or 0, limit=1)
            thread = newest[0] if newest else await open_empty_thread(session, user.id or 0)
        return rx.redirect(thread_href(thread.id or 0))

    @rx.event
    @signed_in
    async def load_thread(self, user: User):
        """`/chat/[thread_id]`: load the thread's transcript (and follow a run still going);
        `?message=N` opens it at that message (a search hit), scrolled to and marked."""
        raw = str(self.thread_id)
        try:
            thread_id = thread_number(raw)
        except InvalidThreadRef as exc:
            return self._leave_thread(str(exc))
        if thread_id is None:
            return self._leave_thread(f"{raw[:40]!r} is not a thread number.")
        async with get_services().sessions() as session:
            try:
                await get_thread(session, thread_id, user.id or 0)
            except ThreadNotFound as exc:
                return self._leave_thread(str(exc))
            jump = parse_row_id(self.router.url.query_parameters.get(JUMP_PARAMETER, ""))
            if jump is None:
                page = await load_transcript(session, thread_id, user_id=user.id)
            else:
                page = await load_transcript_at(session, thread_id, jump, user_id=user.id)
            running = await active_run(session, thread_id)
        self._user_id = user.id or 0
        self.messages, self.has_earlier = page.messages, page.has_earlier
        self.current_thread_id = thread_id
        # A new value each time, so opening the same hit again scrolls to it again.
        self.jump_to = f"{jump}:{uuid.uuid4().hex[:8]}" if jump is not None else ""
        self.live_segment_key, self.live_message_id, self.starting = "", 0, False
        self.running_run_id = (running.id or 0) if running else 0
        events = [ThreadsState.refresh, RoomsState.refresh, start_watching(type(self).watch)]
        if running is not None:
            events.append(type(self).follow_run)
        return events

    def _leave_thread(self, why: str):
        """Off a URL that names no thread of this person's: say why, show no thread (the
        composer must not send into the one shown before), go home."""
        self.messages, self.has_earlier, self.current_thread_id = [], False, 0
        self.jump_to = ""
        self.running_run_id, self.live_message_id, self.live_segment_key = 0, 0, ""
        return [rx.toast.error(why), rx.redirect("/")]

    @rx.event
    @signed_in
    async def load_earlier(self, user: User):
        """Show the page of messages before the oldest one on screen."""
        first = first_id(self.messages)
        if first is None:
            return None
        async with get_services().sessions() as session:
            try:
                await get_thread(session, self.current_thread_id, user.id or 0)
            except ThreadNotFound as exc:
                return rx.toast.error(str(exc))
            page = await load_transcript(
                session, self.current_thread_id, before_id=first, user_id=user.id
            )
        self.messages = page.messages + self.messages
        self.has_earlier = page.has_earlier
        return None
