"""A reply cut off mid-word (stopped, failed, interrupted) read without markdown artefacts.

A reply stopped at "for example: *Set the" would show a stray `*`; one stopped after "- "
an empty bullet. Only the tail can be unfinished, so only the last paragraph is mended: an
emphasis or code span left open loses its opening marker, a link cut short keeps its text,
a list item or heading with no words yet is dropped, and an open code fence is closed.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)
# A list item or heading with nothing after its marker.
_EMPTY_ITEM = re.compile(r"(?:^|\n)[ \t]*([-*+]|\d+[.)]|#{1,6})[ \t]*$")
# A link cut before its address ends, or before its text ends.
_CUT_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*$")
_CUT_LINK_TEXT = re.compile(r"!?\[([^\]\n]*)$")
_LIST_MARKER = re.compile(r"[ \t]*([-*+]|\d+[.)])[ \t]+")
_DELIMITERS = re.compile(r"\\.|`+|\*+|_+|~~")


def mend_partial_markdown(text: str) -> str:
    """`text` as far as it got, its unfinished last paragraph mended (see the module)."""
    text = text.rstrip()
    if len(_FENCE.findall(text)) % 2:
        # Cut inside a code block: close it, so the code still reads as code.
        fence = _FENCE.findall(text)[-1]
        return f"{text}\n{fence}"
    previous = None
    while previous != text:
        previous = text
        text = _EMPTY_ITEM.sub("", text).rstrip()
        text = _CUT_LINK.sub(r"\1", text)
        text = _CUT_LINK_TEXT.sub(r"\1", text).rstrip()
    start = _last_paragraph_start(text)
    return text[:start] + _close_spans(text[start:])


def _last_paragraph_start(text: str) -> int:
    blank = text.rfind("\n\n")
    return 0 if blank < 0 else blank + 2


def _close_spans(paragraph: str) -> str:
    """The paragraph without the opening markers of spans it never closes."""
    unmatched: list[tuple[int, int]] = []  # (start, end) of markers to remove
    opened: list[tuple[str, int, int]] = []  # (marker, start, end)
    code: tuple[str, int, int] | None = None
    for line_start, line in _lines(paragraph):
        skip = _LIST_MARKER.match(line)
        offset = line_start + (skip.end() if skip else 0)
        for found in _DELIMITERS.finditer(paragraph, offset, line_start + len(line)):
            marker, start, end = found.group(), found.start(), found.end()
            if marker.startswith("\\"):
                continue
            if code is not None:
                if marker == code[0]:
                    code = None
                continue
            if marker.startswith("`"):
                code = (marker, start, end)
                continue
            before = paragraph[start - 1] if start else " "
            after = paragraph[end] if end < len(paragraph) else " "
            if marker.startswith("_") and before.isalnum() and after.isalnum():
                continue  # snake_case, not emphasis
            if not before.isspace() and any(m == marker for m, _, _ in opened):
                while opened:
                    top = opened.pop()
                    if top[0] == marker:
                        break
                    unmatched.append(top[1:])
            elif not after.isspace():
                opened.append((marker, start, end))
            elif end == len(paragraph):
                unmatched.append((start, end))  # half a closing marker, cut
    if code is not None:
        unmatched.append(code[1:])
    unmatched += [(start, end) for _, start, end in opened]
    for start, end in sorted(unmatched, reverse=True):
        paragraph = paragraph[:start] + paragraph[end:]
    return paragraph.rstrip()


def _lines(paragraph: str) -> list[tuple[int, str]]:
    lines, start = [], 0
    for line in paragraph.split("\n"):
        lines.append((start, line))
        start += len(line) + 1
    return lines
