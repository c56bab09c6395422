"""Claims of change: which rooms a reply says it changed, so the run's effects can back them.

No claim without an effect: a reply that says "Done, the kitchen is at 19" when no Effect of
its run changed the kitchen is marked on screen and the model is told (`claim_check.py`).
The sentences are hassil templates (`claim_sentences/<language>.yaml`), read the way the
offline assistant reads a person's words; a language without them claims nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from hassil import Intents, TextSlotList, recognize_best

logger = logging.getLogger(__name__)

_SENTENCES_DIR = Path(__file__).parent / "claim_sentences"
# Markdown a model dresses its words in ("**kitchen**", "`19`").
_MARKUP = re.compile(r"[*_`#>|~]")
# Where a clause ends: punctuation, a line break, a full stop (not the point in "19.5"), or
# "and" between two claims ("the kitchen is 19 °C and I've set the bedroom to 18"; German
# "und", "dann").
_CLAUSE_END = re.compile(r"(?:[,;:!?…—–\n]|\.(?!\d)|\s-\s|\s(?:and|then|und|dann)\s)+")
# "Done! The kitchen is at 19 °C." is one claim in two clauses.
_MAX_CLAUSES = 3


@cache
def _claim_intents(language: str) -> Intents | None:
    """The claim sentences for a language, parsed once (None: none written for it)."""
    path = _SENTENCES_DIR / f"{language}.yaml"
    if not path.is_file():
        logger.info("No claim sentences for %r: replies are not checked for claims", language)
        return None
    with path.open(encoding="utf-8") as yaml_file:
        return Intents.from_yaml(yaml_file)


# A decimal comma ("18,5 Grad") is read as the point it means, not as a clause's end.
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")


def _clauses(text: str) -> list[str]:
    plain = _DECIMAL_COMMA.sub(".", _MARKUP.sub("", text))
    return [clause.strip() for clause in _CLAUSE_END.split(plain) if clause.strip()]


def claimed_rooms(text: str, language: str, rooms: Sequence[str]) -> set[str]:
    """The rooms (as spelled in `rooms`) the text says were changed: "Done, the kitchen is at
    19" claims the kitchen; "The kitchen is at 21 °C." claims nothing."""
    intents = _claim_intents(language)
    if intents is None or not rooms:
        return set()
    slots = {"area": TextSlotList.from_strings(rooms, allow_template=False, name="area")}
    lowered = [room.lower() for room in rooms]
    clauses = _clauses(text)
    claimed: set[str] = set()
    for start in range(len(clauses)):
        for end in range(start + 1, min(start + _MAX_CLAUSES, len(clauses)) + 1):
            window = ", ".join(clauses[start:end])
            # Matching is the costly part: only words that name a room can claim one.
            if not any(room in window.lower() for room in lowered):
                continue
            result = recognize_best(window, intents, slot_lists=slots, best_slot_name="area")
            if result is not None and "area" in result.entities:
                claimed.add(str(result.entities["area"].value))
    return claimed
