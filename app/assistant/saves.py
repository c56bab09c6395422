"""Saves while runs stream: written in rounds, one transaction for every run of the process,
and never waited for by the stream.

A streaming run saves its text within `save_text_within_s` and beats its heart every
`checkpoint_interval_s`. Each run writing its own transaction, and waiting for it before it
hands on its next words, costs a hundred runs about a thousand transactions a second, and
every reply stalls while the database is slow. Here a run says its save is due (`due`) and
streams on; a writer task writes the next round: the text and heartbeat of every run that
said so, and of the other runs streaming here whose text is nearly due or whose heartbeat
is half due (which then are not due again for a while). One transaction, an `executemany`
per table, in Core (no ORM unit of work), rows in id order; a round starts as soon as none
is being written, so a lone run's save is written as soon as it would have been alone.

A run's other writes (a status change, its end) first `settle`: they wait for a round
holding its text, so none holding older text lands after them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    """One run's part of a round: its reply's parts (None: unchanged) and, for a heartbeat,
    the run's columns to write with it (None: no heartbeat; never a terminal status)."""

    message_id: int
    run_id: int
    parts: list[dict[str, Any]] | None
    run_values: dict[str, Any] | None = None


class Streaming(Protocol):
    """A run streaming here (its recorder), whose saves rounds write."""

    run_id: int

    def take_unsaved(self, now: float, text_age_s: float, beat_age_s: float) -> Save | None:
        """Its text unsaved for `text_age_s` or more, and a heartbeat if its last is
        `beat_age_s` old (with the run columns it defers), now being written (None: none)."""
        ...

    def taken(self, save: Save, saved: bool) -> None:
        """The round that wrote `save` has ended: written, or not."""
        ...


class SaveRounds:
    """Writes the saves of every run streaming in this process, a round at a time."""

    def __init__(
        self,
        sessions: SessionFactory,
        clock: Callable[[], float] = time.monotonic,
        take_text_after_s: float = 0.0,
        take_beat_after_s: float = float("inf"),
    ) -> None:
        """A round takes along the text other runs have had unsaved for
        `take_text_after_s`, and their heartbeats last written `take_beat_after_s` ago (the
        runs' clock)."""
        self._sessions, self._clock = sessions, clock
        self._take_after = (take_text_after_s, take_beat_after_s)
        self._streaming: dict[int, Streaming] = {}
        self._due: set[int] = set()
        self._writer: asyncio.Task[None] | None = None
        # The runs in the round being written, and its end.
        self._writing: set[int] = set()
        self._written: asyncio.Event | None = None

    def streaming(self, run: Streaming) -> None:
        """The run streams here: rounds take its text and heartbeat along when due."""
        self._streaming[run.run_id] = run

    def forget(self, run: Streaming) -> None:
        """The run's turn has ended (a round being written still ends for it)."""
        self._streaming.pop(run.run_id, None)
        self._due.discard(run.run_id)

    def due(self, run: Streaming) -> None:
        """The run's text or heartbeat is due: the next round writes it (and starts now,
        unless one is being written). Returns at once."""
        self._streaming[run.run_id] = run
        self._due.add(run.run_id)
        loop = asyncio.get_running_loop()
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_rounds())

    async def settle(self, run_id: int) -> None:
        """Wait until no round being written holds the run's save (none is started for it
        after this: the caller writes the run itself now)."""
        self._due.discard(run_id)
        written = self._written
        if written is not None and run_id in self._writing:
            await written.wait()

    async def idle(self) -> None:
        """Wait until no round is being written or due."""
        writer = self._writer
        if writer is not None and writer.get_loop() is asyncio.get_running_loop():
            await asyncio.wait([writer])

    async def _write_rounds(self) -> None:
        while self._due:
            due, self._due = self._due, set()
            taken = self._take(due)
            if not taken:
                continue
            self._writing = {save.run_id for _run, save in taken}
            self._written = asyncio.Event()
            saved = False
            try:
                await self._write([save for _run, save in taken])
                saved = True
            except OperationalError as exc:
                logger.warning("%d saves not written, the database is busy: %s", len(taken), exc)
            except Exception:
                logger.exception("%d saves not written", len(taken))
            finally:
                for run, save in taken:
                    run.taken(save, saved)
                self._writing = set()
                self._written.set()

    def _take(self, due: set[int]) -> list[tuple[Streaming, Save]]:
        """The saves of the runs that are due, and what the others have nearly due."""
        now = self._clock()
        text_after, beat_after = self._take_after
        taken = []
        for run_id, run in list(self._streaming.items()):
            text_age = 0.0 if run_id in due else text_after
            save = run.take_unsaved(now, text_age, beat_after)
            if save is not None:
                taken.append((run, save))
        return taken

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
