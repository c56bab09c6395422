"""The chat page's handlers given input they cannot use: a thread number no thread can have,
a message Hearth cannot store. Each says why in a toast; nothing is lost or sent elsewhere."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.assistant.message_parts import ToolCallPart, append_parts
from app.assistant.threads import create_thread
from app.db.models import Message, ToolCall
from app.db.session import SessionFactory
from app.services import get_services
from app.settings import get_settings
from app.ui.state.admin_manage import AdminThreadState
from app.ui.state.chat import ChatState
from tests.support.events import Browser, browsers
from tests.support.people import person
from tests.support.statements import statements
from tests.ui.state.conftest import World

CHAT = "/chat/[thread_id]"


async def _alice_on_a_new_thread(
    tab: Browser, world: World, sessions: SessionFactory, title: str
) -> Browser:
    async with sessions() as session:
        thread = await create_thread(session, await person(session, "owner"), title)
    await tab.sign_in_with(world.alice)
    await tab.send(ChatState.load_thread, CHAT, thread_id=str(thread.id))
    assert (await tab.state(ChatState)).current_thread_id == thread.id
    return tab


async def _alice_on_her_thread(tab: Browser, world: World) -> Browser:
    await tab.sign_in_with(world.alice)
    await tab.send(ChatState.load_thread, CHAT, thread_id=str(world.thread_id))
    assert (await tab.state(ChatState)).current_thread_id == world.thread_id
    return tab


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("99999999999999999999", "Thread numbers go from 1 to 2,147,483,647"),
        (str(2**31), "Thread numbers go from 1 to 2,147,483,647"),
        ("\u00b2", "is not a thread number"),
        ("\u0663", "is not a thread number"),
        ("abc", "is not a thread number"),
    ],
)
async def test_a_thread_number_no_thread_can_have_says_so_and_leaves(
    world: World, raw: str, says: str
) -> None:
    async with browsers() as tab:
        alice = await _alice_on_her_thread(tab("alice"), world)
        await alice.send(ChatState.load_thread, CHAT, thread_id=raw)
        assert any(says in toast for toast in alice.toasts()), alice.toasts()
        assert alice.redirects()[-1] == "/"
        chat = await alice.state(ChatState)
        # The previous thread is not left on screen under this URL (nor its composer
        # pointed at it).
        assert chat.current_thread_id == 0 and chat.messages == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("kitchen\x00 to 19", "NUL character"),
        ("kitchen \ud800 to 19", "lone surrogate"),
    ],
)
async def test_a_message_hearth_cannot_store_stays_in_the_composer(
    world: World, sessions: SessionFactory, text: str, says: str
) -> None:
    async with browsers() as tab:
        alice = await _alice_on_a_new_thread(tab("alice"), world, sessions, "empty")
        empty_id = (await alice.state(ChatState)).current_thread_id
        await alice.send(ChatState.set_prompt(text))
        await alice.send(ChatState.send({"message": text}))
        chat = await alice.state(ChatState)
        assert chat.prompt == text and not chat.is_running
        assert any(says in toast for toast in alice.toasts()), alice.toasts()
    async with sessions() as session:
        stored = (await session.exec(select(Message).where(Message.thread_id == empty_id))).all()
    assert stored == []


@pytest.mark.parametrize("raw", ["99999999999999999999", "\u0663"])
async def test_the_admin_thread_page_says_a_number_no_thread_can_have(
    world: World, raw: str
) -> None:
    async with browsers() as tab:
        admin = tab("admin")
        await admin.sign_in_with(world.admin)
        await admin.send(
            AdminThreadState.open_thread, "/admin/thread/[admin_thread_id]", admin_thread_id=raw
        )
        assert any("is not a thread number" in t for t in admin.toasts()), admin.toasts()
        assert (await admin.state(AdminThreadState)).thread_messages == []


async def test_while_a_card_waits_for_approval_the_composer_says_it_waits_for_you(
    world: World, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        call = await session.get(ToolCall, world.waiting_call_id)
        assert call is not None
        reply = await session.get(Message, call.message_id)
        assert reply is not None
        append_parts(reply, [ToolCallPart(call.id or 0, call.call_id, call.name, call.arguments)])
        await session.commit()
    async with browsers() as tab:
        alice = await _alice_on_her_thread(tab("alice"), world)
        chat = await alice.state(ChatState)
        assert chat.is_waiting_for_approval
        assert chat.composer_status == "Waiting for your approval above"
        await alice.send(ChatState.send({"message": "and the bathroom?"}))
        assert any("waiting for your approval above" in t for t in alice.toasts()), alice.toasts()
        assert not any("still answering" in t for t in alice.toasts())
        assert (await alice.state(ChatState)).prompt == "and the bathroom?"


async def test_a_send_follows_its_run_reading_the_transcript_at_its_start_and_end(
    world: World, sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Send shows the run live and follows it in its own task: no second look-up of the
    run it created, and no second transcript read at its first words (a hundred people
    sending at once pay each of these a hundred times)."""
    # Never quiet for long enough to ask the database whether the run ended.
    monkeypatch.setenv("HEARTH_FOLLOW_IDLE_S", "10")
    get_settings.cache_clear()
    get_services.cache_clear()
    async with browsers() as tab:
        alice = await _alice_on_a_new_thread(tab("alice"), world, sessions, "rooms")
        with statements(get_services().sessions) as seen:
            # The offline assistant's answer streams in pieces, over several batches.
            deltas = await alice.send(ChatState.send({"message": "what can you do?"}), settle_s=30)
        chat = await alice.state(ChatState)
    assert [m.role for m in chat.messages] == ["user", "assistant"]
    assert chat.messages[1].status == "complete" and chat.running_run_id == 0
    reply = chat.messages[1].parts[-1].text
    assert len(reply) > 200
    # The state carries the reply's text once (its text to copy is joined in the browser).
    sent = "".join(json.dumps(delta, default=str) for delta in deltas)
    assert sent.count(json.dumps(reply)[1:-1]) == 1, sent.count(json.dumps(reply)[1:-1])
    # A transcript read is the only reader of a person's ratings.
    assert len([s for s in seen if " FROM feedback " in s]) == 2, seen
    # Looking a run up: its messages by run.
    assert not [s for s in seen if "FROM message WHERE message.run_id" in s], seen
