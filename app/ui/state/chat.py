"""The open thread: its messages, the composer, and the run streaming into it."""

from __future__ import annotations

import logging
from contextlib import aclosing

import reflex as rx

from app.accounts.sessions import user_for_token
from app.assistant.errors import AssistantError, RunAlreadyActive
from app.assistant.runner import RunHandle
from app.assistant.runs import RunMessages, run_messages
from app.db.changes import HOME_TOPIC, thread_topic, threads_topic
from app.db.models import User
from app.db.statuses import RunStatus
from app.services import get_services
from app.ui.live_changes import tab_changes
from app.ui.live_runs import (
    RunFollower,
    Showing,
    follow_in_tab,
    following,
    is_starting,
    push_text,
    starting_in_tab,
    stop_following_in_tab,
    tab_elsewhere,
    tab_socket,
)
from app.ui.state.attachments import Attachments, PendingFile
from app.ui.state.auth import AuthState, signed_in
from app.ui.state.branch_actions import BranchActions
from app.ui.state.message_actions import MessageActions
from app.ui.state.rooms import RoomsState
from app.ui.state.thread_pages import ThreadPages
from app.ui.state.thread_reads import has_ended, read_transcript, running_in
from app.ui.state.threads import ThreadsState
from app.ui.transcript import (
    TranscriptMessage,
    TranscriptPage,
    composer_status,
    first_id,
    hide_streaming_text,
    merge_page,
    waits_for_approval,
)
from app.ui.transcript import latest_reply_id as _latest_reply_id

logger = logging.getLogger(__name__)

_DELETED = "This thread was deleted."
_ANSWERING_ANOTHER = (
    "Hearth is answering a message sent here from another tab or device; yours is back in "
    "the box, to send when it has finished."
)


class ChatState(ThreadPages, BranchActions, MessageActions, Attachments, AuthState):
    """One thread as a person sees it, and the run streaming into it."""

    messages: list[TranscriptMessage] = []
    has_earlier: bool = False
    prompt: str = ""
    current_thread_id: int = 0
    # "<message id>:<nonce>": the message the transcript scrolls to and marks (a search hit).
    jump_to: str = ""
    running_run_id: int = 0
    live_message_id: int = 0
    live_segment_key: str = ""
    # Between Send and the run being created (the composer is already clear).
    starting: bool = False
    # (thread, text, its files, the message an edit or a regeneration replaces)
    _pending: tuple[int, str, list[PendingFile], int | None] | None = None
    _user_id: int = 0

    @rx.var
    def is_running(self) -> bool:
        """Whether a run is going in this thread."""
        return self.running_run_id != 0 or self.starting

    @rx.var
    def is_waiting_for_approval(self) -> bool:
        """Whether the run going here waits for the person's Approve or Deny on a card."""
        return self.running_run_id != 0 and waits_for_approval(self.messages)

    @rx.var
    def composer_status(self) -> str:
        """What the composer says is happening: answering, or waiting for the person."""
        waiting = self.running_run_id != 0 and waits_for_approval(self.messages)
        return composer_status(self.running_run_id != 0 or self.starting, waiting)

    @rx.var
    def latest_reply_id(self) -> int:
        """The newest message if it is a reply (0 if not): only its suggestions are offered."""
        return _latest_reply_id(self.messages)

    @rx.var
    def is_empty(self) -> bool:
        """An empty thread shows starter suggestions."""
        return len(self.messages) == 0

    @rx.event
    def set_prompt(self, text: str) -> None:
        """Track the composer's text."""
        self.prompt = text

    @rx.event
    async def send(self, form_data: dict):
        """Send the composer's text (Enter or the Send button)."""
        return await self._send_text(str(form_data.get("message", "")))

    @rx.event
    async def send_suggestion(self, text: str):
        """Send a suggestion: a starter, or one a reply offers."""
        return await self._send_text(text)

    async def _send_text(self, text: str, replacing: int | None = None):
        """Clear the composer at once; the run is created and driven by `start_run` (an edit
        or a regeneration of `replacing` leaves the composer as it is)."""
        if self.running_run_id or self.starting:
            if replacing is None:
                self.prompt = text
            if waits_for_approval(self.messages):
                return rx.toast.info(
                    "Hearth is waiting for your approval above: approve or deny it first "
                    "(or press Stop)."
                )
            return rx.toast.info("Hearth is still answering; press Stop (or Esc) first.")
        self.starting = True
        if replacing is None:  # an edit or a regeneration leaves the composer as it is
            self.prompt = ""
            self._pending = (self.current_thread_id, text, self._take_files(), None)
        else:
            self._pending = (self.current_thread_id, text, [], replacing)
        starting_in_tab(self.router.session.client_token, True)
        return ChatState.start_run

    @rx.event(background=True)
    async def start_run(self):
        """Create the run and drive it; the state lock is held only to read and to show.

        The database work happens outside the lock, so a burst of people sending at once
        never holds their tabs' state for the length of a queue of inserts.
        """
        tab = self.router.session.client_token
        try:
            async with self:
                pending, self._pending = self._pending, None
                token, first_shown = self.session_token, first_id(self.messages)
            if pending is None:
                return
            thread_id, text, files, replacing = pending
            services = get_services()
            async with services.sessions() as session:
                user = await user_for_token(session, token)
            run: RunHandle | None = None
            problem, going = "", 0
            if user is not None:
                try:
                    run = await services.runner.start_run(
                        thread_id,
                        text,
                        user_id=user.id or 0,
                        attachment_ids=[f.id for f in files],
                        replacing=replacing,
                    )
                except RunAlreadyActive as exc:
                    going = exc.run_id  # sent from another tab or device a moment before
                except AssistantError as exc:
                    problem = str(exc)
            if run is None:
                async with self:
                    self.starting = False
                    # Nothing is lost: the text goes back into the composer (unless retyped).
                    self.prompt = self.prompt or text
                    self._give_back_files(files)
                    # The watcher left that run to this Send: show it here.
                    going = going if self.current_thread_id == thread_id else 0
                    if going:
                        self._take_run(going)
                if user is None:
                    yield self._to_login()
                elif going:
                    yield rx.toast.info(_ANSWERING_ANOTHER)
                    if following(tab) != going:
                        yield ChatState.follow_run
                else:
                    yield rx.toast.error(problem)
                return
            started = run.started
            page = await read_transcript(thread_id, first_shown, started.user_id)
            async with self:
                self.starting = False
                # This tab's watcher here may have heard of the run first and follow it already.
                # (Asked of this worker, not of the tab's state: a watcher that another worker
                # still ran for this tab may have marked the run there without following it.)
                follow = following(tab) != started.run_id
                here = self.current_thread_id == thread_id
                if here:
                    self.messages = hide_streaming_text(
                        merge_page(self.messages, page), started.assistant_message_id
                    )
                    self.running_run_id = started.run_id
                    self.live_message_id = started.assistant_message_id
                    self.live_segment_key = RunFollower(started.run_id).segment_key
                shown = {m.id for m in self.messages}
        finally:
            starting_in_tab(tab, False)
        if follow and here:
            # Followed in this task: a hundred people sending at once cost no second event,
            # state read and query each.
            messages = RunMessages(
                RunStatus.queued, started.user_message_id, started.assistant_message_id
            )
            following_it = self._follow(
                started.run_id, thread_id, started.user_id, messages, shown, live=True
            )
            async with aclosing(following_it):
                async for event in following_it:
                    yield event

    @rx.event(background=True)
    async def watch(self, _started: bool = True):
        """While the tab shows this thread: follow each run that starts in it from anywhere
        (another tab, device, worker or API client), keep the thread list and the rooms as
        committed, and leave a thread deleted elsewhere."""
        # As `load_thread` left them, read without taking the tab's lock: a page load then
        # costs no second lock (the lock is taken only when something is heard).
        thread_id, user_id = self.current_thread_id, self._user_id
        if not thread_id:
            return
        topics = (thread_topic(thread_id), threads_topic(user_id), HOME_TOPIC)
        token = self.router.session.client_token
        changes = tab_changes(token, "chat", topics)
        async with aclosing(changes):
            async for heard in changes:
                # None: listening now; a run started since the page load read the thread?
                change = heard or await running_in(thread_id, topics[0])
                if change is None:
                    if heard is None:  # or one that started and ended since: read it again
                        page = await read_transcript(thread_id, first_id(self.messages), user_id)
                        async with self:
                            if self.current_thread_id == thread_id and not self.running_run_id:
                                self.messages = merge_page(self.messages, page)
                    continue
                if change.run_id and change.run_id == following(token):
                    continue  # this tab shows that run, and so what it changes, already
                if change.topic == HOME_TOPIC:
                    yield RoomsState.refresh("" if change.gone else change.room)
                elif change.topic != topics[0]:
                    yield ThreadsState.refresh
                elif not change.run_id and not change.gone:
                    # Follow-ups offered after a run, or another tab switched versions: read
                    # the branch on screen again (not while a run streams here).
                    page = await read_transcript(thread_id, first_id(self.messages), user_id)
                    async with self:
                        here = self.current_thread_id == thread_id
                        if here and not self.running_run_id and not self.starting:
                            self.messages = merge_page(self.messages, page)
                            self._stop_editing_if_gone()
                elif is_starting(token) and not change.gone:
                    continue  # this tab's own Send: it follows the run it creates
                else:
                    async with self:
                        # (Re)read here: what this tab's other handlers did meanwhile (a
                        # sign-out in this tab ends the watch: nothing more is shown here).
                        signed_in = bool(self.session_token)
                        shown = signed_in and self.current_thread_id == thread_id
                        leave = self._leave_thread(_DELETED) if shown and change.gone else []
                        follow = shown and not change.gone and self._take_run(change.run_id)
                    for event in leave:
                        yield event
                    if change.gone or not signed_in:
                        return
                    if follow:
                        yield ChatState.follow_run

    def _take_run(self, run_id: int) -> bool:
        """Show a run that started in this thread (False if the tab follows it already)."""
        if self.running_run_id == run_id:
            return False
        self.running_run_id = run_id
        self.live_message_id, self.live_segment_key = 0, ""
        return True

    @rx.event(background=True)
    async def follow_run(self):
        """Show a run still going in this thread, from its feed, wherever it is driven."""
        async with self:
            run_id, thread_id, user_id = (
                self.running_run_id,
                self.current_thread_id,
                self._user_id,
            )
            shown = {m.id for m in self.messages}
            live = self.live_segment_key == RunFollower(run_id).segment_key
        if not run_id:
            return
        services = get_services()
        async with services.sessions() as session:
            run = await run_messages(session, run_id)
        following_it = self._follow(run_id, thread_id, user_id, run, shown, live=live)
        async with aclosing(following_it):
            async for event in following_it:
                yield event

    async def _follow(
        self,
        run_id: int,
        thread_id: int,
        user_id: int,
        run: RunMessages | None,
        shown: set[int],
        *,
        live: bool,
    ):
        """Show the run from its feed until it ends (the events to send come out); `live`:
        the tab shows it live already (its own Send did), so its first words need no read."""
        services, token = get_services(), self.router.session.client_token
        follower = RunFollower(run_id)
        follow_in_tab(token, follower)
        first = (run.user_message_id or run.assistant_message_id) if run is not None else 0
        if run is not None and first not in shown:
            # Started elsewhere: the question is on screen at once, before the first words.
            page = await read_transcript(thread_id, first, user_id)
            async with self:
                if self.current_thread_id == thread_id and self.running_run_id == run_id:
                    self._show_run(page, "live", follower, run)
                    follower.showing = "live"
        elif live:
            follower.showing = "live"
        try:
            events = services.runner.follow(run_id)
            async with aclosing(events):
                async for batch in events:
                    # Quiet for a while: did the run end without a word (its worker killed)?
                    ended_elsewhere = run is None or (batch is None and await has_ended(run_id))
                    sid = tab_socket(token)
                    if sid is None and await tab_elsewhere(token):
                        return  # the tab's socket is on another worker now, which shows it
                    # Between sockets (or gone): keep the place; a new socket gets it all.
                    follower.reached_at(sid)
                    update = follower.take(batch, ended_elsewhere=ended_elsewhere)
                    for key, text, offset in update.pushes if sid is not None else []:
                        await push_text(sid, key, text, offset)
                    if update.show is not None:
                        since = run.user_message_id if run else None
                        page = await read_transcript(thread_id, since, user_id)
                        async with self:
                            if self.current_thread_id != thread_id or self.running_run_id != run_id:
                                return
                            self._show_run(page, update.show, follower, run)
                    for room in update.rooms:
                        yield RoomsState.refresh(room)
                    for notice in update.notices:
                        yield rx.toast.info(notice)
                    if update.ended:
                        if update.error:
                            yield rx.toast.error(update.error)
                        elif not update.rooms:
                            yield RoomsState.refresh
                        return
        finally:
            stop_following_in_tab(token)

    def _show_run(
        self,
        page: TranscriptPage,
        show: Showing,
        follower: RunFollower,
        run: RunMessages | None,
    ) -> None:
        """The transcript as read, with the run's live text where it streams."""
        self.messages = merge_page(self.messages, page)
        if show == "ended":
            self.running_run_id = 0
        if show == "live" and run is not None:
            self.messages = hide_streaming_text(self.messages, run.assistant_message_id)
            self.live_segment_key = follower.segment_key
            self.live_message_id = run.assistant_message_id
        else:
            self.live_segment_key, self.live_message_id = "", 0

    @rx.event
    @signed_in
    async def stop(self, user: User):
        """Stop the run: recorded in the database, and cancelled at once if it runs here."""
        run_id = self.running_run_id
        if run_id and await get_services().runner.stop(run_id, user.id or 0):
            logger.info("Stop requested for run %s", run_id)
