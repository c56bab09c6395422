"""Six tabs of one person press Send in one thread at the same moment: the database lets one
reply start; the others are told it is still answering and keep their text."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from app.db.models import Effect, Message, Run, User
from app.db.session import SessionFactory
from app.ui.state.chat import ChatState
from tests.support.events import browsers
from tests.support.people import owned_thread
from tests.support.waits import wait_until
from tests.ui.state.conftest import _token

CHAT = "/chat/[thread_id]"


async def test_simultaneous_sends_make_one_run_one_message_one_change(
    services: None, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = await session.get(User, thread.user_id)
    assert owner is not None
    token = await _token(sessions, owner.username, owner.role)
    says = [f"set the kitchen to {17.5 + n}" for n in range(6)]
    async with browsers() as tab:
        tabs = [tab(f"t{n}") for n in range(6)]
        for each in tabs:
            await each.sign_in_with(token)
            await each.send(ChatState.load_thread, CHAT, thread_id=str(thread.id))
        # Each tab's whole chain (the send, the refusal or the run followed to its end) is
        # waited for: cut short, a tab would not get to put back its text.
        await asyncio.gather(
            *(
                each.send(ChatState.send({"message": say}), settle_s=30)
                for each, say in zip(tabs, says, strict=True)
            )
        )

        async def all_ended() -> bool:
            async with sessions() as session:
                runs = (await session.exec(select(Run))).all()
            return bool(runs) and all(r.ended_at for r in runs)

        await wait_until(
            all_ended, "every run started by the burst ended", timeout_s=20, every_s=0.1
        )
        prompts = [(await each.state(ChatState)).prompt for each in tabs]
    async with sessions() as session:
        runs = (await session.exec(select(Run))).all()
        asked = (await session.exec(select(Message).where(Message.role == "user"))).all()
        effects = (await session.exec(select(Effect))).all()
    assert len(runs) == 1 and len(asked) == 1
    said = asked[0].parts[0]["text"]
    assert [(e.room_name, f"set the kitchen to {e.new_celsius:g}") for e in effects] == [
        ("kitchen", said)
    ]
    # The tabs that lost keep what they typed; the one that won has an empty composer.
    assert sorted(prompts) == sorted("" if s == said else s for s in says)
