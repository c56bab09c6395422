"""Edit and regenerate as branches: the earlier version stays, the model sees only the branch on
screen, one live run per thread still holds, and the changes a replaced turn made are found."""

from __future__ import annotations

import pytest

from app.assistant.branches import (
    Node,
    Tree,
    branch_messages,
    changes_left_behind,
    parents,
    show_branch,
    thread_tree,
)
from app.assistant.conversation import AssistantText, UserText
from app.assistant.errors import InvalidMessage, NotOnBranch, RunAlreadyActive
from app.assistant.events import RunStarted
from app.assistant.message_parts import joined_text, message_parts
from app.assistant.runner import Runner
from app.assistant.threads import get_thread
from app.db.models import Thread
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import Pause, ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import ask, build_runner, new_thread, run_events

SET_KITCHEN = ("call_1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')


async def _owner(sessions: SessionFactory, thread_id: int) -> int:
    async with sessions() as session:
        thread = await session.get(Thread, thread_id)
        assert thread is not None and thread.user_id is not None
        return thread.user_id


async def _branch(runner: Runner, thread_id: int, message_id: int, text: str = "") -> RunStarted:
    user_id = await _owner(runner.engine.sessions, thread_id)
    run = await runner.start_run(thread_id, text, user_id=user_id, replacing=message_id)
    await run_events(run)
    return run.started


async def _shown(sessions: SessionFactory, thread_id: int) -> list[tuple[str, str]]:
    async with sessions() as session:
        thread = await session.get(Thread, thread_id)
        assert thread is not None
        messages = await branch_messages(session, thread)
    return [(m.role, joined_text(message_parts(m))) for m in messages]


async def test_regenerate_adds_a_sibling_reply_and_never_repeats_the_question(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider([text_turn("First."), text_turn("Second."), text_turn("Third.")])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    first = (await ask(runner, thread_id, "hi"))[0]
    assert isinstance(first, RunStarted)
    again = await _branch(runner, thread_id, first.assistant_message_id)
    assert again.user_message_id == 0  # no new message of the person's
    assert await _shown(sessions, thread_id) == [("user", "hi"), ("assistant", "Second.")]
    async with sessions() as session:
        tree = await thread_tree(
            session, await get_thread(session, thread_id, await _owner(sessions, thread_id))
        )
    versions = tree.siblings(again.assistant_message_id)
    assert (versions.index, versions.count, versions.previous_id) == (
        2,
        2,
        first.assistant_message_id,
    )
    # The model was asked the question once, without the reply it replaces.
    assert provider.requests[1].items == (UserText("hi"),)
    # Back to the first version; the next turn follows the branch on screen.
    async with sessions() as session:
        await show_branch(
            session, thread_id, await _owner(sessions, thread_id), first.assistant_message_id
        )
    assert await _shown(sessions, thread_id) == [("user", "hi"), ("assistant", "First.")]
    await ask(runner, thread_id, "and then?")
    assert provider.requests[2].items == (
        UserText("hi"),
        AssistantText("First."),
        UserText("and then?"),
    )


async def test_edit_keeps_the_earlier_question_as_a_branch(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [text_turn("A."), text_turn("B."), text_turn("C."), text_turn("D.")]
    )
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    first = (await ask(runner, thread_id, "one"))[0]
    second = (await ask(runner, thread_id, "two"))[0]
    assert isinstance(first, RunStarted) and isinstance(second, RunStarted)
    edited = await _branch(runner, thread_id, first.user_message_id, "uno")
    assert await _shown(sessions, thread_id) == [("user", "uno"), ("assistant", "C.")]
    assert provider.requests[2].items == (UserText("uno"),)
    async with sessions() as session:
        tree = await thread_tree(
            session, await get_thread(session, thread_id, await _owner(sessions, thread_id))
        )
        assert tree.siblings(edited.user_message_id).index == 2
        # The first version again: to the end of its branch (both turns).
        await show_branch(
            session, thread_id, await _owner(sessions, thread_id), first.user_message_id
        )
    assert [text for _, text in await _shown(sessions, thread_id)] == ["one", "A.", "two", "B."]


async def test_a_branch_refuses_what_it_cannot_do(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([text_turn("A."), text_turn("B.")])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    first = (await ask(runner, thread_id, "one"))[0]
    assert isinstance(first, RunStarted)
    user_id = await _owner(sessions, thread_id)
    with pytest.raises(InvalidMessage, match="Only your own messages can be edited"):
        await runner.start_run(
            thread_id, "x", user_id=user_id, replacing=first.assistant_message_id
        )
    with pytest.raises(NotOnBranch, match="not on the branch"):
        await runner.start_run(thread_id, "", user_id=user_id, replacing=99999)
    await _branch(runner, thread_id, first.assistant_message_id)
    # The replaced reply is off screen now: it cannot be regenerated until shown again.
    with pytest.raises(NotOnBranch):
        await runner.start_run(thread_id, "", user_id=user_id, replacing=first.assistant_message_id)
    # Someone else's thread is not found, whatever the message.
    with pytest.raises(Exception, match="not found"):
        await runner.start_run(
            thread_id, "", user_id=user_id + 1000, replacing=first.user_message_id
        )


async def test_one_live_run_per_thread_holds_for_a_regeneration(
    sessions: SessionFactory,
) -> None:
    pause = Pause()
    provider = ScriptedProvider([text_turn("A."), [pause, *text_turn("B.")]])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    user_id = await _owner(sessions, thread_id)
    first = (await ask(runner, thread_id, "one"))[0]
    assert isinstance(first, RunStarted)
    going = await runner.start_run(
        thread_id, "", user_id=user_id, replacing=first.assistant_message_id
    )
    with pytest.raises(RunAlreadyActive):
        await runner.start_run(thread_id, "", user_id=user_id, replacing=first.user_message_id)
    pause.release.set()
    await run_events(going)


async def test_the_changes_a_replaced_turn_made_are_found(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Kitchen is 19 °C.")])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    user_id = await _owner(sessions, thread_id)
    first = (await ask(runner, thread_id, "kitchen to 19"))[0]
    assert isinstance(first, RunStarted)
    async with sessions() as session:
        left = await changes_left_behind(session, thread_id, user_id, first.assistant_message_id)
        edited_away = await changes_left_behind(
            session, thread_id, user_id, first.user_message_id, "kitchen to 20"
        )
    assert [(e.room_name, e.new_celsius) for e in left] == [("kitchen", 19.0)]
    assert [e.id for e in edited_away] == [e.id for e in left]


def test_messages_written_without_a_place_after_the_head_are_on_screen() -> None:
    """A writer that knows nothing of branches (an import, a repair, an older version) adds
    messages with no parent: each follows the message before it, and the branch on screen
    runs on from the head to them; another version stays off screen."""
    recorded = [(1, None), (2, None), (3, None), (4, 1)]
    nodes = {i: Node(i, parent, "user", None) for i, parent in parents(recorded).items()}
    assert Tree(nodes, head_id=2).path() == [1, 2, 3]
    assert Tree(nodes, head_id=4).path() == [1, 4]
    assert Tree(nodes, head_id=None).path() == [1, 4]
