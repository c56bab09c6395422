"""Another person's thread, sent straight to the event handlers with its real ids, is refused:
nothing is read, changed, continued, stopped, approved, undone or rated."""

from __future__ import annotations

from sqlmodel import select

from app.db.models import Effect, Feedback, Message, Run, Thread, ToolCall
from app.db.session import SessionFactory
from app.ui.state.chat import ChatState
from app.ui.state.threads import ThreadsState
from tests.support.events import Browser, browsers
from tests.ui.state.conftest import World

CHAT = "/chat/[thread_id]"


async def _as(tab: Browser, token: str) -> Browser:
    await tab.sign_in_with(token)
    return tab


async def _forge(tab: Browser, world: World) -> None:
    """Pretend the tab's state already points at Alice's thread and run (it cannot, but the
    handlers must not rely on that)."""
    chat = await tab.state(ChatState)
    chat.current_thread_id, chat.running_run_id = world.thread_id, world.waiting_run_id


async def _alice_untouched(sessions: SessionFactory, world: World) -> None:
    async with sessions() as session:
        thread = await session.get(Thread, world.thread_id)
        assert thread is not None and thread.title == "alice's thread"
        assert thread.deleted_at is None
        assert len((await session.exec(select(Message))).all()) == 4
        run = await session.get(Run, world.waiting_run_id)
        assert run is not None and run.status == "queued"
        call = await session.get(ToolCall, world.waiting_call_id)
        assert call is not None and call.status == "awaiting_approval"
        assert len((await session.exec(select(Effect))).all()) == 1
        assert (await session.exec(select(Feedback))).all() == []


async def test_the_owner_reads_her_thread(world: World) -> None:
    async with browsers() as tab:
        alice = await _as(tab("alice"), world.alice)
        await alice.send(ChatState.load_thread, CHAT, thread_id=str(world.thread_id))
        chat = await alice.state(ChatState)
        assert chat.current_thread_id == world.thread_id
        assert [m.role for m in chat.messages] == ["user", "assistant", "user", "assistant"]
        threads = await alice.state(ThreadsState)
        assert [t.title for t in threads.threads] == ["alice's thread"]


async def test_another_persons_thread_is_not_loaded(world: World) -> None:
    async with browsers() as tab:
        mallory = await _as(tab("mallory"), world.mallory)
        await mallory.send(ChatState.load_thread, CHAT, thread_id=str(world.thread_id))
        chat = await mallory.state(ChatState)
        assert chat.current_thread_id == 0 and chat.messages == []
        await mallory.send(ThreadsState.refresh)
        assert (await mallory.state(ThreadsState)).threads == []


async def test_nobody_signed_in_gets_nothing(world: World) -> None:
    async with browsers() as tab:
        stranger = await _as(tab("stranger"), "not-a-real-token")
        await stranger.send(ChatState.load_thread, CHAT, thread_id=str(world.thread_id))
        assert (await stranger.state(ChatState)).messages == []
        await _forge(stranger, world)
        await stranger.send(ChatState.load_earlier)
        assert (await stranger.state(ChatState)).messages == []


async def test_rename_and_delete_of_another_persons_thread_are_refused(
    world: World, sessions: SessionFactory
) -> None:
    async with browsers() as tab:
        mallory = await _as(tab("mallory"), world.mallory)
        await mallory.send(ThreadsState.start_rename(world.thread_id, "mine"))
        await mallory.send(ThreadsState.confirm_rename({"title": "mine"}))
        await mallory.send(ThreadsState.start_delete(world.thread_id, "x"))
        await mallory.send(ThreadsState.confirm_delete)
    await _alice_untouched(sessions, world)


async def test_continue_retry_stop_approve_undo_rate_are_refused(
    world: World, sessions: SessionFactory
) -> None:
    async with browsers() as tab:
        mallory = await _as(tab("mallory"), world.mallory)
        await _forge(mallory, world)
        await mallory.send(ChatState.stop)
        chat = await mallory.state(ChatState)
        chat.running_run_id = 0
        await mallory.send(ChatState.send({"message": "set the bedroom to 30"}))
        await mallory.send(ChatState.retry(world.reply_id))
        await mallory.send(ChatState.load_earlier)
        await mallory.send(ChatState.decide(world.waiting_call_id, True))
        await mallory.send(ChatState.undo(world.effect_id))
        await mallory.send(ChatState.rate(world.reply_id, "down"))
        # The refused message goes back into her composer, not into Alice's thread.
        assert (await mallory.state(ChatState)).prompt == "set the bedroom to 30"
    await _alice_untouched(sessions, world)


async def test_the_owner_can_do_each_of_those(world: World, sessions: SessionFactory) -> None:
    """The same events from Alice work: the refusals above are about who, not what."""
    async with browsers() as tab:
        alice = await _as(tab("alice"), world.alice)
        await alice.send(ChatState.load_thread, CHAT, thread_id=str(world.thread_id))
        await alice.send(ChatState.decide(world.waiting_call_id, False))
        await alice.send(ChatState.undo(world.effect_id))
        await alice.send(ChatState.rate(world.reply_id, "up"))
        await alice.send(ThreadsState.start_rename(world.thread_id, "x"))
        await alice.send(ThreadsState.confirm_rename({"title": "renamed"}))
    async with sessions() as session:
        call = await session.get(ToolCall, world.waiting_call_id)
        assert call is not None and call.status == "denied"
        undo = (await session.exec(select(Effect).where(Effect.undoes_id == world.effect_id))).one()
        assert undo.source == "undo"
        (feedback,) = (await session.exec(select(Feedback))).all()
        assert feedback.rating == "up" and feedback.message_id == world.reply_id
        thread = await session.get(Thread, world.thread_id)
        assert thread is not None and thread.title == "renamed"


async def test_edit_regenerate_and_versions_are_refused(
    world: World, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        thread = await session.get(Thread, world.thread_id)
        assert thread is not None
        head = thread.head_message_id
    async with browsers() as tab:
        mallory = await _as(tab("mallory"), world.mallory)
        await _forge(mallory, world)
        chat = await mallory.state(ChatState)
        chat.running_run_id = 0
        await mallory.send(ChatState.regenerate(world.reply_id))
        await mallory.send(ChatState.start_edit(world.reply_id, "set the bedroom to 30"))
        await mallory.send(ChatState.save_edit)
        await mallory.send(ChatState.show_branch(world.reply_id))
        await mallory.send(ChatState.answer_branch_prompt(True))
        chat = await mallory.state(ChatState)
        assert chat.branch_prompt == "" and chat.messages == []
    await _alice_untouched(sessions, world)
    async with sessions() as session:
        thread = await session.get(Thread, world.thread_id)
        assert thread is not None and thread.head_message_id == head
