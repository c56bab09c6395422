"""The offline assistant's words, built only from tool results (values read back) and the
language's catalogue of messages (messages/<language>.yaml)."""

from __future__ import annotations

import difflib
import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.assistant.providers.offline.follow_ups import FollowUps
from app.assistant.providers.offline.plan import Call, Output
from app.assistant.understanding.context import Turn
from app.assistant.understanding.intents import Intent, Utterance, UtteranceKind
from app.assistant.understanding.languages import check_language
from app.home.temperatures import format_celsius

_CATALOGUE_DIR = Path(__file__).parent / "messages"

Done = Sequence[tuple[Call, Output]]


# Fields holding a room's name; each also comes in the catalogue's forms of it.
_ROOM_FIELDS = ("room", "first", "second")


@cache
def _catalogue(language: str) -> dict[str, Any]:
    check_language(language)
    with (_CATALOGUE_DIR / f"{language}.yaml").open(encoding="utf-8") as yaml_file:
        return yaml.safe_load(yaml_file)


class Replies:
    """Reply text in one language."""

    def __init__(self, language: str = "en") -> None:
        """Load the language's catalogue."""
        self.language = language
        catalogue = _catalogue(language)
        self._messages: dict[str, str] = catalogue["messages"]
        self._examples: dict[str, Any] = catalogue["examples"]
        self._rooms = RoomForms(catalogue["rooms"])
        self._decimal_separator: str = catalogue["numbers"]["decimal_separator"]
        self._follow_ups = FollowUps(catalogue["follow_ups"], self._rooms)

    def say(self, message_id: str, **fields: Any) -> str:
        """One message of the catalogue, its fields filled in; a room's name also in the
        catalogue's forms of it (`{room_in}`: 'in der Küche'; capitalised: `{Room_in}`)."""
        for name in _ROOM_FIELDS:
            if name in fields:
                fields = {**self._rooms.forms(name, str(fields[name])), **fields}
        return self._messages[message_id].format(**fields)

    def refused(self, output: Output, *, line: bool = False) -> str:
        """A call that did nothing, as the reply says it: the person's own "no" in words
        for them (never the words that tell the model what to do next), else why the
        tool refused."""
        if output.get("problem") == "denied":
            return self.say("denied_line" if line else "denied")
        return self.say("refused_line" if line else "refused", error=self.refusal(output))

    def refusal(self, output: Output) -> str:
        """Why a tool refused, in this language where the catalogue words the problem
        (`problem_<name>`), else in the tool's own words."""
        template = f"problem_{output.get('problem')}"
        if template not in self._messages:
            return str(output["error"])
        fields: dict[str, Any] = {}
        if "room" in output:
            fields["room"] = output["room"]
        for name, field in (
            ("celsius", "celsius"),
            ("min_celsius", "low"),
            ("max_celsius", "high"),
        ):
            if name in output:
                value = float(output[name])
                fields[field] = self.degrees(value) if name == "celsius" else self.number(value)
        return self.say(template, **fields)

    def number(self, value: float) -> str:
        """19.5 -> '19.5', or '19,5' where the decimal separator is a comma."""
        return format_celsius(float(value)).replace(".", self._decimal_separator)

    def degrees(self, celsius: float) -> str:
        """19.5 -> '19.5 °C'."""
        return self.say("degrees", value=self.number(celsius))

    def join(self, items: Sequence[str]) -> str:
        """'a', 'a and b', 'a, b and c'."""
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        separator = self._messages["list_separator"]
        return separator.join(items[:-1]) + self._messages["and"] + items[-1]

    def rooms_known(self, rooms: Sequence[str]) -> str:
        """The home's rooms, or that there are none."""
        if not rooms:
            return self.say("no_rooms_known")
        return self.join([self._rooms.forms("room", room)["room"] for room in rooms])

    def reply(self, turn: Turn | None, done: Done, rooms: Sequence[str]) -> str:
        """The reply for a finished plan: clarification, the results' values, or help."""
        if turn is None or not turn.intents:
            return self.fallback(_said(turn), rooms)[0]
        if turn.unknown_rooms:
            return self._unknown_room(turn.unknown_rooms[0], rooms)
        if turn.needs_room:
            return self.say("which_room", rooms=self.rooms_known(rooms))
        parts: list[str] = []
        if turn.only_rooms_understood:
            parts.append(self.say("only_temperatures"))
        for index, intent in enumerate(turn.intents):
            results = [output for call, output in done if call.intent == index]
            parts.append(self._intent_reply(intent, results))
        if turn.held:
            room = turn.intents[0].rooms[0] if turn.intents[0].rooms else rooms[0]
            example = self._examples["held"].format(**self._rooms.forms("room", room))
            parts.append(self.say("held", example=example))
        return " ".join(part for part in parts if part)

    def offered(self, turn: Turn | None, done: Done, rooms: Sequence[str]) -> list[str]:
        """The messages a reply offers to send next, as buttons: help's examples for words
        not understood, else follow-ups that fit what the turn did."""
        if turn is None or not turn.intents:
            return self.fallback(_said(turn), rooms)[1]
        return self._follow_ups.after(turn, done, rooms)

    def starters(self, rooms: Sequence[str]) -> list[str]:
        """What an empty thread offers, for the home's first two rooms (by name)."""
        first = rooms[0] if rooms else self._examples["default_room"]
        second = rooms[1] if len(rooms) > 1 else first
        fields = {**self._rooms.forms("room", first), **self._rooms.forms("second", second)}
        return [template.format(**fields) for template in _catalogue(self.language)["starters"]]

    def follow_ups_after_changes(
        self, changes: Sequence[tuple[str, float, float]], rooms: Sequence[str]
    ) -> list[str]:
        """Follow-ups for a reply the offline assistant did not write, from what its run
        changed, (room, before, after) in order."""
        return self._follow_ups.after_changes(changes, rooms)

    def fallback(self, utterance: Utterance, rooms: Sequence[str]) -> tuple[str, list[str]]:
        """Help for words not understood: short, and its examples fit what was said (the
        kind of message, the room it named). The examples come back apart too, for a client
        to offer as buttons."""
        examples = self.examples(utterance.kind, utterance, rooms)
        shown = [self.say("example", text=example) for example in examples]
        listed = self._messages["list_separator"].join(shown[:-1]) + self._messages["or"]
        message = {"question": "fallback_question", "command": "fallback_command"}.get(
            utterance.kind, "fallback"
        )
        text = self.say(message, examples=listed + shown[-1], rooms=self.rooms_known(rooms))
        return text, examples

    def examples(
        self, kind: UtteranceKind, utterance: Utterance, rooms: Sequence[str]
    ) -> list[str]:
        """What to try instead, for the room named (or one picked by the words said)."""
        if utterance.mentioned_rooms:
            room = utterance.mentioned_rooms[0]
        elif rooms:
            room = rooms[zlib.crc32(utterance.text.encode()) % len(rooms)]
        else:
            room = self._examples["default_room"]
        forms = self._rooms.forms("room", room)
        return [example.format(**forms) for example in self._examples[kind]]

    def _unknown_room(self, name: str, rooms: Sequence[str]) -> str:
        text = self.say("unknown_room", name=name, rooms=self.rooms_known(rooms))
        close = difflib.get_close_matches(name.casefold(), [r.casefold() for r in rooms], n=1)
        if close:
            text += " " + self.say("did_you_mean", room=close[0])
        return text

    def _intent_reply(self, intent: Intent, results: list[Output]) -> str:
        errors = [output for output in results if "error" in output]
        match intent.action:
            case "list_rooms" | "warmest_room" | "coldest_room":
                if errors:
                    return self.refused(errors[-1])
                listed = results[-1]["rooms"] if results else []
                if intent.action == "list_rooms":
                    return self._list(listed)
                return self._extreme(intent.action == "warmest_room", listed)
            case "read":
                return " ".join(self._read(output) for output in results)
            case "compare":
                if errors or len(results) < 2:
                    return " ".join(self._read(output) for output in results)
                return self._compare(intent, results[0], results[1])
            case "set" | "adjust":
                return self._changes(intent, results)
            case "undo":
                return self._undone(results)
        return ""

    def _read(self, output: Output) -> str:
        if "error" in output:
            return self.refused(output)
        return self.say("read", room=output["room"], celsius=self.degrees(output["celsius"]))

    def _list(self, listed: list[dict[str, Any]]) -> str:
        lines = [
            self.say("list_line", room=r["room"], celsius=self.degrees(r["celsius"]))
            for r in listed
        ]
        return self.say("list_header") + "\n\n" + "\n".join(lines)

    def _extreme(self, warmest: bool, listed: list[dict[str, Any]]) -> str:
        if not listed:
            return self.say("no_rooms")
        value = (max if warmest else min)(r["celsius"] for r in listed)
        names = [r["room"] for r in listed if r["celsius"] == value]
        word = "warmest" if warmest else "coldest"
        if len(names) == 1:
            return self.say(f"{word}_one", room=names[0], celsius=self.degrees(value))
        rooms = self.join([self.say("the_room", room=name) for name in names])
        return self.say(
            f"{word}_many", rooms=rooms, Rooms=_capitalised(rooms), celsius=self.degrees(value)
        )

    def _compare(self, intent: Intent, first: Output, second: Output) -> str:
        a, b = float(first["celsius"]), float(second["celsius"])
        if a == b:
            return self.say(
                "compare_same", first=first["room"], second=second["room"], celsius=self.degrees(a)
            )
        warmer_first = a > b
        asked_warmer = (intent.delta_celsius or 1) > 0
        winner, loser = (first, second) if warmer_first == asked_warmer else (second, first)
        return self.say(
            "compare_warmer" if asked_warmer else "compare_colder",
            first=winner["room"],
            second=loser["room"],
            first_celsius=self.degrees(winner["celsius"]),
            second_celsius=self.degrees(loser["celsius"]),
        )

    def _changes(self, intent: Intent, results: list[Output]) -> str:
        # A relative change reads first; only the sets (and refusals) are reported.
        sets = [o for o in results if "previous_celsius" in o or "error" in o]
        prefix = ""
        if intent.fahrenheit is not None and intent.celsius is not None:
            celsius = self.degrees(intent.celsius)
            prefix = self.say(
                "fahrenheit", fahrenheit=self.number(intent.fahrenheit), celsius=celsius
            )
            prefix += " "
        if len(sets) == 1:
            return prefix + self._change(sets[0])
        lines = [self._change_line(output) for output in sets]
        return prefix + self.say("changed_many") + "\n\n" + "\n".join(lines)

    def _change(self, output: Output) -> str:
        if "error" in output:
            return self.refused(output)
        room, now, before = output["room"], output["celsius"], output["previous_celsius"]
        if now == before:
            return self.say("unchanged", room=room, celsius=self.degrees(now))
        # The word agrees with the number as written: 8.2 - 7.2 is 0.999… in floats,
        # which reads "1", so "1 degree".
        change = self.number(abs(now - before))
        return self.say(
            "changed",
            room=room,
            celsius=self.degrees(now),
            change=change,
            degrees=self.say("degree_word" if change == "1" else "degrees_word"),
            direction=self.say("warmer" if now > before else "cooler"),
            before=self.degrees(before),
        )

    def _undone(self, results: list[Output]) -> str:
        if not results or "error" in results[-1]:
            return self.refused(results[-1]) if results else ""
        undone = results[-1]["undone"]
        fields = [
            {
                "room": u["room"],
                "celsius": self.degrees(u["celsius"]),
                "before": self.degrees(u["previous_celsius"]),
            }
            for u in undone
        ]
        if len(fields) == 1:
            return self.say("undone", **fields[0])
        lines = [self.say("undone_line", **f) for f in fields]
        return self.say("undone_many") + "\n\n" + "\n".join(lines)

    def _change_line(self, output: Output) -> str:
        if "error" in output:
            return self.refused(output, line=True)
        room, now, before = output["room"], output["celsius"], output["previous_celsius"]
        if now == before:
            return self.say("unchanged_line", room=room, celsius=self.degrees(now))
        return self.say(
            "changed_line", room=room, celsius=self.degrees(now), before=self.degrees(before)
        )


class RoomForms:
    """A room's name as a reply says it: as stored ('küche'), capitalised where the language
    capitalises nouns, and in the catalogue's forms ('die Küche', 'in der Küche').

    A form's article depends on the noun's gender, read from the ending of a one-word name
    ('…zimmer' is neuter); a name of several words ('Leons Zimmer') or an unknown ending
    takes the form without an article."""

    def __init__(self, data: dict[str, Any]) -> None:
        """The catalogue's `rooms` section."""
        self._capitalise: bool = data.get("capitalise", False)
        self._genders: dict[str, str] = data.get("genders", {})
        self._forms: dict[str, dict[str, str]] = data.get("forms", {})

    def forms(self, field: str, room: str) -> dict[str, str]:
        """`{field}` and each `{field}_<form>`, also capitalised, for one room."""
        name = " ".join(w[:1].upper() + w[1:] for w in room.split()) if self._capitalise else room
        gender = self.gender(room)
        fields = {field: name}
        for form, by_gender in self._forms.items():
            template = by_gender.get(gender, by_gender["none"])
            fields[f"{field}_{form}"] = template.format(name=name)
        return {
            **fields,
            **{_capitalised(key): _capitalised(value) for key, value in fields.items()},
        }

    def gender(self, room: str) -> str:
        """'m', 'f', 'n' from the longest ending the catalogue knows, or 'none'."""
        word = room.casefold()
        if " " in word.strip():
            return "none"
        endings = [ending for ending in self._genders if word.endswith(ending)]
        return self._genders[max(endings, key=len)] if endings else "none"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _said(turn: Turn | None) -> Utterance:
    """The words of a turn that was not understood."""
    return turn.utterance if turn is not None else Utterance("", "unclear")


def fallback(
    utterance: Utterance, rooms: Sequence[str], language: str = "en"
) -> tuple[str, list[str]]:
    """The help for words not understood, and its examples as separate strings."""
    return Replies(language).fallback(utterance, rooms)
