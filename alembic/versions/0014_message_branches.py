"""Branches: each message names the one before it on its branch, and each thread the last
message of the branch on screen (an edit or a regeneration keeps the earlier version).

Plain `add_column`s of nullable columns: SQLite does not rebuild `message`, so the search
index's triggers (0012) stay. Nothing is rewritten: a message with no parent recorded follows
the message before it in its thread, and a thread with no head shows its newest message, so
the messages stored before read as one branch, as they were (app/assistant/branches.py).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("message", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.add_column("thread", sa.Column("head_message_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMNs (SQLite >= 3.35): rebuilding `message` would drop its triggers, and
    # rebuilding `thread` is refused while messages point at it.
    op.drop_column("thread", "head_message_id")
    op.drop_column("message", "parent_id")
