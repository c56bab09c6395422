"""The transcript a person reads: pages of messages, cards from their own rows."""

from __future__ import annotations

from sqlmodel import select

from app.assistant.message_parts import ToolCallPart, append_parts
from app.assistant.providers.base import ProviderFinish, ProviderSuggestions, ProviderText
from app.db.models import Message
from app.db.session import SessionFactory
from app.db.statuses import Role
from app.services import build_provider
from app.settings import Settings
from app.ui.transcript import (
    TranscriptMessage,
    TranscriptPage,
    TranscriptPart,
    composer_status,
    first_id,
    hide_streaming_text,
    latest_reply_id,
    load_transcript,
    load_transcript_at,
    merge_page,
    waits_for_approval,
)
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.fakes.scripted_provider import ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import build_runner, run_in
from tests.support.people import owned_thread, waiting_for_approval
from tests.support.statements import statements


async def _thread_with(sessions: SessionFactory, count: int) -> int:
    async with sessions() as session:
        thread = await owned_thread(session)
        for index in range(count):
            session.add(
                Message(
                    thread_id=thread.id or 0,
                    role=Role.user if index % 2 == 0 else Role.assistant,
                    parts=[{"type": "text", "text": f"m{index}"}],
                )
            )
        await session.commit()
    return thread.id or 0


def _texts(page) -> list[str]:
    return [m.parts[0].text for m in page.messages]


async def test_pages_newest_first_then_earlier(sessions: SessionFactory) -> None:
    thread_id = await _thread_with(sessions, 7)
    async with sessions() as session:
        newest = await load_transcript(session, thread_id, limit=3)
        assert (_texts(newest), newest.has_earlier) == (["m4", "m5", "m6"], True)
        earlier = await load_transcript(
            session, thread_id, before_id=newest.messages[0].id, limit=3
        )
        assert (_texts(earlier), earlier.has_earlier) == (["m1", "m2", "m3"], True)
        first = await load_transcript(session, thread_id, before_id=earlier.messages[0].id, limit=3)
        assert (_texts(first), first.has_earlier) == (["m0"], False)


async def test_a_thread_opened_at_an_older_message_reaches_back_to_it(
    sessions: SessionFactory,
) -> None:
    other_thread = await _thread_with(sessions, 1)
    thread_id = await _thread_with(sessions, 12)
    async with sessions() as session:
        (elsewhere,) = (await load_transcript(session, other_thread)).messages
        everything = await load_transcript(session, thread_id)
        ids = [m.id for m in everything.messages]
        # From the four messages before it (as many as there are) to the newest.
        at_m6 = await load_transcript_at(session, thread_id, ids[6], limit=3)
        assert (_texts(at_m6), at_m6.has_earlier) == ([f"m{n}" for n in range(2, 12)], True)
        at_m1 = await load_transcript_at(session, thread_id, ids[1], limit=3)
        assert (_texts(at_m1), at_m1.has_earlier) == ([f"m{n}" for n in range(12)], False)
        # One on the newest page, or an older one of another thread: the newest page.
        for message_id in (ids[10], elsewhere.id, 0):
            page = await load_transcript_at(session, thread_id, message_id, limit=3)
            assert (_texts(page), page.has_earlier) == (["m9", "m10", "m11"], True)


async def test_since_id_refreshes_what_is_on_screen_and_anything_newer(
    sessions: SessionFactory,
) -> None:
    thread_id = await _thread_with(sessions, 7)
    async with sessions() as session:
        newest = await load_transcript(session, thread_id, limit=2)
        session.add(
            Message(thread_id=thread_id, role=Role.user, parts=[{"type": "text", "text": "m7"}])
        )
        await session.commit()
        again = await load_transcript(session, thread_id, since_id=newest.messages[0].id, limit=2)
    assert (_texts(again), again.has_earlier) == (["m5", "m6", "m7"], True)


async def test_cards_come_from_tool_rows_and_the_ledger(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [
            tool_turn(("c1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')),
            text_turn("Done."),
        ]
    )
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    runner = build_runner(sessions, provider)
    events = [e async for e in run_in(runner, thread_id, "go")]
    async with sessions() as session:
        # The model-facing copy in the message says otherwise; the card must not believe it.
        message = await session.get(Message, events[0].assistant_message_id)
        assert message is not None
        message.parts = [
            {**p, "new_celsius": 99} if p["type"] == "effect" else p for p in message.parts
        ]
        await session.commit()
        page = await load_transcript(session, thread_id)
    user, assistant = page.messages
    assert (user.role, assistant.role, assistant.run_status) == ("user", "assistant", "completed")
    kinds = [(p.kind, p.tool_status or p.text) for p in assistant.parts]
    assert kinds == [
        ("tool", "done"),
        ("effect", "Temperature in kitchen changed from 22 to 19"),
        ("text", "Done."),
    ]
    assert assistant.parts[0].arguments == '{"room": "kitchen", "celsius": 19}'
    card = assistant.parts[0]
    assert (card.summary, card.icon, card.status_label, card.note) == (
        "Set the kitchen to 19 °C",
        "sliders-horizontal",
        "Done",
        "",
    )


async def test_a_page_without_cards_reads_no_card_rows(sessions: SessionFactory) -> None:
    """A tab reads its transcript when a run starts and ends: a plain exchange costs five
    statements (thread, tree, messages, runs, ratings), not three more for cards it lacks."""
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    runner = build_runner(sessions, ScriptedProvider([text_turn("Hello.")]))
    [e async for e in run_in(runner, thread_id, "hi")]
    async with sessions() as session:
        with statements(sessions) as seen:
            page = await load_transcript(session, thread_id, user_id=1)
    assert [m.role for m in page.messages] == ["user", "assistant"]
    assert not [s for s in seen if " tool_call" in s or " effect" in s], seen
    assert len(seen) == 5, seen


async def test_a_reply_carries_what_it_suggests_apart_from_its_parts(
    sessions: SessionFactory,
) -> None:
    offer = ("Set the bedroom to 19", "List the rooms")
    provider = ScriptedProvider(
        [[ProviderText("Try one."), ProviderSuggestions(offer), ProviderFinish("stop")]]
    )
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    [_ async for _ in run_in(build_runner(sessions, provider), thread_id, "hello")]
    async with sessions() as session:
        user, reply = (await load_transcript(session, thread_id)).messages
    assert [(p.kind, p.text) for p in reply.parts] == [("text", "Try one.")]
    assert (reply.suggestions, user.suggestions) == (list(offer), [])


def test_only_the_newest_message_offers_its_suggestions_and_only_a_reply() -> None:
    replies = _shown(1, 2)
    assert latest_reply_id(replies) == 2
    asked = TranscriptMessage(id=3, role="user", status="complete")
    assert latest_reply_id([*replies, asked]) == 0
    assert latest_reply_id([]) == 0


async def test_a_reply_says_who_answered_where_the_hybrid_chose(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    settings = Settings(provider="hybrid", base_url=fake.base_url, offline_chunk_delay_s=0)
    runner = build_runner(sessions, build_provider(settings, sessions))
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    [e async for e in run_in(runner, thread_id, "set the kitchen to 19")]
    fake.script(Turn(text=["Quite cosy."]))
    [e async for e in run_in(runner, thread_id, "is it cosy at home?")]
    async with sessions() as session:
        page = await load_transcript(session, thread_id)
    assert [(m.role, m.answered_by) for m in page.messages] == [
        ("user", ""),
        ("assistant", "device"),
        ("user", ""),
        ("assistant", "model"),
    ]


async def test_a_reply_with_no_choice_to_show_says_nothing_of_who_answered(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    runner = build_runner(sessions, ScriptedProvider([text_turn("Hi.")]))
    [e async for e in run_in(runner, thread_id, "hello")]
    async with sessions() as session:
        page = await load_transcript(session, thread_id)
    assert [m.answered_by for m in page.messages] == ["", ""]


async def test_a_held_call_shows_why_it_waits(sessions: SessionFactory) -> None:
    reason = "You asked a question; change the kitchen to 19 °C?"
    async with sessions() as session:
        thread = await owned_thread(session)
        args = '{"room": "kitchen", "celsius": 19}'
        run, call = await waiting_for_approval(
            session, thread.id or 0, thread.user_id or 0, "is it warm?", "c1", args
        )
        call.approval_reason = reason
        reply = (
            await session.exec(
                select(Message).where(Message.run_id == run.id, Message.role == Role.assistant)
            )
        ).one()
        append_parts(reply, [ToolCallPart(call.id or 0, "c1", call.name, args)])
        await session.commit()
        page = await load_transcript(session, thread.id or 0)
    (card,) = page.messages[-1].parts
    assert (card.kind, card.tool_status, card.approval_reason) == (
        "tool",
        "awaiting_approval",
        reason,
    )


async def test_a_reply_claiming_a_change_no_effect_made_is_marked(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
        for rooms in (["kitchen"], ["kitchen", "bedroom"], None):
            session.add(
                Message(
                    thread_id=thread_id,
                    role=Role.assistant,
                    parts=[{"type": "text", "text": "Done."}],
                    unbacked_rooms=rooms,
                )
            )
        await session.commit()
        page = await load_transcript(session, thread_id)
    assert [m.no_change_note for m in page.messages] == [
        "No change was made to the kitchen.",
        "No change was made to the kitchen or the bedroom.",
        "",
    ]


def _shown(*ids: int) -> list[TranscriptMessage]:
    return [
        TranscriptMessage(
            id=i, role="assistant", status="complete", parts=[TranscriptPart("text", text=f"m{i}")]
        )
        for i in ids
    ]


def test_a_fresh_page_replaces_what_it_covers_and_keeps_older_pages() -> None:
    fresh = TranscriptPage(_shown(3, 4, 5), has_earlier=True)
    assert [m.id for m in merge_page(_shown(1, 2, 3, 4), fresh)] == [1, 2, 3, 4, 5]
    assert merge_page(_shown(1), TranscriptPage([], has_earlier=False))[0].id == 1
    assert first_id(_shown(7, 8)) == 7 and first_id([]) is None


def test_the_streaming_reply_hides_only_its_trailing_text() -> None:
    messages = _shown(1, 2)
    messages[1].parts.append(TranscriptPart("tool", tool_name="list_rooms"))
    assert hide_streaming_text(messages, 1)[0].parts == []
    assert [p.kind for p in hide_streaming_text(messages, 2)[1].parts] == ["text", "tool"]


async def test_a_stopped_reply_reads_without_half_written_markdown(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
        for status, text in [
            ("incomplete", "Sorry, I can read, for example: *Set the"),
            ("incomplete", "Done:\n\n- **kitchen**: 19 °C (was 22 °C)\n- "),
            ("complete", "Lone markers stay in a finished reply: *"),
        ]:
            session.add(
                Message(
                    thread_id=thread_id,
                    role=Role.assistant,
                    status=status,
                    parts=[{"type": "text", "text": text}],
                )
            )
        await session.commit()
        page = await load_transcript(session, thread_id)
    assert [m.parts[0].text for m in page.messages] == [
        "Sorry, I can read, for example: Set the",
        "Done:\n\n- **kitchen**: 19 °C (was 22 °C)",
        "Lone markers stay in a finished reply: *",
    ]


async def test_a_denied_card_says_so_in_the_persons_words(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        args = '{"room": "kitchen", "celsius": 19}'
        run, call = await waiting_for_approval(
            session, thread.id or 0, thread.user_id or 0, "set the kitchen to 19", "c1", args
        )
        told = (
            "The person denied this set_room_temperature call; nothing was changed. "
            "Do not try it again unless they ask."
        )
        call.status, call.error, call.result = "denied", told, {"error": told}
        reply = (
            await session.exec(
                select(Message).where(Message.run_id == run.id, Message.role == Role.assistant)
            )
        ).one()
        append_parts(reply, [ToolCallPart(call.id or 0, "c1", call.name, args)])
        await session.commit()
        page = await load_transcript(session, thread.id or 0)
    (card,) = page.messages[-1].parts
    assert (card.summary, card.status_label, card.note, card.result) == (
        "Set the kitchen to 19 °C",
        "Denied",
        "You denied this; nothing was changed.",
        "",
    )


def test_the_composer_says_what_is_happening() -> None:
    waiting = _shown(1)
    waiting[0].parts.append(TranscriptPart("tool", tool_status="awaiting_approval"))
    assert waits_for_approval(waiting) and not waits_for_approval(_shown(1, 2))
    assert composer_status(True, True) == "Waiting for your approval above"
    assert composer_status(True, False) == "Hearth is answering… (Esc stops)"
    assert composer_status(False, False) == ""
