"""Practice templates, practice sessions (with their frozen question snapshot) and answers.

Answers keep no foreign key to questions, so practice history survives question edits (ace.md §12.3.7).

Revision ID: 0005_practice
Revises: 0004_questions
Create Date: 2026-11-23 14:59:32.540324
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import acelab.db.base

revision: str = "0005_practice"
down_revision: str | None = "0004_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_templates",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("section", sa.String(), nullable=False),
        sa.Column("topic_id", sa.String(), nullable=True),
        sa.Column("difficulty_id", sa.String(), nullable=True),
        sa.Column("is_timed", sa.Boolean(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.String(), nullable=True),
        sa.Column("updated_by_user_id", sa.String(), nullable=True),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_practice_templates_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["difficulty_id"],
            ["question_bank_difficulties.id"],
            name=op.f("fk_practice_templates_difficulty_id_question_bank_difficulties"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_practice_templates_exam_package_id_exam_packages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["question_topics.id"],
            name=op.f("fk_practice_templates_topic_id_question_topics"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["users.id"],
            name=op.f("fk_practice_templates_updated_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_templates")),
    )
    with op.batch_alter_table("practice_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_templates_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_practice_templates_difficulty_id"), ["difficulty_id"], unique=False
        )
        batch_op.create_index(
            "ix_practice_templates_listing",
            ["exam_package_id", "section", "sort_order", "created_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_practice_templates_topic_id"), ["topic_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_practice_templates_updated_by_user_id"), ["updated_by_user_id"], unique=False
        )

    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("package_id", sa.String(), nullable=True),
        sa.Column("tier_id", sa.String(), nullable=True),
        sa.Column("template_id", sa.String(), nullable=True),
        sa.Column("is_timed", sa.Boolean(), nullable=False),
        sa.Column("started_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=False),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("current_question_started_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column(
            "questions_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "question_order",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "question_timings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("correct_count", sa.Integer(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'finished')", name=op.f("ck_practice_sessions_status")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["exam_packages.id"],
            name=op.f("fk_practice_sessions_package_id_exam_packages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["practice_templates.id"],
            name=op.f("fk_practice_sessions_template_id_practice_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tier_id"],
            ["exam_package_tiers.id"],
            name=op.f("fk_practice_sessions_tier_id_exam_package_tiers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_sessions")),
    )
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_sessions_package_id"), ["package_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_sessions_template_id"), ["template_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_sessions_tier_id"), ["tier_id"], unique=False)
        batch_op.create_index(
            "ix_practice_sessions_user_id_last_activity_at",
            ["user_id", "last_activity_at", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_practice_sessions_user_id_status", ["user_id", "status"], unique=False)

    op.create_table(
        "practice_answers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("choice_id", sa.String(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("ts", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_practice_answers_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_answers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_answers")),
        sa.UniqueConstraint("session_id", "question_id", name=op.f("uq_practice_answers_session_id")),
    )
    with op.batch_alter_table("practice_answers", schema=None) as batch_op:
        batch_op.create_index("ix_practice_answers_user_id_ts", ["user_id", "ts"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("practice_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_answers_user_id_ts")

    op.drop_table("practice_answers")
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_sessions_user_id_status")
        batch_op.drop_index("ix_practice_sessions_user_id_last_activity_at")
        batch_op.drop_index(batch_op.f("ix_practice_sessions_tier_id"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_template_id"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_package_id"))

    op.drop_table("practice_sessions")
    with op.batch_alter_table("practice_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_templates_updated_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_practice_templates_topic_id"))
        batch_op.drop_index("ix_practice_templates_listing")
        batch_op.drop_index(batch_op.f("ix_practice_templates_difficulty_id"))
        batch_op.drop_index(batch_op.f("ix_practice_templates_created_by_user_id"))

    op.drop_table("practice_templates")
