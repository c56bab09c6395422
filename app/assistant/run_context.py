"""What every step of a run works with: the engine's collaborators and the run's recorder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.assistant.client_tools import ClientContext
from app.assistant.config import EngineConfig
from app.assistant.files.message import AttachedFile
from app.assistant.providers.base import Provider
from app.assistant.recorder import RunRecorder
from app.assistant.tools import ToolRegistry
from app.db.models import Message, Room
from app.db.session import SessionFactory

# The system prompt, from the rooms the turn read (no query of its own).
Instructions = Callable[[Sequence[Room]], str]


@dataclass
class RunMemory:
    """What a run read once and keeps for its later turns: the thread's messages before its
    own reply (no other run writes to the thread while it is live), the instructions, and
    the rooms as its latest turn read them."""

    earlier: list[Message] | None = None
    # The files those messages carry, by attachment id.
    files: dict[int, AttachedFile] = field(default_factory=dict)
    instructions: str | None = None
    rooms: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RunContext:
    """One run being driven: where it is stored, who answers, what it may call."""

    sessions: SessionFactory
    provider: Provider
    tools: ToolRegistry
    instructions: Instructions
    config: EngineConfig
    clock: Callable[[], float]
    recorder: RunRecorder
    client: ClientContext
    memory: RunMemory = field(default_factory=RunMemory)

    @property
    def run_id(self) -> int:
        """The run's id."""
        return self.recorder.run_id
