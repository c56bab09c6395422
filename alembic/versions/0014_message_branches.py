"""Branches: each message names the one before it on its branch, and each thread the last
message of the branch on screen (an edit or a regeneration keeps the earlier version).

Plain `add_column`s of nullable columns: SQLite does not rebuild `message`, so the search
index's triggers (0012) stay. Messages stored before get the message before them in the
thread as parent, and each thread its newest message as head: one branch, as it was.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("message", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.create_index("ix_message_parent_id", "message", ["parent_id"])
    op.add_column("thread", sa.Column("head_message_id", sa.Integer(), nullable=True))
    # `parts` is not written, so the search index's update trigger does not fire.
    op.execute(
        """UPDATE message SET parent_id = (
            SELECT max(earlier.id) FROM message AS earlier
            WHERE earlier.thread_id = message.thread_id AND earlier.id < message.id)"""
    )
    op.execute(
        "UPDATE thread SET head_message_id = "
        "(SELECT max(message.id) FROM message WHERE message.thread_id = thread.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_column("head_message_id")
    op.drop_index("ix_message_parent_id", table_name="message")
    # A plain DROP COLUMN (SQLite >= 3.35): rebuilding `message` would drop its triggers.
    op.drop_column("message", "parent_id")
