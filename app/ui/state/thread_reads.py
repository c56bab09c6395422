"""What the chat page reads from the database while a tab shows a thread: the transcript
again, the run going in it, whether a run ended. Each read is its own short session."""

from __future__ import annotations

from app.assistant.runs import active_run, run_messages
from app.db.changes import Change
from app.services import get_services
from app.ui.transcript import TranscriptPage, load_transcript


async def read_transcript(thread_id: int, since_id: int | None, user_id: int) -> TranscriptPage:
    """What is on screen, read again (with anything newer)."""
    async with get_services().sessions() as session:
        return await load_transcript(session, thread_id, since_id=since_id, user_id=user_id)


async def running_in(thread_id: int, topic: str) -> Change | None:
    """The thread's run going now, as the change that told of it (None: no run)."""
    async with get_services().sessions() as session:
        running = await active_run(session, thread_id)
    return Change(topic, run_id=running.id) if running is not None and running.id else None


async def has_ended(run_id: int) -> bool:
    """Whether the database says the run ended (or knows no such run)."""
    async with get_services().sessions() as session:
        run = await run_messages(session, run_id)
    return run is None or run.ended
