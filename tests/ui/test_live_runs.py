"""What a watcher makes of a run's feed: text pushed with offsets, segments split by cards."""

from __future__ import annotations

from app.assistant.feed import FeedEntry
from app.ui.live_runs import Follower


def test_adjacent_text_goes_out_as_one_push_with_its_offset() -> None:
    follower = Follower(4)
    step = follower.take([FeedEntry("text", "Hel"), FeedEntry("text", "lo")])
    assert step.pushes == [("4-0", "Hello", 0)]
    step = follower.take([FeedEntry("text", ", you")])
    assert step.pushes == [("4-0", ", you", 5)]
    assert not step.cards and not step.ended


def test_cards_start_a_new_segment_and_name_the_room() -> None:
    follower = Follower(4)
    step = follower.take(
        [
            FeedEntry("text", "Setting it."),
            FeedEntry("cards", room="Kitchen"),
            FeedEntry("text", "Done"),
            FeedEntry("retry", message="Retrying in 1 s."),
            FeedEntry("text", "!"),
        ]
    )
    assert step.pushes == [("4-0", "Setting it.", 0), ("4-1", "Done", 0), ("4-1", "!", 4)]
    assert step.cards and step.rooms == ["Kitchen"] and step.retries == ["Retrying in 1 s."]
    assert follower.key == "4-1" and follower.offset == 5


def test_the_end_carries_its_error_and_quiet_is_not_news() -> None:
    follower = Follower(9)
    assert follower.take([]).pushes == [] and not follower.heard
    step = follower.take([FeedEntry("text", "cut"), FeedEntry("end", message="The model failed.")])
    assert follower.heard
    assert step.ended and step.error == "The model failed."
    assert step.pushes == [("9-0", "cut", 0)]
