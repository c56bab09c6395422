"""What can go wrong when the home is read or changed; messages say what is allowed."""

from __future__ import annotations

from collections.abc import Sequence

from app.home.temperatures import format_celsius


class HomeError(Exception):
    """Root of every error the home domain raises."""

    def facts(self) -> dict[str, object]:
        """What went wrong as data ("problem" and its fields), beside the English message,
        so a reply in another language can say it in its own words; {} if none."""
        return {}


class RoomNotFound(HomeError):
    """A room name that matches no room."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(f"Room '{name}' not found; known rooms: {', '.join(self.known)}.")


class InvalidTemperature(HomeError):
    """A temperature that is not a finite number."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            f"Temperature {value!r} is not a number of degrees Celsius; "
            "send a finite number such as 19 or 20.5."
        )


class NoChange(HomeError):
    """A room set to the temperature it already has: nothing changes, nothing is recorded."""

    def __init__(self, room: str, celsius: float) -> None:
        self.room, self.celsius = room, celsius
        super().__init__(f"The {room} is already at {format_celsius(celsius)} °C; nothing changed.")


class TemperatureOutOfRange(HomeError):
    """A temperature outside a room's allowed bounds."""

    def __init__(self, room: str, celsius: float, min_celsius: float, max_celsius: float) -> None:
        self.room = room
        self.celsius = celsius
        self.min_celsius = min_celsius
        self.max_celsius = max_celsius
        super().__init__(
            f"{format_celsius(celsius)} °C is outside the {room}'s range; "
            f"allowed: {format_celsius(min_celsius)} to {format_celsius(max_celsius)} °C."
        )

    def facts(self) -> dict[str, object]:
        """The room, the value asked for and the range."""
        return {
            "problem": "out_of_range",
            "room": self.room,
            "celsius": self.celsius,
            "min_celsius": self.min_celsius,
            "max_celsius": self.max_celsius,
        }


class InvalidRoomName(HomeError):
    """A room name that is empty, too long, or holds characters other than letters and digits."""

    def __init__(self, name: str, max_chars: int) -> None:
        self.name = name
        self.max_chars = max_chars
        super().__init__(
            f"Room name {name!r} is not allowed; use 1 to {max_chars} letters, digits "
            "and spaces, such as 'guest room'."
        )


class RoomNameTaken(HomeError):
    """A room name another room already has."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"There is already a room called '{name}'; choose another name.")


class InvalidBounds(HomeError):
    """Room bounds that are not a range inside the limits Hearth allows."""

    def __init__(
        self, min_celsius: float, max_celsius: float, abs_min_celsius: float, abs_max_celsius: float
    ) -> None:
        self.min_celsius = min_celsius
        self.max_celsius = max_celsius
        self.abs_min_celsius = abs_min_celsius
        self.abs_max_celsius = abs_max_celsius
        problems = []
        if min_celsius >= max_celsius:
            problems.append("the minimum must be below the maximum")
        if min_celsius < abs_min_celsius or max_celsius > abs_max_celsius:
            problems.append(
                "both must lie within "
                f"{format_celsius(abs_min_celsius)} to {format_celsius(abs_max_celsius)} °C"
            )
        super().__init__(
            f"Bounds {format_celsius(min_celsius)} to {format_celsius(max_celsius)} °C "
            f"are not allowed: {' and '.join(problems)}."
        )


class BoundsExcludeTemperature(HomeError):
    """New bounds that would leave a room's current temperature outside them."""

    def __init__(self, room: str, celsius: float, min_celsius: float, max_celsius: float) -> None:
        self.room = room
        self.celsius = celsius
        self.min_celsius = min_celsius
        self.max_celsius = max_celsius
        super().__init__(
            f"The {room} is at {format_celsius(celsius)} °C now, outside "
            f"{format_celsius(min_celsius)}–{format_celsius(max_celsius)} °C; "
            "change its temperature first or choose bounds around it."
        )
