"""What the offline assistant offers for words it did not understand, in the seeded home."""

from __future__ import annotations

from app.assistant.providers.offline.replies import Replies
from app.assistant.understanding.parser import Understanding

# The rooms the first migration seeds.
SEEDED_ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


def help_examples(text: str) -> list[str]:
    """The examples the offline help offers (as suggestion buttons) after `text`."""
    said = Understanding("en").read(text, SEEDED_ROOMS)
    return Replies("en").fallback(said, SEEDED_ROOMS)[1]
