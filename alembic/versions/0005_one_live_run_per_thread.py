"""One live run per thread, enforced by a partial unique index.

Runs that raced past the old check-then-insert may have left a thread with several live
runs; all but the newest are expired first, as the sweeper would have done.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = "status IN ('queued', 'in_progress', 'requires_action', 'cancelling')"


def upgrade() -> None:
    op.execute(
        f"""
        UPDATE run SET status = 'expired',
            error = 'Another reply in this thread was running at the same time.'
        WHERE {_LIVE} AND id < (
            SELECT MAX(newer.id) FROM run AS newer
            WHERE newer.thread_id = run.thread_id AND newer.{_LIVE}
        )
        """
    )
    op.create_index(
        "uq_run_live_per_thread",
        "run",
        ["thread_id"],
        unique=True,
        sqlite_where=sa.text(_LIVE),
        postgresql_where=sa.text(_LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_run_live_per_thread", table_name="run")
