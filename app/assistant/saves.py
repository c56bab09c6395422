"""Saves while runs stream, grouped: one transaction for every run of this process at once.

A streaming run saves its text within `save_text_within_s` and beats its heart every
`checkpoint_interval_s`. Each run writing its own transaction costs a hundred runs about a
thousand transactions a second. Here a run's save goes with the next round, and a round
takes along the text of the other runs streaming here that is nearly due, and their
heartbeats that are half due (which then are not due again for a while): a few rounds a
second however many runs stream, each one transaction with an `executemany` per table, in Core (no ORM unit of
work), rows in id order. A round starts as soon as none is being written, so a lone run
waits no longer than it would alone.

A run's own task waits for its save. Its other writes (a status change, its end) first wait
for a round that took its text along (`settle`), so no round holding older text can land
after them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import bindparam, case, update
from sqlalchemy.exc import OperationalError

from app.db.models import Message, Run, utcnow
from app.db.session import SessionFactory
from app.db.statuses import RunStatus

logger = logging.getLogger(__name__)

_MESSAGE = Message.__table__  # type: ignore[attr-defined]
_RUN = Run.__table__  # type: ignore[attr-defined]


@dataclass
class Save:
    """One run's save: its reply's parts (None: unchanged) and, for a heartbeat, the run's
    columns to write with it (None: no heartbeat; a status must not be a terminal one)."""

    message_id: int
    run_id: int
    parts: list[dict[str, Any]] | None
    run_values: dict[str, Any] | None = None


class Streaming(Protocol):
    """A run whose unsaved text a round may take along (the run's recorder)."""

    run_id: int

    def take_unsaved(self, now: float, text_age_s: float, beat_age_s: float) -> Save | None:
        """Its text unsaved for `text_age_s` or more, and a heartbeat if its last is
        `beat_age_s` old, now being saved (None: neither)."""
        ...

    def taken(self, save: Save, saved: bool) -> None:
        """The round that took `save` along has ended: written, or not."""
        ...


@dataclass
class _Round:
    saves: list[Save] = field(default_factory=list)
    done: asyncio.Future[bool] | None = None
    taken: list[tuple[Streaming, Save]] = field(default_factory=list)


class SaveRounds:
    """Writes the saves of every run this process drives, a round at a time."""

    def __init__(
        self,
        sessions: SessionFactory,
        clock: Callable[[], float] = time.monotonic,
        take_text_after_s: float = 0.0,
        take_beat_after_s: float = float("inf"),
    ) -> None:
        """A round takes along text unsaved for `take_text_after_s` and heartbeats last
        written `take_beat_after_s` ago (the runs' clock): half their limits, so what a
        round takes along is not due again for at least as long."""
        self._sessions, self._clock = sessions, clock
        self._take_after = (take_text_after_s, take_beat_after_s)
        self._next = _Round()
        self._writing: _Round | None = None
        self._writer: asyncio.Task[None] | None = None
        # The runs streaming here, by run id.
        self._unsaved: dict[int, Streaming] = {}

    def streaming(self, run: Streaming) -> None:
        """The run streams here: rounds take its text and heartbeat along when due."""
        self._unsaved[run.run_id] = run

    def forget(self, run: Streaming) -> None:
        """The run has ended: nothing of it is taken along any more."""
        self._unsaved.pop(run.run_id, None)

    async def save(self, save: Save) -> bool:
        """Write this save with the next round; False if the database was too busy to take
        that round (a lock not granted in time: the next save carries the text)."""
        loop = asyncio.get_running_loop()
        if self._next.done is None or self._next.done.get_loop() is not loop:
            self._next = _Round(done=loop.create_future())
        self._next.saves.append(save)
        done = self._next.done
        assert done is not None
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_rounds())
        return await asyncio.shield(done)

    async def settle(self, run_id: int) -> None:
        """Wait until no round being written, or waiting to be, holds the run's save."""
        for round_ in (self._writing, self._next):
            if round_ is None or round_.done is None:
                continue
            if any(save.run_id == run_id for save in round_.saves):
                await asyncio.wait([round_.done])

    async def idle(self) -> None:
        """Wait until no round is being written."""
        writer = self._writer
        if writer is not None and writer.get_loop() is asyncio.get_running_loop():
            await asyncio.wait([writer])

    async def _write_rounds(self) -> None:
        while self._next.saves:
            round_, self._next = self._next, _Round()
            self._take_along(round_)
            self._writing = round_
            done = round_.done
            assert done is not None
            try:
                await self._write(round_.saves)
            except OperationalError as exc:
                logger.warning(
                    "%d saves not written, the database is busy: %s", len(round_.saves), exc
                )
                _end(round_, result=False)
            except Exception as exc:  # each run waiting hears it, as from its own transaction
                _end(round_, error=exc)
            else:
                _end(round_, result=True)
            finally:
                self._writing = None

    def _take_along(self, round_: _Round) -> None:
        """Add the unsaved text of the runs that asked for no save in this round."""
        asked = {save.run_id for save in round_.saves}
        now = self._clock()
        for run_id, run in list(self._unsaved.items()):
            if run_id in asked:
                continue
            save = run.take_unsaved(now, *self._take_after)
            if save is None:
                continue
            round_.saves.append(save)
            round_.taken.append((run, save))

    async def _write(self, saves: Sequence[Save]) -> None:
        now = utcnow()
        texts = sorted(
            ({"b_id": s.message_id, "b_parts": s.parts} for s in saves if s.parts is not None),
            key=lambda row: row["b_id"],
        )
        beats: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for s in sorted(saves, key=lambda s: s.run_id):
            if s.run_values is not None:
                columns = tuple(sorted(s.run_values))
                row = {f"b_{name}": value for name, value in s.run_values.items()}
                beats.setdefault(columns, []).append({"b_id": s.run_id, **row})
        async with self._sessions() as session:
            connection = await session.connection()
            if texts:
                await connection.execute(
                    update(_MESSAGE)
                    .where(_MESSAGE.c.id == bindparam("b_id"))
                    .values(parts=bindparam("b_parts"), updated_at=now),
                    texts,
                )
            for columns, rows in beats.items():
                await connection.execute(
                    update(_RUN)
                    .where(_RUN.c.id == bindparam("b_id"))
                    .values(heartbeat_at=now, **{name: _value(name) for name in columns}),
                    rows,
                )
            await session.commit()


def _value(column: str) -> Any:
    """The bound value of a run column; a status never replaces a Stop recorded meanwhile
    (`cancelling`, by any tab or worker)."""
    value = bindparam(f"b_{column}")
    if column != "status":
        return value
    return case((_RUN.c.status == RunStatus.cancelling, _RUN.c.status), else_=value)


def _end(round_: _Round, *, result: bool = False, error: Exception | None = None) -> None:
    for run, save in round_.taken:
        run.taken(save, error is None and result)
    done = round_.done
    if done is None or done.done():
        return
    if error is not None:
        done.set_exception(error)
        # Retrieved here too, so a round whose every waiter was cancelled logs nothing more.
        done.add_done_callback(lambda f: f.exception())
    else:
        done.set_result(result)
