"""Local first, model second, one thread: the offline assistant answers what it understands,
at once and with no network; the model answers the rest.

Both sides read the same stored thread, so the model sees the turns answered locally (the
person's words, the tool calls, their results, the reply) like any other. Every turn of a
run goes to the side that took its first turn: the choice is recorded on the run
(`Run.provider` becomes "hybrid:offline" or "hybrid:<model>"), which also tells the
transcript who answered.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Literal, Protocol

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.conversation import UserText
from app.assistant.providers.base import Provider, ProviderChosen, ProviderEvent, TurnRequest
from app.db.models import Run
from app.db.session import SessionFactory

logger = logging.getLogger(__name__)

HYBRID = "hybrid"
# What `Run.provider` holds once the hybrid has chosen: "hybrid:offline", "hybrid:chat", ...
_CHOSEN = HYBRID + ":"
# The offline assistant's provider name (`OfflineProvider.name`): the side on this device.
_ON_DEVICE = "offline"

LocalCheck = Callable[[TurnRequest], Awaitable[bool]]
Answerer = Literal["device", "model", ""]


class LocalUnderstanding(Protocol):
    """What the local check needs of the offline assistant (an `OfflineProvider` has it)."""

    async def understands(self, request: TurnRequest) -> bool:
        """Whether it answers this turn with confidence (see `OfflineProvider.understands`)."""
        ...


def newest_user_text(request: TurnRequest) -> str | None:
    """What the person said last in the conversation, if anything."""
    return next((i.text for i in reversed(request.items) if isinstance(i, UserText)), None)


def understood_offline(offline: LocalUnderstanding) -> LocalCheck:
    """The rule for "the offline assistant answers this": it understands the newest request,
    in the light of the conversation, with confidence."""
    return offline.understands


def answered_by(run_provider: str) -> Answerer:
    """Who answered a run, from what its row records: "device" or "model" where the hybrid
    chose, "" where there was no choice to show (a single provider, or not chosen yet)."""
    if not run_provider.startswith(_CHOSEN):
        return ""
    return "device" if run_provider == _CHOSEN + _ON_DEVICE else "model"


async def answerers(session: AsyncSession, run_ids: Iterable[int]) -> dict[int, Answerer]:
    """Who answered each of these runs, where the hybrid chose (see `answered_by`)."""
    query = select(Run.id, Run.provider).where(col(Run.id).in_(set(run_ids)))
    rows = (await session.exec(query)).all()
    return {
        run_id: shown for run_id, provider in rows if run_id and (shown := answered_by(provider))
    }


def _carries_on(request: TurnRequest) -> bool:
    """Whether the conversation already goes on past the newest user message (an API
    client's results for the model's calls): only the model made such calls."""
    return bool(request.items) and not isinstance(request.items[-1], UserText)


class HybridProvider:
    """Answers each run with the local provider when `answers_locally` says so, else with
    the model; every turn of a run with the side that took its first turn."""

    name = HYBRID

    def __init__(
        self,
        local: Provider,
        model: Provider,
        answers_locally: LocalCheck,
        sessions: SessionFactory,
        *,
        remembered_runs: int = 1024,
    ) -> None:
        if local.name == model.name:
            raise ValueError(
                f"The hybrid's two sides need different names to be told apart; both are "
                f"{local.name!r}."
            )
        self.local, self.model = local, model
        self.answers_locally = answers_locally
        self.sessions = sessions
        # The sides of the runs this process drove last: a later turn needs no query. The
        # run's row stays the truth (a run forgotten here is looked up there).
        self._sides: OrderedDict[int, Provider] = OrderedDict()
        self._remembered_runs = remembered_runs

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """The turn, from the side that answers this run (on its first turn, the choice
        first, for the engine to record on the run)."""
        side, chosen_now = await self._side(request)
        if chosen_now:
            yield ProviderChosen(_CHOSEN + side.name)
        async for event in side.stream_turn(request):
            yield event

    async def side_for(self, request: TurnRequest) -> Provider:
        """The side that answers the turn's run: recorded on its first turn (see
        `stream_turn`). A turn of no run is chosen from its newest user message every time."""
        side, _ = await self._side(request)
        return side

    async def _side(self, request: TurnRequest) -> tuple[Provider, bool]:
        if not request.run_id:
            return (self.local if await self.answers_locally(request) else self.model), False
        side = self._sides.get(request.run_id)
        chosen_now = False
        if side is None and _carries_on(request):
            # A later turn of a run this process forgot, or the first of a run carrying on
            # from a client's results (not chosen yet: only the model made such calls).
            side = await self._recorded(request.run_id)
        if side is None:
            # The run's first turn: the choice is written with the run's next save, which
            # comes before its next turn (every step ends in one).
            local = not _carries_on(request) and await self.answers_locally(request)
            side, chosen_now = (self.local if local else self.model), True
            logger.info("Run %s is answered by %s", request.run_id, side.name)
        self._sides[request.run_id] = side
        while len(self._sides) > self._remembered_runs:
            self._sides.popitem(last=False)
        return side, chosen_now

    async def _recorded(self, run_id: int) -> Provider | None:
        """The side recorded on the run (a run this process forgot); None if not chosen yet."""
        async with self.sessions() as session:
            provider = (await session.exec(select(Run.provider).where(Run.id == run_id))).first()
        if provider == HYBRID:
            return None
        for side in (self.local, self.model):
            if provider == _CHOSEN + side.name:
                return side
        raise ValueError(
            f"Run {run_id} is not a hybrid run (its provider is {provider!r}); "
            "only runs the hybrid started can be answered by it."
        )
