"""The admin view: the live room board, the effect ledger with undo, and history charts.

Every handler checks, on the server, that the signed-in person is an admin.
"""

from __future__ import annotations

from contextlib import aclosing

import reflex as rx

from app.accounts.users import list_usernames, user_id_for
from app.db.changes import HOME_TOPIC
from app.db.models import User
from app.db.statuses import EffectSource
from app.home.errors import HomeError, NoChange
from app.home.ledger import (
    LedgerFilter,
    ledger_page,
    room_history,
    undo_effect,
)
from app.home.rooms import EffectOrigin, list_rooms, set_room_temperature
from app.home.temperatures import format_celsius
from app.services import get_services
from app.ui.admin_rows import (
    BoardRoom,
    LedgerView,
    board_room,
    chart_point,
    ledger_view,
    parse_filter_time,
)
from app.ui.live_changes import start_watching, tab_changes
from app.ui.moments import time_ticks
from app.ui.state.auth import AuthState, admin_only

ANY = "any"
LEDGER_PAGE = 25
SOURCES = [ANY, *(s.value for s in EffectSource)]


class AdminState(AuthState):
    """What admins see: every room live, and every change any run made."""

    board: list[BoardRoom] = []
    room_names: list[str] = []
    usernames: list[str] = []
    ledger: list[LedgerView] = []
    has_older: bool = False
    page_number: int = 1
    filter_room: str = ANY
    filter_user: str = ANY
    filter_source: str = ANY
    # As typed, in the reader's zone (what the inputs show) ...
    filter_since: str = ""
    filter_until: str = ""
    # ... and as the browser converted it to UTC (what the ledger is filtered by).
    _since_utc: str = ""
    _until_utc: str = ""
    filter_error: str = ""
    chart_room: str = ""
    # Each point: `at_ms` (epoch milliseconds, for a time axis) and `celsius`.
    chart_points: list[dict[str, float]] = []
    # From the first point to the last: how fine the axis labels need to be.
    chart_span_ms: int = 0
    # Where the time axis is labelled: round moments, so no two labels read the same.
    chart_ticks: list[int] = []
    _before_ids: list[int] = []

    @rx.var
    def room_options(self) -> list[str]:
        """The room filter's choices."""
        return [ANY, *self.room_names]

    @rx.var
    def user_options(self) -> list[str]:
        """The user filter's choices."""
        return [ANY, *self.usernames]

    @rx.event
    @admin_only
    async def open_admin(self, user: User):
        """`/admin`: admins only; everyone else is sent away."""
        self._before_ids, self.page_number = [], 1
        await self._load_all()
        return start_watching(AdminState.watch_home)

    @rx.event(background=True)
    async def watch_home(self, _started: bool = True):
        """While the page is open: show each change to the home as it commits, from any worker
        (pushed: nothing is asked while nothing changes)."""
        changes = tab_changes(self.router.session.client_token, "admin", (HOME_TOPIC,))
        async with aclosing(changes):
            # Each change, and once on listening (a change between the page's read and then).
            async for _change in changes:
                yield AdminState.show_changes

    @rx.event
    # Quietly: the page has already said why (or the role just changed).
    @admin_only(quietly=True)
    async def show_changes(self, user: User):
        """The home changed: read the board, the ledger page and the chart again."""
        await self._load_all()

    async def _load_all(self) -> None:
        async with get_services().sessions() as session:
            rooms = await list_rooms(session)
            self.usernames = await list_usernames(session)
        self.board = [board_room(r) for r in rooms]
        self.room_names = [r.name for r in rooms]
        if not self.chart_room and self.room_names:
            self.chart_room = self.room_names[0]
        await self._load_ledger()
        await self._load_chart()

    async def _load_ledger(self) -> None:
        try:
            since = parse_filter_time(self._since_utc, "From")
            until = parse_filter_time(self._until_utc, "To")
        except ValueError as exc:
            self.filter_error = str(exc)
            return
        self.filter_error = ""
        async with get_services().sessions() as session:
            user_id = None
            if self.filter_user != ANY:
                user_id = await user_id_for(session, self.filter_user) or -1
            where = LedgerFilter(
                room=None if self.filter_room == ANY else self.filter_room,
                source=None if self.filter_source == ANY else EffectSource(self.filter_source),
                user_id=user_id,
                since=since,
                until=until,
            )
            before = self._before_ids[-1] if self._before_ids else None
            rows = await ledger_page(session, where, before_id=before, limit=LEDGER_PAGE + 1)
        self.has_older = len(rows) > LEDGER_PAGE
        self.ledger = [ledger_view(r) for r in rows[:LEDGER_PAGE]]

    async def _to_page(self, before_ids: list[int]) -> None:
        """The ledger page that starts below the last of `before_ids` (page 1: none)."""
        self._before_ids, self.page_number = before_ids, len(before_ids) + 1
        await self._load_ledger()

    async def _load_chart(self) -> None:
        if not self.chart_room:
            self.chart_points = []
            return
        async with get_services().sessions() as session:
            points = await room_history(session, self.chart_room)
        self.chart_points = [chart_point(moment, celsius) for moment, celsius in points]
        times = [int(point["at_ms"]) for point in self.chart_points]
        self.chart_span_ms = max(times) - min(times) if times else 0
        self.chart_ticks = time_ticks(min(times), max(times)) if times else []

    @rx.event
    @admin_only
    async def set_filter(self, user: User, name: str, value: str):
        """Change one ledger filter (room, user, source, since, until); back to page 1."""
        allowed = {
            "room": [ANY, *self.room_names],
            "user": [ANY, *self.usernames],
            "source": SOURCES,
        }
        if name in allowed and value not in allowed[name]:
            return rx.toast.error(f"'{value}' is not a {name} to filter by.")
        if name not in {"room", "user", "source", "since", "until"}:
            return rx.toast.error(f"There is no ledger filter '{name}'.")
        setattr(self, f"filter_{name}", value)
        if name in ("since", "until"):
            setattr(self, f"_{name}_utc", value)
        await self._to_page([])
        return None

    @rx.event
    @admin_only
    async def set_time_filter(self, user: User, name: str, typed: str, utc: str):
        """From or To as typed in the reader's zone, with the browser's UTC reading of it (an
        ISO moment with its offset; a naive one is taken as UTC)."""
        if name not in ("since", "until"):
            return rx.toast.error(f"There is no time filter '{name}'.")
        setattr(self, f"filter_{name}", typed)
        setattr(self, f"_{name}_utc", utc)
        await self._to_page([])
        return None

    @rx.event
    @admin_only
    async def clear_filters(self, user: User) -> None:
        """Show every change again."""
        self.filter_room = self.filter_user = self.filter_source = ANY
        self.filter_since = self.filter_until = self._since_utc = self._until_utc = ""
        await self._to_page([])

    @rx.event
    @admin_only
    async def older(self, user: User) -> None:
        """The next page back in time."""
        if self.has_older and self.ledger:
            await self._to_page([*self._before_ids, self.ledger[-1].id])

    @rx.event
    @admin_only
    async def newer(self, user: User) -> None:
        """The page before (newer changes)."""
        if self._before_ids:
            await self._to_page(self._before_ids[:-1])

    @rx.event
    @admin_only
    async def show_chart(self, user: User, room: str):
        """Chart another room's history."""
        if room not in self.room_names:
            return rx.toast.error(f"There is no room called '{room}'.")
        self.chart_room = room
        await self._load_chart()
        return None

    @rx.event
    @admin_only
    async def undo(self, user: User, effect_id: int):
        """Undo a change: restores the old value if the room has not changed since."""
        try:
            async with get_services().sessions() as session:
                undo = await undo_effect(session, effect_id, EffectOrigin(user_id=user.id))
                await session.commit()
        except HomeError as exc:
            return rx.toast.error(str(exc))
        await self._load_all()
        return rx.toast.success(
            f"Undone: {undo.room_name} is back at {format_celsius(undo.new_celsius)} °C."
        )

    @rx.event
    @admin_only
    async def set_temperature(self, user: User, form_data: dict):
        """An admin sets a room directly (recorded as an `admin` effect)."""
        room = str(form_data.get("room", ""))
        origin = EffectOrigin(source=EffectSource.admin, user_id=user.id)
        try:
            async with get_services().sessions() as session:
                effect = await set_room_temperature(session, room, form_data.get("celsius"), origin)
                await session.commit()
        except NoChange as same:
            return rx.toast.info(str(same))
        except HomeError as exc:
            return rx.toast.error(str(exc))
        await self._load_all()
        return rx.toast.success(
            f"{effect.room_name}: {format_celsius(effect.old_celsius)} → "
            f"{format_celsius(effect.new_celsius)} °C."
        )
