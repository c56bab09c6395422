"""The run statuses: every one is live or terminal, never both (the one-live-run index and the
sweeper rely on the split)."""

from __future__ import annotations

from app.db.statuses import LIVE_RUN_STATUSES, TERMINAL_RUN_STATUSES, RunStatus


def test_every_status_is_live_or_terminal_never_both() -> None:
    assert set(LIVE_RUN_STATUSES) == {"queued", "in_progress", "requires_action", "cancelling"}
    assert set(LIVE_RUN_STATUSES) | TERMINAL_RUN_STATUSES == set(RunStatus)
    assert not set(LIVE_RUN_STATUSES) & TERMINAL_RUN_STATUSES
