"""Add tool policies, approvals, feedback, and who caused (or undid) each effect.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:12:07.351125
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "toolpolicy",
        sa.Column("tool_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("tool_name"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", "user_id"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("effect", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("undoes_id", sa.Integer(), nullable=True))
        batch_op.alter_column("room_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_effect_undoes_id"), ["undoes_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_effect_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key("fk_effect_user_id_user", "user", ["user_id"], ["id"])
        batch_op.create_foreign_key("fk_effect_undoes_id_effect", "effect", ["undoes_id"], ["id"])

    with op.batch_alter_table("toolcall", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_foreign_key("fk_toolcall_decided_by_user", "user", ["decided_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("toolcall", schema=None) as batch_op:
        batch_op.drop_constraint("fk_toolcall_decided_by_user", type_="foreignkey")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("approval_expires_at")

    # Effects of removed rooms have no room left to point at.
    op.execute("DELETE FROM effect WHERE room_id IS NULL")
    with op.batch_alter_table("effect", schema=None) as batch_op:
        batch_op.drop_constraint("fk_effect_undoes_id_effect", type_="foreignkey")
        batch_op.drop_constraint("fk_effect_user_id_user", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_effect_user_id"))
        batch_op.drop_index(batch_op.f("ix_effect_undoes_id"))
        batch_op.alter_column("room_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("undoes_id")
        batch_op.drop_column("user_id")

    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_message_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_created_at"))

    op.drop_table("feedback")
    op.drop_table("toolpolicy")
