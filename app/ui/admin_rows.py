"""The admin view's rows: a room on the board, a ledger row, a point of a room's history, and
the ledger filter's times (plain code: `app.ui.state.admin` fills its state with these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.db.models import Room
from app.home.ledger import LedgerRow
from app.home.temperatures import format_celsius
from app.ui.moments import as_utc, epoch_ms, iso_utc


@dataclass
class BoardRoom:
    """One room on the live board."""

    name: str
    celsius: str
    bounds: str
    min_celsius: float
    max_celsius: float


@dataclass
class LedgerView:
    """One ledger row, formatted."""

    id: int
    when: str
    user: str
    thread: str
    thread_href: str
    tool: str
    room: str
    change: str
    source: str
    status: str
    can_undo: bool


def chart_point(moment: datetime, celsius: float) -> dict[str, float]:
    """One point of a room's history: when (epoch ms, UTC) and the temperature."""
    return {"at_ms": epoch_ms(moment), "celsius": celsius}


def ledger_view(row: LedgerRow) -> LedgerView:
    """A ledger row as the table shows it."""
    if row.undone_by_id:
        status = f"undone by #{row.undone_by_id}"
    elif row.undoes_id:
        status = f"undoes #{row.undoes_id}"
    else:
        status = "applied"
    return LedgerView(
        id=row.id,
        when=iso_utc(row.created_at),
        user=row.username or "—",
        thread=(row.thread_title or f"Thread {row.thread_id}") if row.thread_id else "—",
        thread_href=f"/admin/thread/{row.thread_id}" if row.thread_id else "",
        tool=row.tool_name or "—",
        room=row.room,
        change=f"{format_celsius(row.old_celsius)} → {format_celsius(row.new_celsius)} °C",
        source=row.source,
        status=status,
        can_undo=row.undone_by_id is None,
    )


def parse_filter_time(value: str, field: str) -> datetime | None:
    """A ledger filter's time (ISO, as the browser sent it in UTC); None if empty;
    ValueError saying what is wrong."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{field} '{value}' is not a date and time like 2026-11-22T09:30."
        ) from None
    return as_utc(moment)


def board_room(room: Room) -> BoardRoom:
    """A room as the board shows it."""
    return BoardRoom(
        room.name,
        format_celsius(room.celsius),
        f"{format_celsius(room.min_celsius)}–{format_celsius(room.max_celsius)} °C",
        room.min_celsius,
        room.max_celsius,
    )
