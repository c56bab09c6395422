"""A hit's snippet: the message as plain text (its changes as their cards say them), cut
around the matches, the words searched for marked as segments (never markup)."""

from __future__ import annotations

from app.assistant.search_query import parse_query
from app.assistant.snippets import Segment, match_spans, searchable_text, snippet


def _shown(segments: list[Segment]) -> str:
    return "".join(f"[{s.text}]" if s.is_match else s.text for s in segments)


def test_a_message_reads_as_its_text_and_its_changes() -> None:
    parts = [
        {"type": "tool-call", "tool_call_id": 1, "call_id": "c", "name": "x", "arguments": "{}"},
        {
            "type": "effect",
            "effect_id": 7,
            "room": "kitchen",
            "old_celsius": 22.0,
            "new_celsius": 19.5,
        },
        {"type": "text", "text": "Done:\n- **Kitchen**: `19.5 °C`"},
        {"type": "suggestions", "texts": ["Undo"]},
    ]
    assert searchable_text(parts) == (
        "Temperature in kitchen changed from 22 to 19.5 Done: - Kitchen: 19.5 °C"
    )
    assert searchable_text([{"type": "effect", "room": 1}]) == ""  # unreadable: nothing


def test_matches_are_marked_case_and_diacritics_aside() -> None:
    text = "Die KÜCHE hat 19,5 Grad; the kitchen-sink too, kitchens"
    assert _shown(snippet(text, parse_query("kuche 19.5 kitchen "))) == (
        "Die [KÜCHE] hat [19,5] Grad; the [kitchen]-sink too, kitchens"
    )
    assert _shown(snippet(text, parse_query("kitchen"))) == (
        "Die KÜCHE hat 19,5 Grad; the [kitchen]-sink too, [kitchens]"
    )


def test_words_typed_together_are_marked_together_only_when_all_match() -> None:
    spans = match_spans("living-room, living-area", parse_query("living room "))
    assert spans == [(0, 11), (13, 19)]


def test_words_typed_together_are_marked_only_where_they_follow_each_other() -> None:
    text = "Done: the kitchen is now 23.5 °C, 1.5 degrees warmer (was 22 °C); 23 5"
    assert _shown(snippet(text, parse_query("kitchen 23.5"))) == (
        "Done: the [kitchen] is now [23.5] °C, 1.5 degrees warmer (was 22 °C); [23 5]"
    )


def test_a_long_message_is_cut_around_the_most_matches() -> None:
    text = " ".join(["filler"] * 60 + ["the", "kitchen", "is", "at", "19"] + ["more"] * 60)
    segments = snippet(text, parse_query("kitchen 19"), max_chars=60)
    shown = _shown(segments)
    assert shown.startswith("…") and shown.endswith("…")
    assert "[kitchen] is at [19]" in shown
    body = "".join(s.text for s in segments).strip("…")
    assert len(body) <= 60 and not body.startswith(" ") and not body.endswith(" ")
    assert set(body.split()) <= {"filler", "the", "kitchen", "is", "at", "19", "more"}


def test_markup_in_a_message_stays_text() -> None:
    text = '<img src=x onerror="alert(1)"> kitchen <b>'
    segments = snippet(text, parse_query("kitchen"))
    assert segments == [
        Segment('<img src=x onerror="alert(1)"> ', False),
        Segment("kitchen", True),
        Segment(" <b>", False),
    ]


def test_no_match_found_here_shows_the_start() -> None:
    assert _shown(snippet("a b c", parse_query("zzz"), max_chars=3)) == "a b…"
