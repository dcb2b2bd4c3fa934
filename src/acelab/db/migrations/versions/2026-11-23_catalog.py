"""Catalog (exam packages, tiers, enrollments and their events) and the exam session tables.

Revision ID: 0003_catalog
Revises: 0002_submissions
Create Date: 2026-11-23 14:50:51.426996
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import acelab.db.base

revision: str = "0003_catalog"
down_revision: str | None = "0002_submissions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exam_packages",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("subtitle", sa.String(), nullable=True),
        sa.Column("overview", sa.String(), nullable=True),
        sa.Column(
            "modules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "highlights",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "module_sections",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_packages")),
        sa.UniqueConstraint("code", name=op.f("uq_exam_packages_code")),
        sa.UniqueConstraint("name", name=op.f("uq_exam_packages_name")),
    )
    op.create_table(
        "exam_package_tiers",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "policy",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("max_practice_sessions_per_week", sa.Integer(), nullable=True),
        sa.Column("max_exam_sessions_per_week", sa.Integer(), nullable=True),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_exam_package_tiers_exam_package_id_exam_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_package_tiers")),
        sa.UniqueConstraint("exam_package_id", "code", name=op.f("uq_exam_package_tiers_exam_package_id")),
    )
    with op.batch_alter_table("exam_package_tiers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exam_package_tiers_exam_package_id_is_active", ["exam_package_id", "is_active"], unique=False
        )
        batch_op.create_index(
            "ix_exam_package_tiers_one_default",
            ["exam_package_id"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.create_table(
        "exam_sessions",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=True),
        sa.Column("tier_id", sa.String(), nullable=True),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_heartbeat_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("terminated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("terminated_by_user_id", sa.String(), nullable=True),
        sa.Column("termination_reason", sa.String(), nullable=False),
        sa.Column("invalidated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("invalidated_by_user_id", sa.String(), nullable=True),
        sa.Column("invalidation_reason", sa.String(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'finished', 'terminated', 'invalid')", name=op.f("ck_exam_sessions_status")
        ),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_exam_sessions_exam_package_id_exam_packages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invalidated_by_user_id"],
            ["users.id"],
            name=op.f("fk_exam_sessions_invalidated_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["terminated_by_user_id"],
            ["users.id"],
            name=op.f("fk_exam_sessions_terminated_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tier_id"],
            ["exam_package_tiers.id"],
            name=op.f("fk_exam_sessions_tier_id_exam_package_tiers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exam_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "id", name=op.f("pk_exam_sessions")),
    )
    with op.batch_alter_table("exam_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exam_sessions_exam_package_id_created_at", ["exam_package_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exam_sessions_last_heartbeat_at"), ["last_heartbeat_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exam_sessions_tier_id"), ["tier_id"], unique=False)
        batch_op.create_index("ix_exam_sessions_user_id_status", ["user_id", "status"], unique=False)

    op.create_table(
        "user_exam_package_enrollment_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=False),
        sa.Column("from_tier_id", sa.String(), nullable=True),
        sa.Column("to_tier_id", sa.String(), nullable=True),
        sa.Column("changed_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("changed_by_user_id", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"],
            ["users.id"],
            name=op.f("fk_user_exam_package_enrollment_events_changed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_user_exam_package_enrollment_events_exam_package_id_exam_packages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_tier_id"],
            ["exam_package_tiers.id"],
            name=op.f("fk_user_exam_package_enrollment_events_from_tier_id_exam_package_tiers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_tier_id"],
            ["exam_package_tiers.id"],
            name=op.f("fk_user_exam_package_enrollment_events_to_tier_id_exam_package_tiers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_exam_package_enrollment_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_exam_package_enrollment_events")),
    )
    with op.batch_alter_table("user_exam_package_enrollment_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_exam_package_enrollment_events_exam_package_id"),
            ["exam_package_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_user_exam_package_enrollment_events_from_tier_id"), ["from_tier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_exam_package_enrollment_events_to_tier_id"), ["to_tier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_exam_package_enrollment_events_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "user_exam_package_enrollments",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("exam_package_id", sa.String(), nullable=False),
        sa.Column("tier_id", sa.String(), nullable=False),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_package_id"],
            ["exam_packages.id"],
            name=op.f("fk_user_exam_package_enrollments_exam_package_id_exam_packages"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tier_id"],
            ["exam_package_tiers.id"],
            name=op.f("fk_user_exam_package_enrollments_tier_id_exam_package_tiers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_exam_package_enrollments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "exam_package_id", name=op.f("pk_user_exam_package_enrollments")),
    )
    with op.batch_alter_table("user_exam_package_enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_exam_package_enrollments_exam_package_id"), ["exam_package_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_exam_package_enrollments_tier_id"), ["tier_id"], unique=False
        )

    op.create_table(
        "exam_session_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id", "session_id"],
            ["exam_sessions.user_id", "exam_sessions.id"],
            name=op.f("fk_exam_session_events_user_id_exam_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_session_events")),
    )
    with op.batch_alter_table("exam_session_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exam_session_events_user_id_session_id_id", ["user_id", "session_id", "id"], unique=False
        )

    op.create_table(
        "exam_session_flags",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("flag_type", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("created_by_user_id", sa.String(), nullable=True),
        sa.Column("created_at", acelab.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_exam_session_flags_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id", "session_id"],
            ["exam_sessions.user_id", "exam_sessions.id"],
            name=op.f("fk_exam_session_flags_user_id_exam_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_session_flags")),
    )
    with op.batch_alter_table("exam_session_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exam_session_flags_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_exam_session_flags_user_id_session_id", ["user_id", "session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exam_session_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_exam_session_flags_user_id_session_id")
        batch_op.drop_index(batch_op.f("ix_exam_session_flags_created_by_user_id"))

    op.drop_table("exam_session_flags")
    with op.batch_alter_table("exam_session_events", schema=None) as batch_op:
        batch_op.drop_index("ix_exam_session_events_user_id_session_id_id")

    op.drop_table("exam_session_events")
    with op.batch_alter_table("user_exam_package_enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_exam_package_enrollments_tier_id"))
        batch_op.drop_index(batch_op.f("ix_user_exam_package_enrollments_exam_package_id"))

    op.drop_table("user_exam_package_enrollments")
    with op.batch_alter_table("user_exam_package_enrollment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_exam_package_enrollment_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_exam_package_enrollment_events_to_tier_id"))
        batch_op.drop_index(batch_op.f("ix_user_exam_package_enrollment_events_from_tier_id"))
        batch_op.drop_index(batch_op.f("ix_user_exam_package_enrollment_events_exam_package_id"))

    op.drop_table("user_exam_package_enrollment_events")
    with op.batch_alter_table("exam_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_exam_sessions_user_id_status")
        batch_op.drop_index(batch_op.f("ix_exam_sessions_tier_id"))
        batch_op.drop_index(batch_op.f("ix_exam_sessions_last_heartbeat_at"))
        batch_op.drop_index("ix_exam_sessions_exam_package_id_created_at")

    op.drop_table("exam_sessions")
    with op.batch_alter_table("exam_package_tiers", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_exam_package_tiers_one_default",
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )
        batch_op.drop_index("ix_exam_package_tiers_exam_package_id_is_active")

    op.drop_table("exam_package_tiers")
    op.drop_table("exam_packages")
