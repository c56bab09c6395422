"""What the offline recogniser listens for: Hearth's commands and questions, as a JSGF grammar.

PocketSphinx's general English model is poor at open dictation (it heard "set the kitchen
to nineteen and a half" as "you know it when the end of that"); held to the sentences the
offline assistant understands, and the home's own room names, it writes them word for word.
Whatever is said is written as the nearest such sentence, which lands in the composer for
the person to read before sending.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_DIGITS = "one | two | three | four | five | six | seven | eight | nine"
_TEENS = (
    "ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen "
    "| nineteen"
)
# Room temperatures: up to the thirties in Celsius; forty and up only said as Fahrenheit
# (which keeps "nineteen" from being heard as "ninety two").
_CELSIUS_TENS = "twenty | thirty"
_FAHRENHEIT_TENS = "forty | fifty | sixty | seventy | eighty | ninety"

# Rooms any home has in words: every room at once (the understanding's {every}).
_EVERY_ROOM = ("every room", "all the rooms", "the whole house")

_RULES = f"""
public <utterance> = [<opening>] <sentence> [<closing>];
<opening> = please | can you | could you | hey;
<closing> = please | thanks | thank you;
<sentence> = <set> | <read> | <adjust> | <extreme> | <follow_up>;
<set> = <verb> [the] <place> [to] <value>
      | <verb> it [to] <value> in [the] <place>
      | <verb> the <temp> in [the] <place> [to] <value>;
<verb> = set | make | put | turn | change;
<read> = (what is | what's | how is) the <temp> in [the] <place>
       | how (warm | cold | hot) is [it in] [the] <place>
       | [the] <place> <temp>
       | list the rooms;
<adjust> = (make | turn) [the] <place> [<amount>] <direction>
         | (turn up | turn down | warm up | cool down | raise | lower) [the] <place> [by <amount>]
         | turn [the] <place> (up | down) [by <amount>]
         | make it [<amount>] <direction> [in [the] <place>];
<extreme> = which room is (warmest | coldest) | where is it (warmest | coldest);
<follow_up> = (and | what about) [the] <place> | same for [the] <place> | undo that;
<direction> = warmer | cooler | colder | hotter;
<temp> = temperature | heating;
<amount> = <value> | a bit | a little | a couple of degrees | half a degree | one degree;
<value> = [minus] <number> [and a half | point <digit>] [<unit>]
        | ({_FAHRENHEIT_TENS}) [<digit>] [degrees] fahrenheit;
<unit> = degrees | degree | celsius | fahrenheit;
<number> = zero | <digit> | {_TEENS} | ({_CELSIUS_TENS}) [<digit>];
<digit> = {_DIGITS};
"""

_WORD = re.compile(r"^[a-z']+$")


def spoken_room_names(room_names: Sequence[str], knows_word: Callable[[str], bool]) -> list[str]:
    """The room names the recogniser can say: lower case, every word in its dictionary."""
    said: dict[str, None] = {}
    for name in room_names:
        words = name.lower().split()
        if words and all(_WORD.match(word) and knows_word(word) for word in words):
            said[" ".join(words)] = None
    return list(said)


def command_grammar(room_names: Sequence[str]) -> str:
    """The JSGF grammar of Hearth's spoken commands for these rooms (already checked by
    `spoken_room_names`), plus every room at once."""
    places = " | ".join((*room_names, *_EVERY_ROOM))
    return f"#JSGF V1.0;\ngrammar hearth;\n{_RULES}<place> = {places};\n"
