"""The rooms panel: live temperatures, refreshed on load and after every effect."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.home.rooms import list_rooms
from app.home.temperatures import format_celsius
from app.services import get_services
from app.ui.state.auth import AuthState


@dataclass
class RoomRow:
    """One room as the panel shows it."""

    name: str
    celsius: str
    changed: bool = False


class RoomsState(AuthState):
    """The home's rooms and their temperatures."""

    rooms: list[RoomRow] = []

    @rx.event
    async def refresh(self, changed_room: str = "") -> None:
        """Reload the rooms from the database; mark the one that just changed."""
        if await self._user() is None:
            self.rooms = []
            return
        async with get_services().sessions() as session:
            rooms = await list_rooms(session)
        self.rooms = [
            RoomRow(r.name, format_celsius(r.celsius), changed=r.name == changed_room)
            for r in rooms
        ]
