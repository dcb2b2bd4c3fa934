"""SpecBuilder sessions, their messages, and the chat's rate-limit counters (codemm.md §14.1, adapted).

Revision ID: 0007_coding_sessions
Revises: 0006_exams
Create Date: 2026-11-23 18:12:40.118306
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import acelab.db.base

revision: str = "0007_coding_sessions"
down_revision: str | None = "0006_exams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "codemm_rate_counters",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_started_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_codemm_rate_counters")),
    )
    with op.batch_alter_table("codemm_rate_counters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_codemm_rate_counters_window_started_at"), ["window_started_at"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("owner_token_hash", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("learning_mode", sa.String(), nullable=False),
        sa.Column("spec", _json(), nullable=False),
        sa.Column("question_key", sa.String(), nullable=True),
        sa.Column("collector_buffer", _json(), nullable=False),
        sa.Column("confidence", _json(), nullable=False),
        sa.Column("commitments", _json(), nullable=False),
        sa.Column("intent_trace", _json(), nullable=False),
        sa.Column("plan", _json(), nullable=True),
        sa.Column("problems", _json(), nullable=True),
        sa.Column("generation_outcomes", _json(), nullable=False),
        sa.Column("activity_id", sa.String(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("generation_heartbeat_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("turn_token", sa.String(), nullable=True),
        sa.Column("turn_expires_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("last_message_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("learning_mode IN ('practice', 'guided')", name=op.f("ck_sessions_learning_mode")),
        sa.CheckConstraint(
            "state IN ('DRAFT', 'CLARIFYING', 'READY', 'GENERATING', 'SAVED', 'FAILED')",
            name=op.f("ck_sessions_state"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_state"), ["state"], unique=False)
        batch_op.create_index(
            "ix_sessions_user_id_last_message_at", ["user_id", "last_message_at"], unique=False
        )

    op.create_table(
        "session_messages",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('user', 'assistant')", name=op.f("ck_session_messages_role")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_messages_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_messages")),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_session_messages_session_id")),
    )


def downgrade() -> None:
    op.drop_table("session_messages")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_user_id_last_message_at")
        batch_op.drop_index(batch_op.f("ix_sessions_state"))

    op.drop_table("sessions")
    with op.batch_alter_table("codemm_rate_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codemm_rate_counters_window_started_at"))

    op.drop_table("codemm_rate_counters")
