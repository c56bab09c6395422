"""The branch on screen as transcript rows: which messages a page shows, and each row's place
among the versions of it (the branch picker `‹ 2/3 ›`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from app.assistant.branches import Tree


class BranchRow(Protocol):
    """What a transcript row carries for the picker."""

    id: int
    branch_index: int
    branch_count: int
    previous_branch_id: int
    next_branch_id: int


def page_ids(
    tree: Tree, *, since_id: int | None, before_id: int | None, limit: int
) -> tuple[list[int], bool]:
    """The ids a page of the branch on screen shows, and whether it has earlier ones.

    Along a branch ids only grow (a message is written after the one before it), so a page
    is still "from `since_id` on" or "the newest `limit` before `before_id`"."""
    path = tree.path()
    if since_id is not None:
        return [i for i in path if i >= since_id], bool(path) and path[0] < since_id
    before = [i for i in path if before_id is None or i < before_id]
    return before[-limit:], len(before) > limit


def mark_branches(rows: Sequence[BranchRow], tree: Tree) -> None:
    """Each row's place among its versions."""
    for row in rows:
        if row.id in tree.nodes:
            versions = tree.siblings(row.id)
            row.branch_index, row.branch_count = versions.index, versions.count
            row.previous_branch_id, row.next_branch_id = versions.previous_id, versions.next_id
