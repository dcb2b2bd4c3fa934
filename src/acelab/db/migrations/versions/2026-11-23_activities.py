"""Activities, learner profiles and stored LLM keys (codemm.md §14.1, adapted); submissions lose
`suite_source`: only submissions to a stored problem are recorded now, all graded with its suite.

Revision ID: 0008_activities
Revises: 0007_coding_sessions
Create Date: 2026-11-23 15:14:51.121247
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import acelab.db.base

revision: str = "0008_activities"
down_revision: str | None = "0007_coding_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column(
            "problems",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=True),
        sa.Column("community_published_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("community_summary", sa.Text(), nullable=True),
        sa.Column(
            "community_tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_activities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activities_community_published_at"), ["community_published_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_activities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "learner_profiles",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column(
            "concept_mastery",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recent_failures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("preferred_style", sa.String(), nullable=True),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_learner_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "language", name=op.f("pk_learner_profiles")),
    )
    op.create_table(
        "user_llm_keys",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("key_ciphertext", sa.Text(), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_llm_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_llm_keys")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("suite_source")


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suite_source", sa.VARCHAR(), nullable=False, server_default="stored"))

    op.drop_table("user_llm_keys")
    op.drop_table("learner_profiles")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_user_id"))
        batch_op.drop_index(batch_op.f("ix_activities_community_published_at"))

    op.drop_table("activities")
