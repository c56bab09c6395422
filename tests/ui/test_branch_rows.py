"""Pages of the branch shown, the picker's numbers, and rows of a branch left going from the
screen."""

from __future__ import annotations

from app.assistant.branches import Node, Tree
from app.ui.branch_rows import mark_branches, page_ids
from app.ui.transcript import TranscriptMessage, TranscriptPage, TranscriptPart, merge_page

# 1 user, 2 reply; 3 a regeneration of 2; 4 an edit of 1 with its reply 5.
TREE = Tree(
    {
        1: Node(1, None, "user", 1),
        2: Node(2, 1, "assistant", 1),
        3: Node(3, 1, "assistant", 2),
        4: Node(4, None, "user", 3),
        5: Node(5, 4, "assistant", 3),
    },
    head_id=3,
)


def _row(message_id: int, *texts: str) -> TranscriptMessage:
    parts = [TranscriptPart("text", text=t) for t in texts]
    return TranscriptMessage(message_id, "assistant", "complete", parts=parts)


def test_pages_follow_the_branch_shown() -> None:
    assert TREE.path() == [1, 3]
    assert page_ids(TREE, since_id=None, before_id=None, limit=1) == ([3], True)
    assert page_ids(TREE, since_id=2, before_id=None, limit=50) == ([3], True)
    assert page_ids(TREE, since_id=None, before_id=3, limit=50) == ([1], False)
    assert TREE.newest_leaf(4) == 5 and TREE.newest_leaf(1) == 3


def test_rows_carry_their_place_among_versions() -> None:
    rows = [_row(1, "**hi**", "there"), _row(3, "x"), _row(4)]
    rows[2].parts.append(TranscriptPart("effect", text="Temperature in kitchen changed"))
    mark_branches(rows, TREE)
    assert [(r.branch_index, r.branch_count) for r in rows] == [(1, 2), (2, 2), (2, 2)]
    assert (rows[1].previous_branch_id, rows[1].next_branch_id) == (2, 0)
    assert (rows[0].previous_branch_id, rows[0].next_branch_id) == (0, 4)


def test_rows_of_a_branch_left_go_from_the_screen() -> None:
    shown = [_row(1), _row(2)]
    fresh = TranscriptPage([_row(4), _row(5)], has_earlier=False, branch_ids=[4, 5])
    assert [m.id for m in merge_page(shown, fresh)] == [4, 5]
    # Without branch ids (an older reader), older rows stay as before.
    assert [m.id for m in merge_page(shown, TranscriptPage([_row(3)], False))] == [1, 2, 3]
