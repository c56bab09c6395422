"""Question, command or unclear: from a message's form first, then from what it means.

The form comes from the `shapes` templates of the language's sentence file: a polite
request for information ("could you tell me…") asks; a request for a change, however
politely put ("could you make it cosier?"), commands; an opening question word or an
inverted verb ("why is…", "is the heating on…") asks. Only without a telling form do the
question mark and the meaning decide.
"""

from __future__ import annotations

from collections.abc import Sequence

from hassil import Intents, recognize_all

from app.assistant.understanding.intents import Intent, UtteranceKind

# Shape intents in the order they win when several match, with the kind each means. An
# order with a question mark anywhere ("set it to 19? is that allowed?") asks.
_SHAPES: dict[str, UtteranceKind] = {
    "AsksPolitely": "question",
    "Requests": "command",
    "Orders": "command",
    "Asks": "question",
}


def shape_of(text: str, shapes: Intents | None) -> UtteranceKind | None:
    """The kind the form of the words says, or None when the form says nothing."""
    if shapes is None:
        return None
    found = {result.intent.name for result in recognize_all(text, shapes)}
    for name, kind in _SHAPES.items():
        if name in found:
            if name == "Orders" and "?" in text:
                return "question"
            return kind
    return None


def ends_with_question_mark(text: str) -> bool:
    """True for 'kitchen temperature?' and 'and the bedroom ?!'."""
    return text.strip().rstrip("!.\"') ").endswith("?")


def decide_kind(text: str, shape: UtteranceKind | None, intents: Sequence[Intent]) -> UtteranceKind:
    """The kind of a message on its own. A follow-up with no telling form stays unclear: the
    conversation decides it ("the kitchen" answering "which room?")."""
    if shape is not None:
        return shape
    if ends_with_question_mark(text):
        return "question"
    if any(intent.changes for intent in intents):
        return "command"
    if not intents or any(intent.action == "follow_up" for intent in intents):
        return "unclear"
    return "question"
