"""What a tab makes of a run's events: text pushed with offsets, segments split by cards, and
when the transcript must be read again."""

from __future__ import annotations

from app.assistant.events import (
    EffectRecorded,
    RunFinished,
    RunRetrying,
    RunStarted,
    TextDelta,
    ToolCallStarted,
)
from app.ui.live_runs import (
    RunFollower,
    follow_in_tab,
    resend_requested,
    stop_following_in_tab,
)


def _said(text: str) -> TextDelta:
    return TextDelta(4, 10, text)


def test_adjacent_text_goes_out_as_one_push_with_its_offset() -> None:
    follower = RunFollower(4)
    update = follower.take([_said("Hel"), _said("lo")])
    assert update.pushes == [("4-0", "Hello", 0)]
    update = follower.take([_said(", you")])
    assert update.pushes == [("4-0", ", you", 5)]
    assert not update.cards and not update.ended


def test_cards_start_a_new_segment_and_name_the_room() -> None:
    follower = RunFollower(4)
    update = follower.take(
        [
            _said("Setting it."),
            EffectRecorded(4, 1, "Kitchen", 22.0, 19.0),
            _said("Done"),
            RunRetrying(4, 1, 3, 1.0, "Busy."),
            _said("!"),
        ]
    )
    assert update.pushes == [("4-0", "Setting it.", 0), ("4-1", "Done", 0), ("4-1", "!", 4)]
    assert update.cards and update.rooms == ["Kitchen"]
    assert update.notices == ["Busy. Retrying in 1.0 s (attempt 1 of 3)."]
    assert follower.segment_key == "4-1" and follower.offset == 5


def test_the_end_carries_its_error_and_quiet_is_not_news() -> None:
    follower = RunFollower(9)
    assert follower.take(None).pushes == [] and not follower.heard
    update = follower.take([TextDelta(9, 1, "cut"), RunFinished(9, "failed", "The model failed.")])
    assert follower.heard
    assert update.ended and update.error == "The model failed."
    assert update.pushes == [("9-0", "cut", 0)]


def test_the_transcript_is_read_again_when_the_way_the_run_is_shown_changes() -> None:
    follower = RunFollower(4)
    # Nothing from the feed yet: the run is shown as saved, re-read each quiet interval.
    assert follower.take(None).show == "saved"
    assert follower.take(None).show == "saved"
    # The feed speaks: live text from now on, read once.
    assert follower.take([RunStarted(4, 1, 1, 2, 3)]).show == "live"
    assert follower.take([_said("Hi")]).show is None
    # New cards are in the database, not the feed: read again.
    assert follower.take([ToolCallStarted(4, 7, "c1", "list_rooms", "{}")]).show == "live"
    assert follower.take([_said(" there")]).show is None
    assert follower.take([RunFinished(4, "completed")]).show == "ended"


def test_a_run_the_database_says_ended_is_shown_ended_without_a_word_from_the_feed() -> None:
    follower = RunFollower(4)
    update = follower.take(None, ended_elsewhere=True)
    assert update.ended and update.show == "ended" and update.error == ""


def test_a_tab_reached_at_another_socket_gets_the_whole_segment_again() -> None:
    follower = RunFollower(4)
    follower.reached_at("sid-a")
    assert follower.take([_said("Hel")]).pushes == [("4-0", "Hel", 0)]
    follower.reached_at("sid-a")
    assert follower.take([_said("lo")]).pushes == [("4-0", "lo", 3)]
    # Pieces sent to the old socket may be lost: the new one gets the segment from its start.
    follower.reached_at("sid-b")
    assert follower.take([_said("!")]).pushes == [("4-0", "Hello!", 0)]
    follower.reached_at("sid-b")
    assert follower.take([_said("?")]).pushes == [("4-0", "?", 6)]


def test_a_tab_between_sockets_gets_the_whole_segment_when_it_is_back() -> None:
    follower = RunFollower(4)
    follower.reached_at("sid-a")
    follower.take([_said("Hel")])
    follower.reached_at(None)
    follower.take([_said("lo")])  # nowhere to send it
    follower.reached_at("sid-a")  # the same socket again: it may still have missed pieces
    assert follower.take(None).pushes == [("4-0", "Hello", 0)]


async def test_a_resend_asked_for_sends_the_current_segment_from_its_start() -> None:
    follower = RunFollower(4)
    follower.take([_said("Setting it."), ToolCallStarted(4, 7, "c1", "list_rooms", "{}")])
    follower.take([_said("Do")])
    token = "tab-1"
    follow_in_tab(token, follower)
    try:
        # A gap in a segment that is over is not this follower's to fill.
        assert not resend_requested(token, "4-0")
        assert resend_requested(token, "4-1")
        update = follower.take([_said("ne")])
        assert update.pushes == [("4-1", "Done", 0)]
        assert follower.take([_said(".")]).pushes == [("4-1", ".", 4)]
        assert not resend_requested("another-tab", "4-1")
    finally:
        stop_following_in_tab(token)
