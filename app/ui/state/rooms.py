"""The rooms panel: live temperatures, refreshed on load and after every effect."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.assistant.providers.offline.replies import Replies
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


# What an empty thread offers until the home's rooms are read (then: for its rooms).
STARTERS = [
    "What's the temperature in the kitchen?",
    "Set the kitchen to 19",
    "Make the bedroom 2 degrees warmer",
    "Which room is warmest?",
]


class RoomsState(AuthState):
    """The home's rooms and their temperatures, and the starters that name them."""

    rooms: list[RoomRow] = []
    starters: list[str] = STARTERS

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
        language = get_services().settings.language
        self.starters = Replies(language).starters([r.name for r in rooms])
