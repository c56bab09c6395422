"""Create threads, runs, messages, tool calls, rooms and effects; seed the rooms.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 23:14:43.624264
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

# The home Hearth starts with (the seed's homeTemperatures), in degrees Celsius.
SEED_ROOMS = {
    "bedroom": 20.0,
    "home office": 21.0,
    "living room": 21.0,
    "kitchen": 22.0,
    "bathroom": 23.0,
}

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("celsius", sa.Float(), nullable=False),
        sa.Column("min_celsius", sa.Float(), nullable=False),
        sa.Column("max_celsius", sa.Float(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("step_count", sa.Integer(), nullable=False),
        sa.Column("max_steps", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_run_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "toolcall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("toolcall", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_toolcall_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_toolcall_run_id"), ["run_id"], unique=False)

    op.create_table(
        "effect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("room_name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("old_celsius", sa.Float(), nullable=False),
        sa.Column("new_celsius", sa.Float(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("tool_call_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["room.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tool_call_id"],
            ["toolcall.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("effect", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_effect_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_effect_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_effect_thread_id"), ["thread_id"], unique=False)

    room = sa.table(
        "room",
        sa.column("name", sa.String),
        sa.column("celsius", sa.Float),
        sa.column("min_celsius", sa.Float),
        sa.column("max_celsius", sa.Float),
        sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        room,
        [
            {
                "name": name,
                "celsius": celsius,
                "min_celsius": 5.0,
                "max_celsius": 35.0,
                "updated_at": now,
            }
            for name, celsius in SEED_ROOMS.items()
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("effect", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_effect_thread_id"))
        batch_op.drop_index(batch_op.f("ix_effect_room_id"))
        batch_op.drop_index(batch_op.f("ix_effect_created_at"))

    op.drop_table("effect")
    with op.batch_alter_table("toolcall", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toolcall_run_id"))
        batch_op.drop_index(batch_op.f("ix_toolcall_message_id"))

    op.drop_table("toolcall")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_thread_id"))
        batch_op.drop_index(batch_op.f("ix_message_run_id"))

    op.drop_table("message")
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_thread_id"))
        batch_op.drop_index(batch_op.f("ix_run_status"))

    op.drop_table("run")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_updated_at"))

    op.drop_table("thread")
    op.drop_table("room")
