"""Follow-ups after a model's reply: a second, small request once the run has ended asks the
model for two or three short messages the person might send next (JSON), within a time
limit; whatever it gives that is unusable, or nothing in time, falls back to the offline
assistant's rules for what the run changed (its effects). The reply's end never waits for
it, and it never fails the run: the offer is stored with the reply when it comes, and every
tab showing the thread is told to read it again. An API client asks for them once the
reply's stream has ended (`FollowUpOffer.offered`, which waits while they are being asked).

The offline assistant offers its follow-ups inside its own reply (`SuggestionsOffered`), so
this is asked only for runs that ended without one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any

from sqlmodel import col, select

from app.assistant.conversation import UserText
from app.assistant.message_parts import (
    SuggestionsPart,
    append_parts,
    message_parts,
    message_text,
)
from app.assistant.providers.base import Provider, ProviderText, TurnRequest
from app.assistant.providers.offline.replies import Replies
from app.db.changes import Change, note_change, thread_topic
from app.db.models import Effect, Message, Run, utcnow
from app.db.session import SessionFactory
from app.db.statuses import Role, RunStatus
from app.home.rooms import list_rooms

logger = logging.getLogger(__name__)

# How many follow-ups are kept, and how long one may be: a button, not a paragraph.
MAX_FOLLOW_UPS = 3
MAX_FOLLOW_UP_CHARS = 80

FOLLOW_UP_INSTRUCTIONS = (
    "You suggest what a person might say next to Hearth, a home assistant that reads and "
    "sets room temperatures and can undo its last change. You are given the person's message "
    "and Hearth's reply. Answer with JSON only, no prose: "
    '{"follow_ups": ["...", "..."]}, two or three short messages (at most eight words each) '
    "written as the person would type them, in the language of their message, each one "
    "something Hearth can do next."
)

# Waiting for an offer being asked in another process: how often the reply is read again,
# and how long past the offer's time limit (its fallback and its save).
_POLL_S = 0.2
_SAVE_SLACK_S = 2.0

# The JSON may come wrapped in prose or a code fence: the outermost object or list is read.
_JSON = re.compile(r"\{.*\}|\[.*\]", re.DOTALL)


def parse_follow_ups(text: str) -> list[str]:
    """The follow-ups in a model's answer (`{"follow_ups": [...]}` or a bare list), cleaned:
    strings only, trimmed, short, no repeats, at most three; [] for anything else."""
    found = _JSON.search(text or "")
    if found is None:
        return []
    try:
        data: Any = json.loads(found.group(0))
    except json.JSONDecodeError:
        return []
    if isinstance(data, dict):
        data = data.get("follow_ups", data.get("suggestions"))
    if not isinstance(data, list):
        return []
    texts: list[str] = []
    for item in data:
        if not isinstance(item, str):
            continue
        item = " ".join(item.split())
        if item and len(item) <= MAX_FOLLOW_UP_CHARS and item not in texts:
            texts.append(item)
    return texts[:MAX_FOLLOW_UPS]


def follow_up_request(
    asked: str, reply: str, changes: Sequence[Effect], run_id: int
) -> TurnRequest:
    """The small request: the person's message, the reply, what changed; no tools."""
    changed = "; ".join(f"{e.room_name}: {e.old_celsius} -> {e.new_celsius} °C" for e in changes)
    prompt = f"The person said: {asked}\n\nHearth replied: {reply}"
    if changed:
        prompt += f"\n\nWhat Hearth changed: {changed}"
    return TurnRequest(FOLLOW_UP_INSTRUCTIONS, (UserText(prompt),), (), run_id)


async def model_side(provider: Provider, run_id: int) -> Provider | None:
    """The model that answered the run, or None when no model did (`suggests_follow_ups`
    unset: the offline assistant, which offers its own; the hybrid's offline side)."""
    side_for = getattr(provider, "side_for", None)
    side: Provider = provider
    if side_for is not None:
        side = await side_for(TurnRequest("", (), (), run_id))
    return side if getattr(side, "suggests_follow_ups", False) else None


def offered_in(message: Message | None) -> tuple[str, ...]:
    """The follow-ups stored with a reply (the last offer), or ()."""
    parts = message_parts(message) if message else []
    offers = [p for p in parts if isinstance(p, SuggestionsPart)]
    return tuple(offers[-1].texts) if offers else ()


async def ask_model(model: Provider, request: TurnRequest) -> list[str]:
    """The model's follow-ups, as `parse_follow_ups` reads its answer."""
    pieces = [e.text async for e in model.stream_turn(request) if isinstance(e, ProviderText)]
    return parse_follow_ups("".join(pieces))


class FollowUpOffer:
    """Offers follow-ups after runs whose reply came without any."""

    def __init__(
        self, sessions: SessionFactory, provider: Provider, language: str, timeout_s: float
    ) -> None:
        self.sessions, self.provider = sessions, provider
        self.replies = Replies(language)
        self.timeout_s = timeout_s

    async def offer(self, run_id: int) -> tuple[str, ...]:
        """Ask, store and announce the run's follow-ups; () when there are none (the reply
        has an offer already, no model answered the run, or follow-ups are off). Never
        raises for the model's sake."""
        if self.timeout_s <= 0:
            return ()
        model = await model_side(self.provider, run_id)
        if model is None:
            return ()
        async with self.sessions() as session:
            run = await session.get(Run, run_id)
            query = select(Message).where(Message.run_id == run_id).order_by(col(Message.id))
            messages = list((await session.exec(query)).all())
            effects_query = select(Effect).where(Effect.run_id == run_id).order_by(col(Effect.id))
            effects = list((await session.exec(effects_query)).all())
            rooms = [room.name for room in await list_rooms(session)]
        reply = next((m for m in reversed(messages) if m.role == Role.assistant), None)
        if run is None or reply is None or not message_text(reply.parts).strip():
            return ()
        if offered_in(reply):
            return ()
        asked = next((message_text(m.parts) for m in messages if m.role == Role.user), "")
        request = follow_up_request(asked, message_text(reply.parts), effects, run_id)
        texts: list[str] = []
        try:
            async with asyncio.timeout(self.timeout_s):
                texts = await ask_model(model, request)
        except TimeoutError:
            logger.info("Run %s: no follow-ups from the model within %ss", run_id, self.timeout_s)
        except Exception as exc:  # a follow-up is a nicety: it never fails anything
            logger.warning("Run %s: the model's follow-ups failed: %s", run_id, exc)
        if not texts:
            changes = [(e.room_name, e.old_celsius, e.new_celsius) for e in effects]
            texts = self.replies.follow_ups_after_changes(changes, rooms)
        if texts:
            await self._store(run.thread_id, reply.id or 0, tuple(texts))
        return tuple(texts)

    async def offered(self, message_id: int, run_id: int) -> tuple[str, ...]:
        """The follow-ups stored with a reply; while they may still be coming (its run
        completed and a model is asked, within the time limit of the run's end), read again
        until they are there. For a process that does not ask them itself."""
        deadline = None
        while True:
            async with self.sessions() as session:
                message = await session.get(Message, message_id)
                run = await session.get(Run, run_id)
            if (texts := offered_in(message)) or message is None or run is None:
                return texts
            if deadline is None:
                if not await self._may_offer(run):
                    return ()
                ended = run.ended_at or utcnow()
                ended = ended if ended.tzinfo else ended.replace(tzinfo=UTC)
                deadline = ended + timedelta(seconds=self.timeout_s + _SAVE_SLACK_S)
            if utcnow() >= deadline:
                return ()
            await asyncio.sleep(_POLL_S)

    async def _may_offer(self, run: Run) -> bool:
        """Whether follow-ups are asked after this run (see `offer`)."""
        if self.timeout_s <= 0 or run.status != RunStatus.completed:
            return False
        return await model_side(self.provider, run.id or 0) is not None

    async def _store(self, thread_id: int, message_id: int, texts: tuple[str, ...]) -> None:
        """Add the offer to the reply, and tell the thread's viewers to read it again."""
        async with self.sessions() as session:
            message = await session.get(Message, message_id)
            if message is None:
                return
            append_parts(message, [SuggestionsPart(texts)])
            session.add(message)
            note_change(session, Change(thread_topic(thread_id)))
            await session.commit()
