"""Practice answers update their session in place: no index on `last_activity_at`, room on each page.

An answer changes `last_activity_at`; while an index covered it, every answer wrote a new entry in
each of the table's six indexes. Without it, and with a fillfactor that leaves room for the new row
version on the same page, PostgreSQL updates the row as a heap-only tuple (HOT). The student's list
filters by user and sorts that student's sessions, which `ix_practice_sessions_user_id_status` finds.

Revision ID: 0009_practice_hot_updates
Revises: 0008_activities
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_practice_hot_updates"
down_revision: str | None = "0008_activities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_practice_sessions_user_id_last_activity_at", table_name="practice_sessions")
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE practice_sessions SET (fillfactor = 80)")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE practice_sessions RESET (fillfactor)")
    op.create_index(
        "ix_practice_sessions_user_id_last_activity_at",
        "practice_sessions",
        ["user_id", "last_activity_at", "created_at"],
    )
