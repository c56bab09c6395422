"""What a commit changed, told to whoever shows it: a thread's turns, a person's threads, the home.

A writer notes a `Change` on its session (`note_change`) beside the rows it writes; the session
factory hands the notes on only when the transaction commits (`publish_on_commit`), and drops
them when it rolls back, so nobody hears of a change that was never made. A change names what
changed, never the change itself: whoever hears of one reads the database, which stays the
truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

# The home: every room's temperature, and the ledger of effects.
HOME_TOPIC = "home"

# Stops recorded for runs (`run_id`): whichever worker drives one ends it at once.
STOPS_TOPIC = "stops"

_NOTED = "hearth_changes"


def thread_topic(thread_id: int) -> str:
    """One thread's turns (a run starts or carries on), or the thread itself (deleted)."""
    return f"thread:{thread_id}"


def threads_topic(user_id: int) -> str:
    """A person's thread list: created, renamed, deleted, or reordered by a new turn."""
    return f"threads:{user_id}"


@dataclass(frozen=True)
class Change:
    """One thing a commit changed."""

    topic: str
    # The run that started or carries on (thread topics).
    run_id: int = 0
    # The room that changed (the home topic).
    room: str = ""
    # The thread or room is gone.
    gone: bool = False

    def to_json(self) -> dict[str, str | int | bool]:
        """The change as JSON-able fields."""
        return {"topic": self.topic, "run_id": self.run_id, "room": self.room, "gone": self.gone}

    @classmethod
    def from_json(cls, data: dict) -> Change:
        """A change read back from `to_json`."""
        return cls(
            str(data["topic"]),
            int(data.get("run_id", 0)),
            str(data.get("room", "")),
            bool(data.get("gone", False)),
        )


def note_change(session: AsyncSession | Session, change: Change) -> None:
    """Tell of `change` when the session's transaction commits (never if it rolls back)."""
    noted: list[Change] = session.info.setdefault(_NOTED, [])
    if change not in noted:
        noted.append(change)


def publish_on_commit(session_class: type[Session], publish: Callable[[Change], None]) -> None:
    """Hand every change noted on sessions of `session_class` to `publish` once they commit."""

    def committed(session: Session) -> None:
        for change in session.info.pop(_NOTED, []):
            publish(change)

    def rolled_back(session: Session, _transaction: object) -> None:
        session.info.pop(_NOTED, None)

    event.listen(session_class, "after_commit", committed)
    event.listen(session_class, "after_soft_rollback", rolled_back)
