"""What a search hit shows: the message's words around where they matched, the matching
words marked (as segments of plain text, never as markup: a client renders them as text)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.assistant.message_parts import EffectPart, TextPart, UnreadablePart, parse_parts
from app.assistant.search_query import SearchQuery, fold, words_of
from app.home.temperatures import format_celsius

SNIPPET_CHARS = 160
# Markdown's emphasis and code marks: a snippet reads as plain text.
_MARKUP = re.compile(r"[*`]+")

Span = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """A piece of a snippet; `is_match`: one of the words searched for."""

    text: str
    is_match: bool


def searchable_text(parts: Sequence[Mapping[str, Any]]) -> str:
    """A stored message as search shows it: its text, then each change it made to the home
    as its card says it, on one line."""
    try:
        typed = parse_parts(parts, only=(TextPart, EffectPart))
    except UnreadablePart:
        return ""
    pieces = [
        part.text
        if isinstance(part, TextPart)
        else f"Temperature in {part.room} changed from {format_celsius(part.old_celsius)} "
        f"to {format_celsius(part.new_celsius)}"
        for part in typed
    ]
    return " ".join(_MARKUP.sub("", " ".join(pieces)).split())


def match_spans(text: str, query: SearchQuery) -> list[Span]:
    """Where the phrases searched for stand in `text`: a phrase's words where they follow each
    other (the last word of the query also as the start of a longer one), and words that
    touch with no space between ("19.5", "living-room") as one span."""
    words = [(fold(word.group()), word.span()) for word in words_of(text)]
    phrases = [tuple(fold(word) for word in phrase) for phrase in query.phrases]
    found: list[tuple[int, int]] = []  # (first word, last word) of each match

    def matches(index: int, wanted: str, prefix: bool) -> bool:
        folded = words[index][0]
        return folded == wanted or (prefix and folded.startswith(wanted))

    for number, phrase in enumerate(phrases):
        prefix = query.prefix and number == len(phrases) - 1
        for start in range(len(words) - len(phrase) + 1):
            if all(
                matches(start + k, wanted, prefix and k == len(phrase) - 1)
                for k, wanted in enumerate(phrase)
            ):
                found.append((start, start + len(phrase) - 1))
    spans: list[Span] = []
    previous_last = -2
    for first, last in sorted(found):
        start, end = words[first][1][0], words[last][1][1]
        gap = text[spans[-1][1] : start] if spans else " "
        if first <= previous_last + 1 and not any(c.isspace() for c in gap):
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
        previous_last = max(previous_last, last)
    return spans


def _window(text: str, spans: list[Span], max_chars: int) -> Span:
    """The stretch of `text` to show: the one holding the most matches, cut between words."""
    if len(text) <= max_chars:
        return 0, len(text)
    lead = max_chars // 4

    def matches_from(span: Span) -> int:
        start = max(0, span[0] - lead)
        return sum(1 for s in spans if start <= s[0] and s[1] <= start + max_chars)

    best = max(spans, key=matches_from) if spans else (0, 0)
    end = min(len(text), max(0, best[0] - lead) + max_chars)
    start = max(0, end - max_chars)
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, best[0])
        start = space + 1 if space != -1 else start
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", max(start, best[1]), end)
        end = space if space != -1 else end
    return start, end


def snippet(text: str, query: SearchQuery, max_chars: int = SNIPPET_CHARS) -> list[Segment]:
    """About `max_chars` of `text` around its matches ("…" where it is cut), as segments."""
    spans = match_spans(text, query)
    start, end = _window(text, spans, max_chars)
    segments = [Segment("…", False)] if start > 0 else []
    at = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        if at < span_start:
            segments.append(Segment(text[at:span_start], False))
        segments.append(Segment(text[span_start:span_end], True))
        at = span_end
    if at < end:
        segments.append(Segment(text[at:end], False))
    if end < len(text):
        segments.append(Segment("…", False))
    return segments
