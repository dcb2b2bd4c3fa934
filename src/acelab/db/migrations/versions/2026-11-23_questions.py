"""Question bank: banks, topics, difficulties (seeded easy/medium/hard), questions, choices, correct choice.

Revision ID: 0004_questions
Revises: 0003_catalog
Create Date: 2026-11-23 14:51:43.447721
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import acelab.db.base

revision: str = "0004_questions"
down_revision: str | None = "0003_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    difficulties = op.create_table(
        "question_bank_difficulties",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_bank_difficulties")),
    )
    # ace.md §12.1 000009: the seeded difficulties (only their display names are editable).
    op.bulk_insert(
        difficulties,
        [
            {"id": "easy", "display_name": "Easy", "sort_order": 1},
            {"id": "medium", "display_name": "Medium", "sort_order": 2},
            {"id": "hard", "display_name": "Hard", "sort_order": 3},
        ],
    )
    op.create_table(
        "question_banks",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=True),
        sa.Column("created_by_user_id", sa.String(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_question_banks_created_by_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_question_banks_exam_package_id_exam_packages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_banks")),
        sa.UniqueConstraint("exam_package_id", "name", name=op.f("uq_question_banks_exam_package_id")),
    )
    op.create_table(
        "question_topics",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("question_bank_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("created_by_user_id", sa.String(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_question_topics_created_by_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["question_bank_id"],
            ["question_banks.id"],
            name=op.f("fk_question_topics_question_bank_id_question_banks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_topics")),
        sa.UniqueConstraint("question_bank_id", "name", name=op.f("uq_question_topics_question_bank_id")),
    )
    op.create_table(
        "question_bank_questions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("question_bank_id", sa.String(), nullable=True),
        sa.Column("topic_id", sa.String(), nullable=True),
        sa.Column("difficulty_id", sa.String(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("explanation_text", sa.Text(), server_default="", nullable=False),
        sa.Column("review_note", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(), server_default="draft", nullable=False),
        sa.Column("created_by_user_id", sa.String(), nullable=False),
        sa.Column("updated_by_user_id", sa.String(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'in_review', 'needs_changes', 'published', 'archived')",
            name=op.f("ck_question_bank_questions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_question_bank_questions_created_by_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["difficulty_id"],
            ["question_bank_difficulties.id"],
            name=op.f("fk_question_bank_questions_difficulty_id_question_bank_difficulties"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["question_bank_id"],
            ["question_banks.id"],
            name=op.f("fk_question_bank_questions_question_bank_id_question_banks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["question_topics.id"],
            name=op.f("fk_question_bank_questions_topic_id_question_topics"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["users.id"],
            name=op.f("fk_question_bank_questions_updated_by_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_bank_questions")),
    )
    with op.batch_alter_table("question_bank_questions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_question_bank_questions_selection",
            ["question_bank_id", "status", "topic_id", "difficulty_id", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_question_bank_questions_status_created_at", ["status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_question_bank_questions_status_updated_at", ["status", "updated_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_question_bank_questions_topic_id"), ["topic_id"], unique=False)

    op.create_table(
        "question_bank_choices",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("order_index", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question_bank_questions.id"],
            name=op.f("fk_question_bank_choices_question_id_question_bank_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_bank_choices")),
        sa.UniqueConstraint("id", "question_id", name=op.f("uq_question_bank_choices_id")),
        sa.UniqueConstraint("question_id", "order_index", name=op.f("uq_question_bank_choices_question_id")),
    )
    op.create_table(
        "question_bank_correct_choice",
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("choice_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["choice_id", "question_id"],
            ["question_bank_choices.id", "question_bank_choices.question_id"],
            name=op.f("fk_question_bank_correct_choice_choice_id_question_bank_choices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question_bank_questions.id"],
            name=op.f("fk_question_bank_correct_choice_question_id_question_bank_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_question_bank_correct_choice")),
        sa.UniqueConstraint("choice_id", name=op.f("uq_question_bank_correct_choice_choice_id")),
    )


def downgrade() -> None:
    op.drop_table("question_bank_correct_choice")
    op.drop_table("question_bank_choices")
    with op.batch_alter_table("question_bank_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_bank_questions_topic_id"))
        batch_op.drop_index("ix_question_bank_questions_status_updated_at")
        batch_op.drop_index("ix_question_bank_questions_status_created_at")
        batch_op.drop_index("ix_question_bank_questions_selection")

    op.drop_table("question_bank_questions")
    op.drop_table("question_topics")
    op.drop_table("question_banks")
    op.drop_table("question_bank_difficulties")
