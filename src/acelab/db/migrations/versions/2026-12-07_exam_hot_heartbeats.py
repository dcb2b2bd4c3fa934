"""An exam heartbeat updates its session in place: no index on `last_heartbeat_at`, answers in the row.

Every heartbeat changes `last_heartbeat_at`; while an index covered it, each one wrote a new row
version and an entry in each of the table's seven indexes, and none was a heap-only (HOT) update.
Forty answers (about 3 KB) were also past the size at which PostgreSQL moves a row's largest values
out of line, so each heartbeat stored its answers anew in the TOAST table, with its index. With
`toast_tuple_target` at its maximum only the paper (about 9 KB compressed) goes out of line, and a
low fillfactor leaves room on each page for a row whose answers grow during the attempt.
Measured with 250 students and 8 heartbeats of 5 answers each: PostgreSQL spent 0.40-0.52 ms per
heartbeat before, 0.23-0.24 ms after, and 90% of the updates were HOT instead of none.

The student's list filters by user first (`ix_exam_sessions_user_id_status`); the live feed's
snapshot by status (`ix_exam_sessions_status_closes_at`); only the admin list of every session
sorts the table by last heartbeat.

Revision ID: 0011_exam_hot_heartbeats
Revises: 0010_lz4_documents
Create Date: 2026-12-07 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_exam_hot_heartbeats"
down_revision: str | None = "0010_lz4_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_exam_sessions_last_heartbeat_at", table_name="exam_sessions")
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE exam_sessions SET (fillfactor = 30, toast_tuple_target = 8160)")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE exam_sessions RESET (fillfactor, toast_tuple_target)")
    op.create_index("ix_exam_sessions_last_heartbeat_at", "exam_sessions", ["last_heartbeat_at"])
