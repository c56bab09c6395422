"""The admin view's rows: the board's rooms, ledger rows, chart points and filter times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.db.models import Room
from app.home.ledger import LedgerRow
from app.ui.admin_rows import board_room, chart_point, ledger_view, parse_filter_time

AT = datetime(2026, 11, 28, 13, 5, 9, tzinfo=UTC)


def _row(**changes: object) -> LedgerRow:
    fields = {
        "id": 7,
        "created_at": AT,
        "username": "alice",
        "user_id": 2,
        "thread_id": 3,
        "thread_title": "Heating",
        "tool_name": "set_room_temperature",
        "room": "kitchen",
        "old_celsius": 22.0,
        "new_celsius": 19.5,
        "source": "assistant",
        "undoes_id": None,
        "undone_by_id": None,
    }
    return LedgerRow(**{**fields, **changes})  # type: ignore[arg-type]


def test_chart_points_are_epoch_ms() -> None:
    assert chart_point(AT, 21.5) == {"at_ms": 1795871109000, "celsius": 21.5}


def test_a_ledger_row_reads_as_the_table_shows_it() -> None:
    view = ledger_view(_row())
    assert (view.when, view.change, view.status, view.can_undo) == (
        "2026-11-28T13:05:09+00:00",
        "22 → 19.5 °C",
        "applied",
        True,
    )
    assert view.thread_href == "/admin/thread/3"
    assert ledger_view(_row(undone_by_id=9)).status == "undone by #9"
    assert ledger_view(_row(undone_by_id=9)).can_undo is False
    assert ledger_view(_row(undoes_id=5)).status == "undoes #5"
    admin = ledger_view(_row(username="", thread_id=None, tool_name=""))
    assert (admin.user, admin.thread, admin.thread_href, admin.tool) == ("—", "—", "", "—")


def test_a_board_room_shows_its_bounds() -> None:
    room = board_room(Room(name="attic", celsius=15, min_celsius=5, max_celsius=30.5))
    assert (room.celsius, room.bounds) == ("15", "5–30.5 °C")


def test_filter_times_are_utc_or_say_what_is_wrong() -> None:
    assert parse_filter_time("", "From") is None
    assert parse_filter_time("2026-11-28T13:05:09+00:00", "From") == AT
    with pytest.raises(ValueError, match="To 'noon' is not a date and time like"):
        parse_filter_time("noon", "To")
