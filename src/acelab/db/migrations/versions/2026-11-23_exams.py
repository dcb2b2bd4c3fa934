"""Exam blueprints; exam sessions become attempts too (a frozen paper, the server's clock, answers,
a score), with ordered saves (revision, client seq) and integrity counters; events get a source.

Revision ID: 0006_exams
Revises: 0005_practice
Create Date: 2026-11-23 15:12:44.901883
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import acelab.db.base

revision: str = "0006_exams"
down_revision: str | None = "0005_practice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "exam_blueprints",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("mix", _json(), nullable=False),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=False),
        sa.Column("grace_seconds", sa.Integer(), nullable=False),
        sa.Column("pass_percent", sa.Integer(), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("shuffle_questions", sa.Boolean(), nullable=False),
        sa.Column("shuffle_choices", sa.Boolean(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.String(), nullable=True),
        sa.Column("updated_by_user_id", sa.String(), nullable=True),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_exam_blueprints_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_exam_blueprints_exam_package_id_exam_packages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["users.id"],
            name=op.f("fk_exam_blueprints_updated_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_blueprints")),
    )
    with op.batch_alter_table("exam_blueprints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exam_blueprints_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_exam_blueprints_exam_package_id_name", ["exam_package_id", "name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exam_blueprints_updated_by_user_id"), ["updated_by_user_id"], unique=False
        )

    with op.batch_alter_table("exam_session_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(), server_default="client", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_exam_session_events_source"), "source IN ('client', 'server', 'admin')"
        )

    with op.batch_alter_table("exam_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("client_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("heartbeat_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("heartbeat_gap_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("longest_heartbeat_gap_seconds", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("last_ip", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("last_user_agent", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("ip_change_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("user_agent_change_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("blueprint_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("attempt_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("started_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("expires_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closes_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("time_limit_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("grace_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pass_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("paper", _json(), nullable=True))
        batch_op.add_column(sa.Column("answers", _json(), nullable=True))
        batch_op.add_column(sa.Column("submit_reason", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("score_correct", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score_percent", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("passed", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("breakdown", _json(), nullable=True))
        batch_op.create_index("ix_exam_sessions_status_closes_at", ["status", "closes_at"], unique=False)
        batch_op.create_unique_constraint(
            "uq_exam_sessions_user_id_blueprint_id_attempt_number",
            ["user_id", "blueprint_id", "attempt_number"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_exam_sessions_blueprint_id_exam_blueprints"),
            "exam_blueprints",
            ["blueprint_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("exam_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_exam_sessions_blueprint_id_exam_blueprints"), type_="foreignkey"
        )
        batch_op.drop_constraint("uq_exam_sessions_user_id_blueprint_id_attempt_number", type_="unique")
        batch_op.drop_index("ix_exam_sessions_status_closes_at")
        for column in (
            "breakdown",
            "passed",
            "score_percent",
            "score_total",
            "score_correct",
            "submit_reason",
            "answers",
            "paper",
            "pass_percent",
            "grace_seconds",
            "time_limit_seconds",
            "closes_at",
            "expires_at",
            "started_at",
            "attempt_number",
            "blueprint_id",
            "user_agent_change_count",
            "ip_change_count",
            "last_user_agent",
            "last_ip",
            "longest_heartbeat_gap_seconds",
            "heartbeat_gap_count",
            "heartbeat_count",
            "client_seq",
            "revision",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("exam_session_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_exam_session_events_source"), type_="check")
        batch_op.drop_column("source")

    with op.batch_alter_table("exam_blueprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_blueprints_updated_by_user_id"))
        batch_op.drop_index("ix_exam_blueprints_exam_package_id_name")
        batch_op.drop_index(batch_op.f("ix_exam_blueprints_created_by_user_id"))

    op.drop_table("exam_blueprints")
