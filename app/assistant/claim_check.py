"""No claim without an effect: a finished reply that says it changed a room no Effect of its
run changed is marked (stored on the message, so every tab, a reload and the admin see it),
and the model is told on its next turn (`conversation.py`).

Every provider's reply is checked, the offline assistant's too: its words come from tool
results, so it never trips this, and a test would show if it did.
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlmodel import col, select

from app.assistant.message_parts import joined_text
from app.assistant.run_context import RunContext
from app.assistant.understanding.claims import claimed_rooms
from app.db.models import Effect, Message
from app.home.rooms import list_rooms

logger = logging.getLogger(__name__)


async def mark_unbacked_claims(run: RunContext) -> list[str]:
    """The rooms the run's reply says it changed with no Effect of the run behind them,
    stored on the reply (nothing is stored when every claim is backed)."""
    text = joined_text(run.recorder.parts)
    if not text:
        return []
    async with run.sessions() as session:
        known = run.memory.rooms
        rooms = list(known) if known is not None else [r.name for r in await list_rooms(session)]
        claimed = claimed_rooms(text, run.config.language, rooms)
        if not claimed:
            return []
        changed = set(
            (await session.exec(select(Effect.room_name).where(Effect.run_id == run.run_id))).all()
        )
        unbacked = sorted(claimed - changed)
        if unbacked:
            await session.exec(
                update(Message)
                .where(col(Message.id) == run.recorder.message_id)
                .values(unbacked_rooms=unbacked)
            )
            await session.commit()
            logger.info("Run %s claims changes no effect backs: %s", run.run_id, unbacked)
    return unbacked
